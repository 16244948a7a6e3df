"""Malformed survey files: every importer answers with a FormatError naming the file and what
is wrong, from import_survey or from reading the rows; never Python's own exceptions."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.plugins import get_plugin_manager

FIXTURES = Path(__file__).parent / "fixtures" / "surveys"
IMPORTERS = sorted(get_plugin_manager().extensions.importers)
XLSX = (FIXTURES / "surveymonkey.xlsx").read_bytes()


def read_all(data: bytes, format: str, name: str = "bad.csv") -> None:
    """Import and read every answer: the whole path a user's file takes."""
    list(ct.import_survey(data, format=format, name=name).answers())


def assert_format_error(data: bytes, format: str, name: str = "bad.csv") -> ct.FormatError:
    with pytest.raises(ct.CoprodTocError) as caught:
        read_all(data, format, name)
    error = caught.value
    assert type(error) is ct.FormatError, f"{type(error).__name__}: {error}"
    assert name in str(error)
    return error


# --------------------------------------------------------------------------- workbooks


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The workbook with each part passed through ``change`` (``None`` drops the part)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = change(item.filename, source.read(item))
            if content is not None:
                target.writestr(item, content)
    return out.getvalue()


def no_sheet(data: bytes) -> bytes:
    """A workbook whose workbook part lists no sheet."""

    def strip(name: str, content: bytes) -> bytes | None:
        if name == "xl/workbook.xml":
            start, end = content.index(b"<sheets>"), content.index(b"</sheets>")
            return content[:start] + content[end + len(b"</sheets>") :]
        return content

    return _rezip(data, strip)


def missing_part(data: bytes) -> bytes:
    """A workbook whose sheet part is gone."""
    return _rezip(
        data, lambda name, content: None if name.startswith("xl/worksheets/") else content
    )


def bad_xml(data: bytes) -> bytes:
    """A workbook whose sheet is not well-formed XML."""
    return _rezip(
        data, lambda name, c: c[: len(c) // 2] if name.startswith("xl/worksheets/") else c
    )


def unsupported_compression(data: bytes) -> bytes:
    """A workbook whose parts claim Deflate64, which Python's zipfile cannot read."""
    stored = _rezip(data, lambda name, content: content)
    patched = bytearray(stored)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = patched.find(signature)
        while at >= 0:
            patched[at + offset : at + offset + 2] = (9).to_bytes(2, "little")
            at = patched.find(signature, at + 4)
    return bytes(patched)


def _damage_sheet(data: bytes) -> bytes:
    """The workbook with the compressed bytes of its sheet overwritten."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename) + 10
    return data[:start] + b"\xff" * 200 + data[start + 200 :]


MALFORMED: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "bad.csv"),
    "one byte": (b"a", "bad.csv"),
    "a lone CR": (b"\r", "bad.csv"),
    "a lone LF": (b"\n", "bad.csv"),
    "only a BOM": (b"\xef\xbb\xbf", "bad.csv"),
    "blank lines": (b"\r\n\r\n  \r\n", "bad.csv"),
    "NUL bytes": (b"ID,Q\x00\x00\n1,2\n", "bad.csv"),
    "an old Excel file": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "bad.xls"),
    "a PNG": (b"\x89PNG\r\n\x1a\n" + b"\x00\x01" * 200, "bad.png"),
    "a cut-off workbook": (XLSX[: len(XLSX) // 2], "bad.xlsx"),
    "a workbook cut after its first part": (XLSX[:200], "bad.xlsx"),
    "a workbook with its sheet damaged": (_damage_sheet(XLSX), "bad.xlsx"),
    "a workbook with no sheet": (no_sheet(XLSX), "bad.xlsx"),
    "a workbook missing its sheet": (missing_part(XLSX), "bad.xlsx"),
    "a workbook of broken XML": (bad_xml(XLSX), "bad.xlsx"),
    "unsupported compression": (unsupported_compression(XLSX), "bad.xlsx"),
    "a zip that is not a workbook": (b"PK\x03\x04" + b"\x00" * 100, "bad.xlsx"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
@pytest.mark.parametrize("format", ["auto", *IMPORTERS])
def test_malformed_files_are_format_errors_naming_the_file(case: str, format: str) -> None:
    """Each malformed file, read as each importer (and detected), is a FormatError that
    names the file."""
    data, name = MALFORMED[case]
    assert_format_error(data, format, name)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "the file is empty"),
        (b"\r", "the file is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old Excel"),
        (no_sheet(XLSX), "no sheet"),
        (unsupported_compression(XLSX), "not a readable XLSX workbook"),
    ],
)
def test_the_error_says_what_is_wrong(data: bytes, problem: str) -> None:
    """The message says what is wrong in words a user can act on."""
    assert problem in str(assert_format_error(data, "generic", "upload.bin"))


def test_a_row_longer_than_the_header_names_the_row() -> None:
    """Answers past the last column (a lost quote) are an error naming the row, not
    silently dropped."""
    data = b"ID,Comment,Score\n1,fine,4\n2,good, really good,5\n"
    error = assert_format_error(data, "generic", "ragged.csv")
    assert "row 3 has 4 cells but the header has 3 columns" in str(error)


def test_short_rows_are_padded() -> None:
    """A row missing its trailing blank cells reads as blanks."""
    table = ct.import_survey(b"ID,Q1,Q2\n1,a\n", name="short.csv")
    assert [r.values for r in table.responses()] == [("a", None)]


@pytest.mark.parametrize(
    ("format", "data", "problem"),
    [
        ("surveymonkey", b"Respondent ID,Q\n", "a SurveyMonkey export has 2 header rows"),
        ("qualtrics", b"StartDate,Q1\nStart,Q\n", "a Qualtrics export has 3 header rows"),
        ("ms-forms", b"ID,Start time,Completion time\n1,2,3\n", "ID, Start time"),
        ("limesurvey", b"id,name\n1,2\n", "starts with id, submitdate"),
        ("redcap", b"Variable / Field Name,x\na,b\n", "data dictionary"),
        ("surveymonkey", b"Timestamp,Q\n14/01/2026,a\n", "starts with the column Respondent ID"),
        ("surveymonkey", b"Respondent ID,Q\n1184,a\n", "second row blank there"),
        ("qualtrics", b"A,B\nC,D\nE,F\n", "third row holds each column's ImportId"),
        ("qualtrics-legacy", b"A,B\nC,D\n", "starts with V1 above ResponseID"),
        ("redcap", b"ID,Q\n1,a\n", "record_id or a form's _complete column"),
    ],
)
def test_files_that_only_look_like_an_export_say_what_is_missing(
    format: str, data: bytes, problem: str
) -> None:
    """A file read as a tool whose layout it lacks says which part of the layout is missing."""
    assert problem in str(assert_format_error(data, format, "lookalike.csv"))


# --------------------------------------------------------------------------- properties


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)  # bounded: every importer reads every example
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_escape_as_python_errors(data: bytes) -> None:
    """Random bytes, read as every importer: a table that reads to the end, or a
    FormatError; nothing else."""
    for format in ["auto", *IMPORTERS]:
        try:
            read_all(data, format)
        except ct.CoprodTocError as error:
            assert type(error) is ct.FormatError, f"{format}: {type(error).__name__}: {error}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.integers(min_value=0, max_value=len(XLSX)),
    flips=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(XLSX) - 1), st.integers(0, 255)),
        max_size=6,
    ),
)
def test_damaged_workbooks_never_escape_as_python_errors(
    cut: int, flips: list[tuple[int, int]]
) -> None:
    """A real workbook cut short or with bytes changed: a table, or a FormatError."""
    damaged = bytearray(XLSX)
    for at, value in flips:
        damaged[at] = value
    data = bytes(damaged[: max(cut, 1)])
    for format in ("auto", "surveymonkey", "ms-forms", "kobo", "generic"):
        try:
            read_all(data, format, "damaged.xlsx")
        except ct.CoprodTocError as error:
            assert type(error) is ct.FormatError, f"{format}: {type(error).__name__}: {error}"


@pytest.mark.parametrize(
    "case", sorted(c for c, (_, name) in MALFORMED.items() if name == "bad.xlsx")
)
def test_malformed_workbooks_are_format_errors_with_openpyxl_too(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without python-calamine, openpyxl's failures are FormatErrors naming the file too."""
    from coprod_toc.surveys.kit.rows import XLSX_READER_ENV

    monkeypatch.setenv(XLSX_READER_ENV, "openpyxl")
    data, name = MALFORMED[case]
    for format in ("auto", "ms-forms", "generic"):
        assert_format_error(data, format, name)
