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
import math
import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

import attrs

from coprod_toc.errors import ModelError
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
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class AchievementStatus(enum.StrEnum):
    """Where an achievement (a short-term outcome) stands when it is assessed."""

    ACHIEVED = "achieved"
    PARTLY = "partly"
    NOT_YET = "not_yet"


class NodeType(enum.StrEnum):
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
    ASSUMPTION = "assumption"
    ENABLER = "enabler"


class AssumptionStatus(enum.StrEnum):
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

# --------------------------------------------------------------------------- converters

_ID_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}")
_E = TypeVar("_E", bound=enum.Enum)
_ALIASES = {
    "co-production": "coproduction",
    "co_production": "coproduction",
    "in progress": "in_progress",
    "in-progress": "in_progress",
}


def check_id(value: object, what: str = "id") -> str:
    """Return ``value`` if it is a usable node id, else raise :class:`ModelError`.

    Ids are 1–64 characters of letters, digits, ``_ . : -``, not starting with punctuation
    other than ``_``: safe in URLs, file names, Mermaid and DOT without quoting games.
    """
    if not isinstance(value, str) or not _ID_RE.fullmatch(value):
        raise ModelError(
            f"{what} {value!r} is not a valid id: use 1-64 letters, digits, '_', '.', ':' or '-'"
        )
    return value


def _enum(cls: type[_E], field_name: str) -> Callable[[object], _E]:
    members = {m.value: m for m in cls}

    def convert(value: object) -> _E:
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            member = members.get(value)  # the canonical spelling: no need to clean it up
            if member is not None:
                return member
            text = value.strip().lower()
            member = members.get(_ALIASES.get(text, text))
            if member is not None:
                return member
        allowed = ", ".join(repr(m.value) for m in cls)
        raise ModelError(f"{field_name} must be one of {allowed}, not {value!r}")

    return convert


#: What no text of a map may hold: C0 control characters other than tab and line feed,
#: and lone surrogates (no encoding can write them). Line breaks are made line feeds.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def clean_text(value: str, field_name: str) -> str:
    """``value`` with its line breaks as line feeds, if it holds nothing a text may not
    (every store, file and renderer then meets the same text).

    :raises ModelError: a control character or a lone surrogate, naming the field.
    """
    if value.isprintable():  # the commonest case, told in one pass
        return value
    value = _line_feeds(value)
    bad = _NOT_TEXT.search(value)
    if bad is not None:
        what = "a lone surrogate" if bad.group() >= "\ud800" else "a control character"
        raise ModelError(
            f"{field_name} holds {what} ({bad.group()!r} at {bad.start()}), which no text may"
        )
    return value


def printable_text(value: str) -> str:
    """``value`` made fit for a map: line breaks as line feeds, and each character no text
    may hold (a control character, a lone surrogate) a space. For text from outside, such
    as a survey's answers, where refusing the text would refuse the file."""
    return _NOT_TEXT.sub(" ", _line_feeds(value))


def _line_feeds(value: str) -> str:
    """CR LF and a lone CR as LF: one way of breaking a line in every text."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _text(field_name: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ModelError(f"{field_name} must be a non-empty string, not {value!r}")
        return clean_text(value, field_name)

    return convert


def _optional_text(field_name: str) -> Callable[[object], str | None]:
    def convert(value: object) -> str | None:
        if value is None:
            return value
        if isinstance(value, str):
            return clean_text(value, field_name)
        raise ModelError(f"{field_name} must be a string, not {value!r}")

    return convert


def _strings(field_name: str) -> Callable[[object], tuple[str, ...]]:
    def convert(value: object) -> tuple[str, ...]:
        if value == ():  # the default of every such field, and the commonest value
            return ()
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ModelError(f"{field_name} must be a list of strings, not {value!r}")
        items = tuple(value)
        for item in items:
            if not isinstance(item, str):
                raise ModelError(f"{field_name} must be a list of strings, not {value!r}")
        return tuple(clean_text(item, field_name) for item in items)

    return convert


def _level(field_name: str, low: int, high: int) -> Callable[[object], int | None]:
    def convert(value: object) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ModelError(
                f"{field_name} must be a whole number from {low} to {high}, not {value!r}"
            )
        return value

    return convert


def _value(field_name: str) -> Callable[[object], float | int | str | None]:
    def convert(value: object) -> float | int | str | None:
        if value is None or isinstance(value, str):
            return value
        if not _is_number(value):
            raise ModelError(f"{field_name} must be a number or a text, not {value!r}")
        return value  # type: ignore[return-value]  # _is_number checked it

    return convert


def _is_number(value: object) -> bool:
    """A finite int or float; bools are not numbers here."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _amount(field_name: str) -> Callable[[object], float | int | None]:
    def convert(value: object) -> float | int | None:
        if value is None:
            return None
        if not _is_number(value) or value < 0:  # type: ignore[operator]
            raise ModelError(f"{field_name} must be a number of 0 or more, not {value!r}")
        return value  # type: ignore[return-value]

    return convert


def _flag(field_name: str) -> Callable[[object], bool]:
    def convert(value: object) -> bool:
        if not isinstance(value, bool):
            raise ModelError(f"{field_name} must be true or false, not {value!r}")
        return value

    return convert


def _date(field_name: str) -> Callable[[object], dt.date | None]:
    def convert(value: object) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise ModelError(f"{field_name} must be a date (YYYY-MM-DD), not {value!r}")

    return convert


def _records(cls: type[Any], field_name: str) -> Callable[[object], tuple[Any, ...]]:
    def convert(value: object) -> tuple[Any, ...]:
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ModelError(f"{field_name} must be a list of {cls.__name__} records")
        items = tuple(value)
        for item in items:
            if not isinstance(item, cls):
                raise ModelError(f"{field_name} must hold {cls.__name__} records, not {item!r}")
        return items

    return convert


def _id_field() -> Any:
    return attrs.field(converter=check_id)


# --------------------------------------------------------------------------- nodes


@attrs.frozen(kw_only=True)
class Problem:
    """Why the project is needed: the first step of backwards mapping."""

    node_type: ClassVar[NodeType] = NodeType.PROBLEM

    id: str = _id_field()
    statement: str = attrs.field(converter=_text("statement"))
    affected_groups: tuple[str, ...] = attrs.field(
        default=(), converter=_strings("affected_groups")
    )
    context: str | None = attrs.field(default=None, converter=_optional_text("context"))
    easy_read: str | None = attrs.field(default=None, converter=_optional_text("easy_read"))
    external_ref: str | None = attrs.field(default=None, converter=_optional_text("external_ref"))

    @property
    def text(self) -> str:
        return self.statement


@attrs.frozen(kw_only=True)
class Impact:
    """The change that remains after the activities end; a project or a co-production impact."""

    node_type: ClassVar[NodeType] = NodeType.IMPACT

    id: str = _id_field()
    statement: str = attrs.field(converter=_text("statement"))
    kind: Kind = attrs.field(converter=_enum(Kind, "kind"))
    timeframe: str | None = attrs.field(default=None, converter=_optional_text("timeframe"))
    other_factors_level: int | None = attrs.field(
        default=None, converter=_level("other_factors_level", 0, 4)
    )
    easy_read: str | None = attrs.field(default=None, converter=_optional_text("easy_read"))
    external_ref: str | None = attrs.field(default=None, converter=_optional_text("external_ref"))

    @property
    def text(self) -> str:
        return self.statement


@attrs.frozen(kw_only=True)
class Actual:
    """An indicator's measured value for one period (``"2025-Q1"``, ``"2025-03"``, …)."""

    period: str = attrs.field(converter=_text("period"))
    value: float | int | str = attrs.field(converter=_value("value"))

    @value.validator
    def _not_none(self, _attribute: object, value: object) -> None:
        if value is None:
            raise ModelError("value must be a number or a text, not None")


@attrs.frozen(kw_only=True)
class Indicator:
    """How an outcome's progress is told: baseline, target and actual values by period."""

    id: str = _id_field()
    description: str = attrs.field(converter=_text("description"))
    measure: Measure = attrs.field(
        default=Measure.UNIT, converter=_enum(Measure, "measure"), metadata=ALWAYS_WRITTEN
    )
    ascending: bool = attrs.field(
        default=True, converter=_flag("ascending"), metadata=ALWAYS_WRITTEN
    )
    baseline: float | int | str | None = attrs.field(default=None, converter=_value("baseline"))
    target: float | int | str | None = attrs.field(default=None, converter=_value("target"))
    actuals: tuple[Actual, ...] = attrs.field(default=(), converter=_records(Actual, "actuals"))


@attrs.frozen(kw_only=True)
class BreakdownItem:
    """One activity's part in an achievement: what it did, and how much (level 0–4)."""

    activity: str = attrs.field(converter=check_id)
    role: str | None = attrs.field(default=None, converter=_optional_text("role"))
    level: int | None = attrs.field(default=None, converter=_level("level", 0, 4))


def _required_date(field_name: str) -> Callable[[object], dt.date]:
    convert = _date(field_name)

    def required(value: object) -> dt.date:
        converted = convert(value)
        if converted is None:
            raise ModelError(f"{field_name} must be a date (YYYY-MM-DD), not None")
        return converted

    return required


@attrs.frozen(kw_only=True)
class Assessment:
    """An achievement assessed on a date: achieved, partly or not yet, and which activities
    brought it about (only activities that lead to the achievement may be cited)."""

    date: dt.date = attrs.field(converter=_required_date("date"))
    status: AchievementStatus = attrs.field(converter=_enum(AchievementStatus, "status"))
    note: str | None = attrs.field(default=None, converter=_optional_text("note"))
    breakdown: tuple[BreakdownItem, ...] = attrs.field(
        default=(), converter=_records(BreakdownItem, "breakdown")
    )
    evidence: tuple[str, ...] = attrs.field(default=(), converter=_strings("evidence"))


@attrs.frozen(kw_only=True)
class Outcome:
    """A stepping stone towards impact. Short-horizon outcomes are *achievements*."""

    node_type: ClassVar[NodeType] = NodeType.OUTCOME

    id: str = _id_field()
    statement: str = attrs.field(converter=_text("statement"))
    kind: Kind = attrs.field(converter=_enum(Kind, "kind"))
    horizon: Horizon = attrs.field(
        default=Horizon.SHORT, converter=_enum(Horizon, "horizon"), metadata=ALWAYS_WRITTEN
    )
    indicators: tuple[Indicator, ...] = attrs.field(
        default=(), converter=_records(Indicator, "indicators")
    )
    i_statement: str | None = attrs.field(default=None, converter=_optional_text("i_statement"))
    other_factors_level: int | None = attrs.field(
        default=None, converter=_level("other_factors_level", 0, 4)
    )
    assessments: tuple[Assessment, ...] = attrs.field(
        default=(), converter=_records(Assessment, "assessments")
    )
    easy_read: str | None = attrs.field(default=None, converter=_optional_text("easy_read"))
    external_ref: str | None = attrs.field(default=None, converter=_optional_text("external_ref"))

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

    id: str = _id_field()
    description: str = attrs.field(converter=_text("description"))
    kind: Kind = attrs.field(converter=_enum(Kind, "kind"))
    status: ActivityStatus = attrs.field(
        default=ActivityStatus.PLANNED,
        converter=_enum(ActivityStatus, "status"),
        metadata=ALWAYS_WRITTEN,
    )
    start: dt.date | None = attrs.field(default=None, converter=_date("start"))
    end: dt.date | None = attrs.field(default=None, converter=_date("end"))
    ladder_rung: int | None = attrs.field(default=None, converter=_level("ladder_rung", 1, 7))
    participant_roles: tuple[str, ...] = attrs.field(
        default=(), converter=_strings("participant_roles")
    )
    effort: float | int | None = attrs.field(default=None, converter=_amount("effort"))
    easy_read: str | None = attrs.field(default=None, converter=_optional_text("easy_read"))
    external_ref: str | None = attrs.field(default=None, converter=_optional_text("external_ref"))

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
    source: str = attrs.field(converter=_text("source"))
    target: str = attrs.field(converter=_text("target"))
    level: int | None = attrs.field(default=None, converter=_level("level", 0, 4))
    rationale: str | None = attrs.field(default=None, converter=_optional_text("rationale"))
    evidence: tuple[str, ...] = attrs.field(default=(), converter=_strings("evidence"))

    @property
    def has_payload(self) -> bool:
        """Whether the link says more than that it exists."""
        return self.level is not None or self.rationale is not None or bool(self.evidence)


@attrs.frozen(kw_only=True)
class Assumption:
    """An assumption or enabler, attached to one node (``(id,)``) or one link (``(src, dst)``)."""

    id: str = _id_field()
    text: str = attrs.field(converter=_text("text"))
    attached_to: tuple[str, ...] = attrs.field(converter=_strings("attached_to"))
    type: AssumptionType = attrs.field(
        default=AssumptionType.ASSUMPTION,
        converter=_enum(AssumptionType, "type"),
        metadata=ALWAYS_WRITTEN,
    )
    status: AssumptionStatus = attrs.field(
        default=AssumptionStatus.UNTESTED,
        converter=_enum(AssumptionStatus, "status"),
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
