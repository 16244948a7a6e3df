"""The group file (part one of the group's record): read with every problem named by its
field, and checked by coded findings like a map's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.cli import main
from coprod_toc.group import GROUP_RULES, GroupRecord, load_group, loads_group, validate_group
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "group.toml"
BEFORE_REVIEW = dt.date(2024, 2, 1)

BASE = """
[group]
name = "Advisory group"

[[members]]
code = "M01"
role = "lived_experience"
joined = 2023-01-01

[[members]]
code = "M02"
role = "unpaid_carer"
joined = 2023-01-01
"""


def _codes(extra: str, on: dt.date = dt.date(2023, 6, 1)) -> list[str]:
    return [f.code for f in validate_group(loads_group(BASE + extra), on=on)]


def test_the_example_holds_together_before_its_review_date() -> None:
    record = load_group(EXAMPLE)
    assert len(record.members) == 4 and len(record.engagements) == 8
    assert validate_group(record, on=BEFORE_REVIEW).findings == ()


def test_the_example_is_overdue_for_review_after_the_waypoint() -> None:
    report = validate_group(load_group(EXAMPLE), on=dt.date(2024, 3, 1))
    assert [(f.code, f.nodes) for f in report] == [("charter-review-overdue", ("charter-2",))]
    assert report.ok  # a warning


def test_every_rule_is_listed_with_a_severity_and_summary() -> None:
    assert len(GROUP_RULES) == 9
    assert all(summary for _, summary in GROUP_RULES.values())


def test_an_unknown_member_code_is_an_error() -> None:
    extra = '[[engagements]]\ndate = 2023-02-01\nkind = "meeting"\ntitle = "M"\nmembers = ["M01", "M09"]\n'
    report = validate_group(loads_group(BASE + extra), on=dt.date(2023, 6, 1))
    assert [(f.code, f.nodes) for f in report] == [("unknown-member", ("M09",))]
    assert not report.ok


def test_taking_part_before_joining_or_after_leaving_is_an_error() -> None:
    extra = (
        '[[engagements]]\ndate = 2022-12-01\nkind = "meeting"\ntitle = "Early"\nmembers = ["M01"]\n'
    )
    assert _codes(extra) == ["engaged-outside-membership"]


def test_feedback_dates_that_cannot_be_and_a_declined_item_without_reason() -> None:
    extra = """
[[feedback]]
id = "F1"
date = 2023-03-01
said = "x"
did_on = 2023-02-01
told_back_on = 2023-02-15
status = "declined"
"""
    assert _codes(extra) == [
        "acted-before-said",
        "told-back-before-said",
        "declined-without-reason",
    ]


def test_a_commitment_missed_in_an_ended_year_is_a_warning_and_a_running_year_is_not_judged() -> (
    None
):
    extra = """
[[engagements]]
date = 2023-02-01
kind = "meeting"
title = "Only meeting"
members = ["M01", "M02"]

[[charter]]
version = 1
agreed_on = 2023-01-05
agreed_by = ["M01", "M02"]
commitments = [{ what = "meeting", at_least = 3, per = "year" }]
"""
    assert _codes(extra, on=dt.date(2023, 12, 31)) == []
    report = validate_group(loads_group(BASE + extra), on=dt.date(2024, 1, 1))
    assert [f.code for f in report] == ["commitment-not-met"]
    assert report.findings[0].message.startswith("2023: 1 meeting engagement(s)")


def test_a_member_with_no_engagement_in_an_ended_year() -> None:
    extra = '[[engagements]]\ndate = 2023-02-01\nkind = "meeting"\ntitle = "M"\nmembers = ["M01"]\n'
    report = validate_group(loads_group(BASE + extra), on=dt.date(2024, 1, 1))
    assert [(f.code, f.nodes) for f in report] == [("member-without-engagement", ("M02",))]


def test_a_financial_year_is_named_by_the_year_it_starts() -> None:
    record = loads_group(
        BASE.replace('name = "Advisory group"', 'name = "G"\nyear_starts = "04-01"')
    )
    assert (
        record.year_of(dt.date(2024, 3, 31)) == 2023 and record.year_of(dt.date(2024, 4, 1)) == 2024
    )
    assert record.year_span(2023) == (dt.date(2023, 4, 1), dt.date(2024, 3, 31))


def test_a_charter_agreed_by_fewer_than_half_the_members() -> None:
    extra = "[[charter]]\nversion = 1\nagreed_on = 2023-02-01\nagreed_by = []\n"
    assert _codes(extra) == ["charter-agreed-by-few"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[group]\n", "group: missing required field 'name'"),
        (
            '[group]\nname = "G"\n[[members]]\ncode = "M 1"\nrole = "staff"\njoined = 2023-01-01\n',
            "members[0].code",
        ),
        (
            '[group]\nname = "G"\n[[members]]\ncode = "M1"\nrole = "boss"\njoined = 2023-01-01\n',
            "members[0].role",
        ),
        ('[group]\nname = "G"\nyear_starts = "13-01"\n', "group.year_starts"),
        (
            '[group]\nname = "G"\n[[charter]]\nversion = 1\nagreed_on = 2023-01-01\ncommitments = [{ what = "party", at_least = 1 }]\n',
            "charter[0].commitments[0].what",
        ),
        (
            '[group]\nname = "G"\n[[members]]\ncode = "M1"\nrole = "staff"\njoined = 2023-01-01\n[[members]]\ncode = "M1"\nrole = "staff"\njoined = 2023-01-01\n',
            "members[1].code: code 'M1' is used twice",
        ),
        ('[group]\nname = "G"\n[memberz]\n', "unknown section 'memberz'"),
        ("not = [toml", "not valid TOML"),
    ],
)
def test_a_bad_file_names_the_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "group.toml"
    path.write_text(text)
    with pytest.raises(ct.FormatError) as caught:
        load_group(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


def test_the_command_exits_by_what_it_found(tmp_path: Path) -> None:
    runner = CliRunner()
    valid = runner.invoke(main, ["group", "validate", str(EXAMPLE), "--on", "2024-02-01"])
    assert valid.exit_code == 0 and "No findings" in valid.output
    late = runner.invoke(main, ["group", "validate", str(EXAMPLE), "--on", "2024-03-01", "--json"])
    assert late.exit_code == 1
    assert [f["code"] for f in json.loads(late.output)["findings"]] == ["charter-review-overdue"]
    broken = tmp_path / "broken.toml"
    broken.write_text("[group\n")
    unreadable = runner.invoke(main, ["group", "validate", str(broken)])
    assert unreadable.exit_code == 2 and "broken.toml: not valid TOML" in unreadable.output


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 3000) | st.text(max_size=6) | st.dates().map(str),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
KEYS = st.sampled_from(["group", "members", "engagements", "feedback", "charter", "report"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, JSONISH, max_size=6))
def test_any_file_is_read_and_checked_or_refused_by_field(data: Any) -> None:
    try:
        record = loads_group(json.dumps(data), source="random.json")
    except ct.FormatError as exc:
        assert str(exc).startswith("random.json")
        return
    assert isinstance(record, GroupRecord)
    validate_group(record, on=dt.date(2030, 1, 1))


def test_the_example_conforms_to_the_shipped_schema() -> None:
    """The schema says the same as the reader: the example is valid JSON of its shape, and
    a file with a field the reader refuses is refused by the schema too."""
    import tomllib

    import jsonschema

    from coprod_toc.group import schema

    as_json = json.loads(json.dumps(tomllib.loads(EXAMPLE.read_text()), default=str))
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(as_json, schema())
    as_json["members"][0]["name"] = "Sam Taylor"  # names live in the host system, never here
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(as_json, schema())
    with pytest.raises(ct.FormatError, match=r"members\[0\]\.name"):
        loads_group(json.dumps(as_json))


def test_every_rule_is_in_the_guide_with_its_severity() -> None:
    guide = (ROOT / "docs" / "group.md").read_text()
    for code, (severity, _) in GROUP_RULES.items():
        assert f"| `{code}` | {severity.value} |" in guide, code


# --------------------------------------------------------------------------- the figures


def test_the_examples_2023_figures_are_the_ones_worked_out_by_hand() -> None:
    """docs/group.md works these out from examples/group.toml line by line."""
    figures = ct.group_report(load_group(EXAMPLE), 2023)
    assert figures["meetings"] == 3
    assert figures["engagements_by_kind"] == {"development": 1, "meeting": 3, "workstream": 1}
    assert (figures["paid_opportunities"], figures["paid_opportunities_previous"]) == (4, 3)
    assert figures["paid_opportunities_change"] == pytest.approx(1 / 3)
    assert (figures["paid_member_engagements"], figures["paid_member_engagements_previous"]) == (
        12,
        8,
    )
    assert figures["paid_member_engagements_change"] == 0.5
    assert (figures["hours"], figures["payments"]) == (29, 650)
    assert (figures["members_active"], figures["hours_per_active_member"]) == (4, 7.25)
    assert figures["workstreams"] == [
        "Accessible communications and website",
        "Evaluation strategy",
        "Induction materials",
    ]
    assert figures["feedback"] == {
        "opened": 3, "closed": 2, "open": 1, "median_days_to_close": 63,
        "adopted": 1, "partly": 1, "declined": 0,
    }  # fmt: skip
    assert figures["charter"] == {
        "version": 2,
        "commitments_met": 1,
        "commitments_missed": 0,
        "review_overdue": False,
    }
    assert figures["reciprocity"]["Embedding strategy"] == {
        "hours": 0,
        "acted_on": 1,
        "told_back": 1,
    }
    assert figures["reciprocity"]["Evaluation strategy"] == {
        "hours": 6,
        "acted_on": 0,
        "told_back": 0,
    }
    previous = figures["previous"]
    assert (
        previous["year"],
        previous["hours"],
        previous["payments"],
        previous["members_active"],
    ) == (2022, 16, 400, 3)


def test_a_change_from_nothing_is_null_and_a_small_group_is_not_broken_down() -> None:
    figures = ct.group_report(load_group(EXAMPLE), 2022)
    assert (
        figures["paid_opportunities_previous"] == 0 and figures["paid_opportunities_change"] is None
    )
    assert figures["members_by_role"] == "withheld: fewer than 10 members took part"
    assert json.loads(json.dumps(figures)) == figures  # plain data


def test_roles_are_counted_for_a_group_of_ten_or_more_and_a_small_role_withheld() -> None:
    """24 members took part: 16 with lived experience are counted; 8 unpaid carers are
    fewer than 10, so their role is withheld like a small group."""
    members = "".join(
        f'[[members]]\ncode = "M{n:02d}"\nrole = "{"unpaid_carer" if n % 3 == 0 else "lived_experience"}"\njoined = 2023-01-01\n'
        for n in range(1, 25)
    )
    codes = ", ".join(f'"M{n:02d}"' for n in range(1, 25))
    text = f'[group]\nname = "G"\n{members}[[engagements]]\ndate = 2023-05-01\nkind = "meeting"\ntitle = "M"\nmembers = [{codes}]\n'
    figures = ct.group_report(loads_group(text), 2023)
    assert figures["members_by_role"] == {
        "lived_experience": 16,
        "unpaid_carer": "withheld: fewer than 10",
    }


def test_a_financial_year_counts_from_its_first_day() -> None:
    text = BASE.replace('name = "Advisory group"', 'name = "G"\nyear_starts = "04-01"') + (
        '[[engagements]]\ndate = 2024-03-31\nkind = "meeting"\ntitle = "Last of 2023"\nmembers = ["M01"]\n'
        '[[engagements]]\ndate = 2024-04-01\nkind = "meeting"\ntitle = "First of 2024"\nmembers = ["M01"]\n'
    )
    record = loads_group(text)
    assert ct.group_report(record, 2023)["meetings"] == 1
    assert ct.group_report(record, 2024)["from"] == "2024-04-01"


def test_the_report_command_prints_the_year_beside_the_last() -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["group", "report", str(EXAMPLE), "--year", "2023"])
    assert text.exit_code == 0
    assert "  paid opportunities: 4 (3 the year before)" in text.output
    assert "  paid opportunities changed by +33%" in text.output
    as_json = runner.invoke(main, ["group", "report", str(EXAMPLE), "--year", "2023", "--json"])
    assert json.loads(as_json.stdout)["paid_member_engagements_change"] == 0.5
