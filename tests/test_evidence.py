"""Evidence: scales, measures, paired change, the mapping file, erasure, and the CLI."""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from pathlib import Path

import pytest
import scipy.stats
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.cli import main
from coprod_toc.evidence import (
    INSTRUMENTS,
    SCALES,
    ConsentRecord,
    Evidence,
    LogbookEntry,
    MeasureAdministration,
    licensed_instrument,
    paired_change,
    wilcoxon,
)
from coprod_toc.surveys import ImportReport, apply_mapping, pseudonym
from coprod_toc.testing import sample_maps

EXAMPLES = Path(__file__).parent.parent / "examples" / "survey"
FIXTURES = Path(__file__).parent / "fixtures" / "surveys"
KEY = b"k" * 32


# --------------------------------------------------------------------------- scales


@pytest.mark.parametrize(
    ("answer", "score"),
    [("Strongly agree", 5), ("  strongly AGREE ", 5), ("4 - Agree", 4), ("3", 3)],
)
def test_agreement_labels_and_numbers_score(answer: str, score: int) -> None:
    assert SCALES["agreement5"].read(answer).score == score


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("Don’t know", "don't know"),
        ("N/A", "not applicable"),
        ("Prefer not to say", "prefer not to say"),
    ],
)
def test_missing_answers_keep_their_reason_and_never_score(answer: str, reason: str) -> None:
    read = SCALES["agreement5"].read(answer)
    assert (read.score, read.missing) == (None, reason)


def test_an_answer_off_the_scale_is_an_error_naming_the_scale() -> None:
    with pytest.raises(ct.ModelError, match=r"'Sometimes' is not an answer on the scale quality5"):
        SCALES["quality5"].read("Sometimes")
    with pytest.raises(ct.ModelError, match="outside the scale zero_to_ten"):
        SCALES["zero_to_ten"].read("11")


def test_instrument_scores_only_when_every_item_is_answered() -> None:
    ucla = INSTRUMENTS["ucla3"]
    assert ucla.total({"companionship": 2, "left_out": 3, "isolated": 1}) == 6
    assert ucla.total({"companionship": 2, "left_out": None, "isolated": 1}) is None


def test_swemwbs_needs_the_users_own_table() -> None:
    """SWEMWBS is licensed: no table ships, and scoring without one is refused."""
    assert "swemwbs" not in INSTRUMENTS
    with pytest.raises(ct.ModelError, match="no metric score for raw scores"):
        licensed_instrument("swemwbs", {7: 7.0})
    table = {raw: raw + 0.5 for raw in range(7, 36)}
    swemwbs = licensed_instrument("swemwbs", table)
    assert swemwbs.total({f"item{n}": 3 for n in range(1, 8)}) == 21.5


# --------------------------------------------------------------------------- change


def test_wilcoxon_matches_scipy_on_a_worked_example() -> None:
    differences = [1.5, -0.5, 2.0, 3.0, 2.5, -1.0, 4.0, 3.5]
    ours = wilcoxon(differences)
    theirs = scipy.stats.wilcoxon(differences)
    assert ours is not None
    assert ours.statistic == theirs.statistic
    assert ours.p_value == pytest.approx(theirs.pvalue)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.integers(-80, 80), min_size=1, max_size=70))
@example([0] * 13 + [1])
@example([1, 1])
def test_wilcoxon_agrees_with_scipy(differences: list[int]) -> None:
    """The statistic and p-value equal SciPy's wherever SciPy computes the same test: its
    exact test without ties up to 50 changes, its complete permutation test with ties or
    zeros up to 13 values, and its normal approximation with the continuity correction
    beyond 50 changes (zeros dropped first). With ties between 14 and 50 changes SciPy has
    no exact test; tests/test_wilcoxon.py checks ours there by enumeration."""
    ours = wilcoxon(differences)
    nonzero = [d for d in differences if d]
    if not nonzero:
        assert ours is None
        return
    assert ours is not None
    untied = len({abs(d) for d in nonzero}) == len(nonzero)
    if len(nonzero) > 50:
        theirs = scipy.stats.wilcoxon(differences, method="approx", correction=True)
        assert ours.method == "normal approximation"
    elif untied:
        theirs = scipy.stats.wilcoxon(differences, method="exact")
        assert ours.method == "exact"
    elif len(differences) <= 13:
        theirs = scipy.stats.wilcoxon(differences)  # SciPy: a complete permutation test
        assert ours.method == "exact"
    else:
        assert ours.method == "exact"
        return
    assert ours.statistic == pytest.approx(theirs.statistic)
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-6, abs=1e-9)


def _measures(people: int) -> Evidence:
    evidence = Evidence()
    for n in range(people):
        for timepoint, value in (("baseline", 3), ("follow_up", 3 if n % 3 == 0 else 1)):
            evidence.add(
                MeasureAdministration(
                    id=f"m-{timepoint}-{n}",
                    participant=f"R-{n:016x}",
                    instrument="ucla3",
                    timepoint=timepoint,
                    responses=[
                        {"item": "companionship", "value": value},
                        {"item": "left_out", "value": value},
                        {"item": "isolated", "value": value},
                    ],
                )
            )
    return evidence


def test_fewer_than_ten_people_withholds_percentages_and_statistics() -> None:
    result = paired_change(_measures(6), "ucla3")[0]
    out = result.to_dict()
    assert (out["n_paired"], out["improved"], out["same"], out["worse"]) == (6, 4, 2, 0)
    assert not {"improved_percent", "mean_change", "wilcoxon"} & set(out)
    assert "withheld" in str(result) and "%" not in str(result) and "p =" not in str(result)


def test_ten_to_thirty_people_is_indicative() -> None:
    out = paired_change(_measures(12), "ucla3")[0].to_dict()
    assert out["label"] == "indicative: fewer than 30 people"
    assert out["improved_percent"] == pytest.approx(66.7) and "wilcoxon" in out


def test_thirty_people_is_reported_and_loneliness_falling_is_improvement() -> None:
    result = paired_change(_measures(30), "ucla3")[0]
    assert result.label == "reported"
    assert result.mean_change is not None and result.mean_change < 0  # scores fell …
    assert result.improved == 20  # … which for loneliness is better


def test_only_people_with_both_time_points_are_paired() -> None:
    evidence = _measures(12)
    evidence.measures = [
        m
        for m in evidence.measures
        if not (m.timepoint == "follow_up" and m.participant.endswith("1"))
    ]
    assert paired_change(evidence, "ucla3")[0].n_paired == 11


# --------------------------------------------------------------------------- mapping


def _import(toc: ct.TheoryOfChange, name: str) -> ImportReport:
    mapping = ct.load_mapping(EXAMPLES / f"{name}.toml", toc)
    read = ct.import_survey(EXAMPLES / f"{name}.csv", pseudonym_key=KEY, **mapping.importer)
    return apply_mapping(toc, read, mapping)


def test_example_import_pairs_people_across_files_and_reports_what_it_did() -> None:
    """Before and after files pair on the participant code; the one person who did not
    consent is rejected with the reason; a "Don't know" is counted as missing."""
    toc = ct.example()
    before = _import(toc, "before")
    assert (before.responses, before.imported) == (5, 4)
    assert [(r.row, r.reason) for r in before.rejected] == [(5, "no consent to use these answers")]
    assert sum(before.missing.values()) == 1
    after = _import(toc, "after")
    assert after.rejected[0].reason.startswith("'Sometimes' is not an answer on the scale quality5")
    change = paired_change(toc.evidence, "ucla3")[0]
    assert (change.n_paired, change.improved, change.same, change.worse) == (4, 3, 1, 0)
    assert len(toc.evidence.consents) == 4
    assert all(r.retain_until is not None for _, r in toc.evidence.records())


def test_nothing_personal_reaches_the_store(tmp_path: Path) -> None:
    """After importing with default options, no e-mail address or identifier from the
    files is in the stored database or its JSON."""
    toc = ct.example()
    _import(toc, "before")
    _import(toc, "after")
    with ct.open_store(f"sqlite:///{tmp_path / 'maps.db'}") as store:
        store.save("day-centre", toc)
    stored = (tmp_path / "maps.db").read_bytes() + ct.dumps(toc).encode()
    for secret in (b"example.org", b"P01", b"P02", b"p1@"):
        assert secret not in stored


def test_indicator_actuals_come_from_answers(tmp_path: Path) -> None:
    """Mapped indicators get an actual for the month, withheld below ten answers (a mean
    as much as a percentage); the links named get the import as evidence."""
    toc = ct.example()
    toc.update(
        "C1",
        indicators=[
            ct.Indicator(id="valued", description="Feel their views shaped the plan"),
            ct.Indicator(id="agree", description="Share who agree", measure="percentage"),
        ],
    )
    mapping_file = tmp_path / "m.toml"
    mapping_file.write_text(
        """
[survey]
retain_until = "2030-01-01"
[consent]
recorded = true
[[questions]]
key = "how_valued_do_you_feel"
indicator = "C1:valued"
scale = "agreement5"
links = [["K3", "C1"], ["K4", "C1"], ["K6", "C1"], ["K7", "C1"], ["K8", "C1"], ["C1", "I2"]]
[[questions]]
text = "How valued do you feel?"
indicator = "C1:agree"
count = ["Agree", "Strongly agree"]
"""
    )
    mapping = ct.load_mapping(mapping_file, toc)
    before = ct.split(toc).to_dict()
    report = apply_mapping(toc, ct.import_survey(FIXTURES / "generic.csv"), mapping)
    indicators = {i.id: i for i in toc["C1"].indicators}  # type: ignore[union-attr]
    assert indicators["valued"].actuals[0].value == "withheld: fewer than 10 answers"
    assert indicators["agree"].actuals[0].value == "withheld: fewer than 10 answers"
    assert report.missing
    link = toc.graph.edges["K4", "C1"]["link"]
    assert any(e.startswith("import-") for e in link.evidence)
    after = ct.split(toc).to_dict()
    [i2_before] = [i for i in before["impacts"] if i["impact"] == "I2"]
    [i2_after] = [i for i in after["impacts"] if i["impact"] == "I2"]
    assert i2_after["contribution"]["unevidenced"] < i2_before["contribution"]["unevidenced"]


def test_importing_the_same_file_twice_is_refused() -> None:
    toc = ct.example()
    _import(toc, "before")
    with pytest.raises(ct.FormatError, match="imported into the map before"):
        _import(toc, "before")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[survey]\nretain_until='2030-01-01'\n[consent]\nrecorded=true\n",
            "map at least one question",
        ),
        ("[consent]\nrecorded=true\n[[questions]]\nkey='q'\nquote='C1'\n", "survey.retain_until"),
        (
            "[survey]\nretain_until='2030-01-01'\n[[questions]]\nkey='q'\nquote='C1'\n",
            "how consent was given",
        ),
        (
            "[survey]\nretain_until='2030-01-01'\n[consent]\nrecorded=true\n[[questions]]\nkey='q'\nquote='NOPE'\n",
            r"questions\[0\].quote: the map has no node 'NOPE'",
        ),
        (
            "[survey]\nretain_until='2030-01-01'\n[consent]\nrecorded=true\n[[questions]]\nkey='q'\nmeasure='ucla3'\nitem='x'\n",
            "ucla3 has the items companionship",
        ),
        (
            "[survey]\nretain_until='2030-01-01'\n[consent]\nrecorded=true\n[[questions]]\nkey='q'\nbenefit='joy'\n",
            "'joy' is not one of feeling_valued",
        ),
        (
            "[survey]\nretain_until='2030-01-01'\n[consent]\nrecorded=true\n[instruments.swemwbs]\n[[questions]]\nkey='q'\nquote='C1'\n",
            "swemwbs is licensed",
        ),
        ("not = [toml", "not valid TOML"),
    ],
)
def test_bad_mappings_are_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ct.FormatError, match=message):
        ct.load_mapping(path, ct.example())


def test_unpseudonymised_tables_are_refused() -> None:
    toc = ct.example()
    mapping = ct.load_mapping(EXAMPLES / "before.toml", toc)
    raw = ct.import_survey(EXAMPLES / "before.csv", pseudonymise_respondents=False)
    with pytest.raises(ct.FormatError, match="must be pseudonymised"):
        apply_mapping(toc, raw, mapping)


# --------------------------------------------------------------------------- evidence records


def test_evidence_round_trips_through_json() -> None:
    toc = ct.example()
    _import(toc, "before")
    toc.evidence.add(
        LogbookEntry(
            id="log-1",
            date="2026-02-01",
            subject="Planning day",
            note="Said she felt heard",
            confirmed_with_person=True,
            confirmed_at="2026-02-02",
            confirmed_by="R-0000000000000009",
        )
    )
    assert ct.loads(ct.dumps(toc)) == toc
    ct.schema()  # the schema knows the evidence section
    import jsonschema

    jsonschema.validate(json.loads(ct.dumps(toc)), ct.schema())


def test_logbook_confirmation_needs_when_and_by_whom() -> None:
    with pytest.raises(ct.ModelError, match="says when"):
        LogbookEntry(id="l", date="2026-02-01", subject="s", note="n", confirmed_with_person=True)
    with pytest.raises(ct.ModelError, match="before the entry's date"):
        LogbookEntry(id="l", date="2026-02-01", subject="s", note="n", confirmed_with_person=True,
                        confirmed_at="2026-01-01", confirmed_by="R-1")  # fmt: skip


def test_consent_keeps_unknown_details_unknown_and_validation_says_so() -> None:
    """A consent record without purposes, condition or method is kept as given, each gap
    named, and validation warns once per kind of gap with the count of people."""
    toc = ct.example()
    for person in ("R-1", "R-2"):
        toc.evidence.add(ConsentRecord(participant=person, given_at="2026-01-01", method=None))
    assert toc.evidence.consents[0].gaps == ("purposes", "Article 9 condition", "method")
    findings = [f for f in ct.validate(toc) if f.code == "consent-incomplete"]
    assert [f.message.split(":")[0] for f in findings] == [
        "2 people's consent records do not say the purposes",
        "2 people's consent records do not say the Article 9 condition",
        "2 people's consent records do not say the method",
    ]
    assert ct.loads(ct.dumps(toc)).evidence.consents[0].method is None


def test_erasing_a_person_removes_them_everywhere_in_a_map() -> None:
    toc = ct.example()
    _import(toc, "before")
    person = pseudonym("P01", KEY)
    assert person in ct.dumps(toc)
    assert ct.erase_participant(toc, person) > 0
    assert person not in ct.dumps(toc)
    assert len(toc.evidence.participants) == 3


# --------------------------------------------------------------------------- CLI


def test_cli_imports_into_a_store_and_erases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPROD_TOC_PSEUDONYM_KEY", str(tmp_path / "key"))
    url = f"sqlite:///{tmp_path / 'maps.db'}"
    shutil.copy(EXAMPLES / "before.csv", tmp_path / "before.csv")
    runner = CliRunner()
    with ct.open_store(url) as store:
        store.save("day-centre", ct.example())
    result = runner.invoke(
        main,
        ["import-survey", str(tmp_path / "before.csv"), "--mapping", str(EXAMPLES / "before.toml"),
         "--into", url, "--name", "day-centre"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "read 5 responses (google-sheets); imported 4" in result.output
    assert "1 rejection (answers, or whole responses, that could not be used)" in result.output
    assert "kept with the import; --rejected-csv FILE writes them out" in result.output
    assert "made a new pseudonym key" in result.output
    assert [p.name for p in tmp_path.iterdir() if "rejected" in p.name] == []  # no loose file
    with ct.open_store(url) as store:
        (kept,) = store.load("day-centre").evidence.rejected
    assert (kept.row, kept.reason, kept.participant) == (5, "no consent to use these answers", None)
    result = runner.invoke(main, ["erase-participant", "P01", "--into", url, "--yes"])
    assert result.exit_code == 0, result.output
    assert "from 1 stored version\n" in result.output
    with ct.open_store(url) as store:
        assert len(store.load("day-centre").evidence.participants) == 3


def test_cli_refuses_a_toml_target_and_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPROD_TOC_PSEUDONYM_KEY", str(tmp_path / "key"))
    runner = CliRunner()
    result = runner.invoke(main, ["import-survey", str(EXAMPLES / "before.csv"), "--mapping",
                                  str(EXAMPLES / "before.toml"), "--into", "map.toml"])  # fmt: skip
    assert result.exit_code == 2 and "a JSON map file or a store" in result.output
    target = tmp_path / "map.json"
    target.write_text(ct.dumps(sample_maps()["full"]))
    before = target.read_text()
    result = runner.invoke(main, ["import-survey", str(FIXTURES / "generic.csv"), "--mapping",
                                  str(EXAMPLES / "before.toml"), "--into", str(target)])  # fmt: skip
    assert result.exit_code == 2 and "no column 'Participant code'" in result.output
    assert target.read_text() == before


def test_cli_change_reports_counts_for_small_groups(tmp_path: Path) -> None:
    toc = ct.example()
    _import(toc, "before")
    _import(toc, "after")
    path = tmp_path / "map.json"
    path.write_text(ct.dumps(toc))
    result = CliRunner().invoke(main, ["change", str(path)])
    assert result.exit_code == 0
    assert "ucla3: 4 people answered before and after; 3 improved" in result.output
    assert "withheld" in result.output


# --------------------------------------------------------------------------- old paths


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("coprod_toc.survey", "coprod_toc.surveys"),
        ("coprod_toc.survey_mapping", "coprod_toc.surveys.mapping"),
        ("coprod_toc.measures", "coprod_toc.evidence.measures"),
        ("coprod_toc.analysis.change", "coprod_toc.evidence.change"),
    ],
)
def test_old_import_paths_work_for_one_release_with_a_warning(old: str, new: str) -> None:
    """Each moved module is still importable under its old name, warns, and gives the same
    objects as its new home."""
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=old.replace(".", r"\.")):
        module = importlib.import_module(old)
    moved = importlib.import_module(new)
    assert module.__all__
    for name in module.__all__:
        assert getattr(module, name) is getattr(moved, name), name


def test_indicator_actuals_of_ten_answers_or_more_are_the_mean_and_the_share(
    tmp_path: Path,
) -> None:
    """From ten answers, an indicator's actual is the month's mean score, or with count
    the percentage of those answers."""
    toc = ct.example()
    toc.update(
        "C1",
        indicators=[
            ct.Indicator(id="valued", description="Feel valued"),
            ct.Indicator(id="agree", description="Share who agree", measure="percentage"),
        ],
    )
    answers = ["Agree"] * 6 + ["Strongly agree"] * 2 + ["Disagree"] * 4
    path = tmp_path / "twelve.csv"
    path.write_text(
        "ID,Date,How valued do you feel?\n"
        + "".join(f"P{n},14/01/2026,{a}\n" for n, a in enumerate(answers))
    )
    mapping = ct.load_mapping(
        {
            "survey": {"retain_until": "2030-01-01"},
            "consent": {"recorded": True, "purposes": ["evaluation"]},
            "questions": [
                {"key": "how_valued_do_you_feel", "indicator": "C1:valued", "scale": "agreement5"},
                {"key": "how_valued_do_you_feel", "indicator": "C1:agree",
                 "count": ["Agree", "Strongly agree"]},
            ],
        },
        toc,
    )  # fmt: skip
    apply_mapping(toc, ct.import_survey(path), mapping)
    indicators = {i.id: i for i in toc["C1"].indicators}  # type: ignore[union-attr]
    assert [(a.period, a.value) for a in indicators["valued"].actuals] == [("2026-01", 3.5)]
    assert [(a.period, a.value) for a in indicators["agree"].actuals] == [("2026-01", 66.7)]
