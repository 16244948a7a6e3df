"""What the benchmarks share: large synthetic maps, best-of-N timing, and the order Graphviz
gives each column of a map."""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import time
from collections.abc import Callable
from typing import Any

import coprod_toc as ct


def _payload(rng: random.Random) -> dict[str, Any]:
    """Half the links carry a contribution level, a quarter some evidence."""
    payload: dict[str, Any] = {}
    if rng.random() < 0.5:
        payload["level"] = rng.randint(0, 4)
    if rng.random() < 0.25:
        payload["evidence"] = ["benchmark-evidence"]
    return payload


def build_map(
    nodes: int, *, projects: int = 1, cross: float = 0.02, seed: int = 7
) -> ct.TheoryOfChange:
    """A layered map: 1% impacts, 49% outcomes (short, medium, long), 50% activities, about
    three links out of every activity and outcome.

    With ``projects`` > 1 the map is a portfolio: the nodes are shared out among that many
    projects, each with its own impacts, and links stay inside a project except for a
    ``cross`` share that goes to another project's outcomes (shared outcomes, partner work).
    With one project every link is drawn from the whole map.
    """
    if nodes // projects < 100:
        raise ValueError(f"{nodes} nodes make projects of under 100 nodes; use fewer projects")
    rng = random.Random(seed)
    toc = ct.TheoryOfChange(title=f"benchmark {nodes}")
    toc.set_problem("Benchmark problem", id="P")
    size = (nodes - 1) // projects
    everywhere: dict[str, list[str]] = {"impact": [], "long": [], "medium": [], "short": []}

    def pick(local: list[str], tier: str) -> str:
        pool = everywhere[tier] if rng.random() < cross and everywhere[tier] else local
        return rng.choice(pool)

    for project in range(projects):
        n_impacts = max(2, size // 100)
        n_outcomes = size * 49 // 100
        n_activities = size - n_impacts - n_outcomes
        impacts = [
            toc.add_impact("impact", kind=("project", "coproduction")[i % 2], id=f"I{project}.{i}")
            for i in range(n_impacts)
        ]
        everywhere["impact"] += impacts
        tiers: dict[str, list[str]] = {}
        # Longest horizon first, so every outcome can link forward to outcomes already made.
        for horizon, share in (("long", 0.2), ("medium", 0.3), ("short", 0.5)):
            later = [(o, h) for h, tier in tiers.items() for o in tier]
            tier = tiers[horizon] = []
            for i in range(int(n_outcomes * share)):
                outcome = toc.add_outcome(
                    "outcome",
                    kind=rng.choice(("project", "coproduction")),
                    horizon=horizon,
                    id=f"O{project}.{horizon[0]}{i}",
                    other_factors_level=rng.choice((None, None, 0, 1, 2)),
                )
                toc.link(outcome, pick(impacts, "impact"), **_payload(rng))
                for _ in range(2 if later else 0):
                    target, target_tier = rng.choice(later)
                    target = pick([target], target_tier)
                    if not toc.has_link(outcome, target):
                        toc.link(outcome, target, **_payload(rng))
                tier.append(outcome)
        for horizon in ("long", "medium", "short"):
            everywhere[horizon] += tiers[horizon]
        outcomes = [o for tier in tiers.values() for o in tier]
        for i in range(n_activities):
            activity = toc.add_activity(
                "activity",
                kind=rng.choice(("project", "coproduction")),
                id=f"A{project}.{i}",
                ladder_rung=rng.randint(5, 7),
            )
            # One outcome in turn, so every outcome has an activity, and two or three more.
            targets = {outcomes[i % len(outcomes)]}
            targets.update(pick(outcomes, "short") for _ in range(2 + i % 2))
            for target in targets:
                toc.link(activity, target, **_payload(rng))
    return toc


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs, in seconds: the least disturbed by the machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def best_of_each(repeat: int, **fns: Callable[[], object]) -> dict[str, float]:
    """The fastest of ``repeat`` runs of each function, in seconds, the functions taking
    turns: a slow spell of a shared machine then falls on all of them, not on one."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: min(each) for name, each in times.items()}


def arguments(description: str, nodes: int = 200_000) -> argparse.Namespace:
    """The options every benchmark takes: --nodes, --repeat, --project-size."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--nodes", type=int, default=nodes)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--project-size",
        type=int,
        default=200,
        help="nodes per project in the portfolio (0: one random map, links drawn map-wide)",
    )
    return parser.parse_args()


def portfolio(nodes: int, project_size: int) -> ct.TheoryOfChange:
    """A map of ``nodes`` shared out in projects of ``project_size`` (0: one random map)."""
    projects = max(1, nodes // project_size) if project_size else 1
    return build_map(nodes, projects=projects)


def graphviz_columns(toc: ct.TheoryOfChange) -> tuple[list[list[Any]], float]:
    """Each column of ``toc`` (problem, impacts, outcomes, activities) in the order Graphviz's
    ``dot`` draws it from our own ``dot`` output (which fixes the columns as ranks), read
    from ``dot -Tplain``; and how long ``dot`` took, in seconds.

    Needs Graphviz's ``dot`` on the PATH.
    """
    from coprod_toc.backends.renderers._view import MapView

    executable = shutil.which("dot")
    if executable is None:
        raise RuntimeError("Graphviz's dot is not installed: scripts/install-browser-test-tools")
    view = MapView.of(toc)
    source = ct.render(toc, "dot").encode("utf-8")
    start = time.perf_counter()
    done = subprocess.run([executable, "-Tplain"], input=source, capture_output=True, check=True)
    took = time.perf_counter() - start
    # "node NAME X Y …": with rankdir=RL a column is one X, and its order runs along Y
    # (upwards; reading every column the same way leaves each crossing a crossing).
    height = {}
    for line in done.stdout.decode("utf-8").splitlines():
        if line.startswith("node "):
            _, name, _x, y, *_ = line.split(maxsplit=4)
            height[name] = float(y)
    columns = [
        sorted(column.nodes, key=lambda node: -height[view.keys[node.id]])
        for column in view.columns
    ]
    return columns, took
