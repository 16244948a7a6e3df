"""What every annual-report renderer shows of a group's year, worked out once: the figures
beside the year before, the chart's series, the workstreams, the feedback loops, the charter,
the work plan and the group's own sections.

Renderers differ in syntax, not in what they show, so the choice of what to show and its
wording lives here. Figures come from :func:`coprod_toc.group.group_report` and
:func:`coprod_toc.group.work_plan_progress` only, so every report counts alike. Members
appear as counts, never by code; payments only as totals.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from coprod_toc.graph import TheoryOfChange
from coprod_toc.group.figures import group_report, year_change
from coprod_toc.group.records import FeedbackItem, FeedbackStatus, GroupRecord, ReportSections
from coprod_toc.group.work_plan import work_plan_progress

__all__ = [
    "AnnualReport",
    "CharterView",
    "CommitmentRow",
    "FeedbackRow",
    "FigureRow",
    "number",
    "when",
]


def number(value: float | int | None, *, places: int | None = None) -> str:
    """A figure as a reader sees it: ``4``, ``2.5``, ``1,250.00`` (places for money), or an
    en dash for a figure that cannot be worked out."""
    if value is None:
        return "–"
    if places is not None:
        return f"{value:,.{places}f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def change(value: float | None) -> str:
    """A year-on-year change: ``+83%``, ``-20%``, or ``new`` when last year had none."""
    return "new" if value is None else f"{value:+.0%}"


def when(day: dt.date | None) -> str:
    """A date in words: ``20 April 2023``."""
    return "–" if day is None else f"{day.day} {day:%B %Y}"


@attrs.frozen
class FigureRow:
    """One line of the key figures: what, this year, last year, the change."""

    label: str
    this: str
    last: str
    change: str = ""


@attrs.frozen
class FeedbackRow:
    """One loop of "you said, we did, we told you"."""

    id: str
    said_on: str
    said: str
    to: str
    did: str
    status: str
    told_back: str
    reason: str
    #: The status itself, for renderers that word it their own way.
    state: FeedbackStatus = FeedbackStatus.OPEN


_STATUS_WORDS = {
    FeedbackStatus.OPEN: "waiting for an answer",
    FeedbackStatus.ADOPTED: "done as asked",
    FeedbackStatus.PARTLY: "partly done",
    FeedbackStatus.DECLINED: "not done",
}


def _feedback_row(item: FeedbackItem) -> FeedbackRow:
    return FeedbackRow(
        id=item.id,
        said_on=when(item.date),
        said=item.said,
        to=item.to or "",
        did=item.did or "",
        status=_STATUS_WORDS[item.status],
        told_back=when(item.told_back_on) if item.told_back_on else "not yet",
        reason=item.reason or "",
        state=item.status,
    )


@attrs.frozen
class CommitmentRow:
    what: str
    at_least: int
    held: int
    met: bool


@attrs.frozen
class CharterView:
    """The charter in force at the year's end."""

    version: int
    agreed_on: str
    agreed_by: int
    review_on: str
    review_overdue: bool
    knowns: tuple[str, ...]
    unknowns: tuple[str, ...]
    aspirations: tuple[str, ...]
    commitments: tuple[CommitmentRow, ...]


@attrs.frozen
class AnnualReport:
    """A group's year as every annual-report renderer shows it."""

    group: str
    organisation: str | None
    lead: str | None
    year: int
    year_label: str
    previous_label: str
    period: str
    figures: dict[str, Any]
    key_figures: tuple[FigureRow, ...]
    #: The chart's series: (what, this year, last year), counts only.
    chart: tuple[tuple[str, float, float], ...]
    by_kind: tuple[FigureRow, ...]
    roles: tuple[FigureRow, ...] | str
    #: Per workstream: name, hours given, answers acted on, answers told back.
    workstreams: tuple[tuple[str, str, int, int], ...]
    closed_loops: tuple[FeedbackRow, ...]
    open_loops: tuple[FeedbackRow, ...]
    charter: CharterView | None
    work_plan: dict[str, Any] | None
    #: Why the work plan is missing, when the record names one the host did not give.
    work_plan_missing: str | None
    sections: ReportSections | None

    @classmethod
    def of(
        cls, record: GroupRecord, year: int, work_plan: TheoryOfChange | None = None
    ) -> AnnualReport:
        figures = group_report(record, year)
        last = figures["previous"]
        first, end = record.year_span(year)
        feedback, before = figures["feedback"], last["feedback"]
        chart = (
            ("Meetings", figures["meetings"], last["meetings"]),
            ("Paid opportunities", figures["paid_opportunities"], last["paid_opportunities"]),
            ("Members taking part", figures["members_active"], last["members_active"]),
            ("Feedback loops closed", feedback["closed"], before["closed"]),
        )
        workstreams = tuple(
            (name, number(entry["hours"]), entry["acted_on"], entry["told_back"])
            for name, entry in figures["reciprocity"].items()
        )
        closed = tuple(
            _feedback_row(item)
            for item in record.feedback
            if item.told_back_on is not None and first <= item.told_back_on <= end
        )
        still_open = tuple(
            _feedback_row(item)
            for item in record.feedback
            if item.date <= end and (item.told_back_on is None or item.told_back_on > end)
        )
        named = record.group.work_plan
        missing = None
        if work_plan is None and named:
            missing = (
                f"The group's work plan (the map “{named}”) was not available when this "
                "report was made, so its progress is not shown here."
            )
        sections = next((s for s in record.report if s.year == year), None)
        return cls(
            group=record.group.name,
            organisation=record.group.organisation,
            lead=record.group.lead,
            year=year,
            year_label=_year_label(record, year),
            previous_label=_year_label(record, year - 1),
            period=f"{when(first)} to {when(end)}",
            figures=figures,
            key_figures=_key_figures(figures),
            chart=chart,
            by_kind=_by_kind(figures),
            roles=_roles(figures),
            workstreams=workstreams,
            closed_loops=closed,
            open_loops=still_open,
            charter=_charter(record, end, figures),
            work_plan=None if work_plan is None else work_plan_progress(record, work_plan, year),
            work_plan_missing=missing,
            sections=sections,
        )


def _row(
    label: str, now: float | None, before: float | None, places: int | None = None
) -> FigureRow:
    """A line of the key figures, with the change from last year where both are there."""
    return FigureRow(
        label,
        number(now, places=places),
        number(before, places=places),
        "" if now is None or before is None else change(year_change(now, before)),
    )


def _key_figures(figures: dict[str, Any]) -> tuple[FigureRow, ...]:
    last = figures["previous"]
    feedback, before = figures["feedback"], last["feedback"]
    return (
        _row("Meetings", figures["meetings"], last["meetings"]),
        _row("Engagements of every kind", figures["engagements"], last["engagements"]),
        _row(
            "Paid engagement opportunities",
            figures["paid_opportunities"],
            figures["paid_opportunities_previous"],
        ),
        _row(
            "Paid member engagements (members × paid opportunities)",
            figures["paid_member_engagements"],
            figures["paid_member_engagements_previous"],
        ),
        _row("Members taking part", figures["members_active"], last["members_active"]),
        _row("Hours given by members", figures["hours"], last["hours"]),
        _row(
            "Hours per member taking part",
            figures["hours_per_active_member"],
            last["hours_per_active_member"],
        ),
        _row("Payments to members (total)", figures["payments"], last["payments"], places=2),
        _row("Feedback items raised", feedback["opened"], before["opened"]),
        _row("Feedback loops closed (told back)", feedback["closed"], before["closed"]),
        _row("Feedback loops open at the year's end", feedback["open"], before["open"]),
        _row(
            "Median days from said to told back",
            feedback["median_days_to_close"],
            before["median_days_to_close"],
        ),
    )


def _by_kind(figures: dict[str, Any]) -> tuple[FigureRow, ...]:
    last = figures["previous"]
    kinds = sorted({*figures["engagements_by_kind"], *last["engagements_by_kind"]})
    return tuple(
        FigureRow(
            kind.capitalize(),
            number(figures["engagements_by_kind"].get(kind, 0)),
            number(last["engagements_by_kind"].get(kind, 0)),
        )
        for kind in kinds
    )


def _roles(figures: dict[str, Any]) -> tuple[FigureRow, ...] | str:
    """Members taking part by role, or why that is withheld (a small group)."""
    roles_now, roles_before = figures["members_by_role"], figures["previous"]["members_by_role"]
    if isinstance(roles_now, str):
        return roles_now

    def shown(count: int | str | None) -> str:
        return count.replace("withheld: ", "") if isinstance(count, str) else number(count)

    return tuple(
        FigureRow(
            role.replace("_", " ").capitalize(),
            shown(count),
            "–" if isinstance(roles_before, str) else shown(roles_before.get(role, 0)),
        )
        for role, count in roles_now.items()
    )


def _year_label(record: GroupRecord, year: int) -> str:
    """``2023``, or ``2023–24`` for a year that does not start on 1 January."""
    if record.group.year_starts == "01-01":
        return str(year)
    return f"{year}–{(year + 1) % 100:02d}"


def _charter(record: GroupRecord, end: dt.date, figures: dict[str, Any]) -> CharterView | None:
    charter = record.charter_on(end)
    if charter is None:
        return None
    held = figures["engagements_by_kind"]
    return CharterView(
        version=charter.version,
        agreed_on=when(charter.agreed_on),
        agreed_by=len(charter.agreed_by),
        review_on=when(charter.review_on) if charter.review_on else "not set",
        review_overdue=bool(figures["charter"]["review_overdue"]),
        knowns=charter.knowns,
        unknowns=charter.unknowns,
        aspirations=charter.aspirations,
        commitments=tuple(
            CommitmentRow(
                c.what.value,
                c.at_least,
                held.get(c.what.value, 0),
                held.get(c.what.value, 0) >= c.at_least,
            )
            for c in charter.commitments
        ),
    )
