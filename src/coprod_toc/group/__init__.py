"""The co-production group's own record: members, engagements (paid or not), feedback
loops ("you said, we did, we told you"), a living charter and the sections of its annual
report, read from a group file and checked like a map.

    from coprod_toc import group
    record = group.load_group("group.toml")
    report = group.validate_group(record)    # .ok, .findings, as for a map
    ct.group_report(record, 2023)            # a year's figures beside the year before
    ct.render(record, "html", year=2023, work_plan=toc)   # the annual report
    store.save_group("advisory-group", record)            # kept with its history
"""

from coprod_toc.group.figures import group_report
from coprod_toc.group.file import dumps_group, group_document, load_group, loads_group, schema
from coprod_toc.group.records import (
    CharterVersion,
    Commitment,
    Engagement,
    EngagementKind,
    FeedbackItem,
    FeedbackStatus,
    Group,
    GroupRecord,
    Member,
    MemberRole,
    Quote,
    ReportSections,
)
from coprod_toc.group.validation import GROUP_RULES, validate_group
from coprod_toc.group.work_plan import (
    WORK_PLAN_RULES,
    with_group_evidence,
    work_plan_findings,
    work_plan_progress,
)

__all__ = [
    "GROUP_RULES",
    "WORK_PLAN_RULES",
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
    "dumps_group",
    "group_document",
    "group_report",
    "load_group",
    "loads_group",
    "schema",
    "validate_group",
    "with_group_evidence",
    "work_plan_findings",
    "work_plan_progress",
]
