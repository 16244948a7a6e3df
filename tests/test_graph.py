"""TheoryOfChange: building a map, the allowed-edge table, queries, copy and equality."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

import coprod_toc as ct
from coprod_toc.errors import DuplicateNodeError
from coprod_toc.graph import ALLOWED_LINKS
from coprod_toc.model import AssumptionType

ONE_OF_EACH = {
    ct.NodeType.PROBLEM: "P",
    ct.NodeType.IMPACT: "I1",
    ct.NodeType.OUTCOME: "O1",
    ct.NodeType.ACTIVITY: "A1",
}


def _one_of_each() -> ct.TheoryOfChange:
    toc = ct.TheoryOfChange()
    toc.add(ct.Problem(id="P", statement="p"))
    toc.add(ct.Impact(id="I1", statement="i", kind="project"))
    toc.add(ct.Outcome(id="O1", statement="o", kind="project"))
    toc.add(ct.Activity(id="A1", description="a", kind="project"))
    return toc


def test_ids_are_generated_when_not_given() -> None:
    """New nodes get short ids by type: I1, O1, A1…"""
    toc = ct.TheoryOfChange()
    impact = toc.add_impact("x", kind="project")
    outcome = toc.add_outcome("y", kind="project", leads_to=[impact])
    assert (impact, outcome) == ("I1", "O1")
    assert toc.add_activity("z", kind="project", contributes_to=[outcome]) == "A1"


def test_generated_ids_skip_ids_already_used() -> None:
    """A generated id never collides with one the user chose."""
    toc = ct.TheoryOfChange()
    toc.add_impact("x", kind="project", id="I1")
    assert toc.add_impact("y", kind="project") == "I2"


def test_duplicate_id_is_refused() -> None:
    """Two nodes cannot share an id."""
    toc = ct.TheoryOfChange()
    toc.add_impact("x", kind="project", id="X")
    with pytest.raises(DuplicateNodeError, match="'X' is already used"):
        toc.add_outcome("y", kind="project", id="X")


ALLOWED = {(s.value, t.value) for s, t in ALLOWED_LINKS}
PAIRS = list(itertools.product(ONE_OF_EACH, repeat=2))


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s, t in PAIRS if (s.value, t.value) not in ALLOWED and s is not t],
    ids=lambda t: t.value,
)
def test_links_outside_the_table_are_refused_with_a_code(
    source: ct.NodeType, target: ct.NodeType
) -> None:
    """Every pair not in the allowed-edge table raises LinkError 'edge-not-allowed'."""
    toc = _one_of_each()
    with pytest.raises(ct.LinkError) as caught:
        toc.link(ONE_OF_EACH[source], ONE_OF_EACH[target])
    assert caught.value.code == "edge-not-allowed"
    assert not toc.has_link(ONE_OF_EACH[source], ONE_OF_EACH[target])


def test_activity_to_impact_explains_why() -> None:
    """The most common mistake gets a hint: activities work through outcomes."""
    toc = _one_of_each()
    with pytest.raises(ct.LinkError, match="activities reach impact through outcomes"):
        toc.link("A1", "I1")


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_links_in_the_table_are_accepted(source: str, target: str) -> None:
    """Activity→Outcome, Outcome→Outcome, Outcome→Impact and Problem→Impact are allowed."""
    toc = _one_of_each()
    toc.add(ct.Outcome(id="O2", statement="o2", kind="project"))
    target_id = (
        "O2" if (source, target) == ("outcome", "outcome") else ONE_OF_EACH[ct.NodeType(target)]
    )
    link = toc.link(ONE_OF_EACH[ct.NodeType(source)], target_id)
    assert toc.get_link(link.source, link.target) == link


def test_outcome_cannot_lead_to_an_earlier_horizon() -> None:
    """A long-term outcome cannot lead to a short-term one ('horizon-backwards')."""
    toc = ct.TheoryOfChange()
    long = toc.add_outcome("later", kind="project", horizon="long")
    short = toc.add_outcome("sooner", kind="project", horizon="short")
    with pytest.raises(ct.LinkError) as caught:
        toc.link(long, short)
    assert caught.value.code == "horizon-backwards"
    toc.link(short, long)  # forwards in time is fine
    assert toc.has_link(short, long)


def test_self_link_is_refused() -> None:
    """A node cannot contribute to itself."""
    toc = _one_of_each()
    with pytest.raises(ct.LinkError) as caught:
        toc.link("O1", "O1")
    assert caught.value.code == "self-link"


def test_second_link_between_the_same_nodes_is_refused() -> None:
    """Linking twice is an error; update_link changes an existing link."""
    toc = _one_of_each()
    toc.link("A1", "O1")
    with pytest.raises(ct.LinkError) as caught:
        toc.link("A1", "O1", level=2)
    assert caught.value.code == "duplicate-link"
    assert toc.update_link("A1", "O1", level=2).level == 2


def test_failed_add_leaves_the_map_unchanged() -> None:
    """add_outcome with an unknown target adds nothing at all."""
    toc = _one_of_each()
    before = toc.copy()
    with pytest.raises(ct.NodeNotFoundError):
        toc.add_outcome("x", kind="project", leads_to=["I1", "nope"], id="O9")
    assert toc == before
    assert "O9" not in toc


def test_unknown_node_is_a_key_error_naming_the_id() -> None:
    """Looking up a missing node raises NodeNotFoundError, a KeyError."""
    toc = ct.TheoryOfChange()
    with pytest.raises(KeyError) as caught:
        toc.get("O9")
    assert isinstance(caught.value, ct.NodeNotFoundError)
    assert str(caught.value) == "unknown node 'O9'"


def test_typed_accessors_return_the_record() -> None:
    """toc.impact, toc.outcome and toc.activity return the record, the one toc.get returns."""
    toc = _one_of_each()
    assert toc.impact("I1") is toc.get("I1")
    assert toc.outcome("O1") is toc["O1"]
    assert toc.activity("A1") is toc.get("A1")
    assert isinstance(toc.outcome("O1"), ct.Outcome)


@pytest.mark.parametrize("accessor", ["impact", "outcome", "activity"])
def test_typed_accessors_raise_node_not_found_for_an_unknown_id(accessor: str) -> None:
    """A typed accessor given an id the map does not hold raises NodeNotFoundError."""
    with pytest.raises(ct.NodeNotFoundError) as caught:
        getattr(_one_of_each(), accessor)("X9")
    assert caught.value.node_id == "X9"


@pytest.mark.parametrize(
    ("accessor", "node_id", "message"),
    [
        ("outcome", "A1", "'A1' is an activity, not an outcome"),
        ("impact", "O1", "'O1' is an outcome, not an impact"),
        ("activity", "P", "'P' is a problem, not an activity"),
        ("outcome", "I1", "'I1' is an impact, not an outcome"),
    ],
)
def test_typed_accessors_refuse_a_node_of_another_type(
    accessor: str, node_id: str, message: str
) -> None:
    """A typed accessor given a node of another type raises ModelError saying what it is."""
    with pytest.raises(ct.ModelError) as caught:
        getattr(_one_of_each(), accessor)(node_id)
    assert str(caught.value) == message
    assert not isinstance(caught.value, KeyError)


def test_problem_is_linked_to_impacts_both_ways_round() -> None:
    """Setting the problem links it to existing impacts; new impacts are linked to it."""
    toc = ct.TheoryOfChange()
    first = toc.add_impact("a", kind="project")
    problem = toc.set_problem("why")
    second = toc.add_impact("b", kind="coproduction")
    assert toc.successors(problem) == [first, second]


def test_setting_the_problem_again_updates_it() -> None:
    """A map has one problem: set_problem twice changes the statement, keeps id and links."""
    toc = ct.TheoryOfChange()
    toc.add_impact("a", kind="project")
    problem = toc.set_problem("why")
    assert toc.set_problem("why, better") == problem
    assert toc.problem is not None and toc.problem.statement == "why, better"
    assert len(toc.nodes("problem")) == 1
    with pytest.raises(ct.ModelError, match="a map has one problem"):
        toc.add(ct.Problem(id="P2", statement="another"))


def test_update_keeps_links_and_checks_them() -> None:
    """update changes fields; a change that breaks a link is refused and nothing changes."""
    toc = ct.TheoryOfChange()
    medium = toc.add_outcome("later", kind="project", horizon="medium")
    short = toc.add_outcome("sooner", kind="project", leads_to=[medium])
    assert toc.update(short, statement="soon").statement == "soon"  # type: ignore[union-attr]
    with pytest.raises(ct.LinkError, match="cannot lead to outcome"):
        toc.update(short, horizon="long", statement="changed")
    assert toc.get(short).statement == "soon"  # type: ignore[union-attr]
    assert toc.has_link(short, medium)


def test_update_refuses_bad_values_and_id_changes() -> None:
    """update validates like the constructor does and never renames a node."""
    toc = _one_of_each()
    with pytest.raises(ct.ModelError, match="kind must be one of"):
        toc.update("O1", kind="other")
    with pytest.raises(ct.ModelError, match="id cannot be changed"):
        toc.update("O1", id="O2")
    with pytest.raises(ct.ModelError):
        toc.update("O1", colour="red")


def test_remove_takes_links_and_assumptions_with_it() -> None:
    """Removing a node removes its links and the assumptions attached to them."""
    toc = _one_of_each()
    toc.link("A1", "O1")
    toc.link("O1", "I1")
    toc.add_assumption("people come", ("A1", "O1"))
    toc.add_assumption("funding holds", "O1")
    toc.remove("O1")
    assert "O1" not in toc
    assert toc.links() == []
    assert toc.assumptions() == []


def test_unlink_removes_the_link_and_its_assumptions() -> None:
    """unlink leaves both nodes in place."""
    toc = _one_of_each()
    toc.link("A1", "O1")
    toc.add_assumption("people come", ("A1", "O1"))
    toc.unlink("A1", "O1")
    assert not toc.has_link("A1", "O1")
    assert toc.assumptions() == []
    with pytest.raises(ct.LinkError) as caught:
        toc.unlink("A1", "O1")
    assert caught.value.code == "unknown-link"


def test_assumption_needs_an_existing_node_or_link() -> None:
    """Attaching an assumption to a missing link is an error."""
    toc = _one_of_each()
    with pytest.raises(ct.LinkError):
        toc.add_assumption("x", ("A1", "O1"))
    assumption = toc.add_assumption("staff stay", "O1", type="enabler")
    assert toc.assumptions("O1")[0].type is AssumptionType.ENABLER
    toc.remove_assumption(assumption)
    assert toc.assumptions() == []


def test_activities_behind_an_outcome_include_earlier_outcomes(
    day_centre: ct.TheoryOfChange,
) -> None:
    """O3 (plan approved) is served by A1, K4, K6 directly, and by O2's and O6's activities."""
    assert day_centre.activities_for("O3", direct=True) == ["A1", "K4", "K6"]
    assert day_centre.activities_for("O3") == ["A1", "A2", "K4", "K5", "K6"]


def test_outcomes_an_activity_serves(day_centre: ct.TheoryOfChange) -> None:
    """K5 runs community encounters: O6 and C2 directly, then O2 and O3 through O6."""
    assert day_centre.outcomes_served_by("K5", direct=True) == ["O6", "C2"]
    assert day_centre.outcomes_served_by("K5") == ["O2", "O3", "O6", "C2"]
    assert day_centre.impacts_reached_by("K5") == ["I1", "I2"]


def test_pathway_to_the_coproduction_impact(day_centre: ct.TheoryOfChange) -> None:
    """The pathway to I2 holds C1, C2, their activities and the problem, and nothing else."""
    path = day_centre.pathway("I2")
    assert [n.id for n in path.outcomes()] == ["C1", "C2"]
    assert [n.id for n in path.activities()] == ["K3", "K4", "K5", "K6", "K7", "K8"]
    assert path.problem is not None
    assert not path.has_link("C1", "I1")
    with pytest.raises(ct.ModelError, match="not an impact"):
        day_centre.pathway("O1")


def test_copy_is_independent_and_equal(day_centre: ct.TheoryOfChange) -> None:
    """A copy equals the original until one of them changes."""
    other = day_centre.copy()
    assert other == day_centre
    other.update_link("K4", "C1", level=4)
    assert other != day_centre
    assert day_centre.get_link("K4", "C1").level is None


def test_equality_ignores_the_order_nodes_were_added() -> None:
    """Two maps with the same nodes and links are equal whatever the order."""
    first, second = ct.TheoryOfChange(), ct.TheoryOfChange()
    first.add_impact("a", kind="project", id="I1")
    first.add_impact("b", kind="project", id="I2")
    second.add_impact("b", kind="project", id="I2")
    second.add_impact("a", kind="project", id="I1")
    assert first == second


def test_graph_view_is_read_only(day_centre: ct.TheoryOfChange) -> None:
    """Analyses read the networkx graph; only TheoryOfChange may change it."""
    view = day_centre.graph
    assert view.number_of_nodes() == len(day_centre)
    with pytest.raises(nx.NetworkXError):
        view.add_edge("A1", "I1")


def test_external_ref_points_back_at_the_host_record() -> None:
    """Every node can carry the host application's own reference."""
    toc = ct.TheoryOfChange(external_ref="case-system:project/42")
    outcome = toc.add_outcome("x", kind="project", external_ref="crm:outcome/7")
    assert toc.get(outcome).external_ref == "crm:outcome/7"


def test_summary_counts_every_part(day_centre: ct.TheoryOfChange) -> None:
    """The one-line summary used by the CLI and repr."""
    assert day_centre.summary() == "1 problem, 2 impacts, 9 outcomes, 13 activities, 36 links"


# --------------------------------------------------------------------------- change tracking


def test_changed_since_names_updates_and_moves(small_map: ct.TheoryOfChange) -> None:
    """Updates are 'updated'; additions, removals and re-links are 'moved'."""
    mark = small_map.change_mark()
    small_map.update("O1", statement="Building open all week")
    small_map.update_link("A1", "O1", level=3)
    small_map.unlink("C1", "I1")
    new = small_map.add_outcome("Extra", kind="project", leads_to=["I1"])
    changes = small_map.changed_since(mark)
    assert changes is not None
    assert changes.nodes == {"O1": "updated", new: "moved"}
    assert changes.links == {("A1", "O1"): "updated", ("C1", "I1"): "moved", (new, "I1"): "moved"}


def test_removing_a_node_moves_its_links(small_map: ct.TheoryOfChange) -> None:
    """A removed node takes its links with it, and both are reported."""
    mark = small_map.change_mark()
    small_map.update("C1", statement="People decide")
    small_map.remove("C1")
    changes = small_map.changed_since(mark)
    assert changes is not None
    assert changes.nodes == {"C1": "moved"}  # removal wins over the earlier update
    assert set(changes.links) == {("K1", "C1"), ("C1", "I2"), ("C1", "I1")}


def test_marks_of_another_map_or_before_a_restart_tell_nothing(
    small_map: ct.TheoryOfChange,
) -> None:
    """changed_since answers None when it cannot know, and copies track nothing."""
    old = small_map.change_mark()
    small_map.change_mark(restart=True)
    assert small_map.changed_since(old) is None
    assert small_map.copy().changed_since(small_map.change_mark()) is None


def test_link_many_makes_every_link_or_none(small_map: ct.TheoryOfChange) -> None:
    """link_many checks each link like link(); one refusal leaves the map unchanged."""
    before = small_map.copy()
    with pytest.raises(ct.LinkError) as caught:
        small_map.link_many([("K1", "O1", {"level": 2}), ("I1", "O1", {})])
    assert caught.value.code == "edge-not-allowed"
    assert small_map == before
    with pytest.raises(ct.LinkError, match="already links"):
        small_map.link_many([("K1", "O1", {}), ("K1", "O1", {})])
    assert small_map == before
    assert small_map.link_many([("K1", "O1", {"level": 2}), ("A1", "C1", {})]) == 2
    assert small_map.get_link("K1", "O1").level == 2


def test_link_many_refused_midway_leaves_no_trace(small_map: ct.TheoryOfChange) -> None:
    """Links made before the refused one are taken back, from successors and predecessors."""
    predecessors = list(small_map.graph.predecessors("O1"))
    with pytest.raises(ct.LinkError, match="already links"):
        small_map.link_many([("K1", "O1", {}), ("A1", "C1", {}), ("K1", "O1", {})])
    assert list(small_map.graph.predecessors("O1")) == predecessors
    assert not small_map.has_link("A1", "C1")


def test_add_many_adds_every_node_or_none(small_map: ct.TheoryOfChange) -> None:
    """add_many checks each record like add(); one refusal leaves the map unchanged."""
    before = small_map.copy()
    new = ct.Outcome(id="O9", statement="New", kind="project")
    refused: list[tuple[list[object], type[Exception]]] = [
        ([new, ct.Outcome(id="O9", statement="Again", kind="project")], DuplicateNodeError),
        ([new, ct.Impact(id="I1", statement="Taken", kind="project")], DuplicateNodeError),
        ([new, ct.Problem(id="P2", statement="A second problem")], ct.ModelError),
        ([new, "not a record"], ct.ModelError),
    ]
    for records, error in refused:
        with pytest.raises(error):
            small_map.add_many(records)  # type: ignore[arg-type]
        assert small_map == before
        assert "O9" not in small_map
        assert small_map.problem is not None and small_map.problem.id == "P"
    assert small_map.add_many([new, ct.Activity(id="A9", description="New", kind="project")]) == 2
    assert [n.id for n in small_map.nodes()][-2:] == ["O9", "A9"]


def test_add_many_is_tracked_like_add(small_map: ct.TheoryOfChange) -> None:
    """Nodes added together are reported as moved, like nodes added one by one."""
    mark = small_map.change_mark()
    small_map.add_many([ct.Outcome(id="O9", statement="New", kind="project")])
    changes = small_map.changed_since(mark)
    assert changes is not None and changes.nodes == {"O9": "moved"}


def test_only_the_graph_module_reaches_into_networkx() -> None:
    """networkx's private dicts are read in graph.py alone; every other module asks it."""
    import re

    from tests.conftest import ROOT

    private = re.compile(r"\._(succ|pred|node|adj)\b")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "src" / "coprod_toc").rglob("*.py")
        if path.name != "graph.py" and private.search(path.read_text("utf-8"))
    ]
    assert offenders == []


def test_the_graph_view_changes_nothing_of_the_map() -> None:
    """toc.graph is read-only in fact: structure, node and link attributes alike."""
    import networkx as nx

    toc = ct.example()
    before = ct.dumps(toc)
    view = toc.graph
    source, target = next(iter(view.edges))
    attempts = [
        lambda: view.add_node("X"),
        lambda: view.remove_edge(source, target),
        lambda: view.nodes[source].__setitem__("node", None),
        lambda: view.nodes[source].clear(),
        lambda: view.edges[source, target].__setitem__("link", None),
        lambda: view.succ[source][target].update(link=None),
        lambda: view.pred[target][source].pop("link"),
        lambda: view.graph.update(name="x"),
    ]
    for attempt in attempts:
        with pytest.raises((TypeError, AttributeError, nx.NetworkXError)):
            attempt()
    assert ct.dumps(toc) == before


def test_the_graph_view_follows_the_map_and_serves_networkx() -> None:
    import networkx as nx

    toc = ct.example()
    view = toc.graph
    assert list(nx.topological_sort(view))  # networkx's algorithms read it as any graph
    added = toc.add_outcome("Something new", kind="project")
    assert added in view and view.nodes[added]["node"] == toc.get(added)
    own = view.copy()  # a graph of one's own, free to change
    own.add_node("mine")
    assert "mine" not in toc


def test_what_networkx_makes_from_the_view_is_an_ordinary_graph() -> None:
    """Pickles, deep copies, reversed and undirected graphs of the view are graphs of
    their own, free to change, and changing them leaves the map alone."""
    import copy
    import pickle

    toc = ct.example()
    before = ct.dumps(toc)
    made = [
        pickle.loads(pickle.dumps(toc.graph)),
        copy.deepcopy(toc.graph),
        toc.graph.copy(),
        toc.graph.reverse(),
        toc.graph.to_undirected(),
        toc.graph.to_directed(),
    ]
    for graph in made:
        assert graph.number_of_nodes() == len(toc)
        graph.add_node("mine")
        next(iter(graph.nodes.values()))["node"] = None
    assert ct.dumps(toc) == before


def test_the_view_does_not_hand_out_the_maps_own_dicts() -> None:
    """Analyses read the map through toc.adjacency(); the public view gives only
    read-only wrappers, whichever way its dicts are reached."""
    from coprod_toc.graph import adjacency_of

    toc = ct.example()
    succ, _, nodes = adjacency_of(toc.graph)
    with pytest.raises(TypeError):
        nodes["O1"]["node"] = None
    with pytest.raises(TypeError):
        del succ["A1"][next(iter(succ["A1"]))]
