"""Survey import: every tool's layout to the neutral table, the nasty cases, privacy."""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.errors import OutputError
from coprod_toc.plugins import PluginManager, get_plugin_manager, hookimpl
from coprod_toc.surveys import SurveyQuestion, SurveyResponse, SurveyTable, pseudonym
from coprod_toc.testing import SurveyImporterContract

FIXTURES = Path(__file__).parent / "fixtures" / "surveys"
DICTIONARY = FIXTURES / "redcap-dictionary.csv"

#: file → (format, respondents as written, options)
SAMPLES: dict[str, tuple[str, tuple[str, ...], dict[str, object]]] = {
    "generic.csv": ("generic", ("A01", "A02"), {}),
    "google-sheets.csv": ("google-sheets", ("carol@example.org", "dev@example.org"), {}),
    "google-forms.csv": ("google-forms", ("erin@example.org", "finn@example.org"), {}),
    "ms-forms.xlsx": ("ms-forms", ("7", "sam@example.org"), {}),
    "surveymonkey.csv": ("surveymonkey", ("11840000101", "11840000102"), {}),
    "surveymonkey.xlsx": ("surveymonkey", ("114630000101",), {}),
    "surveymonkey-excel-cp1252.csv": ("surveymonkey", ("1.1463E+11",), {}),
    "kobo.csv": ("kobo", ("8f1c0000-aaaa", "8f1c0000-bbbb"), {}),
    "kobo.xlsx": ("kobo", ("8f1c0000-cccc",), {}),
    "odk-central.csv": ("odk-central", ("uuid:aaa1", "uuid:aaa2"), {}),
    "qualtrics.csv": ("qualtrics", ("R_3abc", "R_3abd"), {}),
    "qualtrics-legacy.csv": ("qualtrics-legacy", ("R_1",), {}),
    "redcap.csv": ("redcap", ("P017", "P018"), {"dictionary": str(DICTIONARY)}),
    "limesurvey.csv": ("limesurvey", ("12", "13"), {}),
}

#: Every e-mail address and name the fixtures hold in personal columns.
PERSONAL = (
    "example.org", "Ann", "Jones", "Bob", "Smith", "Uma", "Patel", "Tom", "Hughes", "Sam Taylor",
    "Ida Brown", "Jon Smith", "Lara", "Lee", "Max", "Moss", "Nia Owen", "Olu Ade", "Pat Lee",
    "Quinn Rees", "Rosa Diaz", "gina_w", "harry_p", "10.0.0", "192.168",
)  # fmt: skip


def table(name: str, **options: object) -> SurveyTable:
    extra = SAMPLES[name][2] | options
    return ct.import_survey(FIXTURES / name, pseudonymise_respondents=False, **extra)


def answers(
    name: str, **options: object
) -> list[tuple[str, str, str | None, str | None, str | None]]:
    return [
        (a.respondent_key, a.question_key, a.sub_item, a.value_raw, a.value_label)
        for a in table(name, **options).answers()
    ]


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_fixture_is_recognised_as_its_tool(name: str) -> None:
    """format="auto" names the tool that made each fixture."""
    assert ct.import_survey(FIXTURES / name, **SAMPLES[name][2]).format == SAMPLES[name][0]


def test_format_option_overrides_detection() -> None:
    """A Google Sheets file read as generic keeps the Timestamp as a question."""
    read = ct.import_survey(FIXTURES / "google-sheets.csv", format="generic")
    assert read.format == "generic"
    assert read.questions[0].key == "how_valued_did_you_feel_before_the_project"


def test_unknown_option_is_a_clear_error() -> None:
    """A misspelt importer option names the options there are."""
    with pytest.raises(
        ct.FormatError, match=r"no option 'dictonary' \(options: dayfirst, dictionary"
    ):
        ct.import_survey(FIXTURES / "redcap.csv", dictonary="x.csv")


# --------------------------------------------------------------------------- layouts


def test_surveymonkey_fills_question_text_forward_and_reads_sub_headers() -> None:
    """Row 1 above the first column of a question names every column; row 2 is the item."""
    got = answers("surveymonkey.csv")
    assert got[:4] == [
        ("11840000101", "how_confident_do_you_feel[speaking_at_meetings]", "Speaking at meetings", "Very confident", "Very confident"),
        ("11840000101", "how_confident_do_you_feel[sharing_ideas]", "Sharing ideas", "Somewhat confident", "Somewhat confident"),
        ("11840000101", "how_confident_do_you_feel[using_email]", "Using email", "Not at all confident", "Not at all confident"),
        ("11840000101", "which_activities_did_you_join[co_design_workshop]", "Co-design workshop", "Co-design workshop", "Co-design workshop"),
    ]  # fmt: skip
    comment = table("surveymonkey.csv").question("any_comments")
    assert (comment.text, comment.sub_item) == ("Any comments?", None)


def test_surveymonkey_xlsx_keeps_long_ids_as_digits() -> None:
    """A numeric respondent id cell in XLSX becomes its digits, not 1.1463e+11."""
    assert table("surveymonkey.xlsx").respondents() == ["114630000101"]


def test_google_grid_rows_become_sub_items_and_cells_keep_line_breaks() -> None:
    """`Question [Row]` is a question and its row; a quoted cell may span lines."""
    got = answers("google-sheets.csv")
    assert got[0] == ("carol@example.org", "how_valued_did_you_feel[before_the_project]", "Before the project", "2", "2")  # fmt: skip
    assert got[3][3] == "Thank you all,\nit was lovely"
    first = next(table("google-sheets.csv").responses())
    assert first.submitted_at == dt.datetime(2026, 1, 14, 10, 2, 11)


def test_google_forms_csv_reads_zoned_timestamps() -> None:
    """`2022/06/22 11:07:29 AM AST` is read as the time it says."""
    times = [r.submitted_at for r in table("google-forms.csv").responses()]
    assert times == [dt.datetime(2022, 6, 22, 11, 7, 29), dt.datetime(2022, 6, 23, 13, 15)]


def test_ms_forms_splits_choices_and_prefers_email_to_anonymous() -> None:
    """Multi-choice cells ending in `;` split into choices; an anonymous form's person is
    its ID; markdown is stripped from titles; the Name column is left out."""
    read = table("ms-forms.xlsx")
    assert [q.key for q in read.questions] == [
        "which_sessions_did_you_attend", "how_valued_did_you_feel", "rank_what_mattered_most",
    ]  # fmt: skip
    assert read.question("how_valued_did_you_feel").text == "How valued did you feel?"
    got = answers("ms-forms.xlsx")
    assert (
        "7",
        "which_sessions_did_you_attend",
        "Peer review",
        "Peer review",
        "Peer review",
    ) in got
    assert [g[3] for g in got if g[0] == "sam@example.org" and g[1].startswith("rank")] == [
        "Pay", "Respect", "Training",
    ]  # fmt: skip


def test_kobo_prefers_choice_columns_and_labels_codes_from_the_form() -> None:
    """`q/choice` columns of 1/0 stand for the select-multiple; form= labels codes."""
    got = answers("kobo.csv")
    assert ("8f1c0000-aaaa", "benefits/confidence", "confidence", "1", "1") in got
    assert not any(g[1] == "benefits" for g in got)
    labelled = table("kobo.xlsx", form=str(FIXTURES / "xlsform.xlsx"))
    assert labelled.question("feelings/valued").text == "I feel valued"
    assert [a.value_label for a in labelled.answers()] == ["Agree", "Confidence", "Belonging"]


def test_odk_central_drops_submitter_and_name() -> None:
    """ODK's KEY names the submission; SubmitterName and a `name` question are left out."""
    read = table("odk-central.csv")
    assert "name" not in [q.key for q in read.questions]
    assert ("uuid:aaa1", "helped/paid", "paid", "1", "1") in answers("odk-central.csv")


def test_qualtrics_keys_on_row_one_whatever_language_row_two_is_in() -> None:
    """German metadata labels in row 2 change nothing: columns are told by row 1; grids
    split into question and statement; the Finished flag marks unfinished responses."""
    read = table("qualtrics.csv")
    assert [q.key for q in read.questions] == ["Q1", "Q2_1", "Q2_2", "Q3", "Q3_4_TEXT"]
    grid = read.question("Q2_1")
    assert (grid.text, grid.sub_item) == ("Before/after", "I felt confident")
    assert read.question("Q3").text == "What went well?"
    assert [r.complete for r in read.responses()] == [True, False]


def test_qualtrics_legacy_reads_bom_and_duplicate_names() -> None:
    """The BOM is not part of `V1`; a repeated variable name gets a numbered key."""
    read = table("qualtrics-legacy.csv")
    assert [q.key for q in read.questions] == ["Q1", "Q2", "Q2_2"]
    assert "utf-8-sig" in read.notes[0]


def test_redcap_labels_codes_and_checkboxes_from_the_dictionary() -> None:
    """Radio codes get their labels; `var___code` columns name their choice; identifiers
    marked in the dictionary are left out."""
    got = answers("redcap.csv")
    assert ("P017", "conf_before", None, "2", "Not very confident") in got
    assert ("P017", "helped___3", "Easy-read papers", "1", "Checked") in got
    assert "full_name" not in [q.key for q in table("redcap.csv").questions]


def test_redcap_dictionary_given_as_data_is_a_clear_error() -> None:
    with pytest.raises(ct.FormatError, match="pass this file as dictionary="):
        ct.import_survey(DICTIONARY)


def test_limesurvey_sub_questions_and_unfinished_responses() -> None:
    """`Q[SQ]` is a question and its sub-question; an empty submitdate is unfinished."""
    read = table("limesurvey.csv")
    assert read.question("CONF[SQ001]").sub_item == "SQ001"
    assert [r.complete for r in read.responses()] == [True, False]


# --------------------------------------------------------------------------- nasty cases


def test_cp1252_resaved_by_excel_decodes_curly_quotes_pound_and_accents() -> None:
    """Excel's "CSV (Comma delimited)" is cp1252: read as such, nothing turns to mojibake."""
    read = table("surveymonkey-excel-cp1252.csv")
    assert read.notes[0].startswith("read as cp1252")
    assert next(a.value_raw for a in read.answers()) == "It was “brilliant” – café and £5 bus fare"


def test_ids_rewritten_by_excel_are_kept_as_written_and_flagged() -> None:
    """`1.1463E+11` stays a string (never a float), and the notes warn it may collide."""
    read = table("surveymonkey-excel-cp1252.csv")
    assert read.respondents() == ["1.1463E+11"]
    assert any("spreadsheet rewrote" in n for n in read.warnings)


def test_uk_dates_are_read_day_first_for_the_whole_file() -> None:
    """14/01/2026 proves the file day-first, so 03/02/2026 is 3 February."""
    read = table("generic.csv")
    assert [r.submitted_at for r in read.responses()] == [dt.datetime(2026, 1, 14), dt.datetime(2026, 1, 15)]  # fmt: skip


def test_month_first_files_are_told_by_their_dates(tmp_path: Path) -> None:
    path = tmp_path / "us.csv"
    path.write_text("ID,Date,Q\n1,03/02/2026,a\n2,1/14/2026,b\n")
    got = [r.submitted_at for r in ct.import_survey(path).responses()]
    assert got == [dt.datetime(2026, 3, 2), dt.datetime(2026, 1, 14)]


def test_contradicting_dates_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("ID,Date,Q\n1,14/01/2026,a\n2,1/14/2026,b\n")
    with pytest.raises(
        ct.FormatError,
        match="row 2 writes '14/01/2026', which is day-first, but row 3 writes '1/14/2026', which is month-first",
    ):
        list(ct.import_survey(path).responses())
    fixed = ct.import_survey(path, dayfirst=True)
    with pytest.raises(ct.FormatError, match="row 3"):
        list(fixed.responses())


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "d.csv"
    rows = [["ID", "Comment", "Score"], ["1", "one, two; three", "4"]]
    path.write_text(
        "\n".join(delimiter.join(f'"{c}"' for c in row) for row in rows) + "\n", encoding="utf-8"
    )
    got = answers_of(path)
    assert got == [("1", "comment", "one, two; three"), ("1", "score", "4")]


def answers_of(path: Path) -> list[tuple[str, str, str | None]]:
    read = ct.import_survey(path, pseudonymise_respondents=False)
    return [(a.respondent_key, a.question_key, a.value_raw) for a in read.answers()]


def test_utf8_bom_and_utf16_are_read(tmp_path: Path) -> None:
    for encoding, prefix in (("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE)):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(prefix + "ID,Café\n1,Très bien\n".encode(encoding))
        assert answers_of(path) == [("1", "cafe", "Très bien")]


def test_duplicate_headers_are_keyed_by_position(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("ID,How are you?,How are you?\n1,Fine,Better\n")
    assert answers_of(path) == [("1", "how_are_you", "Fine"), ("1", "how_are_you_2", "Better")]


def test_a_table_takes_plain_tuples_and_reads_their_timestamps() -> None:
    """A row source may give tuples in SurveyResponse's field order; the table finishes them."""
    table = SurveyTable(
        source="rows",
        format="test",
        questions=[SurveyQuestion(key="q1")],
        rows=[(2, "P01", "14/01/2026 10:02", ("Agree",), True, None)],
    )
    (response,) = table.responses()
    assert isinstance(response, SurveyResponse)
    assert response.submitted_at == dt.datetime(2026, 1, 14, 10, 2)
    assert (response.respondent_key, response.values, response.complete) == (
        "P01",
        ("Agree",),
        True,
    )


# --------------------------------------------------------------------------- privacy


def test_respondents_are_pseudonymised_with_the_key(tmp_path: Path) -> None:
    """The same key gives the same pseudonym in every import, and never the id itself."""
    key = b"k" * 32
    first = ct.import_survey(FIXTURES / "surveymonkey.csv", pseudonym_key=key).respondents()
    second = ct.import_survey(FIXTURES / "surveymonkey.csv", pseudonym_key=key).respondents()
    assert first == second == [pseudonym("11840000101", key), pseudonym("11840000102", key)]
    assert all(re.fullmatch(r"R-[0-9a-f]{16}", p) for p in first)


def test_pseudonyms_depend_on_every_byte_of_the_key() -> None:
    """Another key gives other pseudonyms; a key over 64 bytes is used whole, not cut."""
    long_key = b"k" * 64 + b"tail"
    pseudonyms = {pseudonym("P01", key) for key in (b"k" * 32, b"j" * 32, long_key, b"k" * 64)}
    assert len(pseudonyms) == 4


def test_a_short_pseudonym_key_is_refused_before_reading() -> None:
    with pytest.raises(ct.ModelError, match="at least 16 bytes"):
        ct.import_survey(FIXTURES / "surveymonkey.csv", pseudonym_key=b"too short")
    with pytest.raises(ct.ModelError, match="at least 16 bytes"):
        pseudonym("P01", b"")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_no_name_or_email_survives_a_default_import(name: str) -> None:
    """With default options no e-mail address, name or IP address from a fixture is in the
    table, whether as a respondent key, a question or free text."""
    read = ct.import_survey(FIXTURES / name, **SAMPLES[name][2])
    text = repr(read.questions) + repr(
        [tuple(a.__dict__.values()) if hasattr(a, "__dict__") else a for a in read.answers()]
    )
    leaks = [p for p in PERSONAL if p in text]
    assert not leaks, leaks


def test_personal_columns_are_kept_only_when_asked() -> None:
    read = ct.import_survey(FIXTURES / "surveymonkey.csv", keep_personal=True)
    assert "ann@example.org" in [a.value_raw for a in read.answers()]


def test_pseudonym_key_file_is_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "pseudonym.key"
    key = ct.pseudonym_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert ct.pseudonym_key(path) == key and len(key) == 32
    with pytest.raises(OutputError, match="no pseudonym key"):
        ct.pseudonym_key(tmp_path / "none.key", create=False)


# --------------------------------------------------------------------------- robustness


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=3000))
def test_random_bytes_raise_only_library_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "noise.csv"
    path.write_bytes(data)
    for format in ("auto", "generic", "surveymonkey", "qualtrics", "kobo"):
        with contextlib.suppress(ct.CoprodTocError):
            list(ct.import_survey(path, format=format).answers())


_cell = st.text(alphabet=st.sampled_from(list('ab,;\t"\n\r 1/:-é')), max_size=12)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(_cell, min_size=1, max_size=6), min_size=1, max_size=8))
def test_random_csv_shaped_text_raises_only_library_errors(
    tmp_path: Path, rows: list[list[str]]
) -> None:
    path = tmp_path / "shaped.csv"
    path.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    for format in ("auto", "generic", "google-sheets", "limesurvey", "redcap"):
        with contextlib.suppress(ct.CoprodTocError):
            list(ct.import_survey(path, format=format).answers())


# --------------------------------------------------------------------------- contract


def _contract(file: str) -> type:
    format_name, respondents, options = SAMPLES[file]

    class Contract(SurveyImporterContract):
        importer_name = format_name

        @pytest.fixture
        def sample_files(self, tmp_path: Path) -> list[Path]:
            return [FIXTURES / file]

    Contract.respondents = respondents if not options else ()
    Contract.__name__ = f"TestContract_{format_name.replace('-', '_')}"
    return Contract


_CONTRACT_FILES = {
    "generic.csv", "google-sheets.csv", "google-forms.csv", "ms-forms.xlsx", "surveymonkey.csv",
    "kobo.csv", "odk-central.csv", "qualtrics.csv", "qualtrics-legacy.csv", "limesurvey.csv",
}  # fmt: skip
for _file in sorted(_CONTRACT_FILES):
    _cls = _contract(_file)
    globals()[_cls.__name__] = _cls


class TestContract_redcap(SurveyImporterContract):
    importer_name = "redcap"
    respondents = ("P017", "P018")

    @pytest.fixture
    def sample_files(self, tmp_path: Path) -> list[Path]:
        return [FIXTURES / "redcap.csv"]


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1252", "£5 café crème – it was “brilliant”, €3 for tea, à bientôt"),
        ("cp1250", "Zajęcia były świetne, dziękujemy za pomoc i życzliwość"),
        ("cp1251", "Занятия были очень полезными, спасибо за помощь"),
        ("cp1253", "Η συνάντηση ήταν πολύ χρήσιμη, ευχαριστούμε πολύ"),
        ("utf-16", "£5 café crème, Zażółć gęślą jaźń, Привет"),
    ],
)
def test_a_windows_export_reads_back_exactly_in_its_code_page(
    tmp_path: Path, encoding: str, text: str
) -> None:
    """A Google Sheets export resaved by Excel in a Windows code page imports with every
    character as written (cp1252 unless the bytes prove another)."""
    path = tmp_path / "resaved.csv"
    rows = ["Timestamp,How was it?,Anything else?", f'14/01/2026 10:02:11,Good,"{text}"',
            "14/01/2026 10:05:40,Fine,Thank you"]  # fmt: skip
    path.write_bytes("\r\n".join(rows).encode(encoding))
    table = ct.import_survey(path)
    assert table.format == "google-sheets"
    assert [r.values[1] for r in table.responses()] == [text, "Thank you"]


# --------------------------------------------------------------------------- privacy everywhere


@pytest.mark.parametrize("name", sorted(get_plugin_manager().extensions.importers))
def test_every_registered_importer_keeps_nothing_personal(name: str, tmp_path: Path) -> None:
    """The conformance check, for every importer the plugin manager knows: personal
    columns left out and personal free text scrubbed, in the tool's own layout."""
    from coprod_toc.testing import check_importer_privacy

    check_importer_privacy(name, tmp_path)


class _HandBuiltImporter:
    """A third-party importer that builds its table without the kit: one row per line of
    `question|answer` pairs, the first pair naming the respondent."""

    description = "pipes: a test importer that ignores the importer kit"

    def detect(self, source: object, head: bytes) -> bool:
        return head.startswith(b"PIPES\n")

    def read(self, source: object, **options: object) -> SurveyTable:
        lines = Path(source).read_text().splitlines()[1:]  # type: ignore[arg-type]
        pairs = [dict(p.split("=", 1) for p in line.split("|")) for line in lines]
        keys = [k for k in pairs[0] if k != "id"]
        return SurveyTable(
            source=str(source),
            format="pipes",
            questions=[SurveyQuestion(key=k, text=k) for k in keys],
            rows=[
                (n, p["id"], None, tuple(p[k] for k in keys), None, None)
                for n, p in enumerate(pairs, 2)
            ],
        )

    def write_example(self, path: Path, questions: list[str], answers: list[list[str]]) -> Path:
        lines = ["PIPES"] + [
            "|".join([f"id=P{n}"] + [f"{q}={a}" for q, a in zip(questions, row, strict=True)])
            for n, row in enumerate(answers)
        ]
        target = path.with_suffix(".pipes")
        target.write_text("\n".join(lines) + "\n")
        return target


def test_an_importer_that_skips_the_kit_still_keeps_nothing_personal(
    tmp_path: Path, fresh_plugin_manager: PluginManager
) -> None:
    """ct.import_survey applies the same personal-data rule to a table built without the
    kit: the conformance check passes for it too."""
    from coprod_toc.testing import check_importer_privacy

    class Plugin:
        @hookimpl
        def register_survey_importers(self, register: object) -> None:
            register("pipes", _HandBuiltImporter)  # type: ignore[operator]

    fresh_plugin_manager.register(Plugin(), name="pipes-plugin")
    table = check_importer_privacy("pipes", tmp_path)
    assert "left out personal data: Full name" in " ".join(table.notes)


_field = st.text(alphabet=st.sampled_from(list('ab ,;\t"\n\r1é')), max_size=8)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(_field, min_size=1, max_size=5), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    ending=st.sampled_from(["\r\n", "\n"]),
    indices=st.lists(st.integers(0, 5), min_size=1, max_size=3),
)
def test_reading_a_few_columns_gives_what_the_csv_module_reads(
    rows: list[list[str]], delimiter: str, ending: str, indices: list[int]
) -> None:
    """The fast reader of a few columns (the names pass) gives exactly the csv module's
    cells: quoted cells, cells over several lines, any delimiter and line ending; quoting
    the csv module cannot read strictly is an error."""
    import csv as stdlib_csv
    import io as stdlib_io

    from coprod_toc.surveys.kit import open_rows
    from coprod_toc.surveys.source import SurveyFile

    text = stdlib_io.StringIO()
    stdlib_csv.writer(text, delimiter=delimiter, lineterminator=ending).writerows(rows)
    data = ("ID" + delimiter + "Q" + ending + text.getvalue()).encode("utf-8")
    reader = open_rows(SurveyFile.of(data, name="t.csv"))
    delimiter = reader.delimiter or delimiter
    try:
        expected = [
            tuple(cells[i] if i < len(cells) else None for i in indices)
            for cells in stdlib_csv.reader(
                stdlib_io.StringIO(data.decode(), newline=""), delimiter=delimiter, strict=True
            )
        ][1:]
    except stdlib_csv.Error:  # quoting broken under the sniffed delimiter: an error for us
        with pytest.raises(ct.FormatError, match="near line"):
            list(reader.cells(indices, 1))
        return
    assert list(reader.cells(indices, 1)) == expected


# --------------------------------------------------------------------------- workbook readers


@pytest.mark.parametrize(
    "name", ["ms-forms.xlsx", "ms-forms-us-dates.xlsx", "ms-forms-serial-dates.xlsx",
             "surveymonkey.xlsx", "kobo.xlsx"],
)  # fmt: skip
def test_both_workbook_readers_read_the_same(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """python-calamine (the fast-xlsx extra) and openpyxl give the same table."""
    from coprod_toc.surveys.kit.rows import XLSX_READER_ENV

    read = {}
    for reader in ("openpyxl", "calamine"):
        monkeypatch.setenv(XLSX_READER_ENV, reader)
        table = ct.import_survey(FIXTURES / name, pseudonymise_respondents=False)
        read[reader] = (table.format, table.questions, list(table.responses()), table.notes)
    assert read["openpyxl"] == read["calamine"]


def test_the_workbook_reader_can_be_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    from coprod_toc.surveys.kit.rows import XLSX_READER_ENV, xlsx_reader

    monkeypatch.setenv(XLSX_READER_ENV, "openpyxl")
    assert xlsx_reader() == "openpyxl"
    monkeypatch.setenv(XLSX_READER_ENV, "")
    assert xlsx_reader() == "calamine"  # installed with the test tools


@settings(max_examples=300, deadline=None)
@given(
    body=st.text(alphabet=st.sampled_from(list('ab ,;"\n\r')), max_size=60),
    indices=st.lists(st.integers(0, 4), min_size=1, max_size=3),
)
def test_reading_a_few_columns_of_any_text_gives_what_the_csv_module_reads(
    body: str, indices: list[int]
) -> None:
    """Stray quotes, unclosed quotes, lone carriage returns: the fast reader of a few
    columns gives the csv module's cells, or a FormatError where the csv module finds the
    quoting broken (a quote left open to the end of the file)."""
    import csv as stdlib_csv
    import io as stdlib_io

    from coprod_toc.surveys.kit import open_rows
    from coprod_toc.surveys.source import SurveyFile

    text = "ID,Q,R\n" + body
    reader = open_rows(SurveyFile.of(text.encode(), name="t.csv"))
    try:
        expected = [
            tuple(cells[i] if i < len(cells) else None for i in indices)
            for cells in stdlib_csv.reader(
                stdlib_io.StringIO(text, newline=""), delimiter=reader.delimiter or ",", strict=True
            )
        ][1:]
    except stdlib_csv.Error:
        with pytest.raises(ct.FormatError, match="near line"):
            list(reader.cells(indices, 1))
        return
    assert list(reader.cells(indices, 1)) == expected


def _import_time(path: Path) -> float:
    """Best of three, in CPU seconds: importing the file and reading every response."""
    import time

    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        list(ct.import_survey(path, pseudonym_key=b"k" * 32).responses())
        best = min(best, time.process_time() - start)
    return best


def test_a_long_answer_with_an_email_in_its_row_imports_in_linear_time(tmp_path: Path) -> None:
    """A 1 MB answer in a row with an e-mail address imports in under a second, and ten
    times that in about ten times the time (a generous bound: 15x)."""
    times = []
    for size in (1_000_000, 10_000_000):
        path = tmp_path / f"long-{size}.csv"
        answer = ("word@ " * (size // 6))[:size]
        path.write_text(f"ID,Comment,Contact\n1,{answer},sam@example.org\n")
        times.append(_import_time(path))
    values = next(ct.import_survey(tmp_path / "long-1000000.csv").responses()).values
    assert values[1] == "[email removed]"
    assert times[0] < 1.0
    assert times[1] < 15 * times[0] + 0.05


def test_a_file_whose_first_answer_is_longer_than_detection_reads_is_still_detected(
    tmp_path: Path,
) -> None:
    path = tmp_path / "long.csv"
    path.write_text("ID,Comment\n1," + "x" * 100_000 + "\n")
    assert ct.import_survey(path).format == "generic"
