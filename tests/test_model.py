"""The attrs records: conversion of what users type, and clear errors for bad values."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import coprod_toc as ct
from coprod_toc.evidence import EvidenceItem


def test_kind_accepts_the_spelling_people_use() -> None:
    """'co-production', 'Co-Production' and 'coproduction' all mean the same kind."""
    for spelling in ("co-production", "Co-Production", "coproduction"):
        impact = ct.Impact(id="I1", statement="x", kind=spelling)
        assert impact.kind is ct.Kind.COPRODUCTION


def test_unknown_kind_names_the_field_and_the_choices() -> None:
    """A bad kind raises ModelError that says which field and what is allowed."""
    with pytest.raises(ct.ModelError, match=r"kind must be one of 'project', 'coproduction'"):
        ct.Outcome(id="O1", statement="x", kind="partnership")


def test_model_error_is_a_value_error_and_a_library_error() -> None:
    """ModelError can be caught as ValueError or as the library's root error."""
    assert issubclass(ct.ModelError, ValueError)
    assert issubclass(ct.ModelError, ct.CoprodTocError)


@pytest.mark.parametrize("statement", ["", "   ", None, 3])
def test_blank_statement_is_refused(statement: object) -> None:
    """A statement must hold some text."""
    with pytest.raises(ct.ModelError, match="statement must be a non-empty string"):
        ct.Impact(id="I1", statement=statement, kind="project")  # type: ignore[arg-type]


@pytest.mark.parametrize("node_id", ["", "has space", "-dash-first", "x" * 65, 7, "é"])
def test_invalid_ids_are_refused(node_id: object) -> None:
    """Ids are short, plain and safe to put in URLs and diagrams."""
    with pytest.raises(ct.ModelError, match="not a valid id"):
        ct.Problem(id=node_id, statement="x")  # type: ignore[arg-type]


@pytest.mark.parametrize("rung", [0, 8, 2.5, True])
def test_ladder_rung_is_one_to_seven(rung: object) -> None:
    """The ladder of co-production has rungs 1 to 7, whole numbers only."""
    with pytest.raises(ct.ModelError, match="ladder_rung must be a whole number from 1 to 7"):
        ct.Activity(id="A1", description="x", kind="project", ladder_rung=rung)


def test_ladder_name_follows_the_rung() -> None:
    """Rung 6 is co-design on the TLAP ladder."""
    activity = ct.Activity(id="A1", description="x", kind="coproduction", ladder_rung=6)
    assert activity.ladder_name == "co-design"


def test_dates_are_parsed_and_must_be_in_order() -> None:
    """ISO dates become dates; an end before the start is refused."""
    activity = ct.Activity(id="A1", description="x", kind="project", start="2025-01-10")
    assert activity.start == dt.date(2025, 1, 10)
    with pytest.raises(ct.ModelError, match="end 2025-01-01 is before start 2025-01-10"):
        attrs.evolve(activity, end="2025-01-01")


@pytest.mark.parametrize("level", [-1, 5, "3", 1.0])
def test_link_level_is_zero_to_four(level: object) -> None:
    """Contribution levels are whole numbers 0–4."""
    with pytest.raises(ct.ModelError, match="level must be a whole number from 0 to 4"):
        ct.Link(source="A1", target="O1", level=level)


def test_lists_become_tuples_so_records_stay_immutable() -> None:
    """Converters turn lists into tuples; frozen records cannot be changed in place."""
    problem = ct.Problem(id="P", statement="x", affected_groups=["carers"])
    assert problem.affected_groups == ("carers",)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        problem.statement = "y"  # type: ignore[misc]


def test_a_string_is_not_a_list_of_strings() -> None:
    """Passing "carers" where a list is expected is an error, not ('c', 'a', ...)."""
    with pytest.raises(ct.ModelError, match="affected_groups must be a list of strings"):
        ct.Problem(id="P", statement="x", affected_groups="carers")


@pytest.mark.parametrize("effort", [-1, float("nan"), float("inf"), "lots", False])
def test_effort_is_a_non_negative_number(effort: object) -> None:
    """Effort (sessions, hours, budget) is a finite number of 0 or more."""
    with pytest.raises(ct.ModelError, match="effort must be a number of 0 or more"):
        ct.Activity(id="A1", description="x", kind="project", effort=effort)


def test_indicator_values_must_be_numbers_or_text() -> None:
    """Baseline and target hold a number or a text, never NaN."""
    assert ct.Indicator(id="N1", description="x", baseline=3, target="most").target == "most"
    with pytest.raises(ct.ModelError, match="baseline must be a number or a text"):
        ct.Indicator(id="N1", description="x", baseline=float("nan"))


def test_assumption_attaches_to_a_node_or_a_link() -> None:
    """attached_to holds one node id or the two ends of a link."""
    assert ct.Assumption(id="S1", text="x", attached_to=["A1", "O1"]).attached_to == ("A1", "O1")
    with pytest.raises(ct.ModelError, match="attached_to must name one node or one link"):
        ct.Assumption(id="S1", text="x", attached_to=["A1", "O1", "I1"])


def test_short_outcomes_are_achievements() -> None:
    """Short-term outcomes are what SCIE calls co-production achievements."""
    assert ct.Outcome(id="O1", statement="x", kind="project").is_achievement
    assert not ct.Outcome(id="O1", statement="x", kind="project", horizon="long").is_achievement


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("nul\x00byte", "a control character"),
        ("bell\x07", "a control character"),
        ("escape\x1b[31m", "a control character"),
        ("lone \ud800 surrogate", "a lone surrogate"),
    ],
)
def test_a_text_no_store_or_file_could_hold_is_refused(text: str, what: str) -> None:
    """Control characters (but tab and line feed) and lone surrogates are refused in every
    text field, naming it, so every store, file and renderer meets the same text."""
    toc = ct.TheoryOfChange()
    with pytest.raises(ct.ModelError, match=f"statement holds {what}"):
        toc.add_impact(text, kind="project")
    with pytest.raises(ct.ModelError, match="title holds"):
        ct.TheoryOfChange(title=text)
    with pytest.raises(ct.ModelError, match="content holds"):
        EvidenceItem(id="q", type="document", content=text)


def test_line_breaks_are_line_feeds() -> None:
    """CR LF and a lone CR become LF; tabs stay."""
    toc = ct.TheoryOfChange()
    impact = toc.add_impact("one\r\ntwo\rthree\tfour", kind="project")
    assert toc.get(impact).statement == "one\ntwo\nthree\tfour"


def test_a_number_too_long_to_read_is_a_format_error_naming_where() -> None:
    """More digits than Python converts: FormatError with line and column, JSON and TOML."""
    digits = "1" + "0" * 5000
    with pytest.raises(ct.FormatError, match=r"5001 digits \(line 1, column"):
        ct.loads('{"format": "coprod-toc", "version": 1, "title": ' + digits + "}")
    with pytest.raises(ct.FormatError, match=r"5001 digits \(line 2, column 7\)"):
        ct.loads('title = "x"\nlevel=' + digits + "\n", format="toml")
