"""Validation: coded findings about a map, never an exception for a merely incomplete one.

Each rule is a :class:`Rule` in a :class:`RuleRegistry`: a stable ``code``, a severity, a
one-line summary (documented in ``docs/validation.md``) and a check that reads the shared
:class:`MapFacts`. The facts are computed once per validation, in time linear in nodes plus
links, and every rule reuses them; so plugins can add rules without adding traversals.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from typing import Any

import attrs

from coprod_toc.analysis.traversal import ForwardSweep, reach, sweep_forward
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import Activity, Kind, Node, NodeType, Outcome

__all__ = [
    "BUILTIN_RULES",
    "Finding",
    "MapFacts",
    "Rule",
    "RuleRegistry",
    "Severity",
    "ValidationReport",
    "validate",
]


class Severity(enum.StrEnum):
    """How much a finding matters. ``error`` findings make a map invalid."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Finding:
    """One thing validation noticed: which rule, how serious, which nodes, in plain English."""

    code: str
    severity: Severity
    nodes: tuple[str, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "nodes": list(self.nodes),
            "message": self.message,
        }


@attrs.frozen
class ValidationReport:
    """All findings for one map, in rule order and then in the map's own node order."""

    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when there is no finding of error severity (warnings are allowed)."""
        return not self.errors

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def _repr_html_(self) -> str:
        """How a notebook shows it."""
        from coprod_toc.analysis.notebook import validation_html

        return validation_html(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.to_dict() for f in self.findings],
        }


class MapFacts:
    """Facts about one map that rules share; each is computed at most once, on first use."""

    def __init__(self, toc: TheoryOfChange) -> None:
        self.toc = toc
        self.graph = toc.graph

    @cached_property
    def by_type(self) -> dict[NodeType, list[Node]]:
        """Node records by type, in the map's order."""
        groups: dict[NodeType, list[Node]] = {t: [] for t in NodeType}
        for data in self.toc.adjacency()[2].values():
            node = data["node"]
            groups[node.node_type].append(node)
        return groups

    @cached_property
    def forward(self) -> ForwardSweep:
        """One forward sweep: topological order, cycles, and what activities reach."""
        outcomes = self.by_type[NodeType.OUTCOME]
        return sweep_forward(
            self.toc,
            {
                "activity": (a.id for a in self.by_type[NodeType.ACTIVITY]),
                "coproduction_outcome": (
                    o.id for o in outcomes if isinstance(o, Outcome) and o.kind is Kind.COPRODUCTION
                ),
            },
        )

    @property
    def reached_from_activity(self) -> set[str]:
        """Nodes with an activity behind them (activities included)."""
        return self.forward.reached["activity"]

    @property
    def reached_from_coproduction_outcome(self) -> set[str]:
        return self.forward.reached["coproduction_outcome"]

    @cached_property
    def reaches_impact(self) -> set[str]:
        """Nodes with a route to some impact (impacts included): one backward search."""
        pred = self.toc.adjacency()[1]
        return reach(pred, (i.id for i in self.by_type[NodeType.IMPACT]))


#: A check yields ``(node ids, message)`` pairs; the rule adds its code and severity.
Check = Callable[[MapFacts], Iterable[tuple[Sequence[str], str]]]


@attrs.frozen
class Rule:
    """A validation rule: stable code, severity, one-line summary, and its check."""

    code: str
    severity: Severity = attrs.field(converter=Severity)
    summary: str
    check: Check = attrs.field(eq=False)

    def run(self, facts: MapFacts) -> Iterator[Finding]:
        for nodes, message in self.check(facts):
            yield Finding(self.code, self.severity, tuple(nodes), message)


class RuleRegistry:
    """An ordered set of rules with unique codes."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._rules: dict[str, Rule] = {}
        for rule in rules:
            self.add(rule)

    def add(self, rule: Rule) -> Rule:
        if rule.code in self._rules:
            raise ValueError(f"a validation rule with code {rule.code!r} is already registered")
        self._rules[rule.code] = rule
        return rule

    def rule(self, code: str, severity: Severity | str, summary: str) -> Callable[[Check], Check]:
        """Decorator form of :meth:`add` for a check function."""

        def register(check: Check) -> Check:
            self.add(Rule(code, Severity(severity), summary, check))
            return check

        return register

    def get(self, code: str) -> Rule:
        return self._rules[code]

    def copy(self) -> RuleRegistry:
        return RuleRegistry(self)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, code: object) -> bool:
        return code in self._rules


def validate(toc: TheoryOfChange, rules: Iterable[Rule] | None = None) -> ValidationReport:
    """Check a map against the rules: the built-in ones unless ``rules`` is given. This one
    knows no plugins; ``ct.validate`` adds the rules the installed plugins register.

    Runs in time linear in the number of nodes and links.
    """
    facts = MapFacts(toc)
    chosen = BUILTIN_RULES if rules is None else rules
    return ValidationReport(tuple(f for rule in chosen for f in rule.run(facts)))


# --------------------------------------------------------------------------- built-in rules

BUILTIN_RULES = RuleRegistry()


def describe(node: Node, limit: int = 60) -> str:
    """``outcome O5 "Staff recruited"``: how findings name a node."""
    text = " ".join(node.text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f'{node.node_type.value} {node.id} "{text}"'


@BUILTIN_RULES.rule("missing-problem", "error", "The map has no problem statement.")
def _missing_problem(facts: MapFacts) -> Iterator[tuple[Sequence[str], str]]:
    if not facts.by_type[NodeType.PROBLEM]:
        yield (
            (),
            (
                "The map has no problem statement. Backwards mapping starts by saying why the "
                "project is needed."
            ),
        )


@BUILTIN_RULES.rule("no-impact", "error", "The map has no impact.")
def _no_impact(facts: MapFacts) -> Iterator[tuple[Sequence[str], str]]:
    if not facts.by_type[NodeType.IMPACT]:
        yield (
            (),
            (
                "The map has no impact. Say what change should remain when the project ends: "
                "a project impact and a co-production impact."
            ),
        )


def _missing_impact_kind(kind: Kind, wording: str) -> Check:
    def check(facts: MapFacts) -> Iterator[tuple[Sequence[str], str]]:
        impacts = facts.by_type[NodeType.IMPACT]
        if impacts and not any(getattr(i, "kind", None) is kind for i in impacts):
            yield (), wording

    return check


BUILTIN_RULES.add(
    Rule(
        "missing-project-impact",
        Severity.WARNING,
        "The map has impacts, but no project impact.",
        _missing_impact_kind(
            Kind.PROJECT,
            "The map has no project impact: the change the project itself sets out to make.",
        ),
    )
)
BUILTIN_RULES.add(
    Rule(
        "missing-coproduction-impact",
        Severity.WARNING,
        "The map has impacts, but no co-production impact.",
        _missing_impact_kind(
            Kind.COPRODUCTION,
            "The map has no co-production impact: the difference that working together with "
            "people should make.",
        ),
    )
)


@BUILTIN_RULES.rule(
    "outcome-without-activity",
    "error",
    "An outcome has no activity behind it, directly or through earlier outcomes.",
)
def _outcome_without_activity(facts: MapFacts) -> Iterator[tuple[Sequence[str], str]]:
    reached = facts.reached_from_activity
    for outcome in facts.by_type[NodeType.OUTCOME]:
        if outcome.id not in reached:
            yield (
                (outcome.id,),
                (
                    f"The {describe(outcome)} has no activity leading to it. "
                    f"Link an activity that works towards it."
                ),
            )


@BUILTIN_RULES.rule("outcome-reaches-no-impact", "error", "An outcome has no route to any impact.")
def _outcome_reaches_no_impact(facts: MapFacts) -> Iterator[tuple[Sequence[str], str]]:
    reaching = facts.reaches_impact
    for outcome in facts.by_type[NodeType.OUTCOME]:
        if outcome.id not in reaching:
            yield (
                (outcome.id,),
                (
                    f"The {describe(outcome)} does not lead to any impact. "
                    f"Link it to an impact, or to a later outcome that leads to one."
                ),
            )


@BUILTIN_RULES.rule(
    "activity-contributes-to-nothing", "warning", "An activity is linked to no outcome."
)
def _activity_contributes_to_nothing(facts: MapFacts) -> Iterator[tuple[Sequence[str], str]]:
    succ = facts.graph.succ
    for activity in facts.by_type[NodeType.ACTIVITY]:
        if not succ[activity.id]:
            yield (
                (activity.id,),
                (
                    f"The {describe(activity)} is not linked to any outcome. "
                    f"Link it to the outcomes it works towards."
                ),
            )


@BUILTIN_RULES.rule("impact-not-reached", "warning", "No outcome leads to an impact.")
def _impact_not_reached(facts: MapFacts) -> Iterator[tuple[Sequence[str], str]]:
    nodes = facts.graph.nodes
    pred = facts.graph.pred
    for impact in facts.by_type[NodeType.IMPACT]:
        if not any(nodes[p]["node"].node_type is NodeType.OUTCOME for p in pred[impact.id]):
            yield (
                (impact.id,),
                (
                    f"No outcome leads to the {describe(impact)}. "
                    f"Add the outcomes that are stepping stones towards it."
                ),
            )


@BUILTIN_RULES.rule(
    "coproduction-impact-without-coproduction-outcome",
    "error",
    "A co-production impact is reached by no co-production outcome.",
)
def _coproduction_impact_unreached(facts: MapFacts) -> Iterator[tuple[Sequence[str], str]]:
    reached = facts.reached_from_coproduction_outcome
    for impact in facts.by_type[NodeType.IMPACT]:
        if getattr(impact, "kind", None) is Kind.COPRODUCTION and impact.id not in reached:
            yield (
                (impact.id,),
                (
                    f"No co-production outcome leads to the {describe(impact)}. "
                    f"A co-production impact needs at least one co-production outcome behind it."
                ),
            )


@BUILTIN_RULES.rule("cycle", "error", "Links go round in a circle.")
def _cycle(facts: MapFacts) -> Iterator[tuple[Sequence[str], str]]:
    cycles = facts.forward.cycles
    position = {node_id: i for i, node_id in enumerate(facts.graph)} if cycles else {}
    for group in cycles:
        members = sorted(group, key=position.__getitem__)
        yield (
            members,
            (
                f"Links go round in a circle through {', '.join(members)}. "
                f"An outcome cannot lead, through others, back to itself: "
                f"remove one of these links."
            ),
        )


@BUILTIN_RULES.rule(
    "low-ladder-rung",
    "warning",
    "A co-production activity sits at rung 4 (consultation) or lower on the ladder.",
)
def _low_ladder_rung(facts: MapFacts) -> Iterator[tuple[Sequence[str], str]]:
    for activity in facts.by_type[NodeType.ACTIVITY]:
        if (
            isinstance(activity, Activity)
            and activity.kind is Kind.COPRODUCTION
            and activity.ladder_rung is not None
            and activity.ladder_rung <= 4
        ):
            yield (
                (activity.id,),
                (
                    f"The {describe(activity)} is marked as co-production but sits at rung "
                    f"{activity.ladder_rung} ({activity.ladder_name}) of the ladder of "
                    f"co-production. "
                    f"Co-production starts above consultation: check how people take part."
                ),
            )


@BUILTIN_RULES.rule(
    "breakdown-not-linked",
    "error",
    "An achievement's assessment cites an activity that does not lead to it.",
)
def _breakdown_not_linked(facts: MapFacts) -> Iterator[tuple[Sequence[str], str]]:
    # One backward search per assessed achievement: assessments are few, and a map without
    # them costs nothing here.
    for outcome in facts.by_type[NodeType.OUTCOME]:
        for assessment in getattr(outcome, "assessments", ()):
            unlinked = facts.toc.unlinked_breakdown(outcome.id, assessment)
            if unlinked:
                yield (
                    (outcome.id, *unlinked),
                    (
                        f"The assessment of {assessment.date.isoformat()} of the "
                        f"{describe(outcome)} credits {', '.join(unlinked)}, which "
                        f"{'does' if len(unlinked) == 1 else 'do'} not lead to it. "
                        f"Link the activity, or take it out of the breakdown."
                    ),
                )


@BUILTIN_RULES.rule(
    "consent-incomplete",
    "warning",
    "A consent record does not say its purposes, its Article 9 condition or how it was given.",
)
def _consent_incomplete(facts: MapFacts) -> Iterator[tuple[Sequence[str], str]]:
    # One finding per kind of gap, counting the people: consent records name pseudonyms,
    # not nodes, and a survey import makes one per respondent.
    gaps: dict[str, int] = {}
    for consent in facts.toc.evidence.consents:
        for gap in consent.gaps:
            gaps[gap] = gaps.get(gap, 0) + 1
    for gap, count in gaps.items():
        people = "1 person's consent does" if count == 1 else f"{count} people's consent records do"
        yield (
            (),
            f"{people} not say the {gap}: nobody recorded it, so it is unknown. Add it "
            f"where consent is recorded (the mapping's [consent] section for a survey).",
        )
