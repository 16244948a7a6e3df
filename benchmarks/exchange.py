"""How do the exchange formats that read back grow with the size of a map? The logframe
workbook, ToC-Maker JSON, Kumu blueprints and the TOML authoring form, exported and
imported, for maps of 1,000 to 10,000 nodes.

Each is measured against a floor in the same run:

* logframe export: openpyxl's write-only mode writing the same cells (built beforehand)
  into the same sheets; import: openpyxl's read-only mode reading every cell's value;
* toc-maker and kumu: the ``json`` module writing and reading the same document;
* toml: tomli-w writing and ``tomllib`` reading the same document.

So the ratio is what building the cells or the document from the map (and the map from
them) costs on top of the library doing the writing and reading. Linear growth shows as a
steady ratio and a steady time per node.

    python benchmarks/exchange.py                 # 1,000 / 2,000 / 5,000 / 10,000
    python benchmarks/exchange.py --repeat 5 --sizes 1000 10000

(csv and graphml: benchmarks/exchange_tables.py; iati: benchmarks/iati.py.)
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomli_w
from openpyxl import Workbook, load_workbook

import coprod_toc as ct
from common import best_of_each
from coprod_toc.api import analyse
from coprod_toc.backends.exchange.logframe import SHEETS, _Rows
from coprod_toc.format import to_document
from exchange_tables import detailed

SIZES = (1_000, 2_000, 5_000, 10_000)


def bare_workbook(cells: dict[str, list[tuple[Any, ...]]], path: Path) -> None:
    """The floor for the logframe export: write-only openpyxl, the same cells."""
    book = Workbook(write_only=True)
    for name, rows in cells.items():
        sheet = book.create_sheet(name)
        sheet.append(SHEETS[name])
        for row in rows:
            sheet.append(row)
    book.save(path)


def bare_read(path: Path) -> int:
    """The floor for the logframe import: read-only openpyxl, every value of every sheet."""
    book = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for sheet in book for _ in sheet.iter_rows(values_only=True))
    book.close()
    return count


def json_round(document: Any, path: Path) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")


def measure(size: int, repeat: int, out: Path) -> tuple[ct.TheoryOfChange, dict[str, float]]:
    """Each format's export and import of a map of ``size`` nodes, with its floor."""
    toc = detailed(size)
    toc.evidence = type(toc.evidence)()  # the formats that read back carry none
    analyses = analyse(toc)
    rows = _Rows(toc, analyses)
    cells = {name: getattr(rows, name.lower())() for name in SHEETS}
    workbook = ct.export(toc, "logframe", out / "map.xlsx", analyses=analyses)
    maker = ct.export(toc, "toc-maker", out / "map.json")
    maker_doc = json.loads(maker.read_text("utf-8"))
    kumu = ct.export(toc, "kumu", out / "kumu.json")
    kumu_doc = json.loads(kumu.read_text("utf-8"))
    toml_text = ct.dumps(toc, format="toml")
    document = {k: v for k, v in to_document(toc).items() if v != []}
    runs: dict[str, Callable[[], object]] = {
        "logframe export": lambda: ct.export(
            toc, "logframe", out / "again.xlsx", analyses=analyses
        ),
        "logframe export floor": lambda: bare_workbook(cells, out / "bare.xlsx"),
        "logframe import": lambda: ct.import_map(workbook, format="logframe"),
        "logframe import floor": lambda: bare_read(workbook),
        "toc-maker export": lambda: ct.export(toc, "toc-maker", out / "again.json"),
        "toc-maker export floor": lambda: json_round(maker_doc, out / "bare.json"),
        "toc-maker import": lambda: ct.import_map(maker, format="toc-maker"),
        "toc-maker import floor": lambda: json.loads(maker.read_text("utf-8")),
        "kumu export": lambda: ct.export(toc, "kumu", out / "again-kumu.json"),
        "kumu export floor": lambda: json_round(kumu_doc, out / "bare-kumu.json"),
        "kumu import": lambda: ct.import_map(kumu, format="kumu"),
        "kumu import floor": lambda: json.loads(kumu.read_text("utf-8")),
        "toml export": lambda: ct.dumps(toc, format="toml"),
        "toml export floor": lambda: tomli_w.dumps(document),
        "toml import": lambda: ct.loads(toml_text, format="toml"),
        "toml import floor": lambda: tomllib.loads(toml_text),
    }
    return toc, best_of_each(repeat, **runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="*", default=SIZES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = [measure(size, args.repeat, Path(folder)) for size in args.sizes]
    print(
        "sizes: "
        + ", ".join(f"{len(toc):,} nodes / {len(toc.links()):,} links" for toc, _ in results)
    )
    for name in [n for n in results[0][1] if not n.endswith("floor")]:
        print(f"\n{name:<18}{'nodes':>8}{'ours':>11}{'floor':>11}{'x floor':>9}{'µs/node':>9}")
        for toc, times in results:
            ours, floor = times[name], times[f"{name} floor"]
            print(
                f"{'':<18}{len(toc):>8,}{ours * 1000:>9.1f}ms{floor * 1000:>9.1f}ms"
                f"{ours / floor:>8.2f}x{ours / len(toc) * 1e6:>9.1f}"
            )
        first, last = results[0], results[-1]
        if len(results) > 1:
            grew = len(last[0]) / len(first[0])
            print(
                f"{'':<18}growth {len(first[0]):,} -> {len(last[0]):,} nodes: "
                f"{last[1][name] / first[1][name]:.1f}x (map grew {grew:.0f}x, floor "
                f"{last[1][f'{name} floor'] / first[1][f'{name} floor']:.1f}x)"
            )


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n(total {time.perf_counter() - start:.0f} s)")
