"""How fast is ct.split on a big map, against a floor measured in the same run?

The floor is networkx's topological sort of the same graph: the split has to visit the
nodes in that order at least once. The split itself makes one forward sweep (route counts,
contribution in three scenarios, evidence) and one backward pass (what lies behind each
impact).

    python benchmarks/split.py                    # about 200,000 nodes and 600,000 links
    python benchmarks/split.py --project-size 0   # one random map: far more impacts per node

The default map is a portfolio of 1,000 projects of about 200 nodes (each with its own two
impacts, 2% of links crossing projects), the shape of a council's or a funder's maps taken
together. ``--project-size 0`` draws every link from the whole map, so each activity leads to
about 13 of the 2,000 impacts, which the per-impact counts pay for.

Goal: within 3x the floor.
"""

from __future__ import annotations

import networkx as nx

import coprod_toc as ct
from common import arguments, best_of_each, portfolio


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    toc = portfolio(args.nodes, args.project_size)
    graph = toc.graph
    best = best_of_each(
        args.repeat,
        floor=lambda: list(nx.topological_sort(graph)),
        split=lambda: ct.split(toc),
        progress=lambda: ct.progress(toc),
    )
    floor_s, split_s, progress_s = best["floor"], best["split"], best["progress"]
    print(
        f"{len(toc):,} nodes, {len(toc.links()):,} links, {len(toc.impacts()):,} impacts, "
        f"projects of {args.project_size or len(toc)} nodes"
    )
    print(f"floor (networkx topological sort): {floor_s:.3f} s")
    print(f"ct.split:    {split_s:.3f} s  = {split_s / floor_s:.2f}x the floor (goal: within 3x)")
    print(f"ct.progress: {progress_s:.3f} s  = {progress_s / floor_s:.2f}x the floor")


if __name__ == "__main__":
    main()
