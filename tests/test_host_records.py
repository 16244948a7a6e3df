"""A host system's records and the map: external references on every record a host may
hold, finding them, and merging a map rebuilt from the host's records with the stored one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import coprod_toc as ct
from coprod_toc.evidence import EvidenceItem, Participant
from coprod_toc.model import Assessment, BreakdownItem, Indicator


def _with_host_refs() -> ct.TheoryOfChange:
    toc = ct.example()
    toc.update("O1", external_ref="service/7")
    toc.update(
        "C1",
        indicators=[Indicator(id="N1", description="Decisions made", external_ref="kpi/3")],
    )
    toc.evidence.add(Participant(id="P-1", external_ref="person/88"))
    toc.evidence.add(
        EvidenceItem(
            id="E1",
            type="group_conversation",
            nodes=("O1",),
            participants=("P-1",),
            external_ref="session/5",
        )
    )
    toc.evidence.add(EvidenceItem(id="E2", type="document", external_ref="service/7"))
    return toc


def test_find_returns_every_record_carrying_the_reference() -> None:
    """Nodes first, then indicators, participants and evidence items."""
    toc = _with_host_refs()
    assert [type(r).__name__ for r in toc.find(external_ref="service/7")] == [
        "Outcome",
        "EvidenceItem",
    ]
    assert [r.id for r in toc.find(external_ref="service/7")] == ["O1", "E2"]
    assert [r.id for r in toc.find(external_ref="kpi/3")] == ["N1"]
    assert [r.id for r in toc.find(external_ref="person/88")] == ["P-1"]
    assert [r.id for r in toc.find(external_ref="session/5")] == ["E1"]
    assert toc.find(external_ref="nothing/0") == []


def test_find_refuses_a_reference_that_is_not_text() -> None:
    with pytest.raises(ct.ModelError, match="external_ref must be a string"):
        ct.example().find(external_ref=7)  # type: ignore[arg-type]


def test_references_round_trip_through_json_and_a_store(tmp_path: Path) -> None:
    toc = _with_host_refs()
    assert ct.loads(ct.dumps(toc)) == toc
    with ct.open_store(f"sqlite:///{tmp_path / 'maps.db'}") as store:
        store.save("refs", toc)
        assert store.load("refs").find(external_ref="kpi/3")[0].external_ref == "kpi/3"


def test_the_schema_takes_an_indicators_reference() -> None:
    import json

    import jsonschema

    document = json.loads(ct.dumps(_with_host_refs()))
    jsonschema.validate(document, ct.schema())


def test_erasing_a_person_erases_their_host_reference() -> None:
    toc = _with_host_refs()
    toc.erase_participant("P-1")
    assert toc.find(external_ref="person/88") == []


# --------------------------------------------------------------------------- merge


def _bare(toc: ct.TheoryOfChange) -> ct.TheoryOfChange:
    """The map as a host would rebuild it from its own records: nodes and links only."""
    rebuilt = ct.TheoryOfChange(toc.title)
    rebuilt.add_many(
        _evolve(node, assessments=()) if getattr(node, "assessments", None) else node
        for node in toc.nodes()
    )
    for link in toc.links():
        rebuilt.link(link.source, link.target)
    return rebuilt


def _evolve(record: object, **changes: object) -> object:
    import attrs

    return attrs.evolve(record, **changes)


def _worked_on() -> ct.TheoryOfChange:
    """The example after the group's work: evidence, an assessment, an assumption and
    what links say."""
    toc = _with_host_refs()
    toc.update(
        "O1",
        assessments=[
            Assessment(
                date=dt.date(2024, 3, 1),
                status="achieved",
                breakdown=[BreakdownItem(activity="K2", level=3)],
            )
        ],
    )
    toc.update_link("K2", "O1", level=3, rationale="The workshops prepared the group")
    toc.add_assumption("People can get to the workshops", "K2", id="S1")
    return toc


def test_merge_carries_over_what_only_the_map_held() -> None:
    stored = _worked_on()
    merged = ct.merge(stored, _bare(stored))
    assert merged.toc == stored
    assert merged.not_carried == ()
    assert "assessments of O1" in merged.carried
    assert "level, rationale of K2 → O1" in merged.carried
    assert "assumption S1" in merged.carried


def test_merge_leaves_the_rebuilt_map_unchanged() -> None:
    stored = _worked_on()
    rebuilt = _bare(stored)
    before = ct.dumps(rebuilt)
    ct.merge(stored, rebuilt)
    assert ct.dumps(rebuilt) == before


def test_merge_reports_what_has_nowhere_to_go() -> None:
    """O1 is gone from the host's records: its assessments, the link's rationale and the
    assumption on K2 → O1 stay behind, each reported; evidence about O1 loses that node."""
    stored = _worked_on()
    stored.add_assumption("The plan is agreed", ("K2", "O1"), id="S2")
    rebuilt = _bare(stored)
    rebuilt.remove("O1")
    merged = ct.merge(stored, rebuilt)
    assert "O1" not in merged.toc
    said = "\n".join(merged.not_carried)
    assert "assessments of O1: the outcome is no longer in the map" in said
    assert "level, rationale and evidence of K2 → O1: the link is gone" in said
    assert "assumption S2: K2 → O1 is no longer in the map" in said
    assert "items E1: its link to O1 (no longer in the map)" in said
    (item,) = [i for i in merged.toc.evidence.items if i.id == "E1"]
    assert item.nodes == ()


def test_merge_follows_a_renumbered_node_by_its_reference() -> None:
    stored = _worked_on()
    rebuilt = ct.TheoryOfChange(stored.title)
    rebuilt.add_many(
        _evolve(node, id="S7", assessments=()) if node.id == "O1" else node
        for node in stored.nodes()
    )
    for link in stored.links():
        rename = {"O1": "S7"}
        rebuilt.link(rename.get(link.source, link.source), rename.get(link.target, link.target))
    merged = ct.merge(stored, rebuilt)
    assert merged.toc.outcome("S7").assessments == stored.outcome("O1").assessments
    assert merged.toc.get_link("K2", "S7").rationale == "The workshops prepared the group"
    (item,) = [i for i in merged.toc.evidence.items if i.id == "E1"]
    assert item.nodes == ("S7",)


def test_what_the_rebuilt_map_says_wins() -> None:
    stored = _worked_on()
    rebuilt = _bare(stored)
    rebuilt.update_link("K2", "O1", rationale="From the service plan")
    merged = ct.merge(stored, rebuilt)
    link = merged.toc.get_link("K2", "O1")
    assert (link.rationale, link.level) == ("From the service plan", 3)


def test_merge_takes_two_maps() -> None:
    with pytest.raises(TypeError, match="merge takes two maps"):
        ct.merge(ct.example(), "rebuilt")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- notebooks


def test_a_notebook_shows_the_map_and_its_analyses_as_escaped_html() -> None:
    from coprod_toc.testing import hostile_map

    toc = hostile_map()
    shown = {
        "map": toc._repr_html_(),
        "validation": ct.validate(toc)._repr_html_(),
        "progress": ct.progress(toc)._repr_html_(),
    }
    for name, html in shown.items():
        assert html.startswith("<"), name
        assert "<script" not in html, name
    assert "&lt;script&gt;" in shown["map"]
    split = ct.split(ct.example())._repr_html_()
    assert "<th>Co-production range</th>" in split and "Please note:" in split


def test_a_large_map_in_a_notebook_lists_a_few_nodes_per_column() -> None:
    from benchmarks.common import build_map

    html = build_map(2000)._repr_html_()
    assert "… and 947 more" in html  # 977 outcomes, 30 listed
    assert html.count("<li>") <= 4 * 31


# --------------------------------------------------------------------------- pandas


def test_the_split_as_a_data_frame_has_a_row_per_impact() -> None:
    result = ct.split(ct.example())
    frame = result.to_frame()
    assert list(frame.columns) == list(result.FRAME_COLUMNS)
    assert list(frame["impact"]) == [item.impact for item in result.impacts]
    shares = frame[["project", "coproduction", "other"]].sum(axis=1)
    assert all(abs(total - 1) < 1e-9 for total in shares)


def test_progress_as_a_data_frame_has_a_row_per_pathway() -> None:
    toc = ct.example()
    toc.update("K4", status="done")
    frame = ct.progress(toc).to_frame()
    assert list(frame["impact"]) == ["I1", "I2"]
    assert frame["activities_done"].sum() >= 1


def test_evidence_and_survey_answers_as_data_frames() -> None:
    toc = _with_host_refs()
    items = toc.evidence.to_frame("items")
    assert list(items["id"]) == ["E1", "E2"]
    assert list(items["external_ref"]) == ["session/5", "service/7"]
    with pytest.raises(ct.ModelError, match="no section 'people'"):
        toc.evidence.to_frame("people")
    from coprod_toc.surveys.table import SurveyAnswer, SurveyTable

    answers = [
        SurveyAnswer(respondent_key="r1", question_key="q1", value_raw="Agree", row=2),
        SurveyAnswer(respondent_key="r2", question_key="q1", value_raw="Disagree", row=3),
    ]
    frame = SurveyTable.from_answers(answers, source="answers.csv", format="csv").to_frame()
    assert list(frame["respondent_key"]) == ["r1", "r2"]
    assert list(frame["value_raw"]) == ["Agree", "Disagree"]


def test_to_frame_without_pandas_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)  # as if it were not installed
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'coprod-toc\[pandas\]'"):
        ct.split(ct.example()).to_frame()


def test_pandas_is_imported_only_when_a_frame_is_asked_for() -> None:
    import subprocess
    import sys

    code = (
        "import sys, coprod_toc as ct; r = ct.split(ct.example()); r._repr_html_(); "
        "assert 'pandas' not in sys.modules; r.to_frame(); assert 'pandas' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_merge_does_not_follow_an_id_that_now_names_another_host_record() -> None:
    """A1 was record a; in the rebuilt map A1 is record b (a is gone): what belonged to a
    stays behind, reported, and is not pinned on b."""
    stored = ct.example()
    stored.update("A1", external_ref="rec-a")
    stored.update_link("A1", "O2", rationale="About record a")
    rebuilt = ct.example()
    rebuilt.update("A1", external_ref="rec-b")
    merged = ct.merge(stored, rebuilt)
    assert merged.toc.get_link("A1", "O2").rationale is None
    assert any("A1 → O2: the link is gone" in line for line in merged.not_carried)


@pytest.mark.parametrize("title", ["a\x01b", "   ", "", 5, None])
def test_a_map_refuses_a_title_it_could_not_be_read_back_with(title: object) -> None:
    toc = ct.example()
    with pytest.raises(ct.ModelError, match="title"):
        toc.title = title  # type: ignore[assignment]
    assert toc.title == ct.example().title


def test_a_map_refuses_a_reference_it_could_not_be_read_back_with() -> None:
    toc = ct.example()
    with pytest.raises(ct.ModelError, match="external_ref"):
        toc.external_ref = "a\x01"
    toc.external_ref = "host/1"
    assert ct.loads(ct.dumps(toc)).external_ref == "host/1"
