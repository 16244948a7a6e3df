"""The group's work plan as a Theory of Change: a map like any other, whose activities the
group's engagements evidence and whose outcomes its feedback loops evidence.

:func:`with_group_evidence` gives the map with that evidence added (to save, render or
analyse as any map); :func:`work_plan_progress` gives what an annual report shows of it: the
map's split and progress, and, per activity and outcome, what the year brought.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from coprod_toc.analysis.progress import progress
from coprod_toc.analysis.split import split
from coprod_toc.analysis.validation import Finding, Severity
from coprod_toc.errors import ModelError
from coprod_toc.evidence.records import EvidenceItem, EvidenceType
from coprod_toc.graph import TheoryOfChange
from coprod_toc.group.records import Engagement, FeedbackItem, GroupRecord, check_year
from coprod_toc.model import NodeType

__all__ = [
    "WORK_PLAN_RULES",
    "check_work_plan",
    "with_group_evidence",
    "work_plan_findings",
    "work_plan_progress",
]

#: What engagements and feedback may evidence: an engagement is work done (an activity), a
#: feedback loop a change made (an outcome).
_EVIDENCES = {"engagements": NodeType.ACTIVITY, "feedback": NodeType.OUTCOME}

#: The codes of what :func:`work_plan_findings` reports (docs/group.md lists them).
WORK_PLAN_RULES: dict[str, tuple[Severity, str]] = {
    "work-plan-unknown-node": (
        Severity.ERROR, "an engagement or feedback item names a node the work plan does not have"
    ),
    "work-plan-wrong-node": (
        Severity.ERROR,
        "an engagement names a node that is not an activity, or a feedback item one that is "
        "not an outcome",
    ),
}  # fmt: skip


def check_work_plan(toc: object) -> TheoryOfChange:
    """The work plan given: a map (else ModelError)."""
    if not isinstance(toc, TheoryOfChange):
        raise ModelError(f"the work plan is a map (a TheoryOfChange), not {type(toc).__name__}")
    return toc


def _references(record: GroupRecord) -> Iterator[tuple[str, Engagement | FeedbackItem, str]]:
    """Each node an engagement or feedback item names: (list, entry, node id)."""
    for engagement in record.engagements:
        for node in engagement.nodes:
            yield "engagements", engagement, node
    for item in record.feedback:
        for node in item.nodes:
            yield "feedback", item, node


def _what(entry: Engagement | FeedbackItem) -> str:
    if isinstance(entry, FeedbackItem):
        return f"feedback item {entry.id}"
    return f"engagement {entry.title!r} on {entry.date}"


def work_plan_findings(record: GroupRecord, toc: TheoryOfChange) -> list[Finding]:
    """Coded findings for references the work plan cannot take (names the node)."""
    check_work_plan(toc)
    findings = []
    for key, entry, node in _references(record):
        wanted = _EVIDENCES[key]
        if node not in toc:
            code = "work-plan-unknown-node"
            message = f"{_what(entry)} names {node}, which the work plan does not have"
        elif toc.get(node).node_type is not wanted:
            code = "work-plan-wrong-node"
            message = (
                f"{_what(entry)} names {node}, a {toc.get(node).node_type.value}: "
                f"{key} evidence {wanted.value}s"
            )
        else:
            continue
        findings.append(Finding(code, WORK_PLAN_RULES[code][0], (node,), message))
    return findings


def _usable(toc: TheoryOfChange, key: str, nodes: tuple[str, ...]) -> tuple[str, ...]:
    wanted = _EVIDENCES[key]
    return tuple(n for n in nodes if n in toc and toc.get(n).node_type is wanted)


def with_group_evidence(record: GroupRecord, toc: TheoryOfChange) -> TheoryOfChange:
    """A copy of the work plan with an evidence item for each engagement and feedback item
    that names its nodes (ids ``group-engagement-N`` and ``group-feedback-ID``). References
    the map cannot take are left out: :func:`work_plan_findings` names them. Members are
    never named: the items say what happened, not who was there."""
    plan = check_work_plan(toc).copy()
    items = []
    for index, engagement in enumerate(record.engagements, start=1):
        nodes = _usable(plan, "engagements", engagement.nodes)
        if nodes:
            items.append(
                EvidenceItem(
                    id=f"group-engagement-{index}",
                    type=EvidenceType.GROUP_CONVERSATION,
                    date=engagement.date,
                    nodes=nodes,
                    content=f"{engagement.kind.value}: {engagement.title} "
                    f"({len(engagement.members)} members)",
                    source=record.group.name,
                )
            )
    for item in record.feedback:
        nodes = _usable(plan, "feedback", item.nodes)
        if nodes:
            did = f" We did: {item.did}" if item.did else ""
            items.append(
                EvidenceItem(
                    id=f"group-feedback-{item.id}",
                    type=EvidenceType.LOGBOOK_ENTRY,
                    date=item.date,
                    nodes=nodes,
                    content=f"You said: {item.said}.{did} ({item.status.value})",
                    source=record.group.name,
                )
            )
    known = {existing.id for existing in plan.evidence.items}
    plan.evidence.extend(item for item in items if item.id not in known)
    return plan


def work_plan_progress(record: GroupRecord, toc: TheoryOfChange, year: int) -> dict[str, Any]:
    """What the annual report shows of the work plan in the group's year ``year``: the
    map's progress and co-production split, and per activity and outcome the engagements
    (with hours) and feedback loops (and how many closed) that evidence it in the year.

    :raises CycleError: the work plan's links go round in a circle.
    """
    check_work_plan(toc)
    first, last = record.year_span(check_year(year))
    per_node: dict[str, dict[str, Any]] = {
        node_id: {"engagements": 0, "hours": 0, "feedback": 0, "closed": 0}
        for node_id in [a.id for a in toc.activities()] + [o.id for o in toc.outcomes()]
    }
    for key, entry, node in _references(record):
        # per_node holds the activities and outcomes: the type must be the one key evidences.
        usable = node in per_node and toc.get(node).node_type is _EVIDENCES[key]
        if not usable or not first <= entry.date <= last:
            continue
        figures = per_node[node]
        if isinstance(entry, Engagement):
            figures["engagements"] += 1
            figures["hours"] += (entry.hours or 0) * len(entry.members)
        else:
            figures["feedback"] += 1
            if entry.told_back_on is not None and entry.told_back_on <= last:
                figures["closed"] += 1
    made = progress(toc)
    shares = split(toc).to_dict()
    nodes = []
    for activity in toc.activities():
        nodes.append(_node(activity, activity.status.value, per_node))
    for outcome in toc.outcomes():
        latest = outcome.latest_assessment
        nodes.append(_node(outcome, None if latest is None else latest.status.value, per_node))
    statuses = [a.latest.status.value for a in made.achievements if a.latest is not None]
    return {
        "map": toc.title,
        "year": year,
        "activities": made.activities.to_dict(),
        "achievements": {
            "assessed": len(statuses),
            "achieved": statuses.count("achieved"),
            "total": len(made.achievements),
        },
        "pathways": [p.explanation for p in made.pathways],
        "coproduction_share": {
            "activities": shares["activities"]["share"],
            "outcomes": shares["outcomes"]["share"],
            # None when the map reaches no impact yet (a draft): there is nothing to share.
            "contribution": (shares["overall"] or {}).get("coproduction"),
        },
        "nodes": nodes,
        "without_evidence": [n["id"] for n in nodes if not n["engagements"] and not n["feedback"]],
        "findings": [f.to_dict() for f in work_plan_findings(record, toc)],
    }


def _node(node: Any, status: str | None, per_node: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": node.id,
        "type": node.node_type.value,
        "kind": node.kind.value,
        "text": node.text,
        "status": status,
        **per_node[node.id],
    }
