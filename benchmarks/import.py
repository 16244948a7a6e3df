"""How fast is survey import, against the csv module reading the same file?

    python benchmarks/import.py                   # 200,000 rows x 30 columns
    python benchmarks/import.py --rows 20000 --memory-rows 100000

Floor: the stdlib ``csv`` module reading every row of the same file (opened as UTF-8, the
delimiter given). The import does that plus detecting the tool, checking the encoding,
sniffing the delimiter, pseudonymising each respondent (keyed BLAKE2b), reading timestamps
and building the neutral table's responses.

Memory: peak memory (tracemalloc) streaming every response of a file of 100,000 rows and
of ten times that. Goal: the import within 3x the floor; the larger file's peak no more
than about 1.5x the smaller's.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

import coprod_toc as ct

COLUMNS = 30
_ANSWERS = ("Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "", "Don't know")


def write_survey(path: Path, rows: int, seed: int = 3) -> None:
    """A SurveyMonkey-shaped export: two header rows, the nine metadata columns, then
    grid answers, numbers and a free-text comment with commas and quotes."""
    rng = random.Random(seed)
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1"]  # fmt: skip
    questions = COLUMNS - len(meta)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*meta, "How much do you agree?"] + [""] * (questions - 2) + ["Comments"])
        statements = [f"Statement {i}" for i in range(questions - 1)]
        writer.writerow([""] * len(meta) + statements + ["Open-Ended Response"])
        for n in range(rows):
            day = 1 + n % 28
            writer.writerow(
                [str(11840000000 + n), "4301", f"{day:02d}/01/2026 10:02",
                 f"{day:02d}/01/2026 10:09", "", "", "", "", ""]
                + [rng.choice(_ANSWERS) for _ in range(questions - 1)]
                + ['Good, "really" good' if n % 3 else ""]
            )  # fmt: skip


def read_floor(path: Path) -> int:
    count = 0
    with path.open(newline="", encoding="utf-8") as handle:
        for _ in csv.reader(handle, delimiter=","):
            count += 1
    return count


def read_import(path: Path, key: bytes) -> int:
    count = 0
    for _ in ct.import_survey(path, pseudonym_key=key).responses():
        count += 1
    return count


def peak_memory(path: Path, key: bytes) -> int:
    tracemalloc.start()
    read_import(path, key)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--memory-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    key = b"benchmark-key-32-bytes-long-....."
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.csv"
        write_survey(path, args.rows)
        size = path.stat().st_size / 1e6
        floor_times, import_times = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            read_floor(path)
            floor_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            count = read_import(path, key)
            import_times.append(time.perf_counter() - start)
        floor, imported = min(floor_times), min(import_times)
        print(f"{args.rows:,} rows x {COLUMNS} columns ({size:.0f} MB), {count:,} responses")
        print(f"  floor (csv module):  {floor:6.2f} s")
        ratio = imported / floor
        print(f"  import_survey:       {imported:6.2f} s   {ratio:4.2f}x the floor (goal: 3x)")

        small, large = Path(folder) / "small.csv", Path(folder) / "large.csv"
        write_survey(small, args.memory_rows)
        write_survey(large, args.memory_rows * 10)
        peak_small, peak_large = peak_memory(small, key), peak_memory(large, key)
        print(f"peak memory streaming {args.memory_rows:,} rows: {peak_small / 1e6:6.1f} MB")
        print(
            f"peak memory streaming {args.memory_rows * 10:,} rows: {peak_large / 1e6:6.1f} MB"
            f"   {peak_large / peak_small:4.2f}x (goal: about 1.5x)"
        )


if __name__ == "__main__":
    main()
