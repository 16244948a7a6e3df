"""The survey workflow through the API and the CLI: uploads without temporary files, the
mapping from a dict or text, one call from file to saved evidence, consent as given, and
the survey commands (inspect, scaffold, import-survey)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import coprod_toc as ct
from coprod_toc.cli import main
from coprod_toc.evidence import ConsentMethod, Participant
from coprod_toc.surveys.table import DATE_WINDOW

EXAMPLES = Path(__file__).parent.parent / "examples" / "survey"
REAL = Path(__file__).parent.parent.parent / "shared" / "real-exports"
KEY = b"k" * 32
MAPPING = {
    "survey": {"retain_until": "2030-01-01", "timepoint": "baseline"},
    "consent": {"question": "I agree to my answers being used to evaluate the day centre project"},
    "importer": {"respondent": "Participant code"},
    "questions": [
        {"key": "how_confident_do_you_feel_speaking_at_meetings", "benefit": "confidence"}
    ],
}


# --------------------------------------------------------------------------- inputs


def test_a_survey_is_read_from_bytes_or_a_binary_file_under_its_given_name() -> None:
    """An upload needs no temporary file, and messages and reports use the name given."""
    data = (EXAMPLES / "before.csv").read_bytes()
    from_bytes = ct.import_survey(data, name="before.csv", pseudonym_key=KEY)
    from_handle = ct.import_survey(io.BytesIO(data), name="before.csv", pseudonym_key=KEY)
    from_path = ct.import_survey(EXAMPLES / "before.csv", pseudonym_key=KEY)
    assert from_bytes.source == from_handle.source == "before.csv"
    assert (
        list(from_bytes.responses()) == list(from_handle.responses()) == list(from_path.responses())
    )
    assert from_bytes.identity() == from_path.identity() is not None


def test_an_upload_without_a_name_is_called_upload_in_errors() -> None:
    with pytest.raises(ct.FormatError, match=r"^upload: the file is empty"):
        ct.import_survey(b"")


def test_a_text_mode_file_is_refused_clearly() -> None:
    with pytest.raises(ct.FormatError, match="binary mode"):
        ct.import_survey(io.StringIO("ID,Q\n1,a\n"))


@pytest.mark.parametrize("form", ["path", "dict", "text", "bytes", "binary file"])
def test_a_mapping_is_read_from_a_path_a_dict_text_bytes_or_a_binary_file(form: str) -> None:
    """Each form of the same mapping gives the same checked mapping."""
    path = EXAMPLES / "before.toml"
    source = {
        "path": path,
        "dict": __import__("tomllib").loads(path.read_text()),
        "text": path.read_text(),
        "bytes": path.read_bytes(),
        "binary file": io.BytesIO(path.read_bytes()),
    }[form]
    mapping = ct.load_mapping(source, ct.example(), name="before.toml")
    assert mapping.source == "before.toml"
    assert [q.question for q in mapping.questions] == [
        q.question for q in ct.load_mapping(path).questions
    ]


def test_an_unknown_key_in_a_mapping_is_named() -> None:
    """A misspelt key is an error naming the entry and the keys there are."""
    bad = {**MAPPING, "survey": {"retain_untill": "2030-01-01"}}
    with pytest.raises(ct.FormatError, match=r"survey.retain_untill: unknown key"):
        ct.load_mapping(bad)
    question = {"key": "q", "benefit": "confidence", "scal": "agreement5"}
    with pytest.raises(
        ct.FormatError, match=r"questions\[0\].scal: is not a key of a benefit question"
    ):
        ct.load_mapping({**MAPPING, "questions": [question]})


# --------------------------------------------------------------------------- the workflow


def test_one_call_imports_a_survey_into_a_store(tmp_path: Path) -> None:
    """import_survey_evidence loads the map, reads the mapping and the survey, applies it
    and saves a new version; the report says what it did."""
    url = f"sqlite:///{tmp_path / 'maps.db'}"
    with ct.open_store(url) as store:
        store.save("day-centre", ct.example())
    done = ct.import_survey_evidence(
        (EXAMPLES / "before.csv").read_bytes(),
        (EXAMPLES / "before.toml").read_text(),
        into=url,
        name="day-centre",
        survey_name="before.csv",
        pseudonym_key=KEY,
        rejected=tmp_path / "rejected.csv",
    )
    assert (done.version, done.report.imported, done.report.source) == (2, 4, "before.csv")
    assert done.rejected_file == tmp_path / "rejected.csv"
    with ct.open_store(url) as store:
        assert len(store.load("day-centre").evidence.participants) == 4
        assert store.history("day-centre")[-1].message == "survey import: before.csv"


def test_one_call_imports_into_a_json_map_file_and_a_map_in_memory(tmp_path: Path) -> None:
    target = tmp_path / "map.json"
    target.write_text(ct.dumps(ct.example()))
    done = ct.import_survey_evidence(
        EXAMPLES / "before.csv", EXAMPLES / "before.toml", into=target, pseudonym_key=KEY
    )
    assert done.saved == str(target)
    assert len(ct.load(target).evidence.participants) == 4
    toc = ct.example()
    again = ct.import_survey_evidence(EXAMPLES / "before.csv", MAPPING, into=toc, pseudonym_key=KEY)
    assert again.saved is None and again.toc is toc and len(toc.evidence.benefits) == 4


def test_a_store_edit_made_during_the_import_is_a_conflict_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    """Someone saves the map while a large survey is read: the import's save is refused
    with a ConflictError and the other edit stays the latest version."""
    url = f"sqlite:///{tmp_path / 'maps.db'}"
    with ct.open_store(url) as store:
        store.save("day-centre", ct.example())
    rows = "".join(f"14/01/2026 10:02,P{n},Yes,Fairly confident\n" for n in range(2500))
    survey = (
        "Timestamp,Participant code,"
        "I agree to my answers being used to evaluate the day centre project,"
        "How confident do you feel speaking at meetings?\n" + rows
    ).encode()

    def meanwhile(_: int) -> None:
        with ct.open_store(url) as other:
            edited = other.load("day-centre")
            if edited.title != "edited meanwhile":
                edited.title = "edited meanwhile"
                other.save("day-centre", edited)

    with pytest.raises(ct.ConflictError):
        ct.import_survey_evidence(
            survey, MAPPING, into=url, name="day-centre", pseudonym_key=KEY, progress=meanwhile
        )
    with ct.open_store(url) as store:
        assert [v.version for v in store.history("day-centre")] == [1, 2]
        assert store.load("day-centre").title == "edited meanwhile"


def test_a_date_contradicting_the_file_stops_the_import_before_anything_is_saved(
    tmp_path: Path,
) -> None:
    """A row past the first rows whose date contradicts the file's order is an error
    naming the row, and neither the map nor the store changes."""
    url = f"sqlite:///{tmp_path / 'maps.db'}"
    with ct.open_store(url) as store:
        store.save("day-centre", ct.example())
    rows = [f"14/01/2026 10:02,P{n},Yes,Fairly confident\n" for n in range(DATE_WINDOW + 5)]
    rows[-1] = "1/14/2026 10:02,P99,Yes,Fairly confident\n"
    survey = (
        "Timestamp,Participant code,"
        "I agree to my answers being used to evaluate the day centre project,"
        "How confident do you feel speaking at meetings?\n" + "".join(rows)
    ).encode()
    with pytest.raises(ct.FormatError, match=rf"row {DATE_WINDOW + 6}: the date '1/14/2026 10:02'"):
        ct.import_survey_evidence(survey, MAPPING, into=url, name="day-centre", pseudonym_key=KEY)
    with ct.open_store(url) as store:
        assert len(store.history("day-centre")) == 1
    toc = ct.example()
    with pytest.raises(ct.FormatError):
        ct.import_survey_evidence(survey, MAPPING, into=toc, pseudonym_key=KEY)
    assert not toc.evidence


def test_consent_recorded_elsewhere_invents_nothing() -> None:
    """`recorded = true` alone gives consent records with no purposes, condition or
    method; the report warns, and validation says what is missing."""
    toc = ct.example()
    mapping = {**MAPPING, "consent": {"recorded": True}}
    done = ct.import_survey_evidence(EXAMPLES / "before.csv", mapping, into=toc, pseudonym_key=KEY)
    consent = toc.evidence.consents[0]
    assert (consent.purposes, consent.condition, consent.method) == ((), None, None)
    assert any("does not say the purposes" in w for w in done.report.warnings)
    assert "consent-incomplete" in ct.validate(toc).codes


def test_consent_given_in_full_is_kept_as_given() -> None:
    toc = ct.example()
    consent = {"recorded": True, "purposes": ["evaluation"], "condition": "explicit consent",
               "method": "easy_read", "info_version": "v2"}  # fmt: skip
    ct.import_survey_evidence(
        EXAMPLES / "before.csv", {**MAPPING, "consent": consent}, into=toc, pseudonym_key=KEY
    )
    record = toc.evidence.consents[0]
    assert (record.purposes, record.condition, record.method) == (
        ("evaluation",),
        "explicit consent",
        ConsentMethod.EASY_READ,
    )
    assert "consent-incomplete" not in ct.validate(toc).codes


# --------------------------------------------------------------------------- the CLI


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_inspect_says_how_a_real_export_reads_as_json() -> None:
    """The real SurveyMonkey export: its tool, encoding, delimiter, date order and rule,
    100 respondents, its questions with their sub-items, and the personal columns left out."""
    code, out, _ = run("survey", "inspect", str(REAL / "surveymonkey-pre.csv"), "--json")
    assert code == 0
    facts = json.loads(out)
    assert set(facts) >= {
        "format", "encoding", "delimiter", "dayfirst", "date_rule", "respondents",
        "questions", "left_out", "notes",
    }  # fmt: skip
    assert (facts["format"], facts["encoding"], facts["delimiter"]) == (
        "surveymonkey",
        "utf-8",
        ",",
    )
    assert (facts["dayfirst"], facts["date_rule"], facts["respondents"]) == (
        True,
        "unambiguous",
        100,
    )
    assert {"IP Address", "Email Address", "First Name", "Last Name"} <= set(facts["left_out"])
    assert facts["questions"][1] == {
        "key": "please_rate_your_level_of_confidence_in_performi[research_relevant_background_literature]",
        "text": "Please rate your level of confidence in performing the following research tasks on a scale from not at all confident to extremely confident.",
        "sub_item": "Research relevant background literature",
    }


def test_inspect_prints_no_answer_and_no_respondent() -> None:
    """The text summary names the file's shape, never what people wrote or who they are."""
    code, out, _ = run("survey", "inspect", str(REAL / "surveymonkey-pre.csv"))
    assert code == 0
    assert "respondents: 100 (100 responses)" in out
    for private in ("114628000001", "coraima59", "Jessika", "227.224.138.113", "Not knowledgeable"):
        assert private not in out


def test_an_ambiguous_file_warns_on_the_command_line_naming_dayfirst(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("ID,Date,Q\n1,03/04/2026,a\n")
    code, out, err = run("survey", "inspect", str(path))
    assert code == 0 and "warning" in err and "dayfirst=False" in err
    code, out, err = run("survey", "inspect", str(path), "--monthfirst", "--json")
    assert json.loads(out)["date_rule"] == "given" and not json.loads(out)["dayfirst"]


def test_scaffold_writes_a_mapping_that_loads_and_finds_the_consent_question() -> None:
    """Every question is listed and ignored, the consent question is found by its wording,
    and the text loads as a valid mapping against the map."""
    code, out, _ = run("survey", "scaffold", str(EXAMPLES / "before.csv"))
    assert code == 0
    mapping = ct.load_mapping(out, ct.example())
    table = ct.import_survey(EXAMPLES / "before.csv")
    assert [q.question for q in mapping.questions] == [q.key for q in table.questions]
    assert mapping.consent_question == "i_agree_to_my_answers_being_used_to_evaluate_the"
    assert 'the answers fit the scale "ucla3"' in out
    assert "p1@example.org" not in out


def test_scaffold_never_copies_free_text(tmp_path: Path) -> None:
    path = tmp_path / "free.csv"
    path.write_text("ID,Comment\n" + "".join(f"{n},private story {n}\n" for n in range(20)))
    code, out, _ = run("survey", "scaffold", str(path))
    assert code == 0 and "private story" not in out and "free text: 13 different answers" in out
    assert ct.load_mapping(out).consent_recorded


def test_import_survey_takes_mapping_and_warns_for_the_old_map_option(tmp_path: Path) -> None:
    """--mapping names the mapping file; --map still works for a release, with a warning."""
    env = {"COPROD_TOC_PSEUDONYM_KEY": str(tmp_path / "key")}
    target = tmp_path / "map.json"
    target.write_text(ct.dumps(ct.example()))
    code, _, err = run("import-survey", str(EXAMPLES / "before.csv"), "--map",
                       str(EXAMPLES / "before.toml"), "--into", str(target), env=env)  # fmt: skip
    assert code == 0 and "--map is deprecated" in err and "--mapping" in err
    code, _, err = run("import-survey", str(EXAMPLES / "before.csv"), "--mapping",
                       str(EXAMPLES / "before.toml"), "--into", str(target), env=env)  # fmt: skip
    assert code == 2 and "imported into this map before; pass --reimport" in err
    code, _, err = run(
        "import-survey", str(EXAMPLES / "before.csv"), "--into", str(target), env=env
    )
    assert code == 2 and "--mapping" in err and "survey scaffold" in err


def test_import_survey_help_points_to_the_list_of_formats() -> None:
    code, out, _ = run("import-survey", "--help")
    out = " ".join(out.split())  # as wrapped to the terminal's width
    assert code == 0 and "coprod-toc plugins --all" in out and "--mapping" in out
    assert "--map " not in out


def test_counts_are_worded_in_the_singular_for_one(tmp_path: Path) -> None:
    """One response reads as "1 response"."""
    env = {"COPROD_TOC_PSEUDONYM_KEY": str(tmp_path / "key")}
    lines = (EXAMPLES / "before.csv").read_text().splitlines()
    one = tmp_path / "one.csv"
    one.write_text("\n".join(lines[:2]) + "\n")
    target = tmp_path / "map.json"
    target.write_text(ct.dumps(ct.example()))
    code, out, err = run("import-survey", str(one), "--mapping", str(EXAMPLES / "before.toml"),
                         "--into", str(target), env=env)  # fmt: skip
    assert code == 0, err
    assert "read 1 response (google-sheets); imported 1" in out


def test_a_survey_given_as_text_is_read_and_never_echoed_in_errors() -> None:
    """A decoded upload (a string with line breaks) reads like its bytes; a long string on
    one line is refused without repeating it."""
    text = (EXAMPLES / "before.csv").read_text()
    assert list(ct.import_survey(text, pseudonym_key=KEY).responses()) == list(
        ct.import_survey(text.encode(), pseudonym_key=KEY).responses()
    )
    with pytest.raises(ct.FormatError) as caught:
        ct.import_survey("x" * 10_000)
    assert "xxxx" not in str(caught.value) and "10,000 characters" in str(caught.value)


def test_survey_commands_report_errors_as_json_with_json(tmp_path: Path) -> None:
    """With --json, bad input is an error object on standard output, exit 2."""
    code, out, _ = run("survey", "inspect", str(tmp_path / "missing.csv"), "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == "bad-document"
    env = {"COPROD_TOC_PSEUDONYM_KEY": str(tmp_path / "key")}
    target = tmp_path / "map.json"
    target.write_text(ct.dumps(ct.example()))
    args = ("import-survey", str(EXAMPLES / "before.csv"), "--mapping",
            str(EXAMPLES / "before.toml"), "--into", str(target), "--json")  # fmt: skip
    assert run(*args, env=env)[0] == 0
    code, out, _ = run(*args, env=env)
    assert code == 2 and json.loads(out)["error"]["code"] == "imported-before"


def test_inspect_takes_the_importers_own_options() -> None:
    """--dictionary labels a REDCap export from its data dictionary on the command line."""
    code, out, _ = run(
        "survey", "inspect", str(REAL / "redcap-survey.csv"), "--json",
        "--dictionary", str(REAL / "redcap-survey-dictionary.csv"),
    )  # fmt: skip
    assert code == 0
    texts = {q["key"]: q["text"] for q in json.loads(out)["questions"]}
    assert texts["has_diabetes"] == "I currently have Type 2 Diabetes"


def test_a_mapping_naming_a_question_that_became_the_respondent_says_so() -> None:
    """A question the survey does not have is an error naming the mapping entry, and says
    when the column identifies respondents instead; an ignored one is no error."""
    ignored = {
        **MAPPING,
        "questions": [{"key": "participant_code", "ignore": True}, *MAPPING["questions"]],
    }  # type: ignore[list-item]
    done = ct.import_survey_evidence(
        EXAMPLES / "before.csv", ignored, into=ct.example(), pseudonym_key=KEY
    )
    assert done.report.imported == 4
    used = {**MAPPING, "questions": [{"key": "participant_code", "quote": ["C1"]}]}
    with pytest.raises(
        ct.FormatError,
        match=r"questions\[0\] names a question the survey does not have.*identifies respondents",
    ):
        ct.import_survey_evidence(
            EXAMPLES / "before.csv", used, into=ct.example(), pseudonym_key=KEY
        )


def test_a_mapping_that_ignores_every_question_is_refused_before_anything_is_saved(
    tmp_path: Path,
) -> None:
    target = tmp_path / "map.json"
    target.write_text(ct.dumps(ct.example()))
    _, out, _ = run("survey", "scaffold", str(EXAMPLES / "before.csv"))
    with pytest.raises(ct.FormatError, match="ignores every question"):
        ct.import_survey_evidence(EXAMPLES / "before.csv", out, into=target, pseudonym_key=KEY)
    assert ct.load(target) == ct.example()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"survey": {"retain_until": "2020-01-01"}}, "survey.retain_until: 2020-01-01 has passed"),
        (
            {"questions": [{"key": "i_lack_companionship", "measure": "ucla3", "item": "companionship"}],
             "survey": {"retain_until": "2030-01-01"}},
            r"questions\[0\]: a measure's answers need a time point",
        ),
    ],
)  # fmt: skip
def test_mappings_that_could_only_store_wrong_evidence_are_refused(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(ct.FormatError, match=message):
        ct.load_mapping({**MAPPING, **change})


def test_redcap_consent_matches_its_label_and_files_are_found_beside_the_mapping(
    tmp_path: Path,
) -> None:
    """[importer] dictionary is found beside the mapping file; a checkbox consent answer
    matches by its label (Checked) as well as its code (1)."""
    import shutil

    shutil.copy(REAL / "redcap-survey-dictionary.csv", tmp_path / "dictionary.csv")
    mapping = tmp_path / "redcap.toml"
    mapping.write_text(
        '[survey]\nretain_until = "2030-01-01"\n[importer]\ndictionary = "dictionary.csv"\n'
        '[consent]\nquestion = "consent___1"\nyes = ["Checked"]\npurposes = ["evaluation"]\n'
        '[[questions]]\nkey = "has_diabetes"\nquote = ["C1"]\n'
    )
    done = ct.import_survey_evidence(
        REAL / "redcap-survey.csv", mapping, into=ct.example(), pseudonym_key=KEY
    )
    assert done.report.imported == 1
    assert [r.reason for r in done.report.rejected] == ["no consent to use these answers"]


def test_an_earlier_rejections_file_is_not_left_behind(tmp_path: Path) -> None:
    """A later import with no rejections empties the rejections file rather than leaving the
    earlier file's rows there."""
    rejected = tmp_path / "rejected.csv"
    rejected.write_text("row,column,reason\n5,q,an old reason\n")
    ct.import_survey_evidence(
        EXAMPLES / "before.csv", MAPPING, into=ct.example(), pseudonym_key=KEY, rejected=rejected
    )
    assert "an old reason" not in rejected.read_text()


def test_an_order_inferred_from_the_times_is_a_warning_too(tmp_path: Path) -> None:
    path = tmp_path / "us.csv"
    path.write_text("ID,Date,Q\n1,1/2/2024 10:00,a\n2,1/3/2024 09:00,b\n3,1/4/2024 11:00,c\n")
    table = ct.import_survey(path)
    assert any(
        "read month-first because consecutive" in w and "--dayfirst" in w for w in table.warnings
    )


def test_erasing_someone_the_store_never_held_says_so_and_exits_1(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'maps.db'}"
    with ct.open_store(url) as store:
        store.save("day-centre", ct.example())
    code, _, err = run("erase-participant", "R-0123456789abcdef", "--into", url, "--yes")
    assert code == 1 and "holds nothing of R-0123456789abcdef" in err


def test_change_names_the_time_points_when_nobody_answered_at_both(tmp_path: Path) -> None:
    toc = ct.example()
    for name in ("before", "after"):
        ct.import_survey_evidence(
            EXAMPLES / f"{name}.csv", EXAMPLES / f"{name}.toml", into=toc, pseudonym_key=KEY
        )
    path = tmp_path / "map.json"
    path.write_text(ct.dumps(toc))
    _, out, _ = run("change", str(path), "--before", "basline")
    assert "the time points in this map are 'baseline', 'follow_up'" in out


def test_a_text_key_is_refused_as_not_bytes() -> None:
    with pytest.raises(ct.ModelError, match="a pseudonym key is bytes"):
        ct.import_survey(EXAMPLES / "before.csv", pseudonym_key="k" * 32)  # type: ignore[arg-type]


def test_a_participant_added_by_hand_is_erased_by_their_id(tmp_path: Path) -> None:
    """With no key (nothing was imported), the id as given is the participant's: a
    participant entered by hand as P02 is erased by P02."""
    url = f"sqlite:///{tmp_path / 'maps.db'}"
    toc = ct.example()
    toc.evidence.add(Participant(id="P02"))
    with ct.open_store(url) as store:
        store.save("day-centre", toc)
    env = {"COPROD_TOC_PSEUDONYM_KEY": str(tmp_path / "no-key")}
    code, _, err = run("erase-participant", "P02", "--into", url, "--yes", env=env)
    assert code == 0, err
    with ct.open_store(url) as store:
        assert store.load("day-centre").evidence.participants == []
