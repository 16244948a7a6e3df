"""The split between project and co-production: hand-worked figures and properties."""

from __future__ import annotations

import json
from fractions import Fraction

import networkx as nx
import pytest
from hypothesis import assume, given

import coprod_toc as ct
from coprod_toc.analysis import CAVEAT
from coprod_toc.errors import CycleError
from tests.conftest import ROOT
from tests.strategies import maps

PEER = ROOT / "examples" / "peer-support.toml"


def acyclic(toc: ct.TheoryOfChange) -> bool:
    return nx.is_directed_acyclic_graph(toc.graph)


# --------------------------------------------------------------------------- worked examples


def test_day_centre_structural_share(day_centre: ct.TheoryOfChange) -> None:
    """A: 8 of 13 activities and 2 of 9 outcomes are co-production; per impact too."""
    result = ct.split(day_centre)
    assert (result.activities.coproduction, result.activities.total) == (8, 13)
    assert (result.outcomes.coproduction, result.outcomes.total) == (2, 9)
    i1, i2 = result.impact("I1"), result.impact("I2")
    assert (i1.activities.coproduction, i1.activities.total) == (8, 13)
    assert (i1.outcomes.coproduction, i1.outcomes.total) == (1, 8)  # C1 of O1..O7 and C1
    assert (i2.activities.coproduction, i2.activities.total) == (6, 6)  # K3..K8
    assert (i2.outcomes.coproduction, i2.outcomes.total) == (2, 2)
    assert result.effort is None  # no effort recorded


def test_day_centre_contribution_with_equal_weights(day_centre: ct.TheoryOfChange) -> None:
    """C with no levels set: I1 is 23/64 project and 41/64 co-production (docs/split.md)."""
    i1 = ct.split(day_centre).impact("I1").contribution
    assert i1.project == pytest.approx(23 / 64)
    assert i1.coproduction == pytest.approx(41 / 64)
    assert i1.other == 0
    i2 = ct.split(day_centre).impact("I2").contribution
    assert (i2.project, i2.coproduction, i2.other) == (0, 1, 0)


def test_day_centre_routes_and_evidence(day_centre: ct.TheoryOfChange) -> None:
    """B: 18 of 27 routes to I1 touch co-production; D: nothing has evidence yet."""
    result = ct.split(day_centre)
    assert (result.impact("I1").routes.coproduction_routes, result.impact("I1").routes.routes) == (
        18,
        27,
    )
    assert (result.impact("I2").routes.coproduction_routes, result.impact("I2").routes.routes) == (
        6,
        6,
    )
    assert {item.contribution.unevidenced for item in result.impacts} == {1.0}


def test_peer_support_figures_by_hand() -> None:
    """The small example's figures, as worked out in docs/split.md."""
    result = ct.split(ct.load(PEER))
    i1 = result.impact("I1")
    assert (i1.routes.coproduction_routes, i1.routes.routes) == (5, 7)
    assert i1.contribution.project == pytest.approx(0.75 / 2.25)
    assert i1.contribution.coproduction == pytest.approx(1.15625 / 2.25)
    assert i1.contribution.other == pytest.approx(0.34375 / 2.25)
    assert i1.contribution.unevidenced == pytest.approx(2.0 / 2.25)
    assert result.effort is not None and (result.effort.coproduction, result.effort.total) == (
        50,
        60,
    )
    i2 = result.impact("I2")
    assert i2.effort is not None and (i2.effort.coproduction, i2.effort.total) == (20, 20)
    assert (i2.contribution.coproduction, i2.contribution.unevidenced) == (1.0, 1.0)


def test_every_figure_explains_itself() -> None:
    """Each figure has a plain sentence; the result carries the caveat."""
    result = ct.split(ct.load(PEER))
    assert result.caveat == CAVEAT
    assert "contribution estimate agreed by the group, not a measured attribution" in result.caveat
    i1 = result.impact("I1")
    assert (
        i1.routes.explanation
        == "5 of 7 routes from an activity to this impact pass through co-production."
    )
    assert (
        i1.outcomes.explanation
        == "1 of 3 outcomes that lead to this impact is a co-production outcome."
    )
    assert i1.contribution.explanation.startswith(
        "By the group's contribution levels, about 51% of this impact"
    )
    assert (
        i1.contribution.unevidenced_explanation
        == "89% of this estimate rests on links that have no evidence attached yet."
    )


def test_result_as_json() -> None:
    """to_dict is JSON-ready and keeps route counts exact."""
    data = json.loads(json.dumps(ct.split(ct.load(PEER)).to_dict()))
    assert data["impacts"][0]["routes"] == {
        "coproduction_routes": 5,
        "routes": 7,
        "share": 5 / 7,
        "explanation": "5 of 7 routes from an activity to this impact pass through co-production.",
    }
    assert set(data["impacts"][0]["contribution"]["ranges"]) == {"project", "coproduction", "other"}


def test_route_counts_stay_exact_when_astronomical() -> None:
    """200 layers of two parallel outcomes give 2**200 routes, counted exactly."""
    toc = ct.TheoryOfChange()
    target = toc.add_impact("end", kind="project")
    layer = [target]
    for depth in range(200):
        pair = [
            toc.add_outcome(
                f"{depth}{side}",
                kind="coproduction" if depth == 0 and side == "a" else "project",
                horizon="long",
                leads_to=layer,
            )
            for side in "ab"
        ]
        layer = pair
    toc.add_activity("start", kind="project", contributes_to=layer)
    routes = ct.split(toc).impact(target).routes
    assert routes.routes == 2**200
    assert routes.coproduction_routes == 2**199  # every route through the one co-production outcome


def test_outcome_with_nothing_behind_it_counts_as_other_factors() -> None:
    """No inputs, or only level-0 links and no other factors: 'other', with a finding."""
    toc = ct.TheoryOfChange()
    impact = toc.add_impact("i", kind="project")
    lonely = toc.add_outcome("nothing leads here", kind="project", leads_to=[impact])
    zero = toc.add_outcome("level zero", kind="project", leads_to=[impact])
    toc.add_activity("a", kind="project", contributes_to=[zero])
    toc.update_link("A1", zero, level=0)
    result = ct.split(toc)
    assert [(f.code, f.nodes) for f in result.findings] == [
        ("split-no-inputs", (lonely,)),
        ("split-zero-inputs", (zero,)),
    ]
    assert result.impact(impact).contribution.other == 1.0


def test_cycle_is_a_clear_error() -> None:
    """The split needs a map without circles, and says where the circle is."""
    toc = ct.TheoryOfChange()
    first = toc.add_outcome("a", kind="project")
    second = toc.add_outcome("b", kind="project", leads_to=[first])
    toc.link(first, second)
    with pytest.raises(CycleError, match="circle through O1, O2") as caught:
        ct.split(toc)
    assert caught.value.nodes == ("O1", "O2")


def _chain(order: list[str]) -> ct.TheoryOfChange:
    """Activities -> short -> long outcome -> impact, nodes added in the given order."""
    toc = ct.TheoryOfChange(title="Chain")
    makers = {
        "I": lambda: toc.add_impact("Impact", kind="project", id="I"),
        "L": lambda: toc.add_outcome("Long", kind="coproduction", id="L", other_factors_level=1),
        "S": lambda: toc.add_outcome("Short", kind="project", id="S"),
        "A": lambda: toc.add_activity("Project work", kind="project", id="A"),
        "K": lambda: toc.add_activity("Group work", kind="coproduction", id="K"),
    }
    for node_id in order:
        makers[node_id]()
    for source, target, level in (("A", "S", 3), ("K", "S", 1), ("K", "L", 2), ("S", "L", 4)):
        toc.link(source, target, level=level)
    toc.link("L", "I")
    return toc


def test_the_order_nodes_were_added_in_changes_nothing() -> None:
    """Built backwards (impact first) or forwards (activities first), the split is the same:
    a node met before its inputs is settled after them."""
    backwards = ct.split(_chain(["I", "L", "S", "A", "K"])).to_dict()
    forwards = ct.split(_chain(["A", "K", "S", "L", "I"])).to_dict()
    shuffled = ct.split(_chain(["S", "I", "K", "L", "A"])).to_dict()
    assert backwards == forwards == shuffled
    routes = backwards["impacts"][0]["routes"]
    assert (routes["routes"], routes["coproduction_routes"]) == (3, 3)  # A-S-L, K-S-L, K-L


def test_empty_map_has_no_figures() -> None:
    """With nothing to count, shares are None and there is no overall estimate."""
    result = ct.split(ct.TheoryOfChange())
    assert result.activities.share is None and result.overall is None and result.impacts == ()


# --------------------------------------------------------------------------- properties


@given(maps(max_nodes=6))
def test_contribution_shares_sum_to_one(toc: ct.TheoryOfChange) -> None:
    """For every impact, project + co-production + other = 1, and the range holds the estimate."""
    assume(acyclic(toc))
    for item in ct.split(toc).impacts:
        c = item.contribution
        assert c.project + c.coproduction + c.other == pytest.approx(1.0)
        for name in ("project", "coproduction", "other"):
            low, high = c.ranges[name]
            assert low - 1e-12 <= getattr(c, name) <= high + 1e-12
        assert 0 <= c.unevidenced <= 1 + 1e-12


@given(maps(max_nodes=6))
def test_project_only_map_has_no_coproduction(toc: ct.TheoryOfChange) -> None:
    """With every node a project node, co-production is 0 in A, B and C."""
    assume(acyclic(toc))
    for node in toc.nodes():
        if hasattr(node, "kind"):
            toc.update(node.id, kind="project")
    result = ct.split(toc)
    assert result.activities.coproduction == result.outcomes.coproduction == 0
    for item in result.impacts:
        assert item.routes.coproduction_routes == 0
        assert item.contribution.coproduction == 0
        assert item.contribution.ranges["coproduction"] == (0, 0)


@given(maps(max_nodes=6))
def test_swapping_every_kind_swaps_the_shares(toc: ct.TheoryOfChange) -> None:
    """Turn project into co-production and back: C's two shares trade places."""
    assume(acyclic(toc))
    before = ct.split(toc)
    for node in toc.nodes():
        kind = getattr(node, "kind", None)
        if kind is not None:
            toc.update(node.id, kind="project" if kind is ct.Kind.COPRODUCTION else "coproduction")
    after = ct.split(toc)
    for old, new in zip(before.impacts, after.impacts, strict=True):
        assert new.contribution.project == pytest.approx(old.contribution.coproduction)
        assert new.contribution.coproduction == pytest.approx(old.contribution.project)
        assert new.contribution.other == pytest.approx(old.contribution.other)
        low, high = old.contribution.ranges["coproduction"]
        assert new.contribution.ranges["project"] == pytest.approx((low, high))


@given(maps(max_nodes=6))
def test_an_unconnected_node_changes_no_impact(toc: ct.TheoryOfChange) -> None:
    """Adding a node linked to nothing leaves every per-impact figure as it was."""
    assume(acyclic(toc))
    before = ct.split(toc)
    toc.add_activity("unconnected", kind="coproduction", effort=5)
    toc.add_outcome("unconnected", kind="coproduction")
    after = ct.split(toc)
    assert [i.to_dict() for i in after.impacts] == [i.to_dict() for i in before.impacts]


@given(maps(max_nodes=6, with_details=False))
def test_route_counts_match_brute_force(toc: ct.TheoryOfChange) -> None:
    """B's dynamic programming equals listing every activity→impact route one by one."""
    assume(acyclic(toc))
    g = toc.graph
    kinds = {n.id: getattr(n, "kind", None) for n in toc.nodes()}
    result = ct.split(toc)
    for impact in toc.impacts():
        routes = [
            path
            for activity in toc.activities()
            for path in nx.all_simple_paths(g, activity.id, impact.id)
        ]
        through = [p for p in routes if any(kinds[n] is ct.Kind.COPRODUCTION for n in p[:-1])]
        measured = result.impact(impact.id).routes
        assert (measured.routes, measured.coproduction_routes) == (len(routes), len(through))


@given(maps(max_nodes=5))
def test_contribution_matches_a_fraction_reference(toc: ct.TheoryOfChange) -> None:
    """C equals an exact recomputation with fractions, node by node in topological order."""
    assume(acyclic(toc))
    g = toc.graph
    exact: dict[str, tuple[Fraction, Fraction, Fraction]] = {}
    for node_id in nx.topological_sort(g):
        node = toc.get(node_id)
        if node.node_type is ct.NodeType.PROBLEM:
            continue
        if node.node_type is ct.NodeType.ACTIVITY:
            exact[node_id] = (
                (Fraction(1), Fraction(0), Fraction(0))
                if node.kind is ct.Kind.PROJECT
                else (Fraction(0), Fraction(1), Fraction(0))
            )  # type: ignore[union-attr]
            continue
        other = Fraction(node.other_factors_level or 0, 4)  # type: ignore[union-attr]
        parts = [Fraction(0), Fraction(0), other]
        total = other
        for source in g.predecessors(node_id):
            if source not in exact:
                continue
            level = toc.get_link(source, node_id).level
            w = Fraction(2 if level is None else level, 4)
            total += w
            for i in range(3):
                parts[i] += w * exact[source][i]
        exact[node_id] = (
            (Fraction(0), Fraction(0), Fraction(1))
            if total == 0
            else (parts[0] / total, parts[1] / total, parts[2] / total)
        )  # type: ignore[assignment]
    for item in ct.split(toc).impacts:
        p, c, o = exact[item.impact]
        assert (
            item.contribution.project,
            item.contribution.coproduction,
            item.contribution.other,
        ) == pytest.approx((float(p), float(c), float(o)))


def test_small_counts_are_told_without_percentages_and_one_thing_in_words() -> None:
    toc = ct.TheoryOfChange(title="Small")
    impact = toc.add_impact("People feel at home", kind="coproduction")
    outcome = toc.add_outcome("Plans made together", kind="coproduction", leads_to=[impact])
    toc.add_activity("Meet monthly", kind="coproduction", contributes_to=[outcome])
    result = ct.split(toc).impacts[0]
    assert result.activities.explanation == (
        "The one activity that leads to this impact is a co-production activity."
    )
    assert result.routes.explanation == (
        "The one route from an activity to this impact passes through co-production."
    )
    assert "%" not in result.outcomes.explanation


def test_a_range_is_told_only_when_its_ends_differ() -> None:
    result = ct.split(ct.example())
    everything_coproduced = result.impacts[1].contribution.explanation
    assert "between" not in everything_coproduced
    assert "between 40% and 86%" in result.impacts[0].contribution.explanation


def test_counts_of_twenty_or_more_carry_their_percentage() -> None:
    routes = ct.split(ct.example()).impacts[0].routes.explanation
    assert (
        routes
        == "18 of 27 routes from an activity to this impact (67%) pass through co-production."
    )
