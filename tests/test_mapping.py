"""Backwards mapping: which step comes next, and the guiding questions for each."""

from __future__ import annotations

import coprod_toc as ct
from coprod_toc.analysis import BUILTIN_RULES, Step


def test_steps_follow_backwards_mapping_as_the_map_grows() -> None:
    """Empty → problem → impacts → outcomes → activities → review."""
    toc = ct.TheoryOfChange()
    seen = [ct.next_step(toc).step.step]
    toc.set_problem("People have nowhere to meet")
    seen.append(ct.next_step(toc).step.step)
    toc.add_impact("A place to meet", kind="project", id="I1")
    toc.add_impact("A place people shaped", kind="coproduction", id="I2")
    seen.append(ct.next_step(toc).step.step)
    toc.add_outcome("Building open", kind="project", leads_to=["I1"], id="O1")
    toc.add_outcome("People decide", kind="coproduction", leads_to=["I2"], id="C1")
    seen.append(ct.next_step(toc).step.step)
    toc.add_activity("Open it", kind="project", contributes_to=["O1"])
    toc.add_activity("Planning group", kind="coproduction", contributes_to=["C1"])
    seen.append(ct.next_step(toc).step.step)
    assert seen == [
        Step.PROBLEM,
        Step.IMPACTS,
        Step.OUTCOMES,
        Step.ACTIVITIES,
        Step.REVIEW,
    ]


def test_next_step_says_which_findings_keep_it_open() -> None:
    """The reason for the step is the validation findings behind it."""
    toc = ct.TheoryOfChange()
    toc.set_problem("why")
    toc.add_impact("what", kind="project")
    nxt = ct.next_step(toc)
    assert nxt.step.step is Step.IMPACTS
    assert [f.code for f in nxt.findings] == ["missing-coproduction-impact"]


def test_every_step_offers_guiding_questions() -> None:
    """Each step has a title, guidance and at least one question, as data."""
    assert [s.step for s in ct.STEPS] == list(Step)
    for step in ct.STEPS:
        assert step.title and step.guidance and step.questions
        assert all(q.endswith(("?", ")")) for q in step.questions)


def test_step_codes_are_real_rule_codes() -> None:
    """Steps refer only to rules that exist."""
    known = {rule.code for rule in BUILTIN_RULES}
    for step in ct.STEPS:
        assert step.open_while <= known
