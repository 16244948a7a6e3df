"""Progress: activity status, achievements assessed over time, indicators, pathway roll-up."""

from __future__ import annotations

import json

import pytest

import coprod_toc as ct
from coprod_toc.errors import CycleError
from coprod_toc.model import AchievementStatus, BreakdownItem
from tests.conftest import ROOT

PEER = ROOT / "examples" / "peer-support.toml"


@pytest.fixture
def peer() -> ct.TheoryOfChange:
    return ct.load(PEER)


def test_activity_status_counts(peer: ct.TheoryOfChange) -> None:
    """2 of 3 activities done, 1 in progress; by kind as well."""
    report = ct.progress(peer)
    assert report.activities.to_dict() == {"planned": 0, "in_progress": 1, "done": 2, "total": 3}
    assert report.activities_by_kind[ct.Kind.COPRODUCTION].done == 1


def test_achievements_keep_their_history(peer: ct.TheoryOfChange) -> None:
    """C1 was partly achieved in April and achieved in July; the latest counts."""
    c1 = next(a for a in ct.progress(peer).achievements if a.outcome == "C1")
    assert [a.status.value for a in c1.assessments] == ["partly", "achieved"]
    assert c1.latest is not None and c1.latest.date.isoformat() == "2024-07-01"
    assert c1.explanation == "C1 was achieved on 2024-07-01, through K1."


def test_only_short_term_outcomes_are_achievements(peer: ct.TheoryOfChange) -> None:
    """L1 is long-term: it is not listed as an achievement and cannot be assessed."""
    assert [a.outcome for a in ct.progress(peer).achievements] == ["O1", "C1"]
    with pytest.raises(ct.ModelError, match="only achievements"):
        peer.assess("L1", status="achieved", date="2024-10-01")


def test_breakdown_may_cite_only_activities_behind_the_achievement(peer: ct.TheoryOfChange) -> None:
    """K2 does not lead to O1, so crediting it is refused and nothing is recorded."""
    before = peer.get("O1")
    with pytest.raises(ct.ModelError, match="cites K2, which does not lead to it") as caught:
        peer.assess(
            "O1", status="achieved", date="2024-10-01", breakdown=[BreakdownItem(activity="K2")]
        )
    assert caught.value.code == "breakdown-not-linked"
    assert peer.get("O1") == before
    assessment = peer.assess(
        "O1", status="achieved", date="2024-10-01", breakdown=[BreakdownItem(activity="K1")]
    )
    assert peer.get("O1").latest_assessment == assessment  # type: ignore[union-attr]


def test_indicator_progress_towards_target(peer: ct.TheoryOfChange) -> None:
    """9 carers from a baseline of 0 towards 12 is 75% of the way; qualitative is reported as is."""
    indicators = {i.indicator: i for i in ct.progress(peer).indicators}
    n2 = indicators["N2"]
    assert (n2.latest_period, n2.latest_value, n2.progress, n2.status) == (
        "2024-09",
        9,
        0.75,
        "on the way",
    )
    assert (
        n2.explanation
        == "Carers attending each month: 9 in 2024-09, from 0 towards 12: 75% of the way (on the way)."
    )
    n1 = indicators["N1"]
    assert (n1.status, n1.progress) == ("qualitative", None)
    assert (
        n1.explanation
        == "How carers describe their say in the sessions: We decide everything now in 2024-07."
    )


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "ascending", "progress", "status"),
    [
        (10, 2, 4, False, 0.75, "on the way"),  # fewer is better: 10 down to 4 on the way to 2
        (0, 10, 12, True, 1.2, "met"),
        (5, 10, 3, True, -0.4, "moving away"),
        (5, 10, 5, True, 0.0, "no change"),
        (3, 3, 3, True, None, "met"),
        (3, 3, 2, True, None, "not yet"),
        (None, 10, 4, True, None, "not comparable"),
    ],
)
def test_indicator_status(
    baseline: float | None,
    target: float,
    actual: float,
    ascending: bool,
    progress: float | None,
    status: str,
) -> None:
    """Progress is the share of the way from baseline to target, either direction."""
    toc = ct.TheoryOfChange()
    indicator = ct.Indicator(
        id="N1",
        description="d",
        baseline=baseline,
        target=target,
        ascending=ascending,
        actuals=[ct.Actual(period="p1", value=0), ct.Actual(period="p2", value=actual)],
    )
    toc.add_outcome("o", kind="project", indicators=[indicator])
    found = ct.progress(toc).indicators[0]
    assert found.status == status
    assert found.progress == (None if progress is None else pytest.approx(progress))


def test_a_share_too_large_to_print_is_still_met() -> None:
    """A target a hair from its baseline and a huge actual: the share is beyond any number
    shown, the status is met, the explanation says so, and the report renders."""
    toc = ct.TheoryOfChange()
    indicator = ct.Indicator(
        id="N1", description="d", baseline=0, target=1e-300,
        actuals=[ct.Actual(period="p1", value=1e300)],
    )  # fmt: skip
    toc.add_outcome("o", kind="project", indicators=[indicator])
    found = ct.progress(toc).indicators[0]
    assert found.status == "met"
    assert "far beyond all of the way" in found.explanation
    assert ct.render(toc, "html").startswith("<!DOCTYPE html>")


def test_indicator_without_values_says_so() -> None:
    """No actual yet: 'no data'."""
    toc = ct.TheoryOfChange()
    toc.add_outcome(
        "o", kind="project", indicators=[ct.Indicator(id="N1", description="d", target=3)]
    )
    assert ct.progress(toc).indicators[0].status == "no data"


def test_pathway_roll_up(peer: ct.TheoryOfChange) -> None:
    """How far along each impact's routes the project is, before the impact is reached."""
    i1, i2 = ct.progress(peer).pathways
    assert i1.activities.to_dict() == {"planned": 0, "in_progress": 1, "done": 2, "total": 3}
    assert i1.achievements.to_dict() == {
        "achieved": 2,
        "partly": 0,
        "not_yet": 0,
        "not_assessed": 0,
        "total": 2,
    }
    assert i1.later_outcomes.to_dict() == {
        "achieved": 0,
        "partly": 0,
        "not_yet": 0,
        "not_assessed": 1,
        "total": 1,
    }
    assert (i1.indicators_met, i1.indicators) == (0, 2)
    assert i1.explanation == (
        "Towards I1: 2 of 3 activities done, 1 in progress; 2 of 2 achievements achieved; "
        "0 of 1 longer-term outcomes achieved; 0 of 2 indicators at target."
    )
    assert (i2.activities.total, i2.achievements.achieved) == (1, 1)


def test_latest_assessment_on_the_same_day_is_the_later_listed() -> None:
    """Two assessments on one date: the one recorded later wins."""
    toc = ct.TheoryOfChange()
    o = toc.add_outcome("o", kind="project")
    toc.assess(o, status="partly", date="2024-01-01")
    toc.assess(o, status="achieved", date="2024-01-01")
    assert ct.progress(toc).achievements[0].latest.status is AchievementStatus.ACHIEVED  # type: ignore[union-attr]


def test_progress_as_json(peer: ct.TheoryOfChange) -> None:
    """to_dict is JSON-ready."""
    data = json.loads(json.dumps(ct.progress(peer).to_dict()))
    assert data["achievements"][1]["status"] == "achieved"
    assert data["pathways"][0]["indicators"] == {"met": 0, "total": 2}


def test_progress_needs_a_map_without_circles() -> None:
    """A cycle is a CycleError naming it."""
    toc = ct.TheoryOfChange()
    a = toc.add_outcome("a", kind="project")
    b = toc.add_outcome("b", kind="project", leads_to=[a])
    toc.link(a, b)
    with pytest.raises(CycleError):
        ct.progress(toc)


def test_assessments_round_trip_through_json(peer: ct.TheoryOfChange) -> None:
    """Assessments with their breakdown and evidence survive the document format."""
    assert ct.loads(ct.dumps(peer)) == peer
