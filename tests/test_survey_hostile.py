"""What hostile or careless input did to survey import, each now a clear error or read right:
mappings that switch checks off, workbooks that ask for terabytes, answers that are not
numbers, quotes left open, files saved again to slip past the re-import check."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import coprod_toc as ct
from coprod_toc.api import SurveyImport
from coprod_toc.errors import OutputError
from coprod_toc.surveys import scaffold_mapping
from coprod_toc.surveys.mapping.uses import answer_number

KEY = b"k" * 32
SURVEY = b"""Timestamp,Participant code,Consent,Comment,Visits
14/01/2026 10:02:11,P01,Yes,good,3
14/01/2026 10:05:40,P02,No,I do NOT want this used,4
15/01/2026 09:00:00,P03,Yes,fine,5
"""
MAPPING = """
[survey]
retain_until = "2099-03-31"
[consent]
question = "Consent"
purposes = ["evaluation"]
[[questions]]
key = "comment"
quote = ["K4"]
"""


def _import(survey: bytes, mapping: str | dict[str, Any], **options: Any) -> SurveyImport:
    return ct.import_survey_evidence(
        survey, mapping, into=ct.example(), survey_name="s.csv", pseudonym_key=KEY, **options
    )


# --------------------------------------------------------------------------- mappings


@pytest.mark.parametrize(
    ("change", "entry"),
    [
        ('question = "Consent"', 'question = ""'),
        ('purposes = ["evaluation"]', 'purposes = [""]'),
        ('purposes = ["evaluation"]', 'purposes = ["evaluation"]\nyes = []'),
        ('purposes = ["evaluation"]', 'purposes = ["evaluation"]\ncondition = "  "'),
    ],
)
def test_an_empty_consent_entry_is_refused_not_taken_as_no_check(change: str, entry: str) -> None:
    """An empty consent question (which used to switch the consent check off and import
    the person who said No), empty purposes, an empty yes-list: each a FormatError."""
    with pytest.raises(ct.FormatError, match=r"consent\.(question|purposes|yes|condition)"):
        ct.load_mapping(MAPPING.replace(change, entry))


def test_a_person_who_said_no_is_never_imported() -> None:
    """With the consent question given, the No answer is rejected and its words not kept."""
    done = _import(SURVEY, MAPPING)
    assert done.report.imported == 2
    assert "I do NOT want this used" not in ct.dumps(done.toc)


@pytest.mark.parametrize(
    ("entry", "where"),
    [
        ("[importer]\nkeep_personal = true", "importer.keep_personal"),
        ('[importer]\nname = "x"', "importer.name"),
        ('[importer]\npseudonym_key = "x"', "importer.pseudonym_key"),
        ('[importer]\nmissing = ["x"]', "importer.missing"),
        ('[importer]\ndictionary = "/etc/passwd"', "importer.dictionary"),
        ('[importer]\ndictionary = "../secret.csv"', "importer.dictionary"),
        ('[importer]\nform = "/dev/zero"', "importer.form"),
        ('[instruments.wemwbs]\ntable = "/dev/zero"', "instruments.wemwbs.table"),
        ('[instruments.wemwbs]\ntable = "a\\u0000b"', "instruments.wemwbs.table"),
        ("[instruments.x]\nthreshold = 1" + "0" * 400, "instruments.x.threshold"),
        ("[instruments.x]\nthreshold = nan", "instruments.x.threshold"),
        ('[scales.s]\nlabels = ["a", "b", "c", "d"]\nscores = [1, 2, 3, "x"]', "scales.s.scores"),
        ('[scales.ucla3]\nlabels = ["a"]', "scales.ucla3"),
    ],
)
def test_mapping_entries_that_reach_too_far_are_refused(entry: str, where: str) -> None:
    """Privacy switched off, the key or survey name set, files outside the mapping's folder
    or not files at all, numbers that are not usable, a built-in scale redefined: each a
    FormatError naming the entry."""
    with pytest.raises(ct.FormatError) as caught:
        ct.load_mapping(MAPPING + entry + "\n")
    assert where in str(caught.value)


def _nested(depth: int) -> dict[str, Any]:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return {"x": value}


def test_odd_shapes_of_mapping_are_format_errors() -> None:
    """A TOML date and time is read as its day; a dict with a number for a key, a null
    list, or nesting too deep are FormatErrors, never TypeError or RecursionError."""
    mapping = ct.load_mapping(MAPPING.replace('"2099-03-31"', "2099-03-31T10:00:00"))
    assert mapping.retain_until.isoformat() == "2099-03-31"
    data = ct.load_mapping(MAPPING)
    assert data.questions
    for bad in (
        {1: "x"},
        {"survey": {"retain_until": "2099-01-01"}, "questions": None},
        _nested(30),
    ):
        with pytest.raises(ct.FormatError):
            ct.load_mapping(bad)  # type: ignore[arg-type]
    with pytest.raises(ct.FormatError, match="nested too deeply"):
        ct.load_mapping("x = " + "[" * 2000 + "]" * 2000 + "\n")


def test_the_mappings_format_is_used_unless_the_caller_chooses() -> None:
    """[importer] format names the importer (it used to clash with the call's own)."""
    done = _import(SURVEY, MAPPING + '[importer]\nformat = "generic"\n')
    assert done.table.format == "generic"


def test_a_question_mapped_twice_the_same_way_is_refused() -> None:
    """By key and again by its text, the same use: every answer would count twice."""
    twice = MAPPING + '[[questions]]\ntext = "Comment"\nquote = ["K4"]\n'
    with pytest.raises(ct.FormatError, match=r"questions\[1\] maps the question of questions\[0\]"):
        _import(SURVEY, twice)


def test_two_questions_giving_one_measure_item_are_refused() -> None:
    mapping = MAPPING.replace('"2099-03-31"', '"2099-03-31"\ntimepoint = "baseline"') + (
        '[[questions]]\nkey = "visits"\nmeasure = "ucla3"\nitem = "companionship"\n'
        '[[questions]]\nkey = "comment"\nmeasure = "ucla3"\nitem = "companionship"\n'
    )
    with pytest.raises(ct.FormatError, match="gives ucla3 item 'companionship' already"):
        ct.load_mapping(mapping)


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("3", 3.0),
        ("-2.5", -2.5),
        ("1,000", 1000.0),
        ("12,500.5", 12500.5),
        ("2,5", 2.5),
        (" 7 ", 7.0),
        ("1_000", None),
        ("1e3", None),
        ("NaN", None),
        ("inf", None),
        ("1" * 400, None),
        ("1e308", None),
        ("five", None),
    ],
)
def test_an_answer_is_a_number_only_as_people_write_numbers(label: str, value: float) -> None:
    """Thousands separators are thousands, a decimal comma a decimal; Python's own spellings
    (underscores, exponents, NaN, infinity) are not answers."""
    assert answer_number(label) == value


# --------------------------------------------------------------------------- files


def _sparse_workbook(cell: str) -> bytes:
    """A tiny workbook whose one far cell makes its used range enormous."""
    book = io.BytesIO()
    openpyxl.Workbook().save(book)
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>Q</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>1</t></is></c>'
        b'<c r="B2" t="inlineStr"><is><t>a</t></is></c></row>'
        + f'<row r="{cell[3:]}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
        + b"</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in source.namelist():
            z.writestr(name, sheet if name == "xl/worksheets/sheet1.xml" else source.read(name))
    return out.getvalue()


def test_a_sparse_workbook_is_an_error_not_a_crash() -> None:
    """A 5 KB workbook with a cell at XFD1048576 (which made the fast reader ask for half a
    terabyte and abort the process) is read as rows and refused with a FormatError."""
    data = _sparse_workbook("XFD1048576")
    assert len(data) < 10_000
    start = time.perf_counter()
    with pytest.raises(ct.FormatError, match="16384 cells but the header has 2 columns"):
        ct.import_survey(data, name="upload.xlsx")
    assert time.perf_counter() - start < 30


def test_a_quote_left_open_is_an_error_not_a_swallowed_file() -> None:
    """An opening quote never closed used to make one answer of every later row."""
    with pytest.raises(ct.FormatError, match="unexpected end of data"):
        list(ct.import_survey(b'id,q1\n1,"abc\n2,def\n3,ghi\n', name="s.csv").responses())


def test_excels_separator_line_and_leading_blank_lines_are_understood() -> None:
    """``sep=;`` (which Excel writes) gives the delimiter; blank lines before the header
    are skipped, rows keep their numbers."""
    table = ct.import_survey(b"sep=;\nID;Q\n1;a\n2;b\n", name="s.csv")
    assert [r.values for r in table.responses()] == [("a",), ("b",)]
    table = ct.import_survey(b"\n\nID,Q\n1,a\n", name="s.csv")
    assert [(r.row, r.values) for r in table.responses()] == [(4, ("a",))]


def test_a_codec_that_is_not_a_text_encoding_is_refused() -> None:
    with pytest.raises(ct.FormatError, match="no text encoding 'rot13'"):
        ct.import_survey(b"ID,Q\n1,a\n", name="s.csv", encoding="rot13")


def test_missing_must_be_a_list_of_texts() -> None:
    with pytest.raises(ct.FormatError, match="missing="):
        ct.import_survey(b"ID,Q\n1,a\n", name="s.csv", missing=5)


@pytest.mark.parametrize(
    "again",
    [
        SURVEY.replace(b"\n", b"\r\n"),
        b"\xef\xbb\xbf" + SURVEY,
        SURVEY + b"\n",
        SURVEY.replace(b",", b";"),
        b"\n".join([SURVEY.split(b"\n")[0], *reversed(SURVEY.split(b"\n")[1:4])]) + b"\n",
    ],
    ids=["crlf", "bom", "extra-line", "semicolons", "reordered"],
)
def test_the_same_answers_saved_again_are_refused_as_imported_before(again: bytes) -> None:
    """The re-import check knows the answers, not the bytes: the file saved again with
    other line endings, a BOM, another delimiter or its rows reordered is the same import."""
    toc = ct.example()
    ct.import_survey_evidence(SURVEY, MAPPING, into=toc, survey_name="a.csv", pseudonym_key=KEY)
    with pytest.raises(ct.FormatError, match="imported into the map before"):
        ct.import_survey_evidence(again, MAPPING, into=toc, survey_name="b.csv", pseudonym_key=KEY)


def test_rejections_that_cannot_be_written_stop_the_import_before_it_is_saved(
    tmp_path: Path,
) -> None:
    """A rejections file in a folder that does not exist (or that is a folder) is an
    OutputError raised before the map is saved: the store keeps its one version."""
    url = f"sqlite:///{tmp_path / 'maps.db'}"
    with ct.open_store(url) as store:
        store.save("m", ct.example())
    for target in (tmp_path / "no-folder" / "r.csv", tmp_path):
        with pytest.raises(OutputError):
            ct.import_survey_evidence(
                SURVEY, MAPPING, into=url, name="m", pseudonym_key=KEY, rejected=target
            )
    with ct.open_store(url) as store:
        assert len(store.history("m")) == 1
    done = ct.import_survey_evidence(
        SURVEY, MAPPING, into=url, name="m", pseudonym_key=KEY, rejected=tmp_path / "r.csv"
    )
    assert done.rejected_file == tmp_path / "r.csv"
    assert (tmp_path / "r.csv").stat().st_mode & 0o077 == 0  # the owner's only
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.csv")] == []


# --------------------------------------------------------------------------- privacy


@pytest.mark.parametrize(
    "heading",
    [
        "Name of child", "Name of carer", "Name & surname", "Christian name", "Next of kin",
        "Mob", "Email adress", "Street address line 1", "Town", "Vorname", "Prénom",
        "Correo electrónico", "Teléfono", "Código postal", "Geburtsdatum",
    ],
)  # fmt: skip
def test_more_ways_of_heading_personal_columns_are_known(heading: str) -> None:
    from coprod_toc.surveys.personal import personal_kind

    assert personal_kind(heading) is not None


def test_a_name_column_phrased_differently_is_left_out_and_its_names_scrubbed() -> None:
    table = ct.import_survey(
        b"ID,Name of child,Comment\n1,Tyler,Tyler loved it\n2,Ama,great\n", name="s.csv"
    )
    assert [q.text for q in table.questions] == ["Comment"]
    assert "Tyler" not in repr(list(table.responses()))


def test_a_scaffold_never_copies_an_answer_given_once() -> None:
    """Choices are listed only where several people gave them; one person's own words (a
    name, an address, a worry) never reach the mapping file."""
    rows = "".join(
        f"{i},{'Yes' if i % 2 else 'No'},{'my son Kieran is ill' if i == 3 else 'Yes'}\n"
        for i in range(1, 9)
    )
    table = ct.import_survey(f"ID,Happy,Other\n{rows}".encode(), name="s.csv")
    text = scaffold_mapping(table)
    assert "Kieran" not in text
    assert "1 more given once, not shown" in text


def test_a_damaged_or_empty_workbook_says_what_is_wrong_when_detecting() -> None:
    """Auto-detection of a cut-off workbook names the damage, and of a workbook whose first
    sheet is empty says so, instead of "cannot tell which survey tool"."""
    book = io.BytesIO()
    openpyxl.Workbook().save(book)
    data = book.getvalue()
    with pytest.raises(ct.FormatError, match="not a readable XLSX workbook"):
        ct.import_survey(data[: len(data) // 2], name="u.xlsx")
    with pytest.raises(ct.FormatError, match="first sheet is empty"):
        ct.import_survey(data, name="u.xlsx")


def test_the_same_file_read_in_the_other_date_order_is_the_same_import() -> None:
    """Reading the file again month-first (as a date-order warning may suggest) is refused
    as imported before, rather than adding every answer a second time; imported again on
    purpose, the second import's item has an id of its own."""
    ambiguous = b"""Timestamp,Participant code,Consent,Comment
01/02/2026 10:02:11,P01,Yes,good
01/03/2026 10:05:40,P02,Yes,fine
"""
    toc = ct.example()
    ct.import_survey_evidence(ambiguous, MAPPING, into=toc, survey_name="a.csv", pseudonym_key=KEY)
    with pytest.raises(ct.FormatError, match="imported into the map before"):
        ct.import_survey_evidence(
            ambiguous, MAPPING, into=toc, survey_name="a.csv", pseudonym_key=KEY, dayfirst=False
        )
    ct.import_survey_evidence(
        ambiguous, MAPPING, into=toc, survey_name="a.csv", pseudonym_key=KEY, allow_reimport=True
    )
    imports = [i.id for i in toc.evidence.items if i.id.startswith("import-")]
    assert len(imports) == len(set(imports)) == 2


def test_a_small_files_scale_answers_are_shown_with_their_scale() -> None:
    """Four people answering on a built-in scale: the scaffold names the scale and shows its
    labels, though some were given once (a scale's own labels are not anyone's words)."""
    text = scaffold_mapping(ct.import_survey(Path("examples/survey/after.csv")))
    assert 'measure = "ucla3"' in text
    assert "Hardly ever or never (1)" in text


def test_a_stray_control_character_in_an_answer_does_not_refuse_the_file() -> None:
    """No map text may hold a control character; an answer with one (a vertical tab Excel
    left) is kept with a space there, rather than the import failing."""
    survey = SURVEY.replace(b"good", b"go\x0bod")
    done = _import(survey, MAPPING)
    assert any(i.content == "go od" for i in done.toc.evidence.items)
