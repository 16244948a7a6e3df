"""Checking a group record: coded findings like the map's (``ValidationReport``), ``nodes``
naming the members, feedback items or charter versions concerned.

Errors are facts that cannot be right (a member code nobody has, a loop told back before it
was said); warnings are promises not kept (a charter commitment missed in a year, a review
overdue, a member with no engagement in a year). Year checks cover the group's years that
have ended by ``on`` (today unless given), so a year still running is never judged.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from coprod_toc.analysis.validation import Finding, Severity, ValidationReport
from coprod_toc.errors import ModelError
from coprod_toc.graph import TheoryOfChange
from coprod_toc.group.records import LAST_YEAR, FeedbackStatus, GroupRecord
from coprod_toc.group.work_plan import WORK_PLAN_RULES, check_work_plan, work_plan_findings

__all__ = ["GROUP_RULES", "validate_group"]

#: Every rule's code, severity and one-line summary (docs/group.md lists them).
GROUP_RULES: dict[str, tuple[Severity, str]] = {
    "unknown-member": (
        Severity.ERROR, "an engagement or charter names a member code the file does not have"
    ),
    "engaged-outside-membership": (
        Severity.ERROR, "a member took part before they joined or after they left"
    ),
    "acted-before-said": (Severity.ERROR, "a feedback item was acted on before it was said"),
    "told-back-before-said": (Severity.ERROR, "a feedback item was told back before it was said"),
    "declined-without-reason": (Severity.ERROR, "a declined feedback item gives no reason"),
    "commitment-not-met": (Severity.WARNING, "a charter commitment was not met in a year"),
    "charter-review-overdue": (Severity.WARNING, "the charter in force is past its review date"),
    "member-without-engagement": (Severity.WARNING, "a member took part in nothing in a year"),
    "charter-agreed-by-few": (
        Severity.WARNING, "a charter version was agreed by fewer than half the members then active"
    ),
}  # fmt: skip


def validate_group(
    record: GroupRecord, *, on: dt.date | None = None, work_plan: TheoryOfChange | None = None
) -> ValidationReport:
    """Check ``record`` as of the day ``on`` (default today), and, given the group's work
    plan, the nodes its engagements and feedback name (:data:`WORK_PLAN_RULES`). Linear in
    the size of the file, times the number of ended years for the year checks."""
    if on is not None and (not isinstance(on, dt.date) or isinstance(on, dt.datetime)):
        raise ModelError(f"on= takes a date (datetime.date), not {on!r}")
    if work_plan is not None:
        check_work_plan(work_plan)
    today = on or dt.date.today()
    findings = [
        *_members_named(record),
        *_feedback(record),
        *_years(record, today),
        *_charter(record, today),
        *(work_plan_findings(record, work_plan) if work_plan is not None else ()),
    ]
    order = [*GROUP_RULES, *WORK_PLAN_RULES]
    findings.sort(key=lambda f: order.index(f.code))  # stable: file order within a rule
    return ValidationReport(tuple(findings))


def _finding(code: str, nodes: tuple[str, ...], message: str) -> Finding:
    return Finding(code, GROUP_RULES[code][0], nodes, message)


def _members_named(record: GroupRecord) -> Iterator[Finding]:
    members = {m.code: m for m in record.members}
    for engagement in record.engagements:
        for code in engagement.members:
            member = members.get(code)
            what = f"{engagement.title!r} on {engagement.date}"
            if member is None:
                yield _finding(
                    "unknown-member", (code,), f"{what} names {code}, who is not a member"
                )
            elif not member.active_on(engagement.date):
                when = (
                    f"before they joined on {member.joined}"
                    if engagement.date < member.joined
                    else f"after they left on {member.left}"
                )
                yield _finding(
                    "engaged-outside-membership", (code,), f"{code} took part in {what} {when}"
                )
    for version in record.charter:
        for code in version.agreed_by:
            if code not in members:
                yield _finding(
                    "unknown-member", (code,),
                    f"charter version {version.version} was agreed by {code}, who is not a member",
                )  # fmt: skip


def _feedback(record: GroupRecord) -> Iterator[Finding]:
    for item in record.feedback:
        if item.did_on is not None and item.did_on < item.date:
            yield _finding(
                "acted-before-said", (item.id,),
                f"{item.id} was acted on ({item.did_on}) before it was said ({item.date})",
            )  # fmt: skip
        if item.told_back_on is not None and item.told_back_on < item.date:
            yield _finding(
                "told-back-before-said", (item.id,),
                f"{item.id} was told back ({item.told_back_on}) before it was said ({item.date})",
            )  # fmt: skip
        if item.status is FeedbackStatus.DECLINED and item.reason is None:
            yield _finding(
                "declined-without-reason", (item.id,),
                f"{item.id} was declined without a reason: the group is owed one",
            )  # fmt: skip


def _ended_years(record: GroupRecord, today: dt.date) -> list[int]:
    """The group's years from its first member or engagement to the last one ended by today."""
    starts = [m.joined for m in record.members] + [e.date for e in record.engagements]
    if not starts:
        return []
    first, current = record.year_of(min(starts)), record.year_of(today)
    return list(range(max(first, 1), min(current, LAST_YEAR + 1)))


def _years(record: GroupRecord, today: dt.date) -> Iterator[Finding]:
    by_year: dict[int, Counter[str]] = {}
    took_part: dict[int, set[str]] = {}
    for engagement in record.engagements:
        year = record.year_of(engagement.date)
        by_year.setdefault(year, Counter())[engagement.kind.value] += 1
        took_part.setdefault(year, set()).update(engagement.members)
    for year in _ended_years(record, today):
        first, last = record.year_span(year)
        charter = record.charter_on(last)
        for commitment in charter.commitments if charter is not None else ():
            held = by_year.get(year, Counter())[commitment.what.value]
            if held < commitment.at_least:
                yield _finding(
                    "commitment-not-met", (f"charter-{charter.version}",),  # type: ignore[union-attr]
                    f"{year}: {held} {commitment.what.value} engagement(s), where the charter "
                    f"commits to at least {commitment.at_least} a year",
                )  # fmt: skip
        for member in record.members:
            if member.active_between(first, last) and member.code not in took_part.get(year, ()):
                yield _finding(
                    "member-without-engagement", (member.code,),
                    f"{year}: {member.code} took part in nothing all year",
                )  # fmt: skip


def _charter(record: GroupRecord, today: dt.date) -> Iterator[Finding]:
    current = record.charter_on(today)
    if current is not None and current.review_on is not None and current.review_on < today:
        yield _finding(
            "charter-review-overdue", (f"charter-{current.version}",),
            f"charter version {current.version} was due for review on {current.review_on}",
        )  # fmt: skip
    for version in record.charter:
        active = [m.code for m in record.members if m.active_on(version.agreed_on)]
        agreed = set(version.agreed_by) & set(active)
        if active and 2 * len(agreed) < len(active):
            yield _finding(
                "charter-agreed-by-few", (f"charter-{version.version}",),
                f"charter version {version.version} was agreed by {len(agreed)} of the "
                f"{len(active)} members active on {version.agreed_on}",
            )  # fmt: skip
