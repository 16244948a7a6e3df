"""How fast is the IATI export, against lxml building the same tree, from 1,000 to 10,000 nodes?

For each size every outcome of the map gets one or two indicators, with a baseline, a
target and two to four actuals (quarters, months, financial years, a withheld figure, now
and then a label that names no dates). The export is ``coprod_toc_iati.iati_document``:
settings, the walk over the map, period labels read, the tree built and serialised.

The floor, measured in the same run, is lxml doing only its part: the very tree the export
made, held as plain tuples, built again with bare ``etree.SubElement`` calls and serialised
the same way. Each row prints both times, their ratio and the time per node, so linear
growth shows as a steady time per node.

    python benchmarks/iati.py                  # 1,000 / 2,000 / 5,000 / 10,000 nodes
    python benchmarks/iati.py --sizes 500 5000 --repeat 3

Needs the plugin: ``pip install -e plugins/coprod-toc-iati``.

Goal: the export within 2x the floor, its time per node about the same at every size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from typing import Any

from lxml import etree

import coprod_toc as ct
from coprod_toc_iati import iati_document, iati_tree

try:
    from common import best_of_each, build_map
except ModuleNotFoundError:  # imported from the project's root
    from benchmarks.common import best_of_each, build_map

SETTINGS: dict[str, Any] = {
    "identifier": "GB-CHC-1234567-benchmark",
    "reporting_org_ref": "GB-CHC-1234567",
    "reporting_org_type": 21,
    "reporting_org_name": "Benchmark Trust",
    "status": 2,
    "planned_start": dt.date(2024, 4, 1),
    "planned_end": dt.date(2026, 3, 31),
    "sector_code": "16010",
}
LABELS = ("2024-Q1", "2024-Q2", "2024-Q3", "2025-01", "2025-02", "2024/25", "2025-04-01/2025-09-30")
WITHHELD = "withheld: fewer than 10 answers"

#: A tree as plain data: (tag, attributes, text, children).
Spec = tuple[str, dict[str, str], str | None, list[Any]]


def with_indicators(nodes: int, seed: int = 7) -> ct.TheoryOfChange:
    """A portfolio of projects of 200 nodes whose outcomes all have indicators."""
    rng = random.Random(seed)
    toc = build_map(nodes, projects=max(1, nodes // 200))
    for outcome in toc.outcomes():
        indicators = []
        for number in range(1, rng.randint(1, 2) + 1):
            measure = rng.choice(("unit", "percentage", "percentage", "qualitative"))
            actuals = []
            for label in rng.sample(LABELS, rng.randint(2, 4)):
                value: float | int | str = round(rng.uniform(0, 100), 1)
                if rng.random() < 0.1:
                    value = WITHHELD
                if rng.random() < 0.05:
                    label = "Spring"
                actuals.append(ct.Actual(period=label, value=value))
            indicators.append(
                ct.Indicator(
                    id=f"N{number}",
                    description=f"Indicator {number} of {outcome.id}",
                    measure=measure,
                    ascending=rng.random() < 0.8,
                    baseline=rng.randint(0, 20),
                    target=rng.randint(20, 100),
                    actuals=actuals,
                )
            )
        toc.update(outcome.id, indicators=indicators)
    return toc


def spec_of(element: Any) -> Spec:
    """The tree under ``element`` as plain data."""
    return (element.tag, dict(element.attrib), element.text, [spec_of(c) for c in element])


def floor(spec: Spec) -> bytes:
    """Build the tree with bare lxml calls and serialise it as the export does."""
    tag, attrib, text, children = spec
    root = etree.Element(tag, attrib)
    stack = [(root, children)]
    sub = etree.SubElement
    while stack:
        parent, kids = stack.pop()
        for tag, attrib, text, grandchildren in kids:
            element = sub(parent, tag, attrib)
            if text is not None:
                element.text = text
            if grandchildren:
                stack.append((element, grandchildren))
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 2_000, 5_000, 10_000])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(
        f"{'nodes':>7} {'results':>8} {'elements':>9} {'export':>10} {'floor':>10} "
        f"{'ratio':>6} {'export/node':>12} {'floor/node':>11}"
    )
    for size in args.sizes:
        toc = with_indicators(size)
        root, _ = iati_tree(toc, **SETTINGS)
        spec = spec_of(root)
        data, _ = iati_document(toc, **SETTINGS)
        assert floor(spec) == data, "the floor must build the very same document"
        times = best_of_each(
            args.repeat,
            export=lambda toc=toc: iati_document(toc, **SETTINGS),
            floor=lambda spec=spec: floor(spec),
        )
        ours, bare = times["export"], times["floor"]
        results, elements = len(root.findall(".//result")), sum(1 for _ in root.iter())
        print(
            f"{len(toc):>7,} {results:>8,} {elements:>9,} "
            f"{ours * 1000:>8.1f}ms {bare * 1000:>8.1f}ms {ours / bare:>5.2f}x "
            f"{ours / len(toc) * 1e6:>9.1f} µs {bare / len(toc) * 1e6:>8.1f} µs"
        )


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n(total {time.perf_counter() - start:.0f} s)")
