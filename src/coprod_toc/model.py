# mypy cannot see through converter factories (the attrs plugin needs plain names); the
# converters take `object` and return the field type, so nothing is lost.
# mypy: disable-error-code="misc"
"""The vocabulary of a Theory of Change: enums and immutable attrs records, no I/O.

Records are frozen; change one with :func:`attrs.evolve` (``TheoryOfChange.update`` does it for
nodes in a map). Converters normalise what users type ("co-production" → ``Kind.COPRODUCTION``,
lists → tuples); validators raise :class:`~coprod_toc.errors.ModelError` naming the field.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import ClassVar

import attrs

from coprod_toc.errors import ModelError
from coprod_toc.fields import (
    as_amount,
    as_date,
    as_enum,
    as_flag,
    as_level,
    as_optional_text,
    as_records,
    as_required_date,
    as_strings,
    as_text,
    as_value,
    check_id,
    clean_text,
    id_field,
    printable_text,
)
from coprod_toc.plain import ALWAYS_WRITTEN

__all__ = [
    "LADDER",
    "LEVEL_WEIGHTS",
    "AchievementStatus",
    "Activity",
    "ActivityStatus",
    "Actual",
    "Assessment",
    "Assumption",
    "AssumptionStatus",
    "AssumptionType",
    "BreakdownItem",
    "Horizon",
    "Impact",
    "Indicator",
    "Kind",
    "Link",
    "Measure",
    "Node",
    "NodeType",
    "Outcome",
    "Problem",
    "check_id",
    "clean_text",
    "printable_text",
]

# --------------------------------------------------------------------------- enums


class Kind(enum.StrEnum):
    """Whose work a node belongs to: the project's, or co-production's."""

    PROJECT = "project"
    COPRODUCTION = "coproduction"


class Horizon(enum.StrEnum):
    """When an outcome is expected. Short-term outcomes are co-production *achievements*."""

    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"

    @property
    def rank(self) -> int:
        """Position in time: an outcome may only lead to one of equal or higher rank."""
        return _HORIZON_RANK[self]


_HORIZON_RANK = {Horizon.SHORT: 0, Horizon.MEDIUM: 1, Horizon.LONG: 2}


class ActivityStatus(enum.StrEnum):
    """Where an activity stands: planned, in progress or done."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class AchievementStatus(enum.StrEnum):
    """Where an achievement (a short-term outcome) stands when it is assessed."""

    ACHIEVED = "achieved"
    PARTLY = "partly"
    NOT_YET = "not_yet"


class NodeType(enum.StrEnum):
    """The four levels of a map, in backwards-mapping order: problem, impact, outcome, activity."""

    PROBLEM = "problem"
    IMPACT = "impact"
    OUTCOME = "outcome"
    ACTIVITY = "activity"


class Measure(enum.StrEnum):
    """How an indicator is measured (the IATI indicator measures we need)."""

    UNIT = "unit"
    PERCENTAGE = "percentage"
    QUALITATIVE = "qualitative"


class AssumptionType(enum.StrEnum):
    """An assumption (believed true) or an enabler (a condition the change needs)."""

    ASSUMPTION = "assumption"
    ENABLER = "enabler"


class AssumptionStatus(enum.StrEnum):
    """What testing an assumption has found: untested, supported or challenged."""

    UNTESTED = "untested"
    SUPPORTED = "supported"
    CHALLENGED = "challenged"


#: The TLAP ladder of co-production, rung 1 to 7.
LADDER: tuple[str, ...] = (
    "coercion",
    "educating",
    "informing",
    "consultation",
    "engagement",
    "co-design",
    "co-production",
)

#: Contribution level 0–4 as a weight, on the same five-step scale SROI attribution uses.
LEVEL_WEIGHTS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)

# --------------------------------------------------------------------------- nodes


@attrs.frozen(kw_only=True)
class Problem:
    """Why the project is needed: the first step of backwards mapping."""

    node_type: ClassVar[NodeType] = NodeType.PROBLEM

    id: str = id_field()
    statement: str = attrs.field(converter=as_text("statement"))
    affected_groups: tuple[str, ...] = attrs.field(
        default=(), converter=as_strings("affected_groups")
    )
    context: str | None = attrs.field(default=None, converter=as_optional_text("context"))
    easy_read: str | None = attrs.field(default=None, converter=as_optional_text("easy_read"))
    external_ref: str | None = attrs.field(default=None, converter=as_optional_text("external_ref"))

    @property
    def text(self) -> str:
        return self.statement


@attrs.frozen(kw_only=True)
class Impact:
    """The change that remains after the activities end; a project or a co-production impact."""

    node_type: ClassVar[NodeType] = NodeType.IMPACT

    id: str = id_field()
    statement: str = attrs.field(converter=as_text("statement"))
    kind: Kind = attrs.field(converter=as_enum(Kind, "kind"))
    timeframe: str | None = attrs.field(default=None, converter=as_optional_text("timeframe"))
    other_factors_level: int | None = attrs.field(
        default=None, converter=as_level("other_factors_level", 0, 4)
    )
    easy_read: str | None = attrs.field(default=None, converter=as_optional_text("easy_read"))
    external_ref: str | None = attrs.field(default=None, converter=as_optional_text("external_ref"))

    @property
    def text(self) -> str:
        return self.statement


@attrs.frozen(kw_only=True)
class Actual:
    """An indicator's measured value for one period (``"2025-Q1"``, ``"2025-03"``, …)."""

    period: str = attrs.field(converter=as_text("period"))
    value: float | int | str = attrs.field(converter=as_value("value"))

    @value.validator
    def _not_none(self, _attribute: object, value: object) -> None:
        if value is None:
            raise ModelError("value must be a number or a text, not None")


@attrs.frozen(kw_only=True)
class Indicator:
    """How an outcome's progress is told: baseline, target and actual values by period."""

    id: str = id_field()
    description: str = attrs.field(converter=as_text("description"))
    measure: Measure = attrs.field(
        default=Measure.UNIT, converter=as_enum(Measure, "measure"), metadata=ALWAYS_WRITTEN
    )
    ascending: bool = attrs.field(
        default=True, converter=as_flag("ascending"), metadata=ALWAYS_WRITTEN
    )
    baseline: float | int | str | None = attrs.field(default=None, converter=as_value("baseline"))
    target: float | int | str | None = attrs.field(default=None, converter=as_value("target"))
    actuals: tuple[Actual, ...] = attrs.field(default=(), converter=as_records(Actual, "actuals"))
    #: The host system's record this indicator stands for (a KPI's id, say).
    external_ref: str | None = attrs.field(default=None, converter=as_optional_text("external_ref"))


@attrs.frozen(kw_only=True)
class BreakdownItem:
    """One activity's part in an achievement: what it did, and how much (level 0–4)."""

    activity: str = attrs.field(converter=check_id)
    role: str | None = attrs.field(default=None, converter=as_optional_text("role"))
    level: int | None = attrs.field(default=None, converter=as_level("level", 0, 4))


@attrs.frozen(kw_only=True)
class Assessment:
    """An achievement assessed on a date: achieved, partly or not yet, and which activities
    brought it about (only activities that lead to the achievement may be cited)."""

    date: dt.date = attrs.field(converter=as_required_date("date"))
    status: AchievementStatus = attrs.field(converter=as_enum(AchievementStatus, "status"))
    note: str | None = attrs.field(default=None, converter=as_optional_text("note"))
    breakdown: tuple[BreakdownItem, ...] = attrs.field(
        default=(), converter=as_records(BreakdownItem, "breakdown")
    )
    evidence: tuple[str, ...] = attrs.field(default=(), converter=as_strings("evidence"))


@attrs.frozen(kw_only=True)
class Outcome:
    """A stepping stone towards impact. Short-horizon outcomes are *achievements*."""

    node_type: ClassVar[NodeType] = NodeType.OUTCOME

    id: str = id_field()
    statement: str = attrs.field(converter=as_text("statement"))
    kind: Kind = attrs.field(converter=as_enum(Kind, "kind"))
    horizon: Horizon = attrs.field(
        default=Horizon.SHORT, converter=as_enum(Horizon, "horizon"), metadata=ALWAYS_WRITTEN
    )
    indicators: tuple[Indicator, ...] = attrs.field(
        default=(), converter=as_records(Indicator, "indicators")
    )
    i_statement: str | None = attrs.field(default=None, converter=as_optional_text("i_statement"))
    other_factors_level: int | None = attrs.field(
        default=None, converter=as_level("other_factors_level", 0, 4)
    )
    assessments: tuple[Assessment, ...] = attrs.field(
        default=(), converter=as_records(Assessment, "assessments")
    )
    easy_read: str | None = attrs.field(default=None, converter=as_optional_text("easy_read"))
    external_ref: str | None = attrs.field(default=None, converter=as_optional_text("external_ref"))

    @assessments.validator
    def _only_achievements(self, _attribute: object, value: tuple[Assessment, ...]) -> None:
        if value and self.horizon is not Horizon.SHORT:
            raise ModelError(
                f"only achievements (short-term outcomes) are assessed; {self.id!r} is "
                f"{self.horizon.value}-term"
            )

    @property
    def latest_assessment(self) -> Assessment | None:
        """The most recent assessment (the later-listed one when two share a date)."""
        if not self.assessments:
            return None
        return max(reversed(self.assessments), key=lambda a: a.date)

    @indicators.validator
    def _unique_indicators(self, _attribute: object, value: tuple[Indicator, ...]) -> None:
        ids = [indicator.id for indicator in value]
        if len(ids) != len(set(ids)):
            raise ModelError(f"indicator ids must be unique within an outcome: {ids}")

    @property
    def text(self) -> str:
        return self.statement

    @property
    def is_achievement(self) -> bool:
        return self.horizon is Horizon.SHORT


@attrs.frozen(kw_only=True)
class Activity:
    """Something the project does; with co-production, done with the people who draw on care."""

    node_type: ClassVar[NodeType] = NodeType.ACTIVITY

    id: str = id_field()
    description: str = attrs.field(converter=as_text("description"))
    kind: Kind = attrs.field(converter=as_enum(Kind, "kind"))
    status: ActivityStatus = attrs.field(
        default=ActivityStatus.PLANNED,
        converter=as_enum(ActivityStatus, "status"),
        metadata=ALWAYS_WRITTEN,
    )
    start: dt.date | None = attrs.field(default=None, converter=as_date("start"))
    end: dt.date | None = attrs.field(default=None, converter=as_date("end"))
    ladder_rung: int | None = attrs.field(default=None, converter=as_level("ladder_rung", 1, 7))
    participant_roles: tuple[str, ...] = attrs.field(
        default=(), converter=as_strings("participant_roles")
    )
    effort: float | int | None = attrs.field(default=None, converter=as_amount("effort"))
    easy_read: str | None = attrs.field(default=None, converter=as_optional_text("easy_read"))
    external_ref: str | None = attrs.field(default=None, converter=as_optional_text("external_ref"))

    @end.validator
    def _after_start(self, _attribute: object, value: dt.date | None) -> None:
        if value is not None and self.start is not None and value < self.start:
            raise ModelError(f"end {value.isoformat()} is before start {self.start.isoformat()}")

    @property
    def text(self) -> str:
        return self.description

    @property
    def ladder_name(self) -> str | None:
        return None if self.ladder_rung is None else LADDER[self.ladder_rung - 1]


Node = Problem | Impact | Outcome | Activity

# --------------------------------------------------------------------------- links, assumptions


@attrs.frozen(kw_only=True)
class Link:
    """The payload of a "contributes to" link from ``source`` to ``target``.

    ``level`` is the group's contribution level 0–4 (none … all of it); ``evidence`` holds
    references to the evidence behind the link.
    """

    # Only the graph makes links, between nodes it holds (whose ids were checked): here the
    # ends need only be texts.
    source: str = attrs.field(converter=as_text("source"))
    target: str = attrs.field(converter=as_text("target"))
    level: int | None = attrs.field(default=None, converter=as_level("level", 0, 4))
    rationale: str | None = attrs.field(default=None, converter=as_optional_text("rationale"))
    evidence: tuple[str, ...] = attrs.field(default=(), converter=as_strings("evidence"))

    @property
    def has_payload(self) -> bool:
        """Whether the link says more than that it exists."""
        return self.level is not None or self.rationale is not None or bool(self.evidence)


@attrs.frozen(kw_only=True)
class Assumption:
    """An assumption or enabler, attached to one node (``(id,)``) or one link (``(src, dst)``)."""

    id: str = id_field()
    text: str = attrs.field(converter=as_text("text"))
    attached_to: tuple[str, ...] = attrs.field(converter=as_strings("attached_to"))
    type: AssumptionType = attrs.field(
        default=AssumptionType.ASSUMPTION,
        converter=as_enum(AssumptionType, "type"),
        metadata=ALWAYS_WRITTEN,
    )
    status: AssumptionStatus = attrs.field(
        default=AssumptionStatus.UNTESTED,
        converter=as_enum(AssumptionStatus, "status"),
        metadata=ALWAYS_WRITTEN,
    )

    @attached_to.validator
    def _one_or_two(self, _attribute: object, value: tuple[str, ...]) -> None:
        if len(value) not in (1, 2):
            raise ModelError(
                f"attached_to must name one node or one link (two node ids), not {list(value)}"
            )
        for node_id in value:
            check_id(node_id, "attached_to")
