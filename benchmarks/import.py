"""How fast is survey import, against the csv module and openpyxl reading the same file?

    python benchmarks/import.py                   # all three, at the sizes below
    python benchmarks/import.py --rows 20000 --xlsx-rows 2000 --memory-rows 10000

1. A SurveyMonkey-shaped CSV of 200,000 rows and 30 columns (grid answers, a comment).
   Floor: the stdlib ``csv`` module reading every row of the same file. The import does
   that plus detecting the tool, choosing the encoding, sniffing the delimiter, deciding the
   date order, leaving personal columns out, checking every answer for personal data and
   missing-answer markers, pseudonymising each respondent and reading timestamps.
   Goal: within 2.5x the floor.
2. The same with a third of the columns free text holding names, e-mail addresses, phone
   numbers and postcodes, all of which the import scrubs. Goal: within 3.5x the floor.
3. A Microsoft Forms workbook (XLSX) of 20,000 rows and 30 columns. Floor: openpyxl's
   read-only mode iterating the same rows. Goal: the import within 1.5x the floor.

Memory: peak memory (tracemalloc) streaming every response of a CSV of 100,000 rows and of
ten times that. Goal: the larger file's peak no more than about 1.5x the smaller's.

Floor and import are timed alternately, best of ``--repeat`` each.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import os
import random
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import coprod_toc as ct
from coprod_toc.surveys.kit.rows import XLSX_READER_ENV

COLUMNS = 30
_ANSWERS = ("Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "", "Don't know")
_FIRST = ("Sam", "Priya", "Olu", "Ana", "Tom", "Li", "Maya", "Joe", "Ewa", "Kofi")
_LAST = ("Taylor", "Shah", "Adeyemi", "Silva", "Hughes", "Wei", "Patel", "Brown", "Nowak", "Mensah")
#: Comments with nothing personal in them, as most are: short and long, some with numbers.
_PLAIN = (
    "Really helpful, thank you",
    "I liked the planning day and the lunch was good",
    "More sessions please",
    "The room was too hot in the afternoon",
    "I felt listened to for the first time in a long while",
    "10/10",
    "2 sessions were enough",
    "Not sure yet",
    "It would help to have the papers a week before, in easy read",
    "The bus to the centre is a problem on Sundays, could we start later?",
    "Everyone was kind and patient with me",
    'Good, "really" good',
    "I made new friends",
    "The pictures on the slides helped",
    "Too much talking at the start",
    "Lovely staff",
    "I would come again",
    "It was hard to hear at the back",
    "We need a quiet room",
    "The games were fun",
    "Could we meet in the evening?",
    "I learnt how to use the tablet",
    "The food could be better",
    "It gave me confidence to speak up",
    "Parking was difficult",
    "I liked choosing the trips",
    "Less paperwork please",
    "My carer came with me and liked it too",
    "Felt a bit rushed",
)  # fmt: skip
#: Comments naming someone, or giving contact details or a postcode.
_PERSONAL = (
    "{name} made me feel welcome and explained everything twice.",
    "Please ask {name} to call me on 07700 900{n:03d}.",
    "You can email me at {user}@example.org about the next meeting.",
    "The venue near {postcode} was easy to reach.",
    "{name} and I would like more sessions like this one, maybe on Fridays?",
)
_POSTCODES = ("LS1 4DY", "M1 1AE", "SW1A 1AA", "B33 8TH", "EC1A 1BB")


def _comment(rng: random.Random, n: int, personal: float) -> str:
    """An answer to an open question: blank two times in five; else personal with the
    chance ``personal``, plain otherwise."""
    if rng.random() < 0.4:
        return ""
    if rng.random() >= personal:
        # Answers nearly all different, as people's are: three phrases, in some order.
        return ". ".join(rng.sample(_PLAIN, 3))
    first = rng.choice(_FIRST)
    return rng.choice(_PERSONAL).format(
        name=first, n=n % 1000, user=first.lower(), postcode=rng.choice(_POSTCODES)
    )


def write_survey(
    path: Path,
    rows: int,
    *,
    free_text: bool = False,
    personal: float = 0.2,
    named: bool = True,
    seed: int = 3,
) -> None:
    """A SurveyMonkey-shaped export: two header rows, the nine metadata columns, then grid
    answers and comments with commas and quotes. With ``free_text`` a third of the columns
    are comments (a share ``personal`` of the answered ones naming someone or giving an
    e-mail address, a phone number or a postcode) and the respondents' names are filled in."""
    rng = random.Random(seed)
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1"]  # fmt: skip
    questions = COLUMNS - len(meta)
    texts = questions // 2 if free_text else 1
    grid = questions - texts
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [*meta, "How much do you agree?"] + [""] * (grid - 1)
            + [f"Comment {i}" for i in range(texts)]
        )  # fmt: skip
        writer.writerow(
            [""] * len(meta) + [f"Statement {i}" for i in range(grid)]
            + ["Open-Ended Response"] * texts
        )  # fmt: skip
        for n in range(rows):
            day = 1 + n % 28
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            if free_text:
                comments = [_comment(rng, n, personal) for _ in range(texts)]
            else:
                comments = ['Good, "really" good' if n % 3 else ""]
            # The plain file's metadata is blank, as a collector that asks for none
            # writes it; the free-text file names its respondents.
            person = (
                [f"10.0.{n % 250}.{n % 200}", f"{first.lower()}{n}@example.org", first, last]
                if free_text and named
                else ["", "", "", ""]
            )
            writer.writerow(
                [str(11840000000 + n), "4301", f"{day:02d}/01/2026 10:02",
                 f"{day:02d}/01/2026 10:09", *person, ""]
                + [rng.choice(_ANSWERS) for _ in range(grid)]
                + comments
            )  # fmt: skip


def write_workbook(path: Path, rows: int, seed: int = 5) -> None:
    """A Microsoft Forms workbook: ID, Start time, Completion time (date cells), Email,
    Name, then 25 questions of Likert answers and one comment."""
    import openpyxl

    rng = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    questions = COLUMNS - 5
    sheet.append(
        ["ID", "Start time", "Completion time", "Email", "Name"]
        + [f"How much do you agree with statement {i}?" for i in range(questions - 1)]
        + ["Anything else?"]
    )
    start = dt.datetime(2026, 1, 14, 10, 2)
    for n in range(rows):
        at = start + dt.timedelta(minutes=3 * n)
        sheet.append(
            [n + 1, at, at + dt.timedelta(minutes=6), "anonymous", None]
            + [rng.choice(_ANSWERS) for _ in range(questions - 1)]
            + ['Good, "really" good' if n % 3 else None]
        )
    book.save(path)


def read_floor(path: Path) -> int:
    count = 0
    with path.open(newline="", encoding="utf-8") as handle:
        for _ in csv.reader(handle, delimiter=","):
            count += 1
    return count


def read_workbook_floor(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def read_import(path: Path, key: bytes) -> int:
    count = 0
    for _ in ct.import_survey(path, pseudonym_key=key).responses():
        count += 1
    return count


def alternate(
    repeat: int, floor: Callable[[], int], measured: Callable[[], int]
) -> tuple[float, float, int]:
    """Best time of each over ``repeat`` rounds, the two timed one after the other."""
    floors, times, count = [], [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        floor()
        floors.append(time.perf_counter() - start)
        start = time.perf_counter()
        count = measured()
        times.append(time.perf_counter() - start)
    return min(floors), min(times), count


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def peak_memory(path: Path, key: bytes) -> int:
    tracemalloc.start()
    read_import(path, key)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def report(title: str, floor_name: str, floor: float, imported: float, goal: float) -> None:
    print(title)
    print(f"  floor ({floor_name}):  {floor:7.2f} s")
    print(f"  import_survey:{' ' * len(floor_name)}{imported:7.2f} s   "
          f"{imported / floor:4.2f}x the floor (goal: {goal}x)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--xlsx-rows", type=int, default=20_000)
    parser.add_argument("--memory-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--personal", type=float, default=0.2,
        help="share of answered comments that name someone or give contact details",
    )  # fmt: skip
    parser.add_argument(
        "--unnamed", action="store_true",
        help="leave the free-text file's name columns blank (no names pass)",
    )  # fmt: skip
    parser.add_argument(
        "--only", choices=("csv", "free-text", "xlsx", "long-answers", "memory"), default=None
    )
    args = parser.parse_args()
    key = b"benchmark-key-32-bytes-long-....."
    with tempfile.TemporaryDirectory() as folder:
        if args.only in (None, "csv"):
            path = Path(folder) / "responses.csv"
            write_survey(path, args.rows)
            floor, imported, count = alternate(
                args.repeat, lambda: read_floor(path), lambda: read_import(path, key)
            )
            size = path.stat().st_size / 1e6
            report(f"{count:,} rows x {COLUMNS} columns ({size:.0f} MB)", "csv module",
                   floor, imported, 2.5)  # fmt: skip
        if args.only in (None, "free-text"):
            path = Path(folder) / "free-text.csv"
            write_survey(
                path, args.rows, free_text=True, personal=args.personal, named=not args.unnamed
            )
            floor, imported, count = alternate(
                args.repeat, lambda: read_floor(path), lambda: read_import(path, key)
            )
            size = path.stat().st_size / 1e6
            named = "blank" if args.unnamed else "filled in"
            report(f"{count:,} rows x {COLUMNS} columns, a third comments ({args.personal:.0%} of "
                   f"those answered with names, e-mail addresses, phone numbers or postcodes), "
                   f"respondents' name columns {named} ({size:.0f} MB)", "csv module", floor,
                   imported, 3.5)  # fmt: skip
        if args.only in (None, "xlsx"):
            path = Path(folder) / "responses.xlsx"
            write_workbook(path, args.xlsx_rows)
            size = path.stat().st_size / 1e6
            for reader in ("openpyxl", "calamine"):
                if reader == "calamine" and importlib.util.find_spec("python_calamine") is None:
                    print(
                        "  (python-calamine is not installed: pip install 'coprod-toc[fast-xlsx]')"
                    )
                    continue
                os.environ[XLSX_READER_ENV] = reader
                floor, imported, count = alternate(
                    args.repeat, lambda: read_workbook_floor(path), lambda: read_import(path, key)
                )
                report(f"{count:,} responses x {COLUMNS} columns, Microsoft Forms XLSX "
                       f"({size:.1f} MB), read with {reader}", "openpyxl read-only", floor,
                       imported, 1.5)  # fmt: skip
            os.environ.pop(XLSX_READER_ENV, None)
        if args.only in (None, "long-answers"):
            # One answer of 1 MB, then of 10 MB, in a row with an e-mail address: scrubbing
            # is linear in an answer's length.
            times = []
            for size in (1_000_000, 10_000_000):
                path = Path(folder) / f"long-{size}.csv"
                answer = ("word " * (size // 5))[:size]
                path.write_text(f"ID,Comment,Contact\n1,{answer},sam@example.org\n")
                times.append(min(timed(lambda p=path: read_import(p, key)) for _ in range(3)))
            print(f"an answer of 1 MB: {times[0]:.2f} s (goal: under 1 s); of 10 MB: "
                  f"{times[1]:.2f} s, {times[1] / times[0]:.1f}x (goal: 12x at most)")  # fmt: skip
        if args.only in (None, "memory"):
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
