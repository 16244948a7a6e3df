"""Progress before impact: activity status, achievements assessed over time, indicators
against their targets, and a roll-up of how far along the routes to each impact the
project is.

The roll-up uses one backward pass (which activities and outcomes lie behind which impact),
so it stays linear in the size of the map.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import attrs

from coprod_toc.analysis.traversal import bits, impact_masks, topological_order
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import (
    AchievementStatus,
    ActivityStatus,
    Assessment,
    Horizon,
    Indicator,
    Kind,
    Measure,
    Outcome,
)

__all__ = [
    "AchievementProgress",
    "ActivityCounts",
    "IndicatorProgress",
    "OutcomeCounts",
    "PathwayProgress",
    "ProgressReport",
    "progress",
]


@attrs.frozen
class ActivityCounts:
    """How many activities are planned, in progress and done."""

    planned: int = 0
    in_progress: int = 0
    done: int = 0

    @property
    def total(self) -> int:
        return self.planned + self.in_progress + self.done

    def explain(self) -> str:
        if not self.total:
            return "no activities"
        return f"{self.done} of {self.total} activities done, {self.in_progress} in progress"

    def to_dict(self) -> dict[str, int]:
        return attrs.asdict(self) | {"total": self.total}


@attrs.frozen
class OutcomeCounts:
    """Outcomes by their latest assessment: achieved, partly, not yet, or not assessed."""

    achieved: int = 0
    partly: int = 0
    not_yet: int = 0
    not_assessed: int = 0

    @property
    def total(self) -> int:
        return self.achieved + self.partly + self.not_yet + self.not_assessed

    def explain(self, noun: str) -> str:
        if not self.total:
            return f"no {noun}"
        text = f"{self.achieved} of {self.total} {noun} achieved"
        if self.partly:
            text += f", {self.partly} partly"
        return text

    def to_dict(self) -> dict[str, int]:
        return attrs.asdict(self) | {"total": self.total}


@attrs.frozen
class AchievementProgress:
    """One achievement (short-term outcome) and its assessments, oldest first."""

    outcome: str
    statement: str
    kind: Kind
    assessments: tuple[Assessment, ...]
    explanation: str

    @property
    def latest(self) -> Assessment | None:
        return self.assessments[-1] if self.assessments else None

    def to_dict(self) -> dict[str, Any]:
        latest = self.latest
        return {
            "outcome": self.outcome,
            "statement": self.statement,
            "kind": self.kind.value,
            "status": None if latest is None else latest.status.value,
            "date": None if latest is None else latest.date.isoformat(),
            "assessments": [_assessment_dict(a) for a in self.assessments],
            "explanation": self.explanation,
        }


def _assessment_dict(assessment: Assessment) -> dict[str, Any]:
    return {
        "date": assessment.date.isoformat(),
        "status": assessment.status.value,
        "note": assessment.note,
        "breakdown": [attrs.asdict(item) for item in assessment.breakdown],
        "evidence": list(assessment.evidence),
    }


@attrs.frozen
class IndicatorProgress:
    """An indicator's latest value against its baseline and target.

    ``progress`` is the share of the way from baseline to target (1 = target met, above 1 =
    beyond it, below 0 = moving away); ``None`` when it cannot be worked out.
    """

    outcome: str
    indicator: str
    description: str
    measure: Measure
    baseline: float | int | str | None
    target: float | int | str | None
    latest_period: str | None
    latest_value: float | int | str | None
    progress: float | None
    status: str
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self) | {"measure": self.measure.value}


@attrs.frozen
class PathwayProgress:
    """How far along the routes to one impact the project is."""

    impact: str
    statement: str
    activities: ActivityCounts
    achievements: OutcomeCounts
    later_outcomes: OutcomeCounts
    indicators_met: int
    indicators: int
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "impact": self.impact,
            "statement": self.statement,
            "activities": self.activities.to_dict(),
            "achievements": self.achievements.to_dict(),
            "later_outcomes": self.later_outcomes.to_dict(),
            "indicators": {"met": self.indicators_met, "total": self.indicators},
            "explanation": self.explanation,
        }


@attrs.frozen
class ProgressReport:
    """Progress of a whole map."""

    activities: ActivityCounts
    activities_by_kind: dict[Kind, ActivityCounts]
    achievements: tuple[AchievementProgress, ...]
    indicators: tuple[IndicatorProgress, ...]
    pathways: tuple[PathwayProgress, ...]

    #: The columns of :meth:`to_frame`, one row per impact's pathway.
    FRAME_COLUMNS = (
        "impact", "statement", "activities_done", "activities_in_progress", "activities",
        "achievements_achieved", "achievements", "later_outcomes_achieved", "later_outcomes",
        "indicators_met", "indicators",
    )  # fmt: skip

    def to_frame(self) -> Any:
        """Progress as a pandas ``DataFrame``, one row per impact's pathway."""
        from coprod_toc.plain import data_frame

        rows = []
        for pathway in self.pathways:
            achievements = pathway.achievements.to_dict()
            later = pathway.later_outcomes.to_dict()
            rows.append(
                {
                    "impact": pathway.impact,
                    "statement": pathway.statement,
                    "activities_done": pathway.activities.done,
                    "activities_in_progress": pathway.activities.in_progress,
                    "activities": pathway.activities.total,
                    "achievements_achieved": achievements["achieved"],
                    "achievements": achievements["total"],
                    "later_outcomes_achieved": later["achieved"],
                    "later_outcomes": later["total"],
                    "indicators_met": pathway.indicators_met,
                    "indicators": pathway.indicators,
                }
            )
        return data_frame(rows, self.FRAME_COLUMNS)

    def _repr_html_(self) -> str:
        """How a notebook shows it."""
        from coprod_toc.analysis.notebook import progress_html

        return progress_html(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "activities": self.activities.to_dict(),
            "activities_by_kind": {
                k.value: v.to_dict() for k, v in self.activities_by_kind.items()
            },
            "achievements": [a.to_dict() for a in self.achievements],
            "indicators": [i.to_dict() for i in self.indicators],
            "pathways": [p.to_dict() for p in self.pathways],
        }


# --------------------------------------------------------------------------- computing


def progress(toc: TheoryOfChange) -> ProgressReport:
    """Where the project stands: activities, achievements, indicators and each pathway.

    :raises CycleError: links go round in a circle.
    """
    order = topological_order(toc)
    impacts = toc.impacts()
    masks = impact_masks(toc, order, [i.id for i in impacts])
    activities = toc.activities()
    outcomes = toc.outcomes()

    by_kind = {kind: _activity_counts(a for a in activities if a.kind is kind) for kind in Kind}
    indicators = tuple(
        _indicator_progress(outcome, indicator)
        for outcome in outcomes
        for indicator in outcome.indicators
    )
    achievements = tuple(_achievement(o) for o in outcomes if o.horizon is Horizon.SHORT)

    n = len(impacts)
    act_status: list[Counter[str]] = [Counter() for _ in range(n)]
    short_status: list[Counter[str]] = [Counter() for _ in range(n)]
    later_status: list[Counter[str]] = [Counter() for _ in range(n)]
    met = [0] * n
    total_indicators = [0] * n
    met_by_outcome = Counter(i.outcome for i in indicators if i.status == "met")
    for activity in activities:
        for i in bits(masks[activity.id]):
            act_status[i][activity.status.value] += 1
    for outcome in outcomes:
        state = _state(outcome)
        target = short_status if outcome.horizon is Horizon.SHORT else later_status
        for i in bits(masks[outcome.id]):
            target[i][state] += 1
            met[i] += met_by_outcome[outcome.id]
            total_indicators[i] += len(outcome.indicators)

    pathways = []
    for i, impact in enumerate(impacts):
        acts = ActivityCounts(**act_status[i])
        shorts = OutcomeCounts(**short_status[i])
        laters = OutcomeCounts(**later_status[i])
        parts = [acts.explain(), shorts.explain("achievements")]
        if laters.total:
            parts.append(laters.explain("longer-term outcomes"))
        if total_indicators[i]:
            parts.append(f"{met[i]} of {total_indicators[i]} indicators at target")
        explanation = f"Towards {impact.id}: " + "; ".join(parts) + "."
        pathways.append(
            PathwayProgress(
                impact.id,
                impact.statement,
                acts,
                shorts,
                laters,
                met[i],
                total_indicators[i],
                explanation,
            )
        )
    return ProgressReport(
        activities=_activity_counts(activities),
        activities_by_kind=by_kind,
        achievements=achievements,
        indicators=indicators,
        pathways=tuple(pathways),
    )


def _activity_counts(activities: Any) -> ActivityCounts:
    counts = Counter(a.status for a in activities)
    return ActivityCounts(
        planned=counts[ActivityStatus.PLANNED],
        in_progress=counts[ActivityStatus.IN_PROGRESS],
        done=counts[ActivityStatus.DONE],
    )


def _state(outcome: Outcome) -> str:
    latest = outcome.latest_assessment
    return "not_assessed" if latest is None else latest.status.value


_STATUS_WORDS = {
    AchievementStatus.ACHIEVED: "achieved",
    AchievementStatus.PARTLY: "partly achieved",
    AchievementStatus.NOT_YET: "not achieved yet",
}


def _achievement(outcome: Outcome) -> AchievementProgress:
    history = tuple(sorted(outcome.assessments, key=lambda a: a.date))  # stable: ties keep order
    latest = outcome.latest_assessment
    if latest is None:
        text = f"{outcome.id} has not been assessed yet."
    else:
        text = f"{outcome.id} was {_STATUS_WORDS[latest.status]} on {latest.date.isoformat()}"
        if latest.breakdown:
            cited = ", ".join(item.activity for item in latest.breakdown)
            text += f", through {cited}"
        text += "."
    return AchievementProgress(outcome.id, outcome.statement, outcome.kind, history, text)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _indicator_progress(outcome: Outcome, indicator: Indicator) -> IndicatorProgress:
    latest = indicator.actuals[-1] if indicator.actuals else None
    period = None if latest is None else latest.period
    value = None if latest is None else latest.value
    baseline, target, actual = (_number(x) for x in (indicator.baseline, indicator.target, value))
    share: float | None = None
    if latest is None:
        status, text = "no data", f"{indicator.description}: no value recorded yet."
    elif indicator.measure is Measure.QUALITATIVE or None in (baseline, target, actual):
        status = "qualitative" if indicator.measure is Measure.QUALITATIVE else "not comparable"
        target_text = "" if indicator.target is None else f" (target: {indicator.target})"
        text = f"{indicator.description}: {value} in {period}{target_text}."
    elif baseline == target:
        assert actual is not None and target is not None
        reached = actual >= target if indicator.ascending else actual <= target
        status = "met" if reached else "not yet"
        text = f"{indicator.description}: {value} in {period}, target {indicator.target}."
    else:
        assert actual is not None and target is not None and baseline is not None
        share = (actual - baseline) / (target - baseline)
        status = (
            "met"
            if share >= 1
            else "on the way"
            if share > 0
            else ("no change" if share == 0 else "moving away")
        )
        unit = "%" if indicator.measure is Measure.PERCENTAGE else ""
        # A share too large to show (a target a hair from its baseline) is still its status.
        way = f"{round(share * 100)}%" if math.isfinite(share * 100) else "far beyond all"
        text = (
            f"{indicator.description}: {value}{unit} in {period}, from {indicator.baseline}{unit} "
            f"towards {indicator.target}{unit}: {way} of the way ({status})."
        )
    return IndicatorProgress(
        outcome.id,
        indicator.id,
        indicator.description,
        indicator.measure,
        indicator.baseline,
        indicator.target,
        period,
        value,
        share,
        status,
        text,
    )
