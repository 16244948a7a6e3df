"""Validation: each rule fires when it should and only then; the fast checks agree with a
deliberately naive reference that searches paths node by node."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pytest
from hypothesis import given

import coprod_toc as ct
from coprod_toc.analysis import BUILTIN_RULES, MapFacts
from coprod_toc.evidence import ConsentRecord
from coprod_toc.model import BreakdownItem
from tests.strategies import maps


def codes(toc: ct.TheoryOfChange) -> set[str]:
    return ct.validate(toc).codes


def test_the_day_centre_example_validates_clean(day_centre: ct.TheoryOfChange) -> None:
    """SCIE's worked example has no findings at all."""
    report = ct.validate(day_centre)
    assert report.ok
    assert report.findings == ()


def test_a_complete_small_map_validates_clean(small_map: ct.TheoryOfChange) -> None:
    """The fixture every 'does not fire' case below starts from is itself clean."""
    assert ct.validate(small_map).findings == ()


# Each case: rule code, and a change to the clean small map that makes the rule fire.
Breaker = Callable[[ct.TheoryOfChange], object]
CASES: list[tuple[str, Breaker, tuple[str, ...]]] = [
    ("missing-problem", lambda t: t.remove("P"), ()),
    ("no-impact", lambda t: (t.remove("I1"), t.remove("I2")), ()),
    ("missing-project-impact", lambda t: t.remove("I1"), ()),
    ("missing-coproduction-impact", lambda t: t.remove("I2"), ()),
    ("outcome-without-activity", lambda t: t.remove("A1"), ("O1",)),
    ("outcome-reaches-no-impact", lambda t: t.unlink("O1", "I1"), ("O1",)),
    ("activity-contributes-to-nothing", lambda t: t.unlink("A1", "O1"), ("A1",)),
    ("impact-not-reached", lambda t: t.unlink("C1", "I2"), ("I2",)),
    (
        "coproduction-impact-without-coproduction-outcome",
        lambda t: t.update("C1", kind="project"),
        ("I2",),
    ),
    (
        "cycle",
        lambda t: (
            t.add_outcome("loop", kind="project", leads_to=["O1"], id="O2"),
            t.link("O1", "O2"),
        ),
        ("O1", "O2"),
    ),
    ("low-ladder-rung", lambda t: t.update("K1", ladder_rung=4), ("K1",)),
    (
        "breakdown-not-linked",
        lambda t: (
            t.assess(
                "C1",
                status="achieved",
                date="2025-01-01",
                breakdown=[BreakdownItem(activity="K1")],
            ),
            t.unlink("K1", "C1"),
        ),
        ("C1", "K1"),
    ),
    (
        "consent-incomplete",
        lambda t: t.evidence.add(
            ConsentRecord(participant="R-1", given_at="2026-01-01", purposes=["evaluation"])
        ),
        (),
    ),
]


@pytest.mark.parametrize(("code", "breaker", "nodes"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires_on_the_broken_map(
    small_map: ct.TheoryOfChange, code: str, breaker: Breaker, nodes: tuple[str, ...]
) -> None:
    """Breaking the map in one way produces that rule's finding, naming the nodes."""
    breaker(small_map)
    found = [f for f in ct.validate(small_map) if f.code == code]
    assert [f.nodes for f in found] == [nodes]
    assert found[0].severity is BUILTIN_RULES.get(code).severity
    assert found[0].message


@pytest.mark.parametrize("code", [c[0] for c in CASES])
def test_rule_is_silent_on_the_clean_map(small_map: ct.TheoryOfChange, code: str) -> None:
    """The same rule says nothing about the clean map."""
    assert code not in codes(small_map)


def test_every_builtin_rule_has_a_case() -> None:
    """No rule is left without a firing and a non-firing test."""
    assert {c[0] for c in CASES} == {rule.code for rule in BUILTIN_RULES}


def test_no_impact_does_not_also_report_the_missing_kinds(small_map: ct.TheoryOfChange) -> None:
    """With no impact at all, one finding says so, not three."""
    small_map.remove("I1")
    small_map.remove("I2")
    assert {"missing-project-impact", "missing-coproduction-impact"}.isdisjoint(codes(small_map))


def test_outcome_fed_through_an_earlier_outcome_has_activities(
    small_map: ct.TheoryOfChange,
) -> None:
    """An outcome whose activities sit behind an earlier outcome is not flagged."""
    small_map.add_outcome("Long-term", kind="project", horizon="long", leads_to=["I1"], id="L1")
    small_map.link("O1", "L1")
    assert "outcome-without-activity" not in codes(small_map)


def test_high_rung_and_project_activities_are_not_flagged(small_map: ct.TheoryOfChange) -> None:
    """Rung 5+ co-production, and project activities at any rung, pass the ladder rule."""
    small_map.update("K1", ladder_rung=5)
    small_map.update("A1", ladder_rung=1)
    assert "low-ladder-rung" not in codes(small_map)


def test_incomplete_map_is_a_report_not_an_exception() -> None:
    """An empty map validates to findings; validate never raises for incompleteness."""
    report = ct.validate(ct.TheoryOfChange())
    assert not report.ok
    assert {"missing-problem", "no-impact"} <= report.codes


def test_warnings_alone_keep_the_map_valid(small_map: ct.TheoryOfChange) -> None:
    """ok is about errors; warnings are there to be read."""
    small_map.update("K1", ladder_rung=2)
    report = ct.validate(small_map)
    assert report.ok and len(report.warnings) == 1


def test_report_as_data(small_map: ct.TheoryOfChange) -> None:
    """to_dict gives JSON-ready findings with code, severity, nodes and message."""
    small_map.remove("A1")
    data = ct.validate(small_map).to_dict()
    assert data["ok"] is False and data["errors"] == 1
    assert data["findings"][0]["code"] == "outcome-without-activity"
    assert data["findings"][0]["nodes"] == ["O1"]
    assert data["findings"][0]["severity"] == "error"


def test_plugins_can_add_rules_through_a_registry(small_map: ct.TheoryOfChange) -> None:
    """A rule added to a copy of the registry runs with the built-in ones."""
    rules = BUILTIN_RULES.copy()

    @rules.rule("outcome-without-indicator", "warning", "An outcome has no indicator.")
    def _check(facts: MapFacts):  # type: ignore[no-untyped-def]
        for node in facts.by_type[ct.NodeType.OUTCOME]:
            if not node.indicators:  # type: ignore[union-attr]
                yield (node.id,), f"{node.id} has no indicator"

    report = ct.validate(small_map, rules)
    assert [f.nodes for f in report if f.code == "outcome-without-indicator"] == [("O1",), ("C1",)]
    assert "outcome-without-indicator" not in BUILTIN_RULES
    with pytest.raises(ValueError, match="already registered"):
        rules.add(BUILTIN_RULES.get("cycle"))


# --------------------------------------------------------------------------- naive reference


def naive_findings(toc: ct.TheoryOfChange) -> set[tuple[str, frozenset[str]]]:
    """Every rule re-derived the slow, obvious way: one path search per pair of nodes."""
    g = toc.graph
    ids = {t: [n.id for n in toc.nodes(t)] for t in ct.NodeType}
    kinds = {n.id: getattr(n, "kind", None) for n in toc.nodes()}
    out: set[tuple[str, frozenset[str]]] = set()

    def add(code: str, *nodes: str) -> None:
        out.add((code, frozenset(nodes)))

    if not ids[ct.NodeType.PROBLEM]:
        add("missing-problem")
    impacts = ids[ct.NodeType.IMPACT]
    if not impacts:
        add("no-impact")
    else:
        if all(kinds[i] != ct.Kind.PROJECT for i in impacts):
            add("missing-project-impact")
        if all(kinds[i] != ct.Kind.COPRODUCTION for i in impacts):
            add("missing-coproduction-impact")
    for o in ids[ct.NodeType.OUTCOME]:
        if not any(nx.has_path(g, a, o) for a in ids[ct.NodeType.ACTIVITY]):
            add("outcome-without-activity", o)
        if not any(nx.has_path(g, o, i) for i in impacts):
            add("outcome-reaches-no-impact", o)
    for a in ids[ct.NodeType.ACTIVITY]:
        if g.out_degree(a) == 0:
            add("activity-contributes-to-nothing", a)
        activity = toc.get(a)
        if activity.kind is ct.Kind.COPRODUCTION and (activity.ladder_rung or 9) <= 4:  # type: ignore[union-attr]
            add("low-ladder-rung", a)
    for i in impacts:
        if not any(p in ids[ct.NodeType.OUTCOME] for p in g.predecessors(i)):
            add("impact-not-reached", i)
        cp_outcomes = [o for o in ids[ct.NodeType.OUTCOME] if kinds[o] == ct.Kind.COPRODUCTION]
        if kinds[i] == ct.Kind.COPRODUCTION and not any(nx.has_path(g, o, i) for o in cp_outcomes):
            add("coproduction-impact-without-coproduction-outcome", i)
    nodes = list(g)
    on_cycle = [v for v in nodes if any(nx.has_path(g, s, v) for s in g.successors(v))]
    groups = {
        frozenset(w for w in on_cycle if nx.has_path(g, v, w) and nx.has_path(g, w, v))
        for v in on_cycle
    }
    for group in groups:
        add("cycle", *group)
    for o in ids[ct.NodeType.OUTCOME]:
        for assessment in toc.get(o).assessments:  # type: ignore[union-attr]
            behind = {a for a in ids[ct.NodeType.ACTIVITY] if nx.has_path(g, a, o)}
            unlinked = [i.activity for i in assessment.breakdown if i.activity not in behind]
            if unlinked:
                add("breakdown-not-linked", o, *unlinked)
    return out


@given(maps(max_nodes=7, with_details=False))
def test_findings_match_the_naive_reference(toc: ct.TheoryOfChange) -> None:
    """On random maps, the linear-time rules find exactly what path-by-path search finds."""
    fast = {(f.code, frozenset(f.nodes)) for f in ct.validate(toc)}
    assert fast == naive_findings(toc)


@given(maps(max_nodes=5))
def test_validate_never_raises(toc: ct.TheoryOfChange) -> None:
    """Any map the API can build validates to a report; findings are in a stable order."""
    first = ct.validate(toc)
    assert first == ct.validate(toc.copy())
