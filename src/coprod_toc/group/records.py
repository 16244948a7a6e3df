# mypy cannot see through converter factories (the attrs plugin needs plain names); the
# converters take `object` and return the field type, so nothing is lost.
# mypy: disable-error-code="misc"
"""The co-production group's own record: who the members are, what they took part in, the
feedback they gave and what became of it, and the charter they agreed. Records only, no I/O.

Members are pseudonymous codes (``M01``): names live in the host system, as participants'
do in evidence. The lead is a role, never a person's name.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Any

import attrs

from coprod_toc.errors import ModelError
from coprod_toc.fields import (
    as_amount,
    as_date,
    as_enum,
    as_flag,
    as_optional_text,
    as_records,
    as_required_date,
    as_strings,
    as_text,
    check_id,
)

__all__ = [
    "MAX_HOURS",
    "MAX_PAYMENT",
    "CharterVersion",
    "Commitment",
    "Engagement",
    "EngagementKind",
    "FeedbackItem",
    "FeedbackStatus",
    "Group",
    "GroupRecord",
    "Member",
    "MemberRole",
    "Quote",
    "ReportSections",
    "check_year",
]


class MemberRole(enum.StrEnum):
    """Why a member is in the group."""

    LIVED_EXPERIENCE = "lived_experience"
    UNPAID_CARER = "unpaid_carer"
    STAFF = "staff"
    PARTNER = "partner"


class EngagementKind(enum.StrEnum):
    """What the members took part in."""

    MEETING = "meeting"
    DEVELOPMENT = "development"
    WORKSTREAM = "workstream"
    EVENT = "event"
    TRAINING = "training"
    RECRUITMENT = "recruitment"


class FeedbackStatus(enum.StrEnum):
    """What the organisation did with what the group said."""

    OPEN = "open"
    ADOPTED = "adopted"
    PARTLY = "partly"
    DECLINED = "declined"


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ModelError(f"{name} must be a whole number of 1 or more, not {value!r}")
    return value


def _code(value: object) -> str:
    return check_id(value, "code")


def _at_least(value: object) -> int:
    return _count(value, "at_least")


def _version(value: object) -> int:
    return _count(value, "version")


def _year(value: object) -> int:
    return _count(value, "year")


def _month_day(value: object) -> str:
    """``year_starts``: a month and day, ``"01-01"`` or ``"04-01"`` (a financial year)."""
    text = as_text("year_starts")(value)
    try:
        dt.date.fromisoformat(f"2001-{text}")  # a year with no 29 February: it never moves
    except ValueError:
        raise ModelError(f"year_starts must be a month and day (MM-DD), not {text!r}") from None
    return text


#: The most hours one member can give to one engagement (a year's hours), and the largest
#: payment to one member for one: larger figures are typing slips, and would overflow totals.
MAX_HOURS = 24 * 366
MAX_PAYMENT = 10**9

#: The group's years a record can name: each needs the year before it and the year after.
FIRST_YEAR, LAST_YEAR = 2, 9998


def _at_most(name: str, largest: float) -> Callable[[object, object, Any], None]:
    def check(_: object, __: object, value: Any) -> None:
        if isinstance(value, int | float) and value > largest:
            raise ModelError(f"{name} must be at most {largest:,}, not {value!r}")

    return check


def _once(codes: tuple[str, ...], name: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ModelError(f"{name} lists {code!r} twice")
        seen.add(code)


def check_year(year: object) -> int:
    """A group's year as a report asks for it: a whole number from 2 to 9998."""
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ModelError(
            f"a group's year is a whole number from {FIRST_YEAR} to {LAST_YEAR} (the calendar "
            f"year it starts in), not {year!r}"
        )
    return year


@attrs.frozen(kw_only=True)
class Group:
    """The group itself: its name, its organisation, the role that supports it, the name of
    its work plan's map in the store, and the day its year starts."""

    name: str = attrs.field(converter=as_text("name"))
    organisation: str | None = attrs.field(default=None, converter=as_optional_text("organisation"))
    lead: str | None = attrs.field(default=None, converter=as_optional_text("lead"))
    work_plan: str | None = attrs.field(default=None, converter=as_optional_text("work_plan"))
    year_starts: str = attrs.field(default="01-01", converter=_month_day)


@attrs.frozen(kw_only=True)
class Member:
    """A member, by pseudonymous code, with their role and when they joined (and left)."""

    code: str = attrs.field(converter=_code)
    role: MemberRole = attrs.field(converter=as_enum(MemberRole, "role"))
    joined: dt.date = attrs.field(converter=as_required_date("joined"))
    left: dt.date | None = attrs.field(default=None, converter=as_date("left"))

    def active_on(self, day: dt.date) -> bool:
        return self.joined <= day and (self.left is None or day <= self.left)

    def active_between(self, first: dt.date, last: dt.date) -> bool:
        """Whether the member was in the group on any day from ``first`` to ``last``."""
        return self.joined <= last and (self.left is None or self.left >= first)


@attrs.frozen(kw_only=True)
class Engagement:
    """Something members took part in: a meeting, a workstream's work, a training day.
    ``hours`` and ``payment`` are per member; ``nodes`` are the work plan's activities it
    evidences."""

    date: dt.date = attrs.field(converter=as_required_date("date"))
    kind: EngagementKind = attrs.field(converter=as_enum(EngagementKind, "kind"))
    title: str = attrs.field(converter=as_text("title"))
    workstream: str | None = attrs.field(default=None, converter=as_optional_text("workstream"))
    members: tuple[str, ...] = attrs.field(default=(), converter=as_strings("members"))
    paid: bool = attrs.field(default=False, converter=as_flag("paid"))
    hours: float | int | None = attrs.field(
        default=None, converter=as_amount("hours"), validator=_at_most("hours", MAX_HOURS)
    )
    payment: float | int | None = attrs.field(
        default=None, converter=as_amount("payment"), validator=_at_most("payment", MAX_PAYMENT)
    )
    nodes: tuple[str, ...] = attrs.field(default=(), converter=as_strings("nodes"))

    @members.validator
    def _members_once(self, _: object, members: tuple[str, ...]) -> None:
        _once(members, "members")


@attrs.frozen(kw_only=True)
class FeedbackItem:
    """One loop of "you said, we did, we told you". The loop is closed when the group is
    told what happened (``told_back_on``), whatever the status."""

    id: str = attrs.field(converter=check_id)
    date: dt.date = attrs.field(converter=as_required_date("date"))
    said: str = attrs.field(converter=as_text("said"))
    to: str | None = attrs.field(default=None, converter=as_optional_text("to"))
    workstream: str | None = attrs.field(default=None, converter=as_optional_text("workstream"))
    nodes: tuple[str, ...] = attrs.field(default=(), converter=as_strings("nodes"))
    did: str | None = attrs.field(default=None, converter=as_optional_text("did"))
    did_on: dt.date | None = attrs.field(default=None, converter=as_date("did_on"))
    told_back_on: dt.date | None = attrs.field(default=None, converter=as_date("told_back_on"))
    status: FeedbackStatus = attrs.field(
        default=FeedbackStatus.OPEN, converter=as_enum(FeedbackStatus, "status")
    )
    reason: str | None = attrs.field(default=None, converter=as_optional_text("reason"))

    @property
    def closed(self) -> bool:
        return self.told_back_on is not None


def _per_year(value: object) -> str:
    if value != "year":
        raise ModelError(f"per must be 'year', not {value!r}")
    return "year"


@attrs.frozen(kw_only=True)
class Commitment:
    """A charter's promise: at least ``at_least`` engagements of a kind each year."""

    what: EngagementKind = attrs.field(converter=as_enum(EngagementKind, "what"))
    at_least: int = attrs.field(converter=_at_least)
    per: str = attrs.field(default="year", converter=_per_year)


@attrs.frozen(kw_only=True)
class CharterVersion:
    """One version of the group's living charter, agreed by members on a date; the version
    in force on a day is the latest agreed by then. ``review_on`` is the next waypoint."""

    version: int = attrs.field(converter=_version)
    agreed_on: dt.date = attrs.field(converter=as_required_date("agreed_on"))
    agreed_by: tuple[str, ...] = attrs.field(default=(), converter=as_strings("agreed_by"))
    review_on: dt.date | None = attrs.field(default=None, converter=as_date("review_on"))

    @agreed_by.validator
    def _agreed_once(self, _: object, agreed_by: tuple[str, ...]) -> None:
        _once(agreed_by, "agreed_by")

    knowns: tuple[str, ...] = attrs.field(default=(), converter=as_strings("knowns"))
    unknowns: tuple[str, ...] = attrs.field(default=(), converter=as_strings("unknowns"))
    aspirations: tuple[str, ...] = attrs.field(default=(), converter=as_strings("aspirations"))
    commitments: tuple[Commitment, ...] = attrs.field(
        default=(), converter=as_records(Commitment, "commitments")
    )


@attrs.frozen(kw_only=True)
class Quote:
    """Something said about the group, by role (never by name)."""

    text: str = attrs.field(converter=as_text("text"))
    role: str | None = attrs.field(default=None, converter=as_optional_text("role"))


@attrs.frozen(kw_only=True)
class ReportSections:
    """The sections of a year's annual report that the group writes itself."""

    year: int = attrs.field(converter=_year)
    good_practice: tuple[str, ...] = attrs.field(default=(), converter=as_strings("good_practice"))
    development: tuple[str, ...] = attrs.field(default=(), converter=as_strings("development"))
    priorities: tuple[str, ...] = attrs.field(default=(), converter=as_strings("priorities"))
    quotes: tuple[Quote, ...] = attrs.field(default=(), converter=as_records(Quote, "quotes"))


@attrs.frozen(kw_only=True)
class GroupRecord:
    """Everything a group file holds."""

    group: Group
    members: tuple[Member, ...] = ()
    engagements: tuple[Engagement, ...] = ()
    feedback: tuple[FeedbackItem, ...] = ()
    charter: tuple[CharterVersion, ...] = ()
    report: tuple[ReportSections, ...] = ()

    def year_of(self, day: dt.date) -> int:
        """The group's year a day falls in, named by the calendar year it starts in (with
        ``year_starts = "04-01"``, 2024-03-31 is in 2023)."""
        month, date = (int(part) for part in self.group.year_starts.split("-"))
        return day.year if (day.month, day.day) >= (month, date) else day.year - 1

    def year_span(self, year: int) -> tuple[dt.date, dt.date]:
        """The first and last day of the group's year ``year`` (1 to 9998)."""
        if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= LAST_YEAR:
            check_year(year)
        month, day = (int(part) for part in self.group.year_starts.split("-"))
        first = dt.date(year, month, day)
        return first, dt.date(year + 1, month, day) - dt.timedelta(days=1)

    def without_member(self, code: str) -> GroupRecord:
        """The record with one member erased: their entry, their place in every engagement
        and in every charter version's agreement. What they took part in stays, without
        them (so the year's hours and payments no longer count theirs)."""
        return attrs.evolve(
            self,
            members=tuple(m for m in self.members if m.code != code),
            engagements=tuple(
                attrs.evolve(e, members=tuple(c for c in e.members if c != code))
                if code in e.members
                else e
                for e in self.engagements
            ),
            charter=tuple(
                attrs.evolve(c, agreed_by=tuple(m for m in c.agreed_by if m != code))
                if code in c.agreed_by
                else c
                for c in self.charter
            ),
        )

    def names_member(self, code: str) -> bool:
        """Whether the member's code appears anywhere in the record."""
        return (
            any(m.code == code for m in self.members)
            or any(code in e.members for e in self.engagements)
            or any(code in c.agreed_by for c in self.charter)
        )

    def charter_on(self, day: dt.date) -> CharterVersion | None:
        """The charter version in force on ``day``: the latest agreed by then."""
        agreed = [c for c in self.charter if c.agreed_on <= day]
        return max(agreed, key=lambda c: (c.agreed_on, c.version)) if agreed else None
