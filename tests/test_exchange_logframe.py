"""The logframe workbook: written with fixed sheets and headings, formula-safe, and read back
as the same map, or, after a person edited it, with a note for every row not taken as it was."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.backends.exchange.logframe import SHEETS
from coprod_toc.evidence import Evidence
from coprod_toc.model import BreakdownItem
from coprod_toc.plain import FORMULA_STARTS
from coprod_toc.testing import ExporterContract, MapImporterContract, hostile_map
from tests.strategies import maps, maps_with_evidence


def _without_evidence_records(toc: ct.TheoryOfChange) -> ct.TheoryOfChange:
    kept = toc.copy()
    kept.evidence = Evidence()
    return kept


class TestLogframeExporter(ExporterContract):
    exporter_name = "logframe"


class TestLogframeImporter(MapImporterContract):
    importer_name = "logframe"
    exporter_name = "logframe"

    @pytest.fixture
    def sample_files(self, tmp_path: Path) -> list[Path]:
        return [ct.export(ct.example(), "logframe", tmp_path / "day-centre.xlsx")]

    def carried(self, toc: ct.TheoryOfChange) -> ct.TheoryOfChange:
        """The workbook holds no evidence records (people's data), only their ids on links."""
        return _without_evidence_records(toc)


def _export(tmp_path: Path, toc: ct.TheoryOfChange | None = None, name: str = "map") -> Path:
    return ct.export(toc or ct.example(), "logframe", tmp_path / f"{name}.xlsx")


def test_sheets_and_headings_are_the_documented_ones(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_export(tmp_path))
    assert book.sheetnames == [
        "Cover", "Impact", "Outcomes", "Activities", "Links",
        "Indicators", "Actuals", "Assumptions", "Assessments",
    ]  # fmt: skip
    assert [c.value for c in book["Impact"][1]][:6] == [
        "ID", "Kind", "Statement", "Indicators", "Means of verification", "Assumptions",
    ]  # fmt: skip
    assert [c.value for c in book["Outcomes"][1]][:10] == [
        "ID", "Kind", "Horizon", "Statement", "Leads to", "Indicators", "Baseline", "Target",
        "Means of verification", "Assumptions",
    ]  # fmt: skip
    assert [c.value for c in book["Activities"][1]][:6] == [
        "ID", "Kind", "Statement", "Contributes to", "Status", "Ladder rung",
    ]  # fmt: skip
    assert [c.value for c in book["Links"][1]] == ["From", "To", "Level", "Rationale", "Evidence"]
    for name in SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert sheet.column_dimensions["A"].width > 0, name
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None), name


def test_a_logframe_reads_like_one(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_export(tmp_path))
    cover = {row[0].value: row[1].value for row in book["Cover"].iter_rows(min_row=2)}
    assert cover["Title"] == "Day centre for people with learning disabilities"
    assert cover["Problem"].startswith("People with learning disabilities")
    assert (
        cover["The split"]
        == "This is a contribution estimate agreed by the group, not a measured attribution."
    )
    outcome = [c.value for c in book["Outcomes"][2]]
    assert outcome[:5] == [
        "O1",
        "Project",
        "Short",
        "Co-production preparation: a co-production group ready to take part.",
        "I1",
    ]
    activity = [c.value for c in book["Activities"][2]]
    assert activity[:5] == [
        "A1",
        "Project",
        "A series of meetings to create a detailed plan for all activities offered by the day centre.",
        "O2\nO3",
        "Planned",
    ]


def test_text_that_starts_like_a_formula_is_stored_as_text(tmp_path: Path) -> None:
    """Every cell of the hostile map that starts with = + - @ tab or CR is a text cell, shown
    as text (quote prefix); no sheet holds a formula."""
    path = _export(tmp_path, hostile_map())
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(
            b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets
        )
    book = openpyxl.load_workbook(path)
    risky = [
        cell
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)
    ]
    assert len(risky) >= 6
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in risky)
    assert ct.import_map(path).toc == hostile_map()


def test_a_statement_longer_than_a_cell_holds_is_refused(tmp_path: Path) -> None:
    toc = ct.TheoryOfChange(title="Long")
    toc.add_impact("x" * 40_000, kind="project")
    target = tmp_path / "long.xlsx"
    with pytest.raises(ct.RenderError, match="32,767"):
        ct.export(toc, "logframe", target)
    assert not target.exists()


def test_assessments_indicators_and_assumptions_come_back(tmp_path: Path) -> None:
    toc = ct.example()
    toc.update(
        "C1",
        indicators=[
            ct.Indicator(id="N1", description="Decisions", baseline=0, target=10.5,
                         actuals=[ct.Actual(period="2024-Q1", value=4),
                                  ct.Actual(period="2024-Q2", value="withheld: fewer than 10 answers")]),
            ct.Indicator(id="N2", description="Feeling heard", measure="qualitative", ascending=False),
        ],
    )  # fmt: skip
    toc.assess("C1", status="partly", date="2024-03-01", note="Half done",
               breakdown=[BreakdownItem(activity="K4", role="lived experience", level=3), BreakdownItem(activity="K3")],
               evidence=["log-1"])  # fmt: skip
    toc.add_assumption("The group meets monthly", "K4", type="enabler", status="supported")
    assert ct.import_map(_export(tmp_path, toc)).toc == toc


def _assume_spreadsheet_numbers(toc: ct.TheoryOfChange) -> None:
    """Spreadsheets keep 16 significant digits of a number: maps needing more are not drawn."""
    json.loads(
        ct.dumps(toc), parse_float=lambda text: assume(float(f"{float(text):.16g}") == float(text))
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(toc=maps())
def test_any_map_comes_back_equal(tmp_path: Path, toc: ct.TheoryOfChange) -> None:
    """Every map whose numbers a spreadsheet holds (16 significant digits) comes back equal
    (a whole number written as 2.0 may come back as 2, which is equal)."""
    _assume_spreadsheet_numbers(toc)
    path = ct.export(toc, "logframe", tmp_path / "any.xlsx")
    back = ct.import_map(path).toc
    assert back == toc


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(toc=maps_with_evidence())
def test_evidence_records_stay_out_of_the_workbook(tmp_path: Path, toc: ct.TheoryOfChange) -> None:
    _assume_spreadsheet_numbers(toc)
    path = ct.export(toc, "logframe", tmp_path / "evidence.xlsx")
    assert ct.import_map(path).toc == _without_evidence_records(toc)
    with zipfile.ZipFile(path) as archive:
        text = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8", "replace")
    for person in toc.evidence.participants:
        assert f">{person.id}<" not in text


# --------------------------------------------------------------------------- edited by a person


def _edited(tmp_path: Path) -> Path:
    """The day-centre workbook as a person might leave it: a merged banner above the
    Outcomes headings, an extra column, blank lines, activities in reverse order, a new
    outcome row without an ID, and the Indicators sheet deleted."""
    source = _export(tmp_path, name="original")
    book = openpyxl.load_workbook(source)
    outcomes = book["Outcomes"]
    outcomes.insert_rows(1)
    outcomes["A1"] = "Outcomes of the day centre"
    outcomes.merge_cells("A1:N1")
    outcomes["O2"] = "Owner"
    outcomes["O3"] = "Sam's team"
    outcomes.insert_rows(6, amount=2)  # blank lines in the middle
    last = outcomes.max_row + 1
    for column, value in zip(
        "BCDEF",
        ["Co-production", "Medium", "People feel the centre is theirs", "I2", "People who say so"],
        strict=True,
    ):
        outcomes[f"{column}{last}"] = value
    outcomes[f"G{last}"] = 20
    outcomes[f"H{last}"] = 80
    activities = book["Activities"]
    rows = [[c.value for c in row] for row in activities.iter_rows(min_row=2)]
    for number, values in enumerate(reversed(rows), start=2):
        for column, value in enumerate(values, start=1):
            activities.cell(number, column, value)
    del book["Indicators"]
    del book["Actuals"]
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


def test_an_edited_workbook_imports_with_a_report(tmp_path: Path) -> None:
    result = ct.import_map(_edited(tmp_path))
    toc = result.toc
    original = ct.example()
    assert {n.id for n in original.nodes()} < {n.id for n in toc.nodes()}
    new = next(o for o in toc.outcomes() if o.statement == "People feel the centre is theirs")
    assert new.kind is ct.Kind.COPRODUCTION and new.horizon is ct.Horizon.MEDIUM
    assert toc.successors(new.id) == ["I2"]
    assert [(i.description, i.baseline, i.target) for i in new.indicators] == [
        ("People who say so", 20, 80)
    ]
    for link in original.links():
        assert toc.has_link(link.source, link.target)
    notes = {(n.code, n.where) for n in result.notes}
    assert ("extra-column", "Outcomes row 2") in notes
    assert ("blank-row", "Outcomes row 6") in notes
    assert "Outcomes row 6: rows 6–7 blank; skipped" in [str(n) for n in result.notes]
    assert ("id-given", "Outcomes row 14") in notes
    assert result.read["Outcomes"] == 10 and result.read["Activities"] == 13
    assert all(
        re.fullmatch(
            r"(Cover|Impact|Outcomes|Activities|Links|Assumptions|Assessments) row \d+|sheet \w+|Actuals",
            n.where,
        )
        for n in result.notes
    )


def test_a_hand_made_logframe_gets_a_note_per_assumed_kind(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    outcomes = book.active
    outcomes.title = "Outcomes"
    outcomes.append(
        ["ID", "Statement", "Horizon", "Indicators", "Baseline", "Target", "Means of verification"]
    )
    outcomes.append(
        [
            "O1",
            "Carers feel supported",
            "Long",
            "Carers who say so\nCalls answered",
            "30\n",
            "60\n200",
            "Annual survey",
        ]
    )
    activities = book.create_sheet("activities")
    activities.append(["ID", "Statement", "Contributes to"])
    activities.append(["A1", "Run a carers' café", "O1"])
    activities.append([None, "Peer phone line", "O1, O9"])
    path = tmp_path / "hand-made.xlsx"
    book.save(path)
    result = ct.import_map(path)
    toc = result.toc
    assert toc.title == "hand-made"
    assert sorted(n.id for n in toc.nodes()) == ["A1", "A2", "O1"]
    assumed = [n for n in result.notes if n.code == "kind-assumed"]
    assert sorted(n.nodes for n in assumed) == [("A1",), ("A2",), ("O1",)]
    assert all(toc.get(n).kind is ct.Kind.PROJECT for (n,) in (a.nodes for a in assumed))  # type: ignore[union-attr]
    assert [(i.description, i.baseline, i.target) for i in toc.outcome("O1").indicators] == [
        ("Carers who say so", 30, 60), ("Calls answered", None, 200),
    ]  # fmt: skip
    messages = {n.code: str(n) for n in result.notes}
    assert "Activities row 3" in messages["skipped-link"] and "O9" in messages["skipped-link"]
    assert messages["not-carried"].startswith("Outcomes row 2: Means of verification")
    assert messages["title-assumed"].startswith("Cover")
    assert ct.import_map(path, kind="coproduction").toc.get("A1").kind is ct.Kind.COPRODUCTION  # type: ignore[union-attr]


def test_a_bad_value_is_left_empty_and_a_row_without_a_node_left_out(tmp_path: Path) -> None:
    """A value the model refuses in a field it can do without is left empty, with a note, and
    the row kept; a row that cannot be a node (a second O1, no statement) is left out."""
    path = _export(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Activities"]["F2"] = 9  # ladder rung 9
    book["Activities"]["H2"] = "01/02/2025"  # End, not a date the model reads
    book["Outcomes"]["A3"] = "O1"  # a second O1
    book["Outcomes"]["D4"] = None  # O3 without its statement
    book.save(path)
    result = ct.import_map(path)
    bad = [str(n) for n in result.notes if n.code == "bad-value"]
    assert any(n.startswith("Activities row 2: Ladder rung:") and "the row kept" in n for n in bad)
    assert any(n.startswith("Activities row 2: End:") for n in bad)
    activity = result.toc.activity("A1")
    assert activity.ladder_rung is None and activity.end is None
    skipped = {n.where: n.message for n in result.notes if n.code == "skipped-row"}
    assert "O1" in skipped["Outcomes row 3"] and "Statement" in skipped["Outcomes row 4"]
    assert "O3" not in result.toc


def test_a_new_row_never_takes_an_id_the_workbook_still_names(tmp_path: Path) -> None:
    """O7's row deleted and a row without an ID added: the new row is not O7, since A5 and
    K8 still name O7 (their links to it are left out, with notes)."""
    path = _export(tmp_path)
    book = openpyxl.load_workbook(path)
    outcomes = book["Outcomes"]
    row = next(r for r in range(2, outcomes.max_row + 1) if outcomes.cell(r, 1).value == "O7")
    outcomes.delete_rows(row)
    outcomes.append([None, "Project", "Short", "Volunteers recruited.", "I1"])
    book.save(path)
    result = ct.import_map(path)
    new = next(o for o in result.toc.outcomes() if o.statement == "Volunteers recruited.")
    assert new.id != "O7" and "O7" not in result.toc
    assert result.toc.activities_for(new.id) == []
    assert any(n.code == "skipped-link" and "O7" in n.message for n in result.notes)


def test_cells_a_reader_cannot_place_are_named(tmp_path: Path) -> None:
    """An unknown Cover label and values in a column with no heading are noted, not lost
    silently."""
    path = _export(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Cover"].insert_rows(3)
    book["Cover"]["A3"], book["Cover"]["B3"] = "Funder", "Lottery"
    book["Outcomes"]["P3"] = "a note beside O2"
    book.save(path)
    notes = [str(n) for n in ct.import_map(path).notes]
    assert any(n.startswith("Cover row 3: 'Funder' is not a Cover field") for n in notes)
    assert (
        "Outcomes row 3: column P has values in rows 3 but no logframe heading; not read" in notes
    )


def test_a_link_taken_off_a_row_is_gone(tmp_path: Path) -> None:
    """A node's Leads to cell names its links: one taken off it is left out, though the
    Links sheet still has it (noted)."""
    path = _export(tmp_path)
    book = openpyxl.load_workbook(path)
    outcomes = book["Outcomes"]
    row = next(r for r in range(2, outcomes.max_row + 1) if outcomes.cell(r, 1).value == "O2")
    assert outcomes.cell(row, 5).value == "I1\nO3"
    outcomes.cell(row, 5, "I1")
    book.save(path)
    result = ct.import_map(path)
    assert not result.toc.has_link("O2", "O3") and result.toc.has_link("O2", "I1")
    assert any(n.code == "link-left-out" and n.nodes == ("O2", "O3") for n in result.notes)


def test_indicators_typed_on_the_outcomes_sheet_are_read(tmp_path: Path) -> None:
    """An outcome with no rows on the Indicators sheet takes the indicators typed in its
    row; one with rows there keeps them, and a differing cell is noted."""
    toc = ct.example()
    toc.update("C1", indicators=[ct.Indicator(id="N1", description="Decisions", target=10)])
    path = _export(tmp_path, toc)
    book = openpyxl.load_workbook(path)
    outcomes = book["Outcomes"]
    rows = {outcomes.cell(r, 1).value: r for r in range(2, outcomes.max_row + 1)}
    outcomes.cell(rows["O2"], 6, "Activities planned")
    outcomes.cell(rows["O2"], 8, 12)
    outcomes.cell(rows["C1"], 6, "Decisions\nMeetings")
    outcomes.cell(rows["O2"], 10, "The hall is free on Tuesdays")
    book.save(path)
    result = ct.import_map(path)
    assert [(i.description, i.target) for i in result.toc.outcome("O2").indicators] == [
        ("Activities planned", 12)
    ]
    assert [i.description for i in result.toc.outcome("C1").indicators] == ["Decisions"]
    assert [a.text for a in result.toc.assumptions("O2")] == ["The hall is free on Tuesdays"]
    assert any(
        n.where == f"Outcomes row {rows['C1']}" and "Indicators sheet" in n.message
        for n in result.notes
    )


# --------------------------------------------------------------------------- bad input


def test_a_file_that_is_not_a_workbook_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ct.FormatError, match=r"fake\.xlsx: not a readable workbook"):
        ct.import_map(path, format="logframe")


def test_a_workbook_without_logframe_sheets_lists_its_sheets(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Responses"
    path = tmp_path / "survey.xlsx"
    book.save(path)
    with pytest.raises(ct.FormatError, match=r"survey\.xlsx: not a logframe.*sheets: Responses"):
        ct.import_map(path, format="logframe")
    with pytest.raises(ct.FormatError, match="cannot tell which tool"):
        ct.import_map(path)


def test_an_unknown_kind_option_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ct.FormatError, match="the option kind is"):
        ct.import_map(_export(tmp_path), kind="partner")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_damaged_bytes_never_crash(tmp_path: Path, data: Any) -> None:
    original = tmp_path / "original.xlsx"
    if not original.exists():
        _export(tmp_path, name="original")
    raw = bytearray(original.read_bytes())
    for _ in range(data.draw(st.integers(1, 20))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    raw = raw[: data.draw(st.integers(1, len(raw)))]
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(raw))
    try:
        ct.import_map(path, format="logframe")
    except ct.FormatError as exc:
        assert "damaged.xlsx" in str(exc)


CELLS = (
    st.none()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.text(max_size=12)
    | st.dates()
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_cell_values_never_crash(tmp_path: Path, data: Any) -> None:
    """Random values in random cells of every sheet give a map with notes, or a FormatError."""
    book = openpyxl.load_workbook(_export(tmp_path, name="base"))
    for _ in range(data.draw(st.integers(1, 15))):
        sheet = book[data.draw(st.sampled_from(book.sheetnames))]
        value = data.draw(CELLS)
        if isinstance(value, str):
            value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)
        sheet.cell(data.draw(st.integers(1, 12)), data.draw(st.integers(1, 12)), value)
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "random.xlsx"
    path.write_bytes(buffer.getvalue())
    try:
        result = ct.import_map(path, format="logframe")
    except ct.FormatError as exc:
        assert "random.xlsx" in str(exc)
    else:
        assert all(note.where for note in result.notes)
        ct.validate(result.toc)


# --------------------------------------------------------------------------- hostile workbooks


def _patched(source: Path, target: Path, member: str, change: Any) -> Path:
    """``source`` with one zip member rewritten by ``change``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            data = old.read(entry)
            new.writestr(entry, change(data) if entry.filename == member else data)
    return target


def test_a_sheet_claiming_every_row_and_column_is_read_quickly(tmp_path: Path) -> None:
    """A tiny workbook whose sheet says it spans A1:XFD1048576 and has a cell in the last
    row: the reader stops after a long run of blank rows, and says so."""
    source = _export(tmp_path)
    path = _patched(
        source, tmp_path / "wide.xlsx", "xl/worksheets/sheet3.xml",
        lambda b: b.replace(b"</sheetPr>", b'</sheetPr><dimension ref="A1:XFD1048576"/>').replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )  # fmt: skip
    started = time.perf_counter()
    result = ct.import_map(path)
    assert time.perf_counter() - started < 60  # hours without the limits
    assert any(n.code == "blank-rows" and n.where.startswith("Outcomes row") for n in result.notes)
    assert result.toc == ct.example()


def test_a_workbook_unpacking_to_too_much_is_refused(tmp_path: Path) -> None:
    source = _export(tmp_path)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            new.writestr(entry, old.read(entry))
        new.writestr("xl/media/padding.bin", b"\0" * (300 * 2**20))
    with pytest.raises(ct.FormatError, match=r"bomb\.xlsx: the workbook unpacks to 300 MB"):
        ct.import_map(path)


def test_a_cell_longer_than_a_spreadsheet_holds_is_refused_by_row(tmp_path: Path) -> None:
    """openpyxl cuts such a cell when it writes one, so the sheet's XML is written here."""
    long = b'<c r="D20" t="inlineStr"><is><t>' + b"x" * 40_000 + b"</t></is></c>"
    path = _patched(
        _export(tmp_path), tmp_path / "long.xlsx", "xl/worksheets/sheet3.xml",
        lambda b: b.replace(b"</sheetData>", b'<row r="20">' + long + b"</row></sheetData>"),
    )  # fmt: skip
    with pytest.raises(ct.FormatError, match="Outcomes row 20: a cell holds at most 32,767"):
        ct.import_map(path)


def test_lists_whose_items_lines_cannot_hold_come_back_whole(tmp_path: Path) -> None:
    toc = ct.example()
    toc.set_problem("p", id="P", affected_groups=["carers\nand families", "[draft] group"])
    toc.update("K4", participant_roles=["peer\nmentor", " lived experience "])
    toc.update_link("K4", "C1", evidence=["notes\n2024", "log-1"])
    toc.assess("C1", status="achieved", date="2024-05-01",
               breakdown=[BreakdownItem(activity="K4", role="peer | mentor"), BreakdownItem(activity="K3", role="x\ny")])  # fmt: skip
    assert ct.import_map(_export(tmp_path, toc)).toc == toc


def test_error_code_texts_are_text_and_unwritable_characters_refused(tmp_path: Path) -> None:
    toc = ct.TheoryOfChange(title="#N/A")
    toc.add_impact("#REF!", kind="project")
    path = _export(tmp_path, toc)
    book = openpyxl.load_workbook(path)
    assert book["Impact"]["C2"].data_type == "s" and book["Cover"]["B2"].data_type == "s"
    assert ct.import_map(path).toc == toc
    toc.add_impact("x\ufffe", kind="project")
    with pytest.raises(ct.RenderError, match="U\\+FFFE"):
        _export(tmp_path, toc, name="bad")


def test_a_second_sheet_of_one_name_is_noted(tmp_path: Path) -> None:
    path = _export(tmp_path)
    book = openpyxl.load_workbook(path)
    extra = book.create_sheet("Outcome")
    extra.append(["ID", "Kind", "Horizon", "Statement"])
    extra.append(["O99", "Project", "Short", "Never read"])
    book.save(path)
    result = ct.import_map(path)
    assert "O99" not in result.toc
    assert "sheet Outcome: a second Outcomes sheet (the first is read); not read" in [
        str(n) for n in result.notes
    ]


def test_a_period_a_spreadsheet_made_a_number_or_date_is_read_as_text(tmp_path: Path) -> None:
    toc = ct.example()
    toc.update("C1", indicators=[ct.Indicator(id="N1", description="Decisions",
                                              actuals=[ct.Actual(period="2024", value=3)])])  # fmt: skip
    path = _export(tmp_path, toc)
    book = openpyxl.load_workbook(path)
    book["Actuals"]["C2"] = 2024
    book["Actuals"].append(["C1", "N1", dt.date(2024, 6, 1), 5])
    book.save(path)
    actuals = ct.import_map(path).toc.outcome("C1").indicators[0].actuals
    assert [(a.period, a.value) for a in actuals] == [("2024", 3), ("2024-06-01", 5)]


def test_a_workbook_without_its_suffix_is_read(tmp_path: Path) -> None:
    """An upload saved under a temporary name is still a workbook."""
    path = tmp_path / "upload"
    path.write_bytes(_export(tmp_path).read_bytes())
    assert ct.import_map(path).format == "logframe"
