"""The built-in ``csv`` exporter (spreadsheet tables in a zip, or one table) and ``graphml``
exporter (nodes and links with typed attributes)."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings

import coprod_toc as ct
from coprod_toc.evidence import EvidenceItem, LogbookEntry, Participant, ProcessFeedback
from coprod_toc.model import BreakdownItem
from coprod_toc.plain import FORMULA_STARTS
from coprod_toc.testing import HOSTILE_LABELS, ExporterContract, hostile_map, sample_maps
from tests.strategies import maps, maps_with_evidence

TABLE_HEADINGS = {
    "nodes.csv": [
        "id", "type", "kind", "horizon", "statement", "status", "ladder_rung", "start", "end",
        "effort", "participant_roles", "other_factors_level", "timeframe", "affected_groups",
        "context", "i_statement", "easy_read", "external_ref",
    ],
    "links.csv": ["source", "target", "level", "rationale", "evidence"],
    "indicators.csv": [
        "outcome", "indicator", "description", "measure", "ascending", "baseline", "target",
        "external_ref",
    ],
    "actuals.csv": ["outcome", "indicator", "period", "value"],
    "assessments.csv": ["outcome", "assessment", "date", "status", "note", "evidence"],
    "breakdown.csv": ["outcome", "assessment", "activity", "role", "level"],
    "assumptions.csv": ["id", "attached_to", "type", "status", "text"],
    "evidence-summary.csv": [
        "node", "type", "evidence_items", "logbook_entries", "feedback", "link_evidence",
        "people",
    ],
}  # fmt: skip


class TestCsvExporter(ExporterContract):
    exporter_name = "csv"


class TestGraphmlExporter(ExporterContract):
    exporter_name = "graphml"


def read_zip(path: Path) -> dict[str, list[list[str]]]:
    """Every table in a zip the csv exporter wrote, as rows of cells (headings first)."""
    with zipfile.ZipFile(path) as archive:
        return {
            name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in archive.namelist()
        }


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def hostile_everywhere() -> ct.TheoryOfChange:
    """The hostile map with a formula-like text in every kind of text cell: indicators,
    actuals, assessments, breakdown roles, assumptions, roles, links' evidence."""
    toc = hostile_map()
    formula = '=HYPERLINK("http://example.invalid")'
    outcome = toc.outcomes()[0].id
    activity = toc.activities()[0].id
    if not toc.has_link(activity, outcome):
        toc.link(activity, outcome)
    toc.update(
        outcome,
        horizon="short",
        i_statement="+I statement",
        easy_read="-easy read",
        external_ref="@ref",
        indicators=[
            ct.Indicator(
                id="N1",
                description=formula,
                baseline="-5",
                target=-5,
                actuals=[ct.Actual(period="@2024", value="+3"), ct.Actual(period="Q2", value=-1.5)],
                external_ref="\tkpi",
            )
        ],
    )
    toc.assess(
        outcome,
        status="partly",
        date="2024-03-01",
        note="=note",
        breakdown=[BreakdownItem(activity=activity, role="-role", level=2)],
        evidence=["+evidence"],
    )
    toc.update(activity, participant_roles=["=role", "staff"], external_ref="=A1")
    toc.update_link(activity, outcome, evidence=["@cited", "other"], rationale="-because")
    toc.add_assumption("=1+1 assumption", activity)
    toc.add_assumption("\tenabler", (activity, outcome), type="enabler")
    toc.external_ref = "=map"
    return toc


# --------------------------------------------------------------------------- CSV


def test_zip_holds_one_file_per_table_with_its_headings(tmp_path: Path) -> None:
    """The zip holds the eight tables in a fixed order, each headed by its columns, with one
    row per node, link, indicator, actual and assumption."""
    toc = sample_maps()["full"]
    tables = read_zip(ct.export(toc, "csv", tmp_path / "map.zip"))
    assert list(tables) == list(TABLE_HEADINGS)
    assert {name: rows[0] for name, rows in tables.items()} == TABLE_HEADINGS
    assert [row[0] for row in tables["nodes.csv"][1:]] == [node.id for node in toc.nodes()]
    assert len(tables["links.csv"]) == 1 + len(toc.links())
    assert len(tables["evidence-summary.csv"]) == 1 + len(toc)
    k4 = next(row for row in as_dicts(tables["nodes.csv"]) if row["id"] == "K4")
    assert k4 == k4 | {
        "type": "activity", "kind": "coproduction", "status": "in_progress", "ladder_rung": "7",
        "start": "2024-01-08", "end": "2024-06-28", "effort": "12.5",
        "participant_roles": "lived experience; staff", "horizon": "",
    }  # fmt: skip
    assert as_dicts(tables["indicators.csv"]) == [
        {"outcome": "C1", "indicator": "N1", "description": "Decisions made by the group",
         "measure": "unit", "ascending": "true", "baseline": "0", "target": "10",
         "external_ref": ""}
    ]  # fmt: skip
    assert tables["actuals.csv"][1:] == [["C1", "N1", "2024-Q1", "4"]]
    assert ["K4", "C1", "4", "The group decides.", "log-12"] in tables["links.csv"]
    assert as_dicts(tables["assumptions.csv"])[0] == {
        "id": "S1", "attached_to": "K4 -> C1", "type": "enabler", "status": "untested",
        "text": "People feel safe to speak in meetings.",
    }  # fmt: skip


def test_zip_members_have_fixed_times_and_files_a_bom_and_crlf(tmp_path: Path) -> None:
    """Every member has the same fixed time and mode; each file is UTF-8 with a byte order
    mark (for Excel) and CR LF line ends."""
    path = ct.export(hostile_map(), "csv", tmp_path / "map.zip")
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr == 0o644 << 16
            data = archive.read(info)
            assert data.startswith(b"\xef\xbb\xbf")
            assert data.endswith(b"\r\n")
            data.decode("utf-8")


def test_every_formula_like_cell_is_written_safe(tmp_path: Path) -> None:
    """No cell of any table starts with = + - @ tab or CR: a text that did is written with a
    leading apostrophe, and numbers are written as numbers."""
    toc = hostile_everywhere()
    tables = read_zip(ct.export(toc, "csv", tmp_path / "map.zip"))
    cells = [cell for rows in tables.values() for row in rows for cell in row]
    numbers = {"-5", "-1.5"}
    assert not [c for c in cells if c.startswith(FORMULA_STARTS) and c not in numbers]
    assert "'=1+1" in cells and "'+SUM(1,2)" in cells and "'@cmd" in cells
    assert "'\ttab\tseparated\tvalues" in cells
    indicator = as_dicts(tables["indicators.csv"])[0]
    assert indicator["baseline"] == "'-5"  # a text that looks like a number stays a text
    assert indicator["target"] == "-5"  # a number is a number, never a formula
    assert indicator["external_ref"] == "'\tkpi"
    assert tables["actuals.csv"][1:] == [
        [toc.outcomes()[0].id, "N1", "'@2024", "'+3"],
        [toc.outcomes()[0].id, "N1", "Q2", "-1.5"],
    ]
    assert "'=role; staff" in cells and "'@cited; other" in cells and "'-because" in cells
    assert "'=note" in cells and "'+evidence" in cells and "'-role" in cells
    assert "'=1+1 assumption" in cells and "'\tenabler" in cells
    # Every hostile label is written, whole (the apostrophe aside).
    written = {cell.removeprefix("'") for cell in cells}
    as_stored = {label.replace("\r\n", "\n").replace("\r", "\n") for label in HOSTILE_LABELS}
    assert as_stored - {toc.title} <= written


def test_table_option_writes_one_csv_file(tmp_path: Path) -> None:
    """table="links" writes that table alone as a CSV file, the same as the zip's member."""
    toc = sample_maps()["full"]
    one = ct.export(toc, "csv", tmp_path / "links.csv", table="links").read_bytes()
    assert one.startswith(b"\xef\xbb\xbfsource,target,level,rationale,evidence\r\n")
    with zipfile.ZipFile(ct.export(toc, "csv", tmp_path / "map.zip")) as archive:
        assert one == archive.read("links.csv")
    for name in TABLE_HEADINGS:
        table = name.removesuffix(".csv")
        path = ct.export(toc, "csv", tmp_path / name, table=table)
        assert next(csv.reader(io.StringIO(path.read_text("utf-8-sig")))) == TABLE_HEADINGS[name]


def test_unknown_table_and_options_are_refused_by_name(tmp_path: Path) -> None:
    """An unknown table names itself and the tables there are; an unknown option names
    itself and the option there is; nothing is written."""
    toc = sample_maps()["full"]
    with pytest.raises(ct.RenderError, match=r"no table 'people'.*nodes, links, indicators"):
        ct.export(toc, "csv", tmp_path / "out.csv", table="people")
    with pytest.raises(ct.RenderError, match=r"only the option 'table', not \['sheet'\]"):
        ct.export(toc, "csv", tmp_path / "out.csv", sheet="nodes")
    with pytest.raises(ct.RenderError, match="takes no options"):
        ct.export(toc, "graphml", tmp_path / "out.graphml", table="nodes")
    assert list(tmp_path.iterdir()) == []


def with_people(toc: ct.TheoryOfChange, node: str, count: int, prefix: str) -> None:
    """Evidence naming ``node`` from ``count`` people: a group conversation of them all, a
    logbook entry and process feedback from the first."""
    people = [f"{prefix}-{n:04d}" for n in range(count)]
    for person in people:
        toc.evidence.add(Participant(id=person))
    toc.evidence.add(
        EvidenceItem(id=f"{prefix}-group", type="group_conversation", participants=people,
                     nodes=[node])
    )  # fmt: skip
    toc.evidence.add(
        LogbookEntry(id=f"{prefix}-log", date="2026-01-01", subject="s", note="n",
                     participant=people[0], nodes=[node])
    )  # fmt: skip
    toc.evidence.add(
        ProcessFeedback(id=f"{prefix}-fb", activity=node, question="q", participant=people[0])
    )


def test_evidence_summary_never_shows_fewer_than_ten_people(tmp_path: Path) -> None:
    """Twelve people are counted; three are "fewer than 10"; none is "none"; the records
    and the links citing them are counted; no pseudonym is written anywhere."""
    toc = sample_maps()["full"]
    with_people(toc, "C1", 12, "R-big")
    with_people(toc, "K4", 3, "R-small")
    toc.evidence.add(Participant(id="R-cited"))
    toc.evidence.add(EvidenceItem(id="cited", type="document", participants=["R-cited"]))
    toc.update_link("K1", "O1", evidence=["cited", "not-a-record"])
    path = ct.export(toc, "csv", tmp_path / "map.zip")
    summary = {row["node"]: row for row in as_dicts(read_zip(path)["evidence-summary.csv"])}
    assert summary["C1"] == {
        "node": "C1", "type": "outcome", "evidence_items": "1", "logbook_entries": "1",
        "feedback": "1", "link_evidence": "1", "people": "12",
    }  # fmt: skip
    assert summary["K4"]["people"] == "fewer than 10"
    assert summary["K4"]["evidence_items"] == "1" and summary["K4"]["feedback"] == "1"
    assert summary["O1"]["link_evidence"] == "2" and summary["O1"]["people"] == "fewer than 10"
    assert summary["P"]["people"] == "none"
    people = [row["people"] for row in summary.values()]
    assert all(p in ("none", "fewer than 10") or int(p) >= 10 for p in people)
    with zipfile.ZipFile(path) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"R-big" not in everything and b"R-small" not in everything
    assert b"R-cited" not in everything


# --------------------------------------------------------------------------- GraphML


def test_graphml_reads_back_with_typed_attributes(tmp_path: Path) -> None:
    """networkx reads back every node and link; whole numbers stay ints, effort a float,
    lists one string; fields a node does not have are not written."""
    toc = sample_maps()["full"]
    graph = nx.read_graphml(ct.export(toc, "graphml", tmp_path / "map.graphml"))
    assert list(graph.nodes) == [node.id for node in toc.nodes()]
    assert set(graph.edges) == {(link.source, link.target) for link in toc.links()}
    assert graph.graph["title"] == toc.title and graph.graph["external_ref"] == "host:project/1"
    assert graph.nodes["K4"] == {
        "type": "activity", "kind": "coproduction", "status": "in_progress",
        "statement": toc.get("K4").text, "start": "2024-01-08", "end": "2024-06-28",
        "ladder_rung": 7, "effort": 12.5, "participant_roles": "lived experience; staff",
        "easy_read": toc.get("K4").easy_read,
    }  # fmt: skip
    assert type(graph.nodes["K4"]["ladder_rung"]) is int
    assert graph.edges["K4", "C1"] == {
        "level": 4,
        "rationale": "The group decides.",
        "evidence": "log-12",
    }
    assert type(graph.edges["K4", "C1"]["level"]) is int
    assert graph.edges["P", "I1"] == {}
    assert "kind" not in graph.nodes["P"] and "horizon" not in graph.nodes["K4"]
    assert graph.nodes["C1"]["horizon"] == "short"


def test_graphml_whole_effort_is_still_a_float(tmp_path: Path) -> None:
    """An effort of 3 and one of 2.5 share one attribute type: double."""
    toc = sample_maps()["full"]
    toc.update("K1", effort=3)
    graph = nx.read_graphml(ct.export(toc, "graphml", tmp_path / "map.graphml"))
    assert graph.nodes["K1"]["effort"] == 3.0 and type(graph.nodes["K1"]["effort"]) is float


def test_graphml_of_hostile_text_parses_and_keeps_it(tmp_path: Path) -> None:
    """Markup, quotes, tabs, line breaks and controls a text may hold come back as they
    were; the non-characters XML cannot hold come back as U+FFFD."""
    toc = hostile_map()
    outcome = toc.outcomes()[0].id
    toc.update(outcome, statement="bad \ufffe and \uffff here", easy_read="")
    graph = nx.read_graphml(ct.export(toc, "graphml", tmp_path / "map.graphml"))
    assert graph.nodes[outcome]["statement"] == "bad \ufffd and \ufffd here"
    assert "easy_read" not in graph.nodes[outcome]  # an empty text is left out
    statements = {data["statement"] for _, data in graph.nodes(data=True)}
    kept = {node.text for node in toc.nodes() if node.id != outcome}
    assert kept <= statements
    assert graph.graph["title"] == HOSTILE_LABELS[0]


# --------------------------------------------------------------------------- any map


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(maps() | maps_with_evidence())
def test_any_map_exports_to_both_formats(toc: ct.TheoryOfChange) -> None:
    """Any map exports as CSV tables and as GraphML; the GraphML reads back with the same
    node ids and links, and the summary never counts fewer than ten people."""
    with tempfile.TemporaryDirectory() as folder:
        tables = read_zip(ct.export(toc, "csv", Path(folder) / "map.zip"))
        graph = nx.read_graphml(ct.export(toc, "graphml", Path(folder) / "map.graphml"))
    assert [row[0] for row in tables["nodes.csv"][1:]] == [node.id for node in toc.nodes()]
    texts = [cell for rows in tables.values() for row in rows for cell in row]
    assert not [cell for cell in texts if cell.startswith(("=", "+", "@", "\t", "\r"))]
    for row in as_dicts(tables["evidence-summary.csv"]):
        assert row["people"] in ("none", "fewer than 10")
    assert list(graph.nodes) == [node.id for node in toc.nodes()]
    assert set(graph.edges) == {(link.source, link.target) for link in toc.links()}
