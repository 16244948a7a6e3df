"""The co-production group's own record: members, engagements (paid or not), feedback
loops ("you said, we did, we told you"), a living charter and the sections of its annual
report, read from a group file and checked like a map.

    from coprod_toc import group
    record = group.load_group("group.toml")
    report = group.validate_group(record)    # .ok, .findings, as for a map
"""

from coprod_toc.group.figures import group_report
from coprod_toc.group.file import load_group, loads_group, schema
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

__all__ = [
    "GROUP_RULES",
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
    "group_report",
    "load_group",
    "loads_group",
    "schema",
    "validate_group",
]
