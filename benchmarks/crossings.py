"""How many arrows cross in the HTML report's diagram, against Graphviz's dot on the same map?

For SCIE's day-centre example and the random maps of ``common.build_map`` (200 and 400
nodes, seeds 1 to 3), the diagram's own layout (``layout.py``) and ``dot``'s layout of our
``dot`` output are counted the same way: two arrows between the same two of the four
columns cross when their ends are in opposite orders (``layout.crossings``). Arrows from one
outcome to another stay within the outcomes column and are not counted for either. Both
times are printed too: ours is the whole ordering (first order, sweeps and counts), dot's is
the whole ``dot -Tplain`` run.

    python benchmarks/crossings.py                    # the maps above
    python benchmarks/crossings.py --sizes 200 1000   # other sizes

Goal: on the day-centre map no more crossings than dot; on the random maps at most dot's
count plus 10% (or plus 3, when that is more).

Needs Graphviz's ``dot`` (scripts/install-browser-test-tools installs it).
"""

from __future__ import annotations

import argparse
import time

import coprod_toc as ct
from coprod_toc.backends.renderers._view import MapView
from coprod_toc.backends.renderers.layout import (
    arrows_between_columns,
    crossings,
    fewer_crossings,
    first_order,
)

try:
    from common import build_map, graphviz_columns
except ModuleNotFoundError:  # imported by the tests, from the project's root
    from benchmarks.common import build_map, graphviz_columns


def ours(toc: ct.TheoryOfChange) -> tuple[int, float]:
    """Crossings in the diagram's own ordering, and the time the ordering took."""
    view = MapView.of(toc)
    start = time.perf_counter()
    first = first_order(view)
    pairs = arrows_between_columns(first, view.links)
    count = crossings(fewer_crossings(first, pairs), pairs)
    return count, time.perf_counter() - start


def graphviz(toc: ct.TheoryOfChange) -> tuple[int, float]:
    """Crossings in dot's ordering of the same columns, and the time dot took."""
    view = MapView.of(toc)
    columns, took = graphviz_columns(toc)
    return crossings(columns, arrows_between_columns(columns, view.links)), took


def allowed(dot_count: int) -> int:
    """The most crossings the goal allows against dot's count."""
    return max(dot_count + dot_count // 10, dot_count + 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 400])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    maps = [("day-centre", ct.example())]
    maps += [(f"{n} nodes, seed {s}", build_map(n, seed=s)) for n in args.sizes for s in args.seeds]
    print(f"{'map':<22} {'ours':>8} {'dot':>8} {'ratio':>6} {'ours ms':>8} {'dot ms':>8}  goal")
    for name, toc in maps:
        count, took = ours(toc)
        dot_count, dot_took = graphviz(toc)
        limit = dot_count if name == "day-centre" else allowed(dot_count)
        verdict = "met" if count <= limit else f"MISSED (at most {limit})"
        ratio = count / dot_count if dot_count else float(count == 0)
        print(
            f"{name:<22} {count:>8,} {dot_count:>8,} {ratio:>6.2f} "
            f"{took * 1000:>8.1f} {dot_took * 1000:>8.1f}  {verdict}"
        )


if __name__ == "__main__":
    main()
