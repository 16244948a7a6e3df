"""A year's figures of a co-production group, beside the year before: meetings, paid
opportunities and their growth, hours and payments, members taking part, workstreams,
feedback loops opened and closed, the charter's commitments, and reciprocity.

Numbers are numbers, unrounded; changes are fractions (``(this - last) / last``, ``None``
when last year had none). Totals are always shown; payments only as totals; a breakdown of
people by role is withheld from a group smaller than the library's small-group threshold
(:data:`coprod_toc.evidence.SUPPRESS_BELOW`), since a role of two could name a person.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from typing import Any

from coprod_toc.evidence.change import SUPPRESS_BELOW
from coprod_toc.group.records import EngagementKind, FeedbackStatus, GroupRecord, check_year

__all__ = ["group_report", "year_change"]


def group_report(record: GroupRecord, year: int) -> dict[str, Any]:
    """The figures of the group's year ``year`` (named by the calendar year it starts in),
    with last year's beside them, as JSON-ready data (see docs/group.md for each field).

    :raises ModelError: ``year`` is not a whole number from 2 to 9998.
    """
    check_year(year)
    this, last = _year(record, year), _year(record, year - 1)
    figures = dict(this)
    for name in ("paid_opportunities", "paid_member_engagements"):
        figures[f"{name}_previous"] = last[name]
        figures[f"{name}_change"] = year_change(this[name], last[name])
    figures["previous"] = last
    return figures


def year_change(now: float | None, before: float | None) -> float | None:
    """The change from last year as a fraction, ``(now - before) / before``; ``None``
    when either is missing or last year had none (there is nothing to divide by)."""
    return None if now is None or not before else (now - before) / before


def _year(record: GroupRecord, year: int) -> dict[str, Any]:
    first, last = record.year_span(year)
    engagements = [e for e in record.engagements if first <= e.date <= last]
    paid = [e for e in engagements if e.paid]
    taking_part = {code for e in engagements for code in e.members}
    hours = sum((e.hours or 0) * len(e.members) for e in engagements)
    kinds = Counter(e.kind.value for e in engagements)
    return {
        "year": year,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "meetings": kinds[EngagementKind.MEETING.value],
        "engagements": len(engagements),
        "engagements_by_kind": dict(sorted(kinds.items())),
        "paid_opportunities": len(paid),
        "paid_member_engagements": sum(len(e.members) for e in paid),
        "hours": hours,
        "payments": sum((e.payment or 0) * len(e.members) for e in paid),
        "members_active": len(taking_part),
        "hours_per_active_member": hours / len(taking_part) if taking_part else None,
        "members_by_role": _by_role(record, taking_part),
        "workstreams": sorted({e.workstream for e in engagements if e.workstream}),
        "feedback": _feedback(record, first, last),
        "charter": _charter(record, engagements, last),
        "reciprocity": _reciprocity(record, engagements, first, last),
    }


def _by_role(record: GroupRecord, taking_part: set[str]) -> dict[str, int | str] | str:
    """Members taking part by role; a role of fewer than the threshold is withheld too, as
    is the whole breakdown of a small group (a role of one names a person)."""
    if len(taking_part) < SUPPRESS_BELOW:
        return f"withheld: fewer than {SUPPRESS_BELOW} members took part"
    roles = Counter(m.role.value for m in record.members if m.code in taking_part)
    return {
        role: count if count >= SUPPRESS_BELOW else f"withheld: fewer than {SUPPRESS_BELOW}"
        for role, count in sorted(roles.items())
    }


def _feedback(record: GroupRecord, first: dt.date, last: dt.date) -> dict[str, Any]:
    said = [f for f in record.feedback if first <= f.date <= last]
    closed = [f for f in record.feedback if f.told_back_on and first <= f.told_back_on <= last]
    still_open = [
        f for f in record.feedback
        if f.date <= last and (f.told_back_on is None or f.told_back_on > last)
    ]  # fmt: skip
    days = [(f.told_back_on - f.date).days for f in closed if f.told_back_on]
    statuses = Counter(f.status for f in said)
    return {
        "opened": len(said),
        "closed": len(closed),
        "open": len(still_open),
        "median_days_to_close": statistics.median(days) if days else None,
        "adopted": statuses[FeedbackStatus.ADOPTED],
        "partly": statuses[FeedbackStatus.PARTLY],
        "declined": statuses[FeedbackStatus.DECLINED],
    }


def _charter(record: GroupRecord, engagements: list[Any], last: dt.date) -> dict[str, Any]:
    charter = record.charter_on(last)
    held = Counter(e.kind for e in engagements)
    commitments = charter.commitments if charter is not None else ()
    met = sum(1 for c in commitments if held[c.what] >= c.at_least)
    overdue = charter is not None and charter.review_on is not None and charter.review_on < last
    return {
        "version": charter.version if charter is not None else None,
        "commitments_met": met,
        "commitments_missed": len(commitments) - met,
        "review_overdue": overdue,
    }


def _reciprocity(
    record: GroupRecord, engagements: list[Any], first: dt.date, last: dt.date
) -> dict[str, dict[str, Any]]:
    """Per workstream: the hours the group gave, and the organisation's answers to what it
    said there, acted on and told back in the year."""
    found: dict[str, dict[str, Any]] = {}

    def entry(name: str) -> dict[str, Any]:
        return found.setdefault(name, {"hours": 0, "acted_on": 0, "told_back": 0})

    for engagement in engagements:
        if engagement.workstream:
            entry(engagement.workstream)["hours"] += (engagement.hours or 0) * len(
                engagement.members
            )
    for item in record.feedback:
        if not item.workstream:
            continue
        if item.did_on is not None and first <= item.did_on <= last:
            entry(item.workstream)["acted_on"] += 1
        if item.told_back_on is not None and first <= item.told_back_on <= last:
            entry(item.workstream)["told_back"] += 1
    return dict(sorted(found.items()))
