"""How does rendering grow with the size of a map? Every format, from 1,250 to 10,000 nodes.

For each size the floor is a bare networkx traversal of the same graph (every node and link
visited once, in topological order), measured in the same run. Each format prints its time
and its ratio to the floor; the last columns show how much the time grew from the smallest
map to the largest against how much the map grew (8x): linear work grows about as much.

    python benchmarks/render.py                  # 1,250 / 2,500 / 5,000 / 10,000 nodes
    python benchmarks/render.py --nodes 20000    # a different largest size (halved 3 times)

The maps are portfolios of projects of about 200 nodes (as in the other benchmarks). The
graphviz-svg format is Graphviz's layout, whose time is Graphviz's own and far from linear (minutes
at a few thousand nodes), so it is timed once, on maps of up to ``--svg-nodes`` (625 by
default; 0 skips it), and shown on its own.
"""

from __future__ import annotations

import argparse
import shutil
import time

import networkx as nx

import coprod_toc as ct
from common import best_of, portfolio

FORMATS = ("mermaid", "dot", "svg", "markdown", "html", "easy-read", "json", "graphviz-svg")


def _floor(graph: nx.DiGraph) -> None:
    """Visit every node and every link once, in topological order."""
    succ = graph.succ
    for node in nx.topological_sort(graph):
        for _ in succ[node]:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--svg-nodes", type=int, default=625, help="largest map for graphviz-svg")
    args = parser.parse_args()
    sizes = [args.nodes // 8, args.nodes // 4, args.nodes // 2, args.nodes]
    formats = [f for f in FORMATS if f != "graphviz-svg"]
    times: dict[str, list[float]] = {f: [] for f in formats}
    floors = []
    maps = []
    for size in sizes:
        toc = portfolio(size, 200)
        maps.append(toc)
        floors.append(best_of(args.repeat, lambda toc=toc: _floor(toc.graph)))
        for name in formats:
            repeat = args.repeat
            times[name].append(best_of(repeat, lambda toc=toc, name=name: ct.render(toc, name)))
    print("sizes: " + ", ".join(f"{len(t):,} nodes / {len(t.links()):,} links" for t in maps))
    print(
        "floor (bare networkx traversal): "
        + ", ".join(f"{f * 1000:.1f} ms" for f in floors)
        + f" (grew {floors[-1] / floors[0]:.1f}x)"
    )
    header = f"{'format':<10}" + "".join(f"{len(t):>12,}" for t in maps)
    print(f"\n{header}   x floor at {len(maps[-1]):,}   growth {sizes[0]:,} -> {sizes[-1]:,}")
    for name in formats:
        row = "".join(f"{t:>11.3f}s" for t in times[name])
        ratio = times[name][-1] / floors[-1]
        growth = times[name][-1] / times[name][0]
        grew = sizes[-1] / sizes[0]
        print(f"{name:<10}{row}   {ratio:>10.0f}x   {growth:>6.1f}x (map grew {grew:.0f}x)")
    if args.svg_nodes and shutil.which("dot"):
        print("\ngraphviz-svg (Graphviz's dot layout, once per size):")
        for size in (args.svg_nodes // 2, args.svg_nodes):
            toc = portfolio(size, 200) if size >= 200 else portfolio(200, 200)
            seconds = best_of(1, lambda toc=toc: ct.render(toc, "graphviz-svg"))
            print(f"  {len(toc):>6,} nodes: {seconds:.2f} s")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n(total {time.perf_counter() - start:.0f} s)")
