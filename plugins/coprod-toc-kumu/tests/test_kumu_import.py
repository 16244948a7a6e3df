"""The kumu map importer: a blueprint made in Kumu reads with its types as levels and a note
for every kind assumed; a blueprint this plugin wrote reads back equal; a damaged one is a
FormatError naming the file and the JSON path, never another error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.evidence import Evidence
from coprod_toc.exchange import MapImport
from coprod_toc.testing import (
    MapImporterContract,
    check_read_or_refused,
    damaged_json,
    hostile_map,
    json_values,
    sample_maps,
)
from coprod_toc_kumu import blueprint

#: A blueprint as a person makes one in Kumu: labels, types, a few fields, no ids.
MADE_IN_KUMU: dict[str, Any] = {
    "elements": [
        {"label": "Loneliness", "type": "Problem"},
        {"label": "People feel less alone", "type": "Impact", "kind": "Co-production"},
        {"label": "Friendships", "type": "outcome", "horizon": "Long-term",
         "description": "New friends made at the centre"},
        {"label": "Home visits", "type": "Activity", "status": "in progress",
         "ladder rung": "6 (co-design)", "tags": ["visits"]},
        {"label": "Local council", "type": "Organisation"},
    ],
    "connections": [
        {"from": "Loneliness", "to": "People feel less alone", "type": "addressed by"},
        {"from": "Friendships", "to": "People feel less alone", "contribution level": 3,
         "description": "Friends are the change people asked for."},
        {"from": "Home visits", "to": "Friendships", "evidence": ["visit-log"],
         "assumptions": ["People open the door"]},
        {"from": "Local council", "to": "Home visits", "type": "funds"},
    ],
}  # fmt: skip


def _write(folder: Path, data: Any, name: str = "blueprint.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _read(folder: Path, data: Any, **options: Any) -> MapImport:
    return ct.import_map(_write(folder, data), format="kumu", **options)


def _element(data: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(e for e in data["elements"] if e["coprod-toc id"] == node_id)


class TestKumuImporter(MapImporterContract):
    importer_name = "kumu"
    exporter_name = "kumu"

    @pytest.fixture
    def sample_files(self, tmp_path: Path) -> list[Path]:
        written = ct.export(sample_maps()["full"], "kumu", tmp_path / "full.json")
        return [written, _write(tmp_path, MADE_IN_KUMU, "made-in-kumu.json")]

    def carried(self, toc: ct.TheoryOfChange) -> ct.TheoryOfChange:
        """Everything but the evidence records, which a file for another tool leaves out."""
        kept = toc.copy()
        kept.evidence = Evidence()
        return kept


# --------------------------------------------------------------------------- made in Kumu


def test_a_blueprint_made_in_kumu_reads_by_its_types(tmp_path: Path) -> None:
    """Types are levels; kind, horizon, status and ladder rung are read from the fields;
    the label is the statement, the description follows it; the connection's level,
    description, evidence and assumptions carry over."""
    result = _read(tmp_path, MADE_IN_KUMU)
    toc = result.toc
    assert toc.summary() == "1 problem, 1 impact, 1 outcome, 1 activity, 3 links"
    assert toc.title == "blueprint"  # a blueprint has no title: the file's name, noted
    impact, outcome, activity = toc.impacts()[0], toc.outcomes()[0], toc.activities()[0]
    assert impact.kind is ct.Kind.COPRODUCTION
    assert outcome.statement == "Friendships\n\nNew friends made at the centre"
    assert outcome.horizon is ct.Horizon.LONG
    assert (activity.status, activity.ladder_rung) == (ct.ActivityStatus.IN_PROGRESS, 6)
    link = toc.get_link(outcome.id, impact.id)
    assert (link.level, link.rationale) == (3, "Friends are the change people asked for.")
    assert toc.get_link(activity.id, outcome.id).evidence == ("visit-log",)
    assert [a.text for a in toc.assumptions((activity.id, outcome.id))] == ["People open the door"]
    assert result.read == {"elements": 5, "connections": 4}


def test_every_node_without_a_kind_has_a_kind_assumed_note(tmp_path: Path) -> None:
    """Kumu has no project or co-production kinds: a node without a kind field is given the
    option's kind with a note; one with a kind field is not guessed."""
    result = _read(tmp_path, MADE_IN_KUMU, kind="coproduction")
    assumed = [n for n in result.notes if n.code == "kind-assumed"]
    assert [n.where for n in assumed] == ["elements[2]", "elements[3]"]
    assert all("'coproduction'" in n.message for n in assumed)
    assert {n.kind for n in result.toc.nodes() if n.node_type is not ct.NodeType.PROBLEM} == {  # type: ignore[union-attr]
        ct.Kind.COPRODUCTION
    }


def test_an_unknown_type_is_left_out_naming_the_element_and_the_option(tmp_path: Path) -> None:
    """An Organisation is not a level: the element and its connection are left out, each
    noted; types= reads it as the level it names."""
    result = _read(tmp_path, MADE_IN_KUMU)
    notes = {n.where: n for n in result.notes}
    assert "'Local council'" in notes["elements[4]"].message
    assert "'Organisation'" in notes["elements[4]"].message
    assert "types=" in notes["elements[4]"].message
    assert notes["connections[3]"].code == "link-left-out"
    again = _read(tmp_path, MADE_IN_KUMU, types={"Organisation": "activity"})
    assert len(again.toc.activities()) == 2
    council_to_visits = next(n for n in again.notes if n.where == "connections[3]")
    assert "an activity cannot link to an activity" in council_to_visits.message


def test_the_types_option_names_your_own_types(tmp_path: Path) -> None:
    """types= maps a map's own vocabulary to levels; an output is a short-term outcome."""
    data = {
        "elements": [
            {"label": "Goal", "type": "Aim"},
            {"label": "Result", "type": "Deliverable"},
            {"label": "Step", "type": "Task"},
        ],
        "connections": [{"from": "Step", "to": "Result"}, {"from": "Result", "to": "Goal"}],
    }
    types = {"aim": "impact", "Deliverable": "output", "TASK": "activity"}
    toc = _read(tmp_path, data, types=types).toc
    assert [n.node_type.value for n in toc.nodes()] == ["impact", "outcome", "activity"]
    assert toc.outcomes()[0].horizon is ct.Horizon.SHORT
    assert len(toc.links()) == 2


def test_an_outcome_without_a_horizon_is_short_term_with_a_note(tmp_path: Path) -> None:
    data = {"elements": [{"label": "Friendships", "type": "Outcome", "kind": "project"}]}
    result = _read(tmp_path, data)
    assert result.toc.outcomes()[0].horizon is ct.Horizon.SHORT
    assert [n.code for n in result.notes] == ["no-title", "horizon-assumed"]


def test_connections_by_element_id(tmp_path: Path) -> None:
    """With ids, connections name elements by id; a usable Kumu id is the node's id, an
    unusable one its external_ref."""
    data = {
        "elements": [
            {"id": "elem-1", "label": "Same", "type": "Impact", "kind": "project"},
            {"id": "elem 2", "label": "Same", "type": "Outcome", "kind": "project",
             "horizon": "long"},
        ],
        "connections": [{"from": "elem 2", "to": "elem-1"}],
    }  # fmt: skip
    result = _read(tmp_path, data)
    outcome = result.toc.outcomes()[0]
    assert (outcome.id, outcome.external_ref) == ("O1", "elem 2")
    assert result.toc.has_link("O1", "elem-1")
    assert [n.code for n in result.notes] == ["no-title", "id-replaced"]


def test_a_blueprint_of_the_earlier_exporter_reads_its_fields(tmp_path: Path) -> None:
    """Without the coprod-toc records (as the exporter wrote before), kinds, horizons, ids,
    statements and links come from the fields, and no kind is assumed."""
    toc = ct.example()
    data = blueprint(toc)
    del data["coprod-toc"]
    for element in data["elements"]:
        del element["coprod-toc"]
    back = _read(tmp_path, data).toc
    assert [n.id for n in back.nodes()] == [n.id for n in toc.nodes()]
    for node in toc.nodes():
        got = back.get(node.id)
        assert (got.text, getattr(got, "kind", None), getattr(got, "horizon", None)) == (
            node.text, getattr(node, "kind", None), getattr(node, "horizon", None),
        )  # fmt: skip
    assert back.links() == toc.links()


# --------------------------------------------------------------------------- written here


def test_the_hostile_map_survives_the_round_trip(tmp_path: Path) -> None:
    """Markup, quotes, other scripts and repeated texts in labels: the map comes back equal."""
    toc = hostile_map()
    result = ct.import_map(ct.export(toc, "kumu", tmp_path / "hostile.json"))
    assert ct.dumps(result.toc) == ct.dumps(toc)
    assert not result.notes


def test_each_element_carries_its_record_and_the_blueprint_the_map() -> None:
    """The visible fields stay as before; the coprod-toc field and key hold the rest."""
    data = blueprint(sample_maps()["full"])
    c1 = _element(data, "C1")
    assert (c1["type"], c1["kind"], c1["horizon"]) == ("Outcome", "Co-production", "Short-term")
    record = json.loads(c1["coprod-toc"])
    assert record["type"] == "outcome" and record["indicators"][0]["id"] == "N1"
    assert data["coprod-toc"]["title"] == sample_maps()["full"].title
    assert data["coprod-toc"]["external_ref"] == "host:project/1"
    k4_c1 = next(c for c in data["connections"] if c["to"] == c1["label"] and "rationale" in c)
    assert k4_c1["assumptions"] == ["People feel safe to speak in meetings."]


def _edited(tmp_path: Path, edit: Any) -> MapImport:
    data = blueprint(sample_maps()["full"])
    edit(data)
    return _read(tmp_path, data)


def test_a_description_changed_in_kumu_is_the_new_statement(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        _element(data, "K4")["description"] = "The group runs every meeting"

    result = _edited(tmp_path, edit)
    assert result.toc.get("K4").text == "The group runs every meeting"
    assert result.toc.activity("K4").ladder_rung == 7
    assert not result.notes


def test_a_label_changed_in_kumu_is_the_new_statement(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        label = _element(data, "K4")["label"]
        _element(data, "K4")["label"] = "Group meetings"
        for connection in data["connections"]:
            for end in ("from", "to"):
                if connection[end] == label:
                    connection[end] = "Group meetings"

    result = _edited(tmp_path, edit)
    assert result.toc.get("K4").text == "Group meetings"
    assert result.toc.successors("K4") == sample_maps()["full"].successors("K4")


def test_other_fields_changed_in_kumu_are_noted_and_the_record_kept(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        _element(data, "K4")["kind"] = "Project"

    result = _edited(tmp_path, edit)
    assert result.toc == sample_maps()["full"]
    assert [n.code for n in result.notes] == ["record-kept"]
    assert result.notes[0].message.startswith("kind of K4 changed in Kumu")


def test_connection_fields_changed_in_kumu_win(tmp_path: Path) -> None:
    """A new level, rationale or assumptions on a connection replace the link's."""

    def edit(data: dict[str, Any]) -> None:
        connection = next(c for c in data["connections"] if c.get("assumptions"))
        connection.update({"contribution level": 1, "rationale": "Less than we thought.",
                           "assumptions": ["Meetings go on", "People come"]})  # fmt: skip

    result = _edited(tmp_path, edit)
    link = result.toc.get_link("K4", "C1")
    assert (link.level, link.rationale) == (1, "Less than we thought.")
    assert [a.text for a in result.toc.assumptions(("K4", "C1"))] == [
        "Meetings go on",
        "People come",
    ]
    assert [n.code for n in result.notes] == ["assumption-replaced"]


def test_a_copied_element_gets_an_id_of_its_own(tmp_path: Path) -> None:
    """An element copied in Kumu, record and all, is a second node, with a note."""

    def edit(data: dict[str, Any]) -> None:
        copy = dict(_element(data, "K4"), label="A copy")
        data["elements"].append(copy)

    result = _edited(tmp_path, edit)
    assert len(result.toc.activities()) == len(sample_maps()["full"].activities()) + 1
    assert [n.code for n in result.notes] == ["id-replaced"]
    assert "also the id of elements[" in result.notes[0].message


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("options", "match"),
    [({"types": {"Person": "stakeholder"}}, "types"), ({"types": "Person"}, "types"),
     ({"kind": "both"}, "kind"), ({"levels": {}}, "options types and kind")],
)  # fmt: skip
def test_bad_options_are_format_errors(tmp_path: Path, options: Any, match: str) -> None:
    with pytest.raises(ct.FormatError, match=match):
        _read(tmp_path, MADE_IN_KUMU, **options)


@pytest.mark.parametrize(
    ("damage", "path"),
    [
        (lambda d: d["connections"][1].update({"contribution level": "high"}),
         "connections[1].contribution level"),
        (lambda d: d["connections"][1].update({"contribution level": 5}),
         "connections[1].contribution level"),
        (lambda d: d["connections"][2].update(evidence=[1]), "connections[2].evidence[0]"),
        (lambda d: d["connections"][2].pop("to"), "connections[2]"),
        (lambda d: d["connections"][2].update(to=["x"]), "connections[2].to"),
        (lambda d: d["elements"][2].pop("label"), "elements[2]"),
        (lambda d: d["elements"][2].update(description=7), "elements[2].description"),
        (lambda d: d["elements"][2].update(type=1), "elements[2].type"),
        (lambda d: d["elements"].append([]), "elements[5]"),
        (lambda d: d.update(connections={}), "connections"),
    ],
)  # fmt: skip
def test_a_bad_value_is_refused_at_its_json_path(tmp_path: Path, damage: Any, path: str) -> None:
    """A value of the wrong type or range is a FormatError naming the file and its path."""
    data = json.loads(json.dumps(MADE_IN_KUMU))
    damage(data)
    with pytest.raises(ct.FormatError) as caught:
        _read(tmp_path, data)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{tmp_path / 'blueprint.json'}: {path}: ")


@pytest.mark.parametrize(
    ("damage", "path"),
    [
        (lambda d: _element(d, "K4").update({"coprod-toc": "{not json"}), "{K4}.coprod-toc"),
        (lambda d: _element(d, "K4").update({"coprod-toc": '{"type": "person"}'}),
         "{K4}.coprod-toc.type"),
        (lambda d: _element(d, "K4").update(
            {"coprod-toc": json.dumps(json.loads(_element(d, "K4")["coprod-toc"])
                                      | {"ladder_rung": 9})}), "{K4}.coprod-toc.ladder_rung"),
        (lambda d: d["coprod-toc"].update(version=2), "coprod-toc.version"),
        (lambda d: d["coprod-toc"]["assumptions"][0].pop("text"), "coprod-toc.assumptions[0]"),
    ],
)  # fmt: skip
def test_damaged_coprod_toc_fields_are_refused_at_their_path(
    tmp_path: Path, damage: Any, path: str
) -> None:
    """coprod-toc's own fields, damaged, are refused at their path too."""
    data = blueprint(sample_maps()["full"])
    k4 = data["elements"].index(_element(data, "K4"))
    damage(data)
    with pytest.raises(ct.FormatError) as caught:
        _read(tmp_path, data)
    assert caught.value.path == path.format(K4=f"elements[{k4}]")


KEYS = ("elements", "connections", "label", "type", "description", "from", "to", "id",
        "kind", "horizon", "status", "ladder rung", "contribution level", "rationale",
        "evidence", "assumptions", "coprod-toc", "coprod-toc id", "version",
        "direction")  # fmt: skip
JSON = json_values(KEYS)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_any_json_value_is_read_or_refused_by_name(value: Any) -> None:
    """Whatever JSON a file holds, the result is a map or a FormatError naming the file."""
    check_read_or_refused("kumu", json.dumps(value).encode())


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["made in kumu", "written here"]), st.data())
def test_a_damaged_blueprint_is_read_or_refused_by_name(which: str, data: st.DataObject) -> None:
    """Keys deleted, values of the wrong type, bytes cut off: never another error."""
    document = MADE_IN_KUMU if which == "made in kumu" else blueprint(sample_maps()["full"])
    check_read_or_refused("kumu", damaged_json(document, data, JSON))


def test_a_text_like_another_nodes_label_keeps_its_links(tmp_path: Path) -> None:
    """Two impacts "Better lives" get "(I1)" and "(I2)"; a third whose own text is
    "Better lives (I2)" gets its id too, so connections by label reach the right node."""
    toc = ct.TheoryOfChange(title="Labels")
    toc.add_impact("Better lives", kind="project")
    toc.add_impact("Better lives", kind="project")
    i3 = toc.add_impact("Better lives (I2)", kind="coproduction")
    toc.add_outcome("Connect", kind="project", leads_to=[i3])
    labels = [e["label"] for e in blueprint(toc)["elements"]]
    assert len(set(labels)) == len(labels)
    path = ct.export(toc, "kumu", tmp_path / "labels.json")
    assert ct.import_map(path).toc == toc
