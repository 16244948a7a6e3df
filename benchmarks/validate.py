"""How fast is ct.validate on a big map, against a floor measured in the same run?

The floor is the least any whole-map check must do: a bare breadth-first traversal over
the same networkx graph from all impacts backwards plus one from all activities forwards.
The benchmark also validates a map a tenth the size to show how time grows with size; the
floor's own growth is printed beside it, since a graph that no longer fits the CPU caches
makes every traversal, the bare one included, slower per node.

    python benchmarks/validate.py                   # about 200,000 nodes and 600,000 links
    python benchmarks/validate.py --project-size 0  # one random map instead of a portfolio

The maps are portfolios of projects of about 200 nodes (see benchmarks/common.py), so the
larger map has ten times the projects of the smaller one.

Goals: validate within 3x the floor; 10x the nodes costs at most about 12x the time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

import coprod_toc as ct
from common import arguments, best_of, portfolio


def floor(toc: ct.TheoryOfChange) -> None:
    """Bare traversals: impacts backwards, activities forwards."""
    graph = toc.graph
    _bfs(graph.pred, (n.id for n in toc.impacts()))
    _bfs(graph.succ, (n.id for n in toc.activities()))


def _bfs(adjacency: Any, sources: Iterable[str]) -> set[str]:
    seen = set(sources)
    queue = deque(seen)
    while queue:
        for nxt in adjacency[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def measure(nodes: int, repeat: int, project_size: int) -> tuple[int, int, float, float]:
    toc = portfolio(nodes, project_size)
    report = ct.validate(toc)
    assert not report.errors, report.errors[:3]
    floor_s = best_of(repeat, lambda: floor(toc))
    validate_s = best_of(repeat, lambda: ct.validate(toc))
    return len(toc), len(toc.links()), floor_s, validate_s


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    rows = [
        measure(args.nodes // 10, args.repeat, args.project_size),
        measure(args.nodes, args.repeat, args.project_size),
    ]
    print(f"{'nodes':>9} {'links':>9} {'floor s':>9} {'validate s':>11} {'ratio':>7}")
    for n, e, floor_s, validate_s in rows:
        print(f"{n:>9,} {e:>9,} {floor_s:>9.3f} {validate_s:>11.3f} {validate_s / floor_s:>6.2f}x")
    (small_n, _, small_f, small_t), (big_n, _, big_f, big_t) = rows
    growth, floor_growth = big_t / small_t, big_f / small_f
    print(
        f"growth: {big_n / small_n:.0f}x the nodes took {growth:.1f}x the time "
        f"(goal: at most about 12x); the floor itself grew {floor_growth:.1f}x, "
        f"so validate grew {growth / floor_growth:.2f}x as fast as the floor"
    )
    print(f"validate / floor at {big_n:,} nodes: {big_t / big_f:.2f}x (goal: within 3x)")


if __name__ == "__main__":
    main()
