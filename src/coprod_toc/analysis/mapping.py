"""Backwards mapping: the order a map is built in, and the questions that guide each step.

The steps are data (for the ``map`` walk-through and for host applications' own screens).
Which step comes next is read off the validation findings, so the rules stay in one place.
"""

from __future__ import annotations

import enum

import attrs

from coprod_toc.analysis.validation import Finding, ValidationReport, validate
from coprod_toc.graph import TheoryOfChange

__all__ = ["STEPS", "MappingStep", "NextStep", "Step", "next_step"]


class Step(enum.StrEnum):
    """The steps of SCIE's backwards mapping, in order."""

    PROBLEM = "problem"
    IMPACTS = "impacts"
    OUTCOMES = "outcomes"
    ACTIVITIES = "activities"
    REVIEW = "review"


@attrs.frozen
class MappingStep:
    """One step of backwards mapping with its guiding questions.

    ``open_while`` lists the validation codes that mean the step is not finished.
    """

    step: Step
    title: str
    guidance: str
    questions: tuple[str, ...]
    open_while: frozenset[str]


STEPS: tuple[MappingStep, ...] = (
    MappingStep(
        Step.PROBLEM,
        "The problem",
        "Start with why the project is needed, in the words of the people it is for.",
        (
            "What is the problem or issue the project wants to change?",
            "Who is affected by it?",
            "What do people who draw on care and support say about it?",
            "What do we already know about it (evidence, context)?",
        ),
        frozenset({"missing-problem"}),
    ),
    MappingStep(
        Step.IMPACTS,
        "The impact",
        "Say what change should remain after the activities end: the project impact, and the "
        "co-production impact — the difference that working together should make.",
        (
            "What will be different when the project has done its work? (project impact)",
            "What will be different because people with lived experience shaped the work? "
            "(co-production impact)",
            "Who will notice the change, and how?",
        ),
        frozenset({"no-impact", "missing-project-impact", "missing-coproduction-impact"}),
    ),
    MappingStep(
        Step.OUTCOMES,
        "The outcomes",
        "Work backwards from each impact: what must change first? Short-term outcomes are the "
        "co-production achievements you will assess along the way.",
        (
            "What needs to happen before the impact can be reached?",
            "Which of these changes come from the project, and which from co-production?",
            "Which changes can we see in the short term (achievements), and which take longer?",
            "How will we know each change has happened (indicators)?",
        ),
        frozenset(
            {
                "impact-not-reached",
                "outcome-reaches-no-impact",
                "coproduction-impact-without-coproduction-outcome",
            }
        ),
    ),
    MappingStep(
        Step.ACTIVITIES,
        "The activities",
        "For each outcome, list what will be done to bring it about. One activity may serve "
        "several outcomes, and one outcome may need several activities.",
        (
            "What will we do to bring about each outcome?",
            "Which activities are done with people who draw on care (co-production activities)?",
            "Who takes part in each activity, and in what role?",
            "How far up the ladder of co-production does each co-production activity go?",
        ),
        frozenset({"outcome-without-activity", "activity-contributes-to-nothing"}),
    ),
    MappingStep(
        Step.REVIEW,
        "Review",
        "Read the map through with the co-production group and check that every link makes sense.",
        (
            "Does every activity lead, through outcomes, to an impact?",
            "What are we assuming for each link to hold? What helps it happen (enablers)?",
            "Would the people who took part recognise this map as theirs?",
        ),
        frozenset(),
    ),
)


@attrs.frozen
class NextStep:
    """The step to work on now, and the findings that keep it open."""

    step: MappingStep
    findings: tuple[Finding, ...]


def next_step(toc: TheoryOfChange, report: ValidationReport | None = None) -> NextStep:
    """The earliest backwards-mapping step that is not finished (``review`` when all are)."""
    report = report if report is not None else validate(toc)
    for step in STEPS:
        blocking = tuple(f for f in report if f.code in step.open_while)
        if blocking:
            return NextStep(step, blocking)
    return NextStep(STEPS[-1], ())
