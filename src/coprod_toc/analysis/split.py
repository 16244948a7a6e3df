"""The split between project and co-production: four measures side by side.

* A. structural share — how many activities and outcomes are co-production;
* B. route share — how many activity→impact routes pass through co-production, counted
  exactly by dynamic programming (route counts can be astronomically large);
* C. contribution — the group's contribution levels propagated along the links, giving
  project / co-production / other-factors shares per impact that sum to 1, with a range;
* D. evidence — how much of C rests on links with no evidence attached.

Everything is computed in two passes over the map: one forward sweep in topological order
(B, C for three scenarios, D) and one backward pass (which activities and outcomes lie behind
which impact, for A). See ``docs/split.md`` for how to read each figure.
"""

from __future__ import annotations

from typing import Any

import attrs

from coprod_toc.analysis.traversal import bits, impact_masks, topological_order
from coprod_toc.analysis.validation import Finding, Severity, describe
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import LEVEL_WEIGHTS, Kind, NodeType

__all__ = [
    "CAVEAT",
    "DEFAULT_LEVEL",
    "Contribution",
    "ImpactSplit",
    "RouteShare",
    "Share",
    "SplitResult",
    "split",
]

CAVEAT = "This is a contribution estimate agreed by the group, not a measured attribution."

#: The level a link counts with when the group has not set one: every link weighs the same.
DEFAULT_LEVEL = 2


def _pct(value: float | None) -> str:
    return "no" if value is None else f"{round(value * 100)}%"


def _ratio(part: float, whole: float) -> float | None:
    return None if whole == 0 else part / whole


@attrs.frozen
class Share:
    """A. How much of a count (or of recorded effort) is co-production."""

    coproduction: float
    total: float
    explanation: str

    @property
    def share(self) -> float | None:
        """The co-production share, or ``None`` when there is nothing to count."""
        return _ratio(self.coproduction, self.total)

    def to_dict(self) -> dict[str, Any]:
        return {
            "coproduction": self.coproduction,
            "total": self.total,
            "share": self.share,
            "explanation": self.explanation,
        }


@attrs.frozen
class RouteShare:
    """B. Routes from an activity to an impact, and how many pass through co-production."""

    coproduction_routes: int
    routes: int
    explanation: str

    @property
    def share(self) -> float | None:
        return _ratio(self.coproduction_routes, self.routes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "coproduction_routes": self.coproduction_routes,
            "routes": self.routes,
            "share": self.share,
            "explanation": self.explanation,
        }


@attrs.frozen
class Contribution:
    """C and D. Shares that sum to 1, each with its low–high range, and the unevidenced part."""

    project: float
    coproduction: float
    other: float
    ranges: dict[str, tuple[float, float]]
    unevidenced: float
    explanation: str
    unevidenced_explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "coproduction": self.coproduction,
            "other": self.other,
            "ranges": {k: list(v) for k, v in self.ranges.items()},
            "unevidenced": self.unevidenced,
            "explanation": self.explanation,
            "unevidenced_explanation": self.unevidenced_explanation,
        }


@attrs.frozen
class ImpactSplit:
    """All four measures for one impact."""

    impact: str
    statement: str
    kind: Kind
    activities: Share
    outcomes: Share
    effort: Share | None
    routes: RouteShare
    contribution: Contribution

    def to_dict(self) -> dict[str, Any]:
        return {
            "impact": self.impact,
            "statement": self.statement,
            "kind": self.kind.value,
            "activities": self.activities.to_dict(),
            "outcomes": self.outcomes.to_dict(),
            "effort": None if self.effort is None else self.effort.to_dict(),
            "routes": self.routes.to_dict(),
            "contribution": self.contribution.to_dict(),
        }


@attrs.frozen
class SplitResult:
    """The split for a whole map: overall figures, one :class:`ImpactSplit` per impact,
    findings about inputs that could not be weighed, and the caveat that goes with it."""

    activities: Share
    outcomes: Share
    effort: Share | None
    overall: Contribution | None
    impacts: tuple[ImpactSplit, ...]
    findings: tuple[Finding, ...]
    caveat: str = CAVEAT

    def impact(self, impact_id: str) -> ImpactSplit:
        for item in self.impacts:
            if item.impact == impact_id:
                return item
        raise KeyError(impact_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "caveat": self.caveat,
            "activities": self.activities.to_dict(),
            "outcomes": self.outcomes.to_dict(),
            "effort": None if self.effort is None else self.effort.to_dict(),
            "overall": None if self.overall is None else self.overall.to_dict(),
            "impacts": [item.to_dict() for item in self.impacts],
            "findings": [f.to_dict() for f in self.findings],
        }


# --------------------------------------------------------------------------- the sweep

# Three scenarios: the levels as set, one step towards co-production on every link
# (co-production sources +1, project sources -1), and one step towards the project.
_SCENARIOS = 3
_UP = [LEVEL_WEIGHTS[min(level + 1, 4)] for level in range(5)]
_DOWN = [LEVEL_WEIGHTS[max(level - 1, 0)] for level in range(5)]
_OTHER = (0.0, 0.0, 1.0)


def _weights(level: int | None, source_kind: Kind | None) -> tuple[float, float, float]:
    level = DEFAULT_LEVEL if level is None else level
    if source_kind is Kind.COPRODUCTION:
        return LEVEL_WEIGHTS[level], _UP[level], _DOWN[level]
    return LEVEL_WEIGHTS[level], _DOWN[level], _UP[level]


@attrs.define
class _Sweep:
    shares: dict[str, list[tuple[float, float, float]]]  # node -> one triple per scenario
    unevidenced: dict[str, float]
    routes: dict[str, tuple[int, int]]  # node -> (routes, co-production routes)
    order: list[str]
    findings: list[Finding]


def _sweep(toc: TheoryOfChange) -> _Sweep:
    """One pass in topological order (Kahn's algorithm), pushing each node's final figures
    along its links as it leaves the queue."""
    graph = toc.graph
    succ = graph.succ
    node_data = graph.nodes
    indegree = dict(graph.in_degree())
    ready = [n for n, d in indegree.items() if d == 0]
    acc: dict[str, list[Any]] = {}
    shares: dict[str, list[tuple[float, float, float]]] = {}
    unevidenced: dict[str, float] = {}
    routes: dict[str, tuple[int, int]] = {}
    order: list[str] = []
    findings: list[Finding] = []

    while ready:
        node_id = ready.pop()
        order.append(node_id)
        node = node_data[node_id]["node"]
        node_type = node.node_type
        kind = getattr(node, "kind", None)
        if node_type is NodeType.PROBLEM:
            for nxt in succ[node_id]:  # the problem is addressed, it contributes nothing
                indegree[nxt] -= 1
                if indegree[nxt] == 0:
                    ready.append(nxt)
            continue
        if node_type is NodeType.ACTIVITY:
            seed = (1.0, 0.0, 0.0) if kind is Kind.PROJECT else (0.0, 1.0, 0.0)
            mine = [seed] * _SCENARIOS
            loose = 0.0
            count = (1, 0 if kind is Kind.PROJECT else 1)
        else:
            mine, loose, count = _settle(node, kind, acc.pop(node_id, None), findings)
        shares[node_id] = mine
        unevidenced[node_id] = loose
        routes[node_id] = count

        for nxt, edge in succ[node_id].items():
            link = edge["link"]
            w0, w1, w2 = _weights(link.level, kind)
            target = acc.get(nxt)
            if target is None:
                target = acc[nxt] = _empty_sums()
            (p0, c0, o0), (p1, c1, o1), (p2, c2, o2) = mine
            target[0] += w0 * p0
            target[1] += w0 * c0
            target[2] += w0 * o0
            target[3] += w0
            target[4] += w1 * p1
            target[5] += w1 * c1
            target[6] += w1 * o1
            target[7] += w1
            target[8] += w2 * p2
            target[9] += w2 * c2
            target[10] += w2 * o2
            target[11] += w2
            target[12] += w0 * (loose if link.evidence else 1.0)
            target[13] += count[0]
            target[14] += count[1]
            left = indegree[nxt] - 1
            indegree[nxt] = left
            if left == 0:
                ready.append(nxt)

    if len(order) < len(indegree):
        topological_order(graph)  # raises CycleError naming the circle
    return _Sweep(shares, unevidenced, routes, order, findings)


def _empty_sums() -> list[Any]:
    # Per scenario (weighted project, co-production, other, weight sum), then the weighted
    # unevidenced sum, then the route counts (exact integers).
    return [0.0] * 13 + [0, 0]


def _settle(
    node: Any, kind: Kind | None, sums: list[Any] | None, findings: list[Finding]
) -> tuple[list[tuple[float, float, float]], float, tuple[int, int]]:
    """An outcome's or impact's final figures from what its inputs pushed to it."""
    other_level = getattr(node, "other_factors_level", None)
    w_other = LEVEL_WEIGHTS[other_level or 0]
    pushed = sums is not None
    if sums is None:
        sums = _empty_sums()
    mine = []
    for k in range(_SCENARIOS):
        p, c, o, total = sums[4 * k : 4 * k + 4]
        denominator = total + w_other
        if denominator == 0:
            mine.append(_OTHER)
        else:
            mine.append((p / denominator, c / denominator, (o + w_other) / denominator))
    base_denominator = sums[3] + w_other
    if base_denominator == 0:
        findings.append(_no_inputs_finding(node, has_inputs=pushed))
    loose: float = sums[12] / base_denominator if base_denominator else 0.0
    routes: int = sums[13]
    is_cp_outcome = kind is Kind.COPRODUCTION and node.node_type is NodeType.OUTCOME
    through: int = routes if is_cp_outcome else sums[14]
    return mine, loose, (routes, through)


def _no_inputs_finding(node: Any, *, has_inputs: bool) -> Finding:
    if has_inputs:
        return Finding(
            "split-zero-inputs",
            Severity.WARNING,
            (node.id,),
            f"Every link into the {describe(node)} has contribution level 0 and no other "
            f"factors are recorded, so nothing explains it: it counts as other factors.",
        )
    return Finding(
        "split-no-inputs",
        Severity.WARNING,
        (node.id,),
        f"Nothing in the map leads to the {describe(node)}, so it counts as other factors.",
    )


# --------------------------------------------------------------------------- the result


def split(toc: TheoryOfChange) -> SplitResult:
    """The split between project and co-production, overall and per impact.

    Runs in time linear in the size of the map (plus, for the per-impact counts, the number
    of impacts each activity and outcome leads to).

    :raises CycleError: links go round in a circle (validation reports where).
    """
    sweep = _sweep(toc)
    impacts = toc.impacts()
    impact_ids = [i.id for i in impacts]
    masks = impact_masks(toc.graph, sweep.order, impact_ids)

    n = len(impact_ids)
    acts, cp_acts, outs, cp_outs = [0] * n, [0] * n, [0] * n, [0] * n
    effort, cp_effort, with_effort = [0.0] * n, [0.0] * n, [0] * n
    total_effort = cp_total_effort = 0.0
    efforts_recorded = 0
    activities = toc.activities()
    outcomes = toc.outcomes()
    for activity in activities:
        is_cp = activity.kind is Kind.COPRODUCTION
        amount = activity.effort
        if amount is not None:
            efforts_recorded += 1
            total_effort += amount
            cp_total_effort += amount if is_cp else 0
        for i in bits(masks[activity.id]):
            acts[i] += 1
            cp_acts[i] += is_cp
            if amount is not None:
                with_effort[i] += 1
                effort[i] += amount
                cp_effort[i] += amount if is_cp else 0
    for outcome in outcomes:
        is_cp = outcome.kind is Kind.COPRODUCTION
        for i in bits(masks[outcome.id]):
            outs[i] += 1
            cp_outs[i] += is_cp

    cp_activity_count = sum(a.kind is Kind.COPRODUCTION for a in activities)
    cp_outcome_count = sum(o.kind is Kind.COPRODUCTION for o in outcomes)
    per_impact = tuple(
        ImpactSplit(
            impact=impact.id,
            statement=impact.statement,
            kind=impact.kind,
            activities=_count_share(cp_acts[i], acts[i], "activities", "that lead to this impact"),
            outcomes=_count_share(cp_outs[i], outs[i], "outcomes", "that lead to this impact"),
            effort=_effort_share(cp_effort[i], effort[i], with_effort[i], acts[i]),
            routes=_route_share(*sweep.routes[impact.id]),
            contribution=_contribution(
                sweep.shares[impact.id], sweep.unevidenced[impact.id], "this impact"
            ),
        )
        for i, impact in enumerate(impacts)
    )
    overall = None
    if impacts:
        scenarios: list[tuple[float, float, float]] = []
        for k in range(_SCENARIOS):
            p, c, o = (sum(sweep.shares[i][k][part] for i in impact_ids) / n for part in range(3))
            scenarios.append((p, c, o))
        loose = sum(sweep.unevidenced[i] for i in impact_ids) / n
        overall = _contribution(scenarios, loose, "the impacts taken together")
    return SplitResult(
        activities=_count_share(cp_activity_count, len(activities), "activities", "in the map"),
        outcomes=_count_share(cp_outcome_count, len(outcomes), "outcomes", "in the map"),
        effort=_effort_share(cp_total_effort, total_effort, efforts_recorded, len(activities)),
        overall=overall,
        impacts=per_impact,
        findings=_in_map_order(toc, sweep.findings),
    )


def _in_map_order(toc: TheoryOfChange, findings: list[Finding]) -> tuple[Finding, ...]:
    if not findings:
        return ()
    position = {node_id: i for i, node_id in enumerate(toc.graph)}
    return tuple(sorted(findings, key=lambda f: position[f.nodes[0]]))


def _count_share(cp: int, total: int, noun: str, where: str) -> Share:
    if total == 0:
        text = f"There are no {noun} {where}."
    else:
        is_one = cp == 1
        thing = (noun[:-3] + "y" if noun.endswith("ies") else noun[:-1]) if is_one else noun
        verb = "is a" if is_one else "are"
        text = (
            f"{cp} of the {total} {noun} {where} ({_pct(cp / total)}) {verb} co-production {thing}."
        )
    return Share(cp, total, text)


def _effort_share(cp: float, total: float, recorded: int, count: int) -> Share | None:
    if recorded == 0:
        return None
    missing = "" if recorded == count else f" ({count - recorded} of {count} have no effort figure)"
    if total == 0:
        text = f"The effort recorded for these activities adds up to 0{missing}."
    else:
        text = (
            f"Co-production activities account for {cp:g} of the {total:g} units of effort "
            f"recorded ({_pct(cp / total)}){missing}."
        )
    return Share(cp, total, text)


def _route_share(routes: int, through: int) -> RouteShare:
    if routes == 0:
        text = "No route leads from an activity to this impact yet."
    else:
        text = (
            f"{through:,} of the {routes:,} routes from an activity to this impact "
            f"({_pct(through / routes)}) pass through co-production."
        )
    return RouteShare(through, routes, text)


def _contribution(
    scenarios: list[tuple[float, float, float]], loose: float, what: str
) -> Contribution:
    project, coproduction, other = scenarios[0]
    names = ("project", "coproduction", "other")
    ranges = {
        name: (min(s[c] for s in scenarios), max(s[c] for s in scenarios))
        for c, name in enumerate(names)
    }
    low, high = ranges["coproduction"]
    text = (
        f"By the group's contribution levels, about {_pct(coproduction)} of {what} comes from "
        f"co-production, {_pct(project)} from the project and {_pct(other)} from other factors "
        f"(co-production between {_pct(low)} and {_pct(high)} if every level moves one step)."
    )
    loose_text = (
        f"{_pct(loose)} of this estimate rests on links that have no evidence attached yet."
    )
    return Contribution(project, coproduction, other, ranges, loose, text, loose_text)
