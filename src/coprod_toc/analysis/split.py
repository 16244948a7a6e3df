"""The split between project and co-production: four measures side by side.

* A. structural share — how many activities and outcomes are co-production;
* B. route share — how many activity→impact routes pass through co-production, counted
  exactly by dynamic programming (route counts can be astronomically large);
* C. contribution — the group's contribution levels propagated along the links, giving
  project / co-production / other-factors shares per impact that sum to 1, with a range;
* D. evidence — how much of C rests on links with no evidence attached.

Everything is computed in two passes over the map: one forward sweep that reads each link
once (B, C for three scenarios, D) and one backward pass (which activities and
outcomes lie behind which impact, for A). See ``docs/split.md`` for how to read each figure.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from typing import Any, NamedTuple, TypeVar

import attrs

from coprod_toc.analysis.traversal import bits, impact_masks, topological_order
from coprod_toc.analysis.validation import Finding, Severity, describe
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import LEVEL_WEIGHTS, Activity, Impact, Kind, NodeType, Outcome

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


def _spread(low: float, high: float) -> tuple[float, float] | None:
    """``(low, high)``, or ``None`` when they are the same whole percentage."""
    return None if _pct(low) == _pct(high) else (low, high)


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

    def coproduction_spread(self) -> tuple[float, float] | None:
        """Co-production's low and high share, or ``None`` when the two are the same whole
        percentage: a range is told only when its ends differ, as people read them."""
        return _spread(*self.ranges["coproduction"])

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


#: The columns of the split table (report, Markdown, notebook), each with the one line that
#: says what it measures.
TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Project", "the group's estimate of the project's part in the impact"),
    ("Co-production", "the group's estimate of co-production's part in the impact"),
    ("Other factors", "the part the group puts down to things outside the project"),
    ("Co-production range", "co-production's part if every contribution level moved one step"),
    (
        "Routes through co-production",
        "the share of routes from an activity to the impact that pass through co-production",
    ),
    ("No evidence", "how much of the estimate rests on links with no evidence attached"),
)


def percent(value: float | None) -> str:
    """``0.6406`` → ``64%``; ``None`` → ``–`` (nothing to divide)."""
    return "–" if value is None else f"{round(value * 100)}%"


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

    def table_cells(self) -> tuple[str, ...]:
        """This impact's row of the split table, one text per :data:`TABLE_COLUMNS`."""
        c = self.contribution
        low, high = c.ranges["coproduction"]
        spread = f"{percent(low)} to {percent(high)}" if c.coproduction_spread() else percent(low)
        return (
            percent(c.project),
            percent(c.coproduction),
            percent(c.other),
            spread,
            percent(self.routes.share),
            percent(c.unevidenced),
        )

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

    #: The columns of :meth:`to_frame`, one row per impact.
    FRAME_COLUMNS = (
        "impact", "statement", "kind", "project", "coproduction", "other",
        "coproduction_low", "coproduction_high", "routes_through_coproduction", "unevidenced",
        "activities_coproduction", "outcomes_coproduction",
    )  # fmt: skip

    def to_frame(self) -> Any:
        """The split as a pandas ``DataFrame``, one row per impact (shares from 0 to 1)."""
        from coprod_toc.plain import data_frame

        rows = []
        for item in self.impacts:
            c = item.contribution
            low, high = c.ranges["coproduction"]
            rows.append(
                {
                    "impact": item.impact,
                    "statement": item.statement,
                    "kind": item.kind.value,
                    "project": c.project,
                    "coproduction": c.coproduction,
                    "other": c.other,
                    "coproduction_low": low,
                    "coproduction_high": high,
                    "routes_through_coproduction": item.routes.share,
                    "unevidenced": c.unevidenced,
                    "activities_coproduction": item.activities.share,
                    "outcomes_coproduction": item.outcomes.share,
                }
            )
        return data_frame(rows, self.FRAME_COLUMNS)

    def _repr_html_(self) -> str:
        """How a notebook shows it."""
        from coprod_toc.analysis.notebook import split_html

        return split_html(self)

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


def _scenario_weights(level: int, from_coproduction: bool) -> tuple[float, float, float]:
    up, down = LEVEL_WEIGHTS[min(level + 1, 4)], LEVEL_WEIGHTS[max(level - 1, 0)]
    return (
        (LEVEL_WEIGHTS[level], up, down) if from_coproduction else (LEVEL_WEIGHTS[level], down, up)
    )


# The three scenario weights of a link leaving a node, by the link's level (None: the
# default): one table for project sources, one for co-production sources, and one for the
# problem, whose links to impacts carry no contribution.
_Weights = dict[int | None, tuple[float, float, float]]
_LEVELS = [(None, DEFAULT_LEVEL), *((n, n) for n in range(5))]
_FROM_PROJECT: _Weights = {level: _scenario_weights(value, False) for level, value in _LEVELS}
_FROM_COPRODUCTION: _Weights = {level: _scenario_weights(value, True) for level, value in _LEVELS}
_FROM_PROBLEM: _Weights = {level: (0.0, 0.0, 0.0) for level, _ in _LEVELS}
_FROM = (_FROM_PROJECT, _FROM_COPRODUCTION)


class _State(NamedTuple):
    """A node's state once settled. In each scenario its project and co-production shares
    are packed as one complex number (project + co-production·j, other is the rest), so one
    multiply-add carries both along a link."""

    as_set: complex
    towards_coproduction: complex
    towards_project: complex
    unevidenced: float  # the share reached through links that cite no evidence
    routes: int  # routes from activities to the node
    through_coproduction: int  # those passing through a co-production outcome
    weights: _Weights  # what the links leaving the node carry


_PROJECT_ACTIVITY = _State(1 + 0j, 1 + 0j, 1 + 0j, 0.0, 1, 0, _FROM_PROJECT)
_COPRODUCTION_ACTIVITY = _State(1j, 1j, 1j, 0.0, 1, 1, _FROM_COPRODUCTION)
_PROBLEM = _State(0j, 0j, 0j, 0.0, 0, 0, _FROM_PROBLEM)


@attrs.define
class _Sweep:
    states: dict[str, _State]
    order: list[str]
    findings: list[Finding]
    # Ids by node type and kind (index 1: co-production), for the counts of measure A.
    activities: tuple[list[str], list[str]]
    outcomes: tuple[list[str], list[str]]
    efforts: list[tuple[str, bool, float]]  # activities with an effort figure
    impacts: list[Impact]


def _sweep(toc: TheoryOfChange) -> _Sweep:
    """Settle every node from its settled predecessors, each link read once.

    Backwards mapping adds the impacts first and the activities last, so the map's own
    order read backwards nearly always has every node after its inputs: the sweep takes that
    order and settles each node as it comes. A node met before one of its inputs is put
    aside, and the nodes put aside are then settled in the order Kahn's algorithm releases
    them. Either way each node is settled once, after all its inputs.

    :raises CycleError: links go round in a circle.
    """
    # Why this is long: the loop runs once per node of maps of hundreds of thousands, with local
    # names; split into functions it would call one per node.
    succ, pred, node_data = toc.adjacency()
    order: list[str] = []
    states: dict[str, _State] = {}
    put_aside: list[str] = []
    findings: list[Finding] = []
    activities: tuple[list[str], list[str]] = ([], [])
    outcomes: tuple[list[str], list[str]] = ([], [])
    efforts: list[tuple[str, bool, float]] = []
    impacts: list[Impact] = []
    # The problem comes first in a map but links to every impact: settled before the rest,
    # so no impact waits for it.
    problem_node = toc.problem
    if problem_node is not None:
        states[problem_node.id] = _PROBLEM  # addressed by the impacts, it contributes nothing
        order.append(problem_node.id)

    def put_aside_in_order() -> Iterator[tuple[str, dict[str, Any]]]:
        # Kahn's algorithm over the nodes put aside, counting only inputs not yet settled.
        waiting = {n: sum(1 for s in pred[n] if s not in states) for n in put_aside}
        ready = [n for n, count in waiting.items() if count == 0]
        while ready:
            node_id = ready.pop()
            yield node_id, node_data[node_id]  # settled when the loop asks for the next
            for nxt in succ[node_id]:
                if nxt in waiting:
                    waiting[nxt] -= 1
                    if not waiting[nxt]:
                        ready.append(nxt)

    # Local names: this loop runs once per node of maps of hundreds of thousands.
    activity, outcome, problem = NodeType.ACTIVITY, NodeType.OUTCOME, NodeType.PROBLEM
    coproduction = Kind.COPRODUCTION
    for node_id, data in itertools.chain(reversed(node_data.items()), put_aside_in_order()):
        node = data["node"]
        node_type = node.node_type
        if node_type is activity:
            is_cp = node.kind is coproduction
            states[node_id] = _COPRODUCTION_ACTIVITY if is_cp else _PROJECT_ACTIVITY
            order.append(node_id)
            activities[is_cp].append(node_id)
            if node.effort is not None:
                efforts.append((node_id, is_cp, node.effort))
            continue
        if node_type is problem:
            continue  # settled above
        z0 = z1 = z2 = 0j
        t0 = t1 = t2 = loose = 0.0
        routes = through = 0
        try:
            for source, edge in pred[node_id].items():
                s0, s1, s2, s_loose, s_routes, s_through, s_weights = states[source]
                link = edge["link"]
                w0, w1, w2 = s_weights[link.level]
                z0 += w0 * s0
                z1 += w1 * s1
                z2 += w2 * s2
                t0 += w0
                t1 += w1
                t2 += w2
                loose += w0 * s_loose if link.evidence else w0
                routes += s_routes
                through += s_through
        except KeyError:  # an input is not settled yet (only states[source] can miss)
            put_aside.append(node_id)
            continue
        is_cp = node.kind is coproduction
        w_other = LEVEL_WEIGHTS[node.other_factors_level or 0]
        d0, d1, d2 = t0 + w_other, t1 + w_other, t2 + w_other
        if d0 == 0:
            has_inputs = any(
                states[source].weights is not _FROM_PROBLEM for source in pred[node_id]
            )
            findings.append(_no_inputs_finding(node, has_inputs=has_inputs))
            d0 = 1.0  # nothing comes in: every share stays 0, so all is other
        # A scenario moves levels by one step, so it can leave a node with no weight where
        # the levels as set did not: then that scenario counts the node as other factors.
        d1 = d1 or 1.0
        d2 = d2 or 1.0
        if node_type is outcome:
            outcomes[is_cp].append(node_id)
            if is_cp:
                through = routes  # every route into a co-production outcome passes through it
        else:
            impacts.append(node)
        states[node_id] = _State(
            z0 / d0, z1 / d1, z2 / d2, loose / d0, routes, through, _FROM[is_cp]
        )
        order.append(node_id)
    if len(order) < len(node_data):
        topological_order(toc)  # raises CycleError naming one circle
    return _Sweep(states, order, findings, activities, outcomes, efforts, impacts)


def _scenarios(state: _State) -> list[tuple[float, float, float]]:
    """(project, co-production, other) in each scenario; other is what is left."""
    return [(z.real, z.imag, max(0.0, 1.0 - z.real - z.imag)) for z in state[:3]]


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
    impacts = _in_map_order(toc, sweep.impacts)
    impact_ids = [i.id for i in impacts]
    masks = impact_masks(toc, sweep.order, impact_ids)

    n = len(impact_ids)
    acts, cp_acts = (_per_impact(ids, masks, n) for ids in sweep.activities)
    outs, cp_outs = (_per_impact(ids, masks, n) for ids in sweep.outcomes)
    for i in range(n):
        acts[i] += cp_acts[i]
        outs[i] += cp_outs[i]
    effort, cp_effort, with_effort = [0.0] * n, [0.0] * n, [0] * n
    for activity_id, is_cp, amount in sweep.efforts:
        for i in bits(masks[activity_id]):
            with_effort[i] += 1
            effort[i] += amount
            if is_cp:
                cp_effort[i] += amount
    total_effort = sum(amount for _, _, amount in sweep.efforts)
    cp_total_effort = sum(amount for _, is_cp, amount in sweep.efforts if is_cp)
    cp_activity_count, cp_outcome_count = len(sweep.activities[1]), len(sweep.outcomes[1])
    activity_count = len(sweep.activities[0]) + cp_activity_count
    outcome_count = len(sweep.outcomes[0]) + cp_outcome_count
    per_impact = tuple(
        ImpactSplit(
            impact=impact.id,
            statement=impact.statement,
            kind=impact.kind,
            activities=_count_share(cp_acts[i], acts[i], "activities", "that lead to this impact"),
            outcomes=_count_share(cp_outs[i], outs[i], "outcomes", "that lead to this impact"),
            effort=_effort_share(cp_effort[i], effort[i], with_effort[i], acts[i]),
            routes=_route_share(
                sweep.states[impact.id].routes, sweep.states[impact.id].through_coproduction
            ),
            contribution=_contribution(
                _scenarios(sweep.states[impact.id]),
                sweep.states[impact.id].unevidenced,
                "this impact",
            ),
        )
        for i, impact in enumerate(impacts)
    )
    overall = None
    if impacts:
        each = [_scenarios(sweep.states[i]) for i in impact_ids]
        scenarios: list[tuple[float, float, float]] = []
        for k in range(_SCENARIOS):
            p, c, o = (sum(item[k][part] for item in each) / n for part in range(3))
            scenarios.append((p, c, o))
        loose = sum(sweep.states[i].unevidenced for i in impact_ids) / n
        overall = _contribution(scenarios, loose, "the impacts taken together")
    return SplitResult(
        activities=_count_share(cp_activity_count, activity_count, "activities", "in the map"),
        outcomes=_count_share(cp_outcome_count, outcome_count, "outcomes", "in the map"),
        effort=_effort_share(cp_total_effort, total_effort, len(sweep.efforts), activity_count),
        overall=overall,
        impacts=per_impact,
        findings=_findings_in_map_order(toc, sweep.findings),
    )


def _per_impact(ids: list[str], masks: dict[str, int], n: int) -> list[int]:
    """How many of ``ids`` lead to each impact: nodes sharing a set of impacts count once."""
    counts = [0] * n
    for mask, count in Counter(map(masks.__getitem__, ids)).items():
        for i in bits(mask):
            counts[i] += count
    return counts


_N = TypeVar("_N", Activity, Outcome, Impact)


def _in_map_order(toc: TheoryOfChange, nodes: list[_N]) -> list[_N]:
    """Nodes in the map's own order (one scan of the ids, no position table)."""
    by_id = {node.id: node for node in nodes}
    return [by_id[node_id] for node_id in toc.adjacency()[2] if node_id in by_id]


def _findings_in_map_order(toc: TheoryOfChange, findings: list[Finding]) -> tuple[Finding, ...]:
    if not findings:
        return ()
    named = {f.nodes[0] for f in findings}
    position = {node_id: i for i, node_id in enumerate(n for n in toc.adjacency()[2] if n in named)}
    return tuple(sorted(findings, key=lambda f: position[f.nodes[0]]))


#: Below this many, a count is told as "1 of 8" alone: a percentage of a few things
#: suggests a precision the count does not have.
PERCENT_FROM = 20


def _of(part: int, whole: int) -> str:
    """``(71%)`` after a count of 20 or more; nothing after a smaller one."""
    return f" ({_pct(part / whole)})" if whole >= PERCENT_FROM else ""


def _count_share(cp: int, total: int, noun: str, where: str) -> Share:
    single = noun[:-3] + "y" if noun.endswith("ies") else noun[:-1]
    if total == 0:
        text = f"There are no {noun} {where}."
    elif total == 1:
        where = where.replace("that lead ", "that leads ")  # one thing: the verb agrees
        text = f"The one {single} {where} {'is' if cp else 'is not'} a co-production {single}."
    else:
        verb, thing = ("is a", single) if cp == 1 else ("are", noun)
        text = f"{cp:,} of {total:,} {noun} {where}{_of(cp, total)} {verb} co-production {thing}."
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
    elif routes == 1:
        does = "passes" if through else "does not pass"
        text = f"The one route from an activity to this impact {does} through co-production."
    else:
        verb = "passes" if through == 1 else "pass"
        text = (
            f"{through:,} of {routes:,} routes from an activity to this impact"
            f"{_of(through, routes)} {verb} through co-production."
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
    ends = _spread(*ranges["coproduction"])
    spread = (
        f" (co-production between {_pct(ends[0])} and {_pct(ends[1])} if every level moves "
        "one step)"
        if ends
        else ""
    )
    text = (
        f"By the group's contribution levels, about {_pct(coproduction)} of {what} comes from "
        f"co-production, {_pct(project)} from the project and {_pct(other)} from other "
        f"factors{spread}."
    )
    loose_text = (
        f"{_pct(loose)} of this estimate rests on links that have no evidence attached yet."
    )
    return Contribution(project, coproduction, other, ranges, loose, text, loose_text)
