"""How do the csv and graphml exporters grow with the size of a map? 1,000 to 10,000 nodes.

Each format is measured against a floor in the same run:

* csv: the bare ``csv`` module writing the same rows (built beforehand) into a zip of the
  same tables, deflated, one file per table;
* graphml: ``networkx.write_graphml_xml`` (the writer the exporter uses) writing a bare
  graph with the same attributes (built beforehand).

So the ratio is what building the rows or the attributed graph from the map costs on top
of writing them. Linear growth shows as a steady ratio and a steady time per node.

    python benchmarks/exchange_tables.py                 # 1,000 / 2,000 / 5,000 / 10,000
    python benchmarks/exchange_tables.py --repeat 5

The maps are portfolios of projects of about 200 nodes (as in the other benchmarks), with
an indicator and two actuals on every tenth outcome, roles and effort on every activity,
and a group conversation of twelve people naming every tenth node.
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import networkx as nx

import coprod_toc as ct
from common import best_of_each, portfolio
from coprod_toc._gc import collection_paused
from coprod_toc.backends.exchange.graphml import GraphmlExporter, graphml_graph
from coprod_toc.backends.exchange.tables import TABLES, CsvExporter
from coprod_toc.evidence import EvidenceItem

SIZES = (1_000, 2_000, 5_000, 10_000)


def detailed(nodes: int) -> ct.TheoryOfChange:
    """A portfolio of ``nodes`` with the details the tables and attributes write."""
    toc = portfolio(nodes, 200)
    people = [f"R-{n:04d}" for n in range(12)]
    for number, outcome in enumerate(toc.outcomes()):
        if number % 10 == 0:
            indicator = ct.Indicator(
                id="N1",
                description="People who say they decide",
                baseline=0,
                target=10,
                actuals=[
                    ct.Actual(period="2025-Q1", value=3),
                    ct.Actual(period="2025-Q2", value=6),
                ],
            )
            toc.update(outcome.id, indicators=[indicator], easy_read="We decide together.")
    for activity in toc.activities():
        toc.update(activity.id, participant_roles=["lived experience", "staff"], effort=2.5)
    for number, node in enumerate(toc.nodes()):
        if number % 10 == 0:
            toc.evidence.add(
                EvidenceItem(
                    id=f"group-{number}",
                    type="group_conversation",
                    participants=people,
                    nodes=[node.id],
                )
            )
    return toc


def bare_zip(tables: dict[str, list[list[object]]], path: Path) -> None:
    """The floor for csv: the csv module writing rows already built into a zip."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            out = io.StringIO()
            csv.writer(out).writerows(rows)
            archive.writestr(f"{name}.csv", out.getvalue().encode("utf-8"))


def paused(write: Callable[..., object], *args: object) -> None:
    """A floor run as the exporters run: with the garbage collector paused."""
    with collection_paused():
        write(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    csv_exporter, graphml_exporter = CsvExporter(), GraphmlExporter()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for size in SIZES:
            toc = detailed(size)
            rows = {name: list(table(toc)) for name, table in TABLES.items()}
            graph = graphml_graph(toc)
            bare = nx.DiGraph(graph.graph)
            bare.add_nodes_from(graph.nodes(data=True))
            bare.add_edges_from(graph.edges(data=True))
            times = best_of_each(
                args.repeat,
                csv=lambda toc=toc: csv_exporter.export(toc, out / "map.zip"),
                csv_floor=lambda rows=rows: paused(bare_zip, rows, out / "bare.zip"),
                graphml=lambda toc=toc: graphml_exporter.export(toc, out / "map.graphml"),
                graphml_floor=lambda bare=bare: paused(
                    nx.write_graphml_xml, bare, out / "bare.graphml"
                ),
            )
            results.append((toc, times))
    print(
        "sizes: "
        + ", ".join(f"{len(toc):,} nodes / {len(toc.links()):,} links" for toc, _ in results)
    )
    for name in ("csv", "graphml"):
        print(f"\n{name:<8}{'nodes':>8}{'ours':>11}{'floor':>11}{'x floor':>9}{'µs/node':>9}")
        for toc, times in results:
            ours, floor = times[name], times[f"{name}_floor"]
            print(
                f"{'':<8}{len(toc):>8,}{ours * 1000:>9.1f}ms{floor * 1000:>9.1f}ms"
                f"{ours / floor:>8.2f}x{ours / len(toc) * 1e6:>9.1f}"
            )
        first, last = results[0], results[-1]
        grew = len(last[0]) / len(first[0])
        print(
            f"{'':<8}growth {len(first[0]):,} -> {len(last[0]):,} nodes: "
            f"{last[1][name] / first[1][name]:.1f}x (map grew {grew:.0f}x, floor "
            f"{last[1][f'{name}_floor'] / first[1][f'{name}_floor']:.1f}x)"
        )


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n(total {time.perf_counter() - start:.0f} s)")
