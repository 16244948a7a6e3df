"""ToC-Maker JSON: the builder's real export reads as counted by hand, a map written for the
builder reads back equal, and no damaged file gives anything but a FormatError naming it."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.backends.exchange.toc_maker import (
    TocMakerImporter,
    confidence_level,
    joined_statement,
    level_confidence,
    split_statement,
    toc_maker_document,
)
from coprod_toc.evidence import Evidence
from coprod_toc.exchange import MapImport
from coprod_toc.testing import (
    ExporterContract,
    MapImporterContract,
    check_read_or_refused,
    damaged_json,
    json_values,
    sample_maps,
)
from tests.strategies import maps

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-exports"
CHARITY = REAL / "toc-maker-charity-entrepreneurship.json"


def _real() -> dict[str, Any]:
    """The builder's real export (a missing file fails the test: it is never skipped)."""
    return json.loads(CHARITY.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _write(folder: Path, data: Any, name: str = "map.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _read(folder: Path, data: Any, **options: Any) -> MapImport:
    return ct.import_map(_write(folder, data), format="toc-maker", **options)


def _node(node_id: str, title: str, *targets: str, **fields: Any) -> dict[str, Any]:
    return {"id": node_id, "title": title, "text": "", "connectionIds": list(targets),
            "connections": [{"targetId": t, "confidence": 50} for t in targets]} | fields  # fmt: skip


def _map(*sections: tuple[str, list[list[dict[str, Any]]]]) -> dict[str, Any]:
    return {
        "title": "Small",
        "sections": [
            {"title": title, "columns": [{"nodes": nodes} for nodes in columns]}
            for title, columns in sections
        ],
    }


# --------------------------------------------------------------------------- contracts


class TestTocMakerExporter(ExporterContract):
    exporter_name = "toc-maker"


class TestTocMakerImporter(MapImporterContract):
    importer_name = "toc-maker"
    exporter_name = "toc-maker"

    @pytest.fixture
    def sample_files(self, tmp_path: Path) -> list[Path]:
        # The contract writes beside each sample (a cut-off copy): work on a copy of the
        # real export in the test's own folder, never beside the original.
        real = tmp_path / CHARITY.name
        real.write_bytes(CHARITY.read_bytes())
        written = ct.export(sample_maps()["full"], "toc-maker", tmp_path / "full.json")
        return [real, written]

    def carried(self, toc: ct.TheoryOfChange) -> ct.TheoryOfChange:
        """Everything but the evidence records, which a file for another tool leaves out."""
        kept = toc.copy()
        kept.evidence = Evidence()
        return kept


# --------------------------------------------------------------------------- the real export


def test_the_real_export_reads_as_counted_by_hand() -> None:
    """13 nodes: 5 activities (Inputs), 4 achievements (Outputs), 2 medium-term and 1
    long-term outcome (the last of 3 Outcomes columns), 1 impact (Goal); 12 links."""
    result = ct.import_map(CHARITY)
    toc = result.toc
    assert result.format == "toc-maker"
    assert toc.title == "Charity Entrepreneurship Incubation Program"
    assert len(toc) == 13 and toc.problem is None
    assert len(toc.activities()) == 5 and len(toc.impacts()) == 1
    horizons = [o.horizon.value for o in toc.outcomes()]
    assert (horizons.count("short"), horizons.count("medium"), horizons.count("long")) == (4, 2, 1)
    assert toc.outcome("impactful-programs").horizon is ct.Horizon.LONG
    assert toc.outcome("plans").horizon is ct.Horizon.MEDIUM
    assert toc.outcome("reports").horizon is ct.Horizon.SHORT
    assert len(toc.links()) == 12
    assert result.read == {"Inputs": 5, "Outputs": 4, "Outcomes": 3, "Goal": 1, "connections": 12}
    assert ct.validate(toc).findings  # builder maps have no problem: reported, not refused


@pytest.mark.parametrize(
    ("source", "target", "confidence", "level"),
    [
        ("research", "reports", 85, 3),
        ("vetting", "cohorts", 88, 4),
        ("funder-outreach", "seed-network", 50, 2),
        ("reports", "plans", 20, 1),
        ("new-charities", "impactful-programs", 60, 2),
        ("impactful-programs", "wellbeing", 88, 4),
    ],
)
def test_confidence_becomes_the_links_level(
    source: str, target: str, confidence: int, level: int
) -> None:
    """Confidence 0–100 is the link's level to the nearest quarter; evidence is its
    rationale and assumptions an assumption on it."""
    toc = ct.import_map(CHARITY).toc
    link = toc.get_link(source, target)
    assert link.level == level == confidence_level(confidence)
    connection = next(
        c
        for section in _real()["sections"]
        for column in section["columns"]
        for node in column["nodes"]
        if node["id"] == source
        for c in node["connections"]
        if c["targetId"] == target
    )
    assert link.rationale == connection["evidence"]
    assert [a.text for a in toc.assumptions((source, target))] == [connection["assumptions"]]


def test_every_node_of_the_real_export_has_a_kind_assumed_note() -> None:
    """ToC-Maker has no project or co-production kinds: one note per node says so, with the
    node's JSON path, and nothing else is noted."""
    result = ct.import_map(CHARITY)
    notes = [n for n in result.notes if n.code == "kind-assumed"]
    assert sorted(n.nodes[0] for n in notes) == sorted(node.id for node in result.toc.nodes())
    assert notes[0].where == "sections[0].columns[0].nodes[0]"
    assert "'project'" in notes[0].message
    assert len(result.notes) == 13
    assert {n.kind for n in result.toc.nodes()} == {ct.Kind.PROJECT}  # type: ignore[union-attr]


def test_kind_option_sets_the_kind_assumed(tmp_path: Path) -> None:
    """kind="coproduction" makes every node co-production, and the notes say so."""
    result = ct.import_map(CHARITY, kind="co-production")
    assert {n.kind for n in result.toc.nodes()} == {ct.Kind.COPRODUCTION}  # type: ignore[union-attr]
    assert all("'coproduction'" in n.message for n in result.notes)


def test_the_title_is_the_statement_and_the_text_follows_it() -> None:
    """A node's longer text is kept after a blank line, below its title."""
    node = ct.import_map(CHARITY).toc.get("research")
    assert node.text == (
        "Extensive research into promising ideas for new charities\n\nFind out more about our "
        "extensive research into promising charity ideas at https://www.charityentrepreneurship.com/"
    )


# --------------------------------------------------------------------------- decisions


def test_an_unknown_section_is_refused_naming_it_and_the_option(tmp_path: Path) -> None:
    """A section the importer does not know is not guessed: the error names it, its path
    and the levels option, which then reads it."""
    data = _real()
    data["sections"][0]["title"] = "Resources"
    with pytest.raises(ct.FormatError) as caught:
        _read(tmp_path, data)
    message = str(caught.value)
    assert "map.json: sections[0].title" in message
    assert "'Resources'" in message and "levels=" in message
    toc = _read(tmp_path, data, levels={"resources": "activity"}).toc
    assert len(toc.activities()) == 5


def test_the_levels_option_overrides_the_titles(tmp_path: Path) -> None:
    """levels= re-reads a known title: Outputs as outcomes (one column: long-term)."""
    toc = ct.import_map(CHARITY, levels={"Outputs": "outcome"}).toc
    assert toc.outcome("reports").horizon is ct.Horizon.LONG
    assert not toc.has_link("reports", "plans")  # long-term cannot lead to medium-term


@pytest.mark.parametrize(
    "options",
    [{"levels": {"Inputs": "resource"}}, {"levels": ["Inputs"]}, {"kind": "both"}, {"x": 1}],
)
def test_bad_options_are_format_errors(options: dict[str, Any]) -> None:
    """An unknown option, level or kind is refused, saying which option."""
    with pytest.raises(ct.FormatError, match="option"):
        ct.import_map(CHARITY, format="toc-maker", **options)


def test_connections_the_model_cannot_hold_are_left_out_with_their_path(tmp_path: Path) -> None:
    """Inputs → Activities (activity to activity), activity → impact, a missing target and
    a horizon going backwards: each left out, each noted at its JSON path."""
    data = _map(
        ("Inputs", [[_node("money", "Money", "visits", "goal", "nowhere")]]),
        ("Activities", [[_node("visits", "Home visits", "met")]]),
        ("Outputs", [[_node("met", "People met", "goal")]]),
        ("Outcomes", [[_node("mid", "Less alone", "met")], [_node("late", "Friends", "mid")]]),
        ("Impact", [[_node("goal", "Wellbeing")]]),
    )
    result = _read(tmp_path, data)
    toc = result.toc
    assert [(link.source, link.target) for link in toc.links()] == [
        ("visits", "met"),
        ("met", "goal"),
    ]
    left_out = {n.where: n.message for n in result.notes if n.code == "link-left-out"}
    assert set(left_out) == {
        "sections[0].columns[0].nodes[0].connections[0]",
        "sections[0].columns[0].nodes[0].connections[1]",
        "sections[0].columns[0].nodes[0].connections[2]",
        "sections[3].columns[0].nodes[0].connections[0]",
        "sections[3].columns[1].nodes[0].connections[0]",
    }
    assert (
        "an activity cannot link to an activity"
        in left_out["sections[0].columns[0].nodes[0].connections[0]"]
    )
    assert "'nowhere'" in left_out["sections[0].columns[0].nodes[0].connections[2]"]
    assert "medium-term" in left_out["sections[3].columns[0].nodes[0].connections[0]"]


def test_an_id_coprod_toc_cannot_use_is_replaced_and_kept_as_the_reference(
    tmp_path: Path,
) -> None:
    """A node id with a space gets a new id; the file's id is its external_ref; links to it
    still follow."""
    data = _map(
        ("Activities", [[_node("home visits", "Home visits", "-met")]]),
        ("Outputs", [[_node("-met", "People met")]]),
    )
    result = _read(tmp_path, data)
    activity, outcome = result.toc.activities()[0], result.toc.outcomes()[0]
    assert (activity.id, activity.external_ref) == ("A1", "home visits")
    assert (outcome.id, outcome.external_ref) == ("O1", "-met")
    assert result.toc.has_link("A1", "O1")
    assert [n.where for n in result.notes if n.code == "id-replaced"] == [
        "sections[0].columns[0].nodes[0].id",
        "sections[1].columns[0].nodes[0].id",
    ]


def test_older_files_with_connection_ids_only_give_links_without_a_level(tmp_path: Path) -> None:
    """Without connections, connectionIds are the links; the builder's default confidence
    is not taken for a level the group chose."""
    node = _node("visits", "Home visits", "met")
    del node["connections"]
    result = _read(tmp_path, _map(("Activities", [[node]]), ("Outputs", [[_node("met", "Met")]])))
    assert result.toc.get_link("visits", "met").level is None


def test_levels_and_confidences_convert_both_ways() -> None:
    """level × 25 is written; the nearest quarter (halves up) is read; 50 for no level."""
    assert [confidence_level(c) for c in (0, 12, 12.5, 37.5, 62.5, 87.5, 100)] == [
        0, 0, 1, 2, 3, 4, 4,
    ]  # fmt: skip
    assert [level_confidence(level) for level in (None, 0, 1, 2, 3, 4)] == [50, 0, 25, 50, 75, 100]
    for level in range(5):
        assert confidence_level(level_confidence(level)) == level


def test_statements_split_into_title_and_text_and_join_again() -> None:
    """Title and text are the statement split at its first blank line, and joined again."""
    assert split_statement("Title\n\nMore\n\nand more") == ("Title", "More\n\nand more")
    assert joined_statement("Title", "More\n\nand more") == "Title\n\nMore\n\nand more"
    assert joined_statement("Title", "  ") == "Title"
    assert joined_statement(" ", "Only text") == "Only text"
    assert joined_statement("Same  words", "Same words") == "Same  words"
    assert joined_statement("", "") is None


# --------------------------------------------------------------------------- writing


def test_the_export_has_the_builders_shape() -> None:
    """Sections Activities, Outputs, Outcomes (medium, long) and Impact; nodes with what the
    builder draws; coprod-toc's own fields under one key it carries along."""
    data = toc_maker_document(sample_maps()["full"])
    assert [s["title"] for s in data["sections"]] == ["Activities", "Outputs", "Outcomes", "Impact"]
    assert [len(s["columns"]) for s in data["sections"]] == [1, 1, 2, 1]
    assert (data["title"], data["textSize"], data["curvature"]) == (
        sample_maps()["full"].title, 1, 1,
    )  # fmt: skip
    node = data["sections"][0]["columns"][0]["nodes"][0]
    assert set(node) == {"id", "title", "text", "connectionIds", "connections", "yPosition",
                         "width", "color", "coprodToc"}  # fmt: skip
    assert node["connectionIds"] == [c["targetId"] for c in node["connections"]]
    k4 = next(n for n in data["sections"][0]["columns"][0]["nodes"] if n["id"] == "K4")
    c1 = next(c for c in k4["connections"] if c["targetId"] == "C1")
    assert c1 == {
        "targetId": "C1",
        "confidence": 100,
        "evidence": "The group decides.",
        "assumptions": "People feel safe to speak in meetings.",
        "coprodToc": {"evidence": ["log-12"]},
    }
    assert k4["coprodToc"]["kind"] == "coproduction" and k4["coprodToc"]["ladder_rung"] == 7
    assert data["coprodToc"]["problem"]["addresses"] == ["I1", "I2"]


def test_the_same_map_gives_the_same_bytes(tmp_path: Path) -> None:
    """The bytes depend only on the map, and the file ends with a line break."""
    first = ct.export(sample_maps()["full"], "toc-maker", tmp_path / "a.json").read_bytes()
    second = ct.export(sample_maps()["full"], "toc-maker", tmp_path / "b.json").read_bytes()
    assert first == second and first.endswith(b"}\n")


def test_a_map_exported_is_not_taken_for_canonical_json(tmp_path: Path) -> None:
    """Each importer claims only its own files."""
    ours = ct.export(sample_maps()["empty"], "toc-maker", tmp_path / "empty.json")
    canonical = tmp_path / "canonical.json"
    ct.dump(sample_maps()["full"], canonical)
    assert ct.import_map(ours).format == "toc-maker"
    assert not TocMakerImporter().detect(canonical, canonical.read_bytes())


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(maps())
def test_any_map_survives_the_round_trip(toc: ct.TheoryOfChange) -> None:
    """Export then import gives the map back equal: kinds, horizons, order, every field."""
    with tempfile.TemporaryDirectory() as folder:
        path = ct.export(toc, "toc-maker", Path(folder) / "map.json")
        result = ct.import_map(path)
    assert result.format == "toc-maker"
    assert ct.dumps(result.toc) == ct.dumps(toc)
    assert result.toc == toc
    assert not result.notes


# --------------------------------------------------------------------------- edits in the builder


def _edited(tmp_path: Path, edit: Any) -> MapImport:
    data = toc_maker_document(sample_maps()["full"])
    edit(data)
    return _read(tmp_path, data)


def _find(data: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(
        node
        for section in data["sections"]
        for column in section["columns"]
        for node in column["nodes"]
        if node["id"] == node_id
    )


def test_what_was_changed_in_the_builder_wins(tmp_path: Path) -> None:
    """A new title, confidence, evidence or assumptions text replaces what coprod-toc wrote;
    the rest of the record stays."""

    def edit(data: dict[str, Any]) -> None:
        k4 = _find(data, "K4")
        k4["title"] = "The group runs every meeting"
        link = next(c for c in k4["connections"] if c["targetId"] == "C1")
        link.update(confidence=50, evidence="They said so.", assumptions="Meetings go on.")

    result = _edited(tmp_path, edit)
    toc = result.toc
    assert toc.get("K4").text == "The group runs every meeting"
    assert toc.activity("K4").ladder_rung == 7
    link = toc.get_link("K4", "C1")
    assert (link.level, link.rationale, link.evidence) == (2, "They said so.", ("log-12",))
    assert [a.text for a in toc.assumptions(("K4", "C1"))] == ["Meetings go on."]
    assert [n.code for n in result.notes] == ["assumption-replaced"]


def test_a_node_moved_to_another_section_keeps_its_record(tmp_path: Path) -> None:
    """The record says what the node is; the note says where it was found."""

    def edit(data: dict[str, Any]) -> None:
        node = data["sections"][1]["columns"][0]["nodes"].pop(0)
        data["sections"][3]["columns"][0]["nodes"].append(node)

    result = _edited(tmp_path, edit)
    assert result.toc == sample_maps()["full"]
    assert [n.code for n in result.notes] == ["record-kept"]
    assert "'Impact'" in result.notes[0].message and "an output" in result.notes[0].message


def test_a_node_added_in_the_builder_gets_a_kind_assumed_note(tmp_path: Path) -> None:
    """A node without coprod-toc's fields is read as the builder's own, kind assumed."""

    def edit(data: dict[str, Any]) -> None:
        data["sections"][0]["columns"][0]["nodes"].append(_node("new", "A new activity", "C1"))

    result = _edited(tmp_path, edit)
    assert result.toc.has_link("new", "C1")
    assert [(n.code, n.nodes) for n in result.notes] == [("kind-assumed", ("new",))]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("damage", "path"),
    [
        (lambda d: d["sections"][1]["columns"][0]["nodes"][2]["connections"][0].update(
            confidence="high"), "sections[1].columns[0].nodes[2].connections[0].confidence"),
        (lambda d: d["sections"][1]["columns"][0]["nodes"][2]["connections"][0].update(
            confidence=150), "sections[1].columns[0].nodes[2].connections[0].confidence"),
        (lambda d: d["sections"][1]["columns"][0]["nodes"][2]["connections"][0].update(
            confidence=float("nan")), "sections[1].columns[0].nodes[2].connections[0].confidence"),
        (lambda d: d["sections"][1]["columns"][0]["nodes"][2]["connections"][0].pop(
            "targetId"), "sections[1].columns[0].nodes[2].connections[0]"),
        (lambda d: d["sections"][2]["columns"][1]["nodes"][0].update(id=7),
         "sections[2].columns[1].nodes[0].id"),
        (lambda d: d["sections"][2]["columns"][1]["nodes"][0].update(id="plans"),
         "sections[2].columns[1].nodes[0].id"),
        (lambda d: d["sections"][2]["columns"][1].update(nodes={}),
         "sections[2].columns[1].nodes"),
        (lambda d: d["sections"].append("Goal"), "sections[4]"),
        (lambda d: d["sections"][3].pop("columns"), "sections[3]"),
        (lambda d: d.update(title=["x"]), "title"),
    ],
)  # fmt: skip
def test_a_bad_value_is_refused_at_its_json_path(tmp_path: Path, damage: Any, path: str) -> None:
    """A value of the wrong type or range is a FormatError naming the file and its path."""
    data = _real()
    damage(data)
    with pytest.raises(ct.FormatError) as caught:
        _read(tmp_path, data)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{tmp_path / 'map.json'}: {path}: ")


@pytest.mark.parametrize(
    ("damage", "path"),
    [
        (lambda d: _find(d, "K4")["coprodToc"].update(ladder_rung=9),
         "{K4}.coprodToc.ladder_rung"),
        (lambda d: _find(d, "K4")["coprodToc"].update(type="problem"),
         "{K4}.coprodToc.type"),
        (lambda d: _find(d, "K4")["connections"][0].update(coprodToc={"level": "x"}),
         "{K4}.connections[0].coprodToc.level"),
        (lambda d: d["coprodToc"]["assumptions"][0].pop("text"), "coprodToc.assumptions[0]"),
        (lambda d: d["coprodToc"].update(version=2), "coprodToc.version"),
        (lambda d: d["coprodToc"]["problem"]["addresses"].append({"to": "I1", "x": 1}),
         "coprodToc.problem.addresses[2].x"),
    ],
)  # fmt: skip
def test_damaged_coprod_toc_fields_are_refused_at_their_path(
    tmp_path: Path, damage: Any, path: str
) -> None:
    """coprod-toc's own fields, damaged, are refused at their path too."""
    data = toc_maker_document(sample_maps()["full"])
    k4 = data["sections"][0]["columns"][0]["nodes"].index(_find(data, "K4"))
    damage(data)
    with pytest.raises(ct.FormatError) as caught:
        _read(tmp_path, data)
    assert caught.value.path == path.format(K4=f"sections[0].columns[0].nodes[{k4}]")


KEYS = ("sections", "columns", "nodes", "title", "text", "id", "connections", "connectionIds",
        "targetId", "confidence", "evidence", "assumptions", "coprodToc", "type", "level",
        "version", "problem", "order", "statement", "kind")  # fmt: skip
JSON = json_values(KEYS)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON)
def test_any_json_value_is_read_or_refused_by_name(value: Any) -> None:
    """Whatever JSON a file holds, the result is a map or a FormatError naming the file."""
    check_read_or_refused("toc-maker", json.dumps(value).encode())


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["real", "ours"]), st.data())
def test_a_damaged_file_is_read_or_refused_by_name(which: str, data: st.DataObject) -> None:
    """Keys deleted, values of the wrong type, bytes cut off: never another error."""
    document = _real() if which == "real" else toc_maker_document(sample_maps()["full"])
    check_read_or_refused("toc-maker", damaged_json(document, data, JSON))


def test_a_levels_entry_for_no_section_is_noted(tmp_path: Path) -> None:
    """levels= naming a section the file does not have did nothing, and says so."""
    path = tmp_path / "ce.json"
    path.write_bytes(CHARITY.read_bytes())
    result = ct.import_map(path, levels={"Goals": "outcome", "goal": "Impact"})
    unused = [n for n in result.notes if n.code == "option-unused"]
    assert [n.message for n in unused] == [
        "the file has no section titled 'Goals'; that entry of levels= did nothing"
    ]
