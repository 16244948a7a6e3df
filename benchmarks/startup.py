"""How long does a command take to start, against importing the libraries it stands on?

    python benchmarks/startup.py                  # best of 15 runs each
    python benchmarks/startup.py --repeat 30

Command: ``coprod-toc validate examples/day-centre.toml`` with every plugin installed (the
SQL and Kumu plugins load as entry points; neither imports its heavy library until used).
Floor: ``python -c "import networkx, attrs, pluggy"``, a new process, measured in the same
run. Each is a fresh process; they take turns, so a slow spell of the machine falls on both.
Goal: the command within 2x the floor.

Also shown: what the command imports (``-X importtime``), the slowest modules first, so a
regression names its cause.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from common import best_of_each

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "day-centre.toml"
# The console script pip installed beside this Python: what a user runs.
SCRIPT = Path(sys.executable).parent / "coprod-toc"
COMMAND = [str(SCRIPT), "validate", str(EXAMPLE)]
FLOOR = [sys.executable, "-c", "import networkx, attrs, pluggy"]
GOAL = 2.0


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, env=os.environ | {"PYTHONHASHSEED": "0"})
    if done.returncode not in (0, 1):  # 1: the map has findings, still a full run
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()}")


def slowest_imports(count: int) -> list[tuple[int, str]]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *COMMAND], capture_output=True, text=True
    )
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self" not in line:
            self_part, _cumulative, name = line.split("|", 2)
            rows.append((int(self_part.split(":")[-1]), name.strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    times = best_of_each(args.repeat, floor=lambda: run(FLOOR), command=lambda: run(COMMAND))
    ratio = times["command"] / times["floor"]
    print(f"floor   import networkx, attrs, pluggy    {times['floor'] * 1000:7.0f} ms")
    print(f"command coprod-toc validate day-centre   {times['command'] * 1000:7.0f} ms")
    verdict = "met" if ratio <= GOAL else "NOT MET"
    print(f"ratio   {ratio:.2f}x the floor (goal: within {GOAL:.0f}x) {verdict}")
    print("\nslowest imports of the command (self time):")
    for micros, name in slowest_imports(12):
        print(f"  {micros / 1000:6.1f} ms  {name}")


if __name__ == "__main__":
    main()
