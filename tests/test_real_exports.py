"""Real exports written by the survey tools themselves (../shared/real-exports, respondents
counted by hand): each reads right, with nothing personal kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import coprod_toc as ct
from coprod_toc.evidence import SCALES
from coprod_toc.surveys import SurveyTable, apply_mapping

REAL = Path(__file__).parent.parent.parent / "shared" / "real-exports"
DICTIONARY = REAL / "redcap-survey-dictionary.csv"

#: file → (format, respondents counted by hand, options)
EXPORTS = {
    "qualtrics-sample.csv": ("qualtrics", 1, {}),
    "qualtrics-sample-legacy.csv": ("qualtrics-legacy", 1, {}),
    "surveymonkey-pre.csv": ("surveymonkey", 100, {}),
    "redcap-survey.csv": ("redcap", 2, {"dictionary": str(DICTIONARY)}),
}
#: What the files hold about people, which must not survive an import.
PERSONAL = {
    "qualtrics-sample.csv": ["130.92.34.66", "47.115097045898", "7.2315979003906"],
    "qualtrics-sample-legacy.csv": ["130.92.34.66", "Anonym", "47.115097045898"],
    "surveymonkey-pre.csv": [
        "coraima59@medhurst.com", "Jessika", "Koch", "227.224.138.113", "mstamm@hermiston.com",
        "Constance", "Cummerata", "24290001", "114628000001",
    ],
    "redcap-survey.csv": ["aaa@bbb.com", "ccc@ddd.com", "2018-03-05"],
}  # fmt: skip


def read(name: str, **options: object) -> SurveyTable:
    _, _, extra = EXPORTS[name]
    return ct.import_survey(REAL / name, **(extra | options))


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_each_real_export_is_recognised_and_counts_its_respondents(name: str) -> None:
    """Detection names the tool, and the table holds the respondents counted by hand."""
    table = read(name)
    format, respondents, _ = EXPORTS[name]
    assert table.format == format
    assert len(set(table.respondents())) == respondents
    assert table.count() == respondents


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_nothing_personal_of_a_real_export_survives(name: str) -> None:
    """Names, e-mail addresses, IP addresses, locations, dates of birth and the tool's
    respondent ids are in no question, answer or respondent key after a default import."""
    table = read(name)
    seen = repr(table.questions) + repr(list(table.responses()))
    leaks = [p for p in PERSONAL[name] if p in seen]
    assert not leaks, leaks


def test_qualtrics_reads_its_three_header_rows_whatever_row_two_says() -> None:
    """The sample's row 2 is German: columns are told by rows 1 and 3, the questions keep
    their text, and the response is complete."""
    table = read("qualtrics-sample.csv")
    assert [(q.key, q.text) for q in table.questions][:2] == [
        ("Q1", "This is a multiple choice question."),
        ("Q2", "This is a free text question."),
    ]
    (response,) = table.responses()
    assert response.values[:2] == ("2", "Hello World!")
    assert response.complete is True
    assert response.submitted_at == dt.datetime(2017, 7, 18, 8, 28, 48)
    assert {"IPAddress", "LocationLatitude", "RecipientEmail"} <= set(table.left_out)


def test_qualtrics_legacy_reads_past_its_byte_order_mark() -> None:
    table = read("qualtrics-sample-legacy.csv")
    assert table.encoding == "utf-8-sig"
    assert [q.key for q in table.questions] == ["Q1", "Q2"]
    (response,) = table.responses()
    assert response.values == ("2", "Hello World!")
    assert response.started_at == dt.datetime(2017, 7, 18, 8, 28, 9)


def test_surveymonkey_grids_read_as_questions_and_statements_on_their_scale() -> None:
    """Row 1 fills forward over each grid, row 2 names its statements, and every answer to
    the confidence grid is a label on the built-in confidence5 scale."""
    table = read("surveymonkey-pre.csv")
    grid = [q for q in table.questions if q.text and q.text.startswith("Please rate your level")]
    assert len(grid) == 8
    assert grid[0].sub_item == "Research relevant background literature"
    columns = [table.questions.index(q) for q in grid]
    scale = SCALES["confidence5"]
    answers = {r.values[i] for r in table.responses() for i in columns}
    assert answers and all(scale.read(a).score for a in answers if a)
    assert table.date_order is not None and table.date_order.rule == "unambiguous"


def test_surveymonkey_answers_become_evidence_through_a_mapping() -> None:
    """The real export imported as benefits: one per respondent, none rejected."""
    toc = ct.example()
    table = read("surveymonkey-pre.csv", pseudonym_key=b"k" * 32)
    key = table.questions[1].key
    mapping = ct.load_mapping(
        {
            "survey": {"retain_until": "2030-01-01"},
            "consent": {"recorded": True, "purposes": ["evaluation"],
                        "condition": "explicit consent", "method": "online_form"},
            "questions": [{"key": key, "benefit": "confidence", "scale": "confidence5"}],
        },
        toc,
    )  # fmt: skip
    report = apply_mapping(toc, table, mapping)
    assert (report.responses, report.imported, report.rejected) == (100, 100, [])
    assert len(toc.evidence.benefits) == 100


def test_redcap_labels_from_its_dictionary_and_leaves_identifiers_out() -> None:
    """The dictionary labels fields and codes; fields it marks as identifiers, and the
    date of birth, are left out."""
    table = read("redcap-survey.csv")
    assert {"email", "first_name", "last_name", "address", "telephone_1", "dob"} <= set(
        table.left_out
    )
    diabetes = table.question("has_diabetes")
    assert diabetes.text == "I currently have Type 2 Diabetes"
    assert [a.value_label for a in table.answers() if a.question_key == "has_diabetes"] == [
        "True",
        "False",
    ]
    consent = table.question("consent___1")
    assert (consent.text, consent.sub_item) == (
        "By checking this box, I certify that I am at least 18 years old and that I give my "
        "consent freely to participant in this study.",
        "I consent",
    )
