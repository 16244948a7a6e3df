"""Answers that mean "no answer" (NA, N/A, -99…) are never taken for answers."""

from __future__ import annotations

from pathlib import Path

import pytest

import coprod_toc as ct
from coprod_toc.plugins import get_plugin_manager
from coprod_toc.surveys import apply_mapping

REAL = Path(__file__).parent.parent.parent / "shared" / "real-exports"
KEY = b"k" * 32

SURVEY = (
    "Timestamp,Participant code,How was the session?,What went well?,Score out of 10\n"
    "14/01/2026 10:02,P01,Good,The tea,8\n"
    "14/01/2026 10:05,P02,NA,NA,-99\n"
    "14/01/2026 10:07,P03,N/A,#N/A,NULL\n"
    "14/01/2026 10:09,P04,(blank),.,-999\n"
    "14/01/2026 10:11,P05,Not answered,n/a,\n"
)


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    path = tmp_path / "feedback.csv"
    path.write_text(SURVEY)
    return path


@pytest.mark.parametrize("marker", sorted(ct.surveys.table.MISSING_ANSWERS))
def test_every_default_marker_is_no_answer(tmp_path: Path, marker: str) -> None:
    """Each default marker reads as None in the responses and gives no answer in the long table."""
    path = tmp_path / "one.csv"
    path.write_text(f"ID,Comment,Other\n1,{marker},kept\n")
    table = ct.import_survey(path)
    assert next(table.responses()).values == (None, "kept")
    assert [a.value_raw for a in table.answers()] == ["kept"]


def test_markers_never_become_quotes_actuals_or_scores(survey: Path) -> None:
    """Mapped as quotes, an indicator and feedback, only real answers make records; the
    markers are counted as missing."""
    toc = ct.example()
    toc.update("C1", indicators=[ct.Indicator(id="score", description="Session score")])
    mapping = ct.load_mapping(
        {
            "survey": {"retain_until": "2030-01-01", "period": "2026-Q1"},
            "consent": {"recorded": True, "purposes": ["evaluation"]},
            "importer": {"respondent": "Participant code"},
            "questions": [
                {"key": "what_went_well", "quote": ["C1"]},
                {"key": "score_out_of_10", "indicator": "C1:score"},
                {"key": "how_was_the_session", "feedback": "K4", "scale": "quality5"},
            ],
        },
        toc,
    )
    table = ct.import_survey(survey, pseudonym_key=KEY, **mapping.importer)
    report = apply_mapping(toc, table, mapping)
    assert [q.content for q in toc.evidence.items if q.id.startswith("quote")] == ["The tea"]
    [indicator] = toc["C1"].indicators  # type: ignore[union-attr]
    # One real answer: too few to show, and the four markers were not counted as answers.
    assert [(a.period, a.value) for a in indicator.actuals] == [
        ("2026-Q1", "withheld: fewer than 10 answers")
    ]
    assert [f.response for f in toc.evidence.feedback] == ["Good"]
    assert report.missing == {"what_went_well": 4, "score_out_of_10": 4, "how_was_the_session": 4}
    assert not report.rejected


def test_markers_are_configurable_per_call(survey: Path) -> None:
    """missing= replaces the list: here only -99 means no answer, so NA is an answer."""
    table = ct.import_survey(survey, missing=["-99"])
    second = list(table.responses())[1]
    assert second.values == ("P02", "NA", "NA", None)


def test_markers_are_configurable_per_mapping(survey: Path) -> None:
    """A mapping's [survey] missing adds its own markers when the mapping is applied."""
    toc = ct.example()
    mapping = ct.load_mapping(
        {
            "survey": {"retain_until": "2030-01-01", "missing": ["Good"]},
            "consent": {"recorded": True, "purposes": ["evaluation"]},
            "questions": [{"key": "how_was_the_session", "quote": ["C1"]}],
        },
        toc,
    )
    report = apply_mapping(toc, ct.import_survey(survey, pseudonym_key=KEY), mapping)
    assert report.missing == {"how_was_the_session": 5}


def test_a_bad_missing_option_is_a_clear_error(survey: Path) -> None:
    with pytest.raises(ct.FormatError, match="missing= is a list"):
        ct.import_survey(survey, missing="NA")


def test_surveymonkey_na_cells_of_a_real_export_are_not_answers() -> None:
    """The real SurveyMonkey export writes NA in its second header row's metadata cells:
    they are neither questions nor answers."""
    table = ct.import_survey(REAL / "surveymonkey-pre.csv")
    assert not any(a.value_raw == "NA" for a in table.answers())


@pytest.mark.parametrize("name", sorted(get_plugin_manager().extensions.importers))
def test_every_importer_gives_missing_markers_as_no_answer(name: str, tmp_path: Path) -> None:
    """Written in each tool's own layout, NA, N/A, -99 and #N/A answers read as None."""
    importer = get_plugin_manager().extensions.importers[name].implementation
    path = importer.write_example(
        tmp_path / name,
        ["How was the session?", "Anything else you want to tell us?"],
        [["NA", "It was good"], ["Good", "N/A"], ["-99", "#N/A"]],
    )
    table = ct.import_survey(path, format=name)
    assert [r.values for r in table.responses()] == [
        (None, "It was good"), ("Good", None), (None, None)
    ]  # fmt: skip
