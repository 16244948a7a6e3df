"""The group's work plan as a map, its annual report (HTML, easy read, Markdown, JSON) and
its record kept in a store, through the API and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.cli import main
from coprod_toc.group import (
    GroupRecord,
    dumps_group,
    load_group,
    loads_group,
    validate_group,
    with_group_evidence,
    work_plan_progress,
)
from coprod_toc.testing import TRICKY_TEXT, sample_group
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "group.toml"
WORK_PLAN = ROOT / "examples" / "work-plan.toml"


@pytest.fixture(scope="module")
def record() -> GroupRecord:
    return load_group(EXAMPLE)


@pytest.fixture(scope="module")
def plan() -> ct.TheoryOfChange:
    return ct.load(WORK_PLAN)


# --------------------------------------------------------------------------- the file


@pytest.mark.parametrize("form", ["json", "toml"])
def test_a_written_group_file_loads_back_equal(record: GroupRecord, form: str) -> None:
    assert loads_group(dumps_group(record, form)) == record
    assert loads_group(dumps_group(sample_group(), form)) == sample_group()


def test_an_unknown_file_form_is_a_format_error(record: GroupRecord) -> None:
    with pytest.raises(ct.FormatError, match="'json' or 'toml'"):
        dumps_group(record, "yaml")


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda t: t.strip() == t and t.strip()
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(said=_TEXT, title=_TEXT, hours=st.none() | st.floats(0, 8784) | st.integers(0, 8784))
def test_any_record_round_trips_losslessly(said: str, title: str, hours: float | None) -> None:
    """Whatever text and amounts a record holds, its JSON and TOML forms load back equal."""
    base = sample_group()
    engagement = attrs.evolve(base.engagements[0], title=title, hours=hours)
    item = attrs.evolve(base.feedback[0], said=said)
    changed = attrs.evolve(base, engagements=(engagement, *base.engagements[1:]), feedback=(item,))
    for form in ("json", "toml"):
        assert loads_group(dumps_group(changed, form)) == changed


def test_without_member_removes_them_everywhere(record: GroupRecord) -> None:
    assert record.names_member("M03")
    erased = record.without_member("M03")
    assert not erased.names_member("M03")
    assert len(erased.engagements) == len(record.engagements)
    assert "M03" not in dumps_group(erased)


# --------------------------------------------------------------------------- the work plan


def test_engagements_and_feedback_evidence_the_work_plan(
    record: GroupRecord, plan: ct.TheoryOfChange
) -> None:
    """Each engagement naming activities, and each feedback item naming outcomes, becomes
    an evidence item on them; no member is named; the map itself is unchanged."""
    evidenced = with_group_evidence(record, plan)
    items = {item.id: item for item in evidenced.evidence.items}
    assert sorted(items) == [
        "group-engagement-4", "group-engagement-5", "group-engagement-6",
        "group-engagement-7", "group-engagement-8", "group-feedback-F1", "group-feedback-F2",
    ]  # fmt: skip
    assert items["group-engagement-6"].nodes == ("A3", "A4")
    assert items["group-feedback-F1"].nodes == ("O2",)
    assert not any(item.participants for item in items.values())
    assert "M0" not in ct.dumps(evidenced)
    assert len(plan.evidence.items) == 0  # the work plan given is left as it was
    assert ct.validate(evidenced).ok


def test_work_plan_progress_counts_the_year(record: GroupRecord, plan: ct.TheoryOfChange) -> None:
    """A3 (meetings) had three engagements in 2023: 3×2 + 4×2 + 3×2 = 20 member-hours;
    O2 one feedback loop, closed; the map's own progress and split come with them."""
    progress = work_plan_progress(record, plan, 2023)
    nodes = {n["id"]: n for n in progress["nodes"]}
    assert nodes["A3"]["engagements"] == 3 and nodes["A3"]["hours"] == 20
    assert (nodes["O2"]["feedback"], nodes["O2"]["closed"]) == (1, 1)
    assert progress["activities"] == {"planned": 1, "in_progress": 3, "done": 1, "total": 5}
    assert progress["coproduction_share"]["activities"] == pytest.approx(3 / 5)
    assert progress["without_evidence"] == ["A5", "O1", "O3", "O5"]
    assert work_plan_progress(record, plan, 2022)["nodes"][2]["engagements"] == 0


def test_nodes_the_work_plan_cannot_take_are_findings(record: GroupRecord) -> None:
    engagement = attrs.evolve(record.engagements[3], nodes=("A9", "O1"))
    bad = attrs.evolve(record, engagements=(engagement,))
    report = validate_group(bad, on=dt.date(2023, 6, 1), work_plan=ct.load(WORK_PLAN))
    found = {(f.code, f.nodes) for f in report}
    assert ("work-plan-unknown-node", ("A9",)) in found
    assert ("work-plan-wrong-node", ("O1",)) in found


# --------------------------------------------------------------------------- the report


@pytest.mark.parametrize("name", ["html", "easy-read", "markdown", "json"])
def test_every_report_names_no_member_and_escapes_the_group_text(name: str) -> None:
    """Members appear as counts only; the tricky labels come out as text, never markup."""
    output = ct.render(sample_group(), name, year=2023)
    assert not re.search(r"\bM0[123]\b", output)
    if name in ("html", "easy-read"):
        assert "<script>" not in output and "&lt;script&gt;" in output


def test_the_html_report_holds_every_section(record: GroupRecord, plan: ct.TheoryOfChange) -> None:
    html = ct.render(record, "html", year=2023, work_plan=plan)
    for heading in (
        "The year in figures", "Workstreams", "You said, we did, we told you", "The charter",
        "Work-plan progress", "In the group's words",
    ):  # fmt: skip
        assert f">{heading}</h2>" in html
    assert 'role="img"' in html and "<desc" in html  # the chart, described
    assert "+33%" in html and "650.00" in html  # the change and the payments' total
    assert "We changed the format." in html  # you said, we did
    assert "Lived experience is a standing item at every roundtable" in html


def test_a_report_says_when_the_named_work_plan_was_not_given(record: GroupRecord) -> None:
    html = ct.render(record, "html", year=2023)
    assert "work plan (the map “work-plan”) was not available" in html


@pytest.mark.parametrize("form", ["html", "markdown"])
def test_the_easy_read_report_passes_the_easy_read_lint(
    record: GroupRecord, plan: ct.TheoryOfChange, form: str
) -> None:
    for year in (2022, 2023):
        text = ct.render(record, "easy-read", year=year, work_plan=plan, format=form)
        assert ct.easy_read_lint(text) == []


def test_the_markdown_report_shows_the_figures_unescaped(
    record: GroupRecord, plan: ct.TheoryOfChange
) -> None:
    text = ct.render(record, "markdown", year=2023, work_plan=plan)
    assert "| Paid engagement opportunities | 4 | 3 | +33% |" in text
    assert "| Median days from said to told back | 63 | – |  |" in text
    assert text.startswith("# Co-production Advisory Group: annual report 2023\n")


def test_the_json_report_is_the_figures_and_the_work_plan(
    record: GroupRecord, plan: ct.TheoryOfChange
) -> None:
    document = json.loads(ct.render(record, "json", year=2023, work_plan=plan))
    assert document["paid_opportunities"] == ct.group_report(record, 2023)["paid_opportunities"]
    assert document["work_plan"] == work_plan_progress(record, plan, 2023)


def test_a_financial_year_is_labelled_as_one(record: GroupRecord) -> None:
    april = attrs.evolve(record, group=attrs.evolve(record.group, year_starts="04-01"))
    assert "annual report 2023–24" in ct.render(april, "markdown", year=2023)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "give year="),
        ({"year": "2023"}, "give year="),
        ({"year": True}, "give year="),
        ({"year": 2023, "work_plan": "work-plan"}, "work_plan= takes"),
        ({"year": 2023, "colour": "red"}, "colour"),
    ],
)
def test_bad_report_options_are_clear_errors(
    record: GroupRecord, options: dict[str, object], message: str
) -> None:
    with pytest.raises(ct.CoprodTocError, match=message):
        ct.render(record, "html", **options)


def test_an_unknown_group_renderer_lists_those_there_are(record: GroupRecord) -> None:
    with pytest.raises(ct.PluginNotFoundError, match="easy-read"):
        ct.render(record, "mermaid", year=2023)


def test_export_writes_the_report_whole(record: GroupRecord, tmp_path: Path) -> None:
    path = ct.export(record, "html", tmp_path / "report.html", year=2023)
    assert path.read_text("utf-8") == ct.render(record, "html", year=2023)
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


# --------------------------------------------------------------------------- the CLI


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_cli_writes_the_annual_report_in_each_form(tmp_path: Path) -> None:
    for extra, name, marker in (
        ((), "annual-report.html", "<!DOCTYPE html>"),
        ((), "annual-report.md", "# Co-production Advisory Group: annual report 2023"),
        (("--easy-read",), "easy.html", 'class="page"'),
        (("--easy-read", "--markdown"), "easy.md", "This is our report for 2023."),
    ):
        out = tmp_path / name
        code, output = _run(
            "group", "report", str(EXAMPLE), "--year", "2023", "--work-plan", str(WORK_PLAN),
            "-o", str(out), *extra,
        )  # fmt: skip
        assert code == 0, output
        assert marker in out.read_text("utf-8")


def test_cli_report_takes_the_work_plan_the_record_names_from_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'group.db'}"
    assert _run("store", "save", "work-plan", str(WORK_PLAN), "--store", url)[0] == 0
    code, output = _run("group", "report", str(EXAMPLE), "--year", "2023", "--store", url, "--json")
    assert code == 0, output
    assert json.loads(output)["work_plan"]["activities"]["total"] == 5


def test_cli_report_without_the_work_plan_says_so_and_goes_on(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["group", "report", str(EXAMPLE), "--year", "2023", "--store", url, "-o", str(out)]
    )
    assert result.exit_code == 0
    assert "the work plan 'work-plan' is not in" in result.stderr
    assert "was not available" in out.read_text("utf-8")


def test_cli_keeps_the_record_with_its_history(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'group.db'}"
    code, output = _run("group", "save", "advisory", str(EXAMPLE), "--store", url, "-m", "first")
    assert code == 0 and "version 1" in output
    code, output = _run("group", "save", "advisory", str(EXAMPLE), "--store", url)
    assert code == 0 and "unchanged since version 1" in output
    code, output = _run("group", "history", "advisory", "--store", url, "--json")
    assert [v["message"] for v in json.loads(output)["versions"]] == ["first"]
    code, output = _run("group", "show", "advisory", "--store", url)
    assert "4 members, 8 engagements" in output
    code, output = _run("group", "show", "advisory", "--store", url, "--toml")
    assert loads_group(output) == load_group(EXAMPLE)
    code, output = _run("group", "list", "--store", url, "--json")
    assert [g["name"] for g in json.loads(output)["groups"]] == ["advisory"]


def test_cli_erasing_a_member_reaches_every_version_and_refuses_their_return(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'group.db'}"
    _run("group", "save", "advisory", str(EXAMPLE), "--store", url)
    _run("group", "save", "advisory", str(EXAMPLE), "--store", url, "--force")
    code, output = _run("group", "erase-member", "advisory", "M03", "--store", url)
    assert code == 0 and "erased M03 from 2 versions" in output
    code, output = _run("group", "show", "advisory", "--version", "1", "--store", url, "--json")
    assert "M03" not in output
    code, output = _run("group", "save", "advisory", str(EXAMPLE), "--store", url, "--force")
    assert code == 2 and "erased" in output


def test_cli_unknown_group_is_exit_2(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'group.db'}"
    code, output = _run("group", "show", "nope", "--store", url)
    assert code == 2 and "no group named 'nope'" in output


def test_the_sample_group_carries_the_tricky_text() -> None:
    assert sample_group().feedback[0].said == TRICKY_TEXT[0]


def test_cli_report_writes_the_figures_as_json_for_a_json_name(tmp_path: Path) -> None:
    for extra, name in (((), "figures.json"), (("--json",), "figures.out")):
        out = tmp_path / name
        code, output = _run(
            "group", "report", str(EXAMPLE), "--year", "2023", "-o", str(out), *extra
        )
        assert code == 0, output
        assert json.loads(out.read_text("utf-8"))["paid_opportunities"] == 4


def test_cli_report_refuses_json_with_easy_read() -> None:
    code, output = _run("group", "report", str(EXAMPLE), "--year", "2023", "--json", "--easy-read")
    assert code == 2 and "--json gives the figures" in output


def test_cli_report_without_any_store_says_the_work_plan_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no store named and no default store, none is made: the report says so."""
    monkeypatch.delenv("COPROD_TOC_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = CliRunner().invoke(
        main, ["group", "report", str(EXAMPLE), "--year", "2023", "--markdown"]
    )
    assert result.exit_code == 0
    assert "no store holds it" in result.stderr
    assert not (tmp_path / "data").exists()


def test_cli_deletes_a_group_record(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'group.db'}"
    _run("group", "save", "advisory", str(EXAMPLE), "--store", url)
    code, output = _run("group", "delete", "advisory", "--store", url)
    assert code == 0 and "deleted group 'advisory'" in output
    assert _run("group", "delete", "advisory", "--store", url)[0] == 2


def test_a_stale_group_save_names_the_group_and_exits_3(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'group.db'}"
    _run("group", "save", "advisory", str(EXAMPLE), "--store", url)
    code, output = _run(
        "group", "save", "advisory", str(EXAMPLE), "--store", url, "--expected-version", "5",
        "--force",
    )  # fmt: skip
    assert code == 3
    assert "group 'advisory' is at version 1, not 5: there is no version 5" in output


def test_ct_validate_checks_a_group_record_and_ct_load_points_to_load_group(
    record: GroupRecord,
) -> None:
    assert ct.validate(record).findings == validate_group(record).findings
    with pytest.raises(ct.FormatError, match=r"group\.load_group"):
        ct.load(EXAMPLE)


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize("url", ["json", "memory"])
def test_saves_racing_an_erasure_never_keep_the_member(url: str, tmp_path: Path) -> None:
    """Writers keep saving a record that names M02 while it is erased: afterwards no
    stored version names them, and the writers were refused from the erasure on."""
    import threading

    store = ct.open_store(f"json://{tmp_path / 's'}" if url == "json" else "memory://")
    record = sample_group()
    store.save_group("g", record)
    done = threading.Event()

    def write() -> None:
        while not done.is_set():
            try:
                store.save_group("g", record)
            except ct.ErasedPersonError:
                return

    writers = [threading.Thread(target=write) for _ in range(3)]
    for writer in writers:
        writer.start()
    store.erase_member("g", "M02")
    done.set()
    for writer in writers:
        writer.join()
    for version in store.group_history("g"):
        assert not store.load_group("g", version.version).names_member("M02")


def test_the_markdown_report_escapes_the_work_plan_name() -> None:
    record = attrs.evolve(
        sample_group(),
        group=attrs.evolve(sample_group().group, work_plan="<b>x</b> [c](javascript:alert(1))"),
    )
    text = ct.render(record, "markdown", year=2023)
    assert "<b>" not in text and "[c](javascript:" not in text


@pytest.mark.parametrize("name", ["html", "easy-read", "markdown", "json"])
def test_a_draft_work_plan_with_no_impact_still_reports(name: str) -> None:
    draft = ct.TheoryOfChange(title="Draft")
    outcome = draft.add_outcome("Roundtables are accessible.", kind="coproduction")
    draft.add_activity("Meet", kind="coproduction", contributes_to=[outcome])
    assert ct.render(sample_group(), name, year=2023, work_plan=draft)


@pytest.mark.parametrize("year", [0, 1, -1, 9999, 10**20])
def test_a_year_out_of_range_is_a_clear_error(year: int) -> None:
    with pytest.raises(ct.ModelError, match="whole number from 2 to 9998"):
        ct.group_report(sample_group(), year)
    with pytest.raises(ct.ModelError, match="whole number from 2 to 9998"):
        ct.render(sample_group(), "html", year=year)
    code, output = _run("group", "report", str(EXAMPLE), "--year", str(year))
    assert code == 2 and "2 to 9998" in output


def test_a_work_plan_going_round_in_a_circle_is_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "circle.toml"
    path.write_text(
        'title = "Circle"\n'
        '[[outcomes]]\nid = "O1"\nkind = "project"\nstatement = "One"\nleads_to = ["O2"]\n'
        '[[outcomes]]\nid = "O2"\nkind = "project"\nstatement = "Two"\nleads_to = ["O1"]\n',
        "utf-8",
    )
    for extra in (("--json",), ("--markdown",)):
        code, _ = _run(
            "group", "report", str(EXAMPLE), "--year", "2023", "--work-plan", str(path), *extra
        )
        assert code == 2


def test_a_member_who_joined_in_year_one_is_checked_without_crashing() -> None:
    record = loads_group(
        '[group]\nname = "G"\nyear_starts = "04-01"\n'
        '[[members]]\ncode = "M1"\nrole = "staff"\njoined = 0001-01-01\n'
    )
    assert validate_group(record, on=dt.date(2024, 1, 1)).findings


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (
            '[[engagements]]\ndate = 2023-01-05\nkind = "meeting"\ntitle = "T"\nmembers = ["M1", "M1"]\n',
            "members",
        ),
        (
            '[[charter]]\nversion = 1\nagreed_on = 2023-01-05\nagreed_by = ["M1", "M1"]\n',
            "agreed_by",
        ),
        (
            '[[engagements]]\ndate = 2023-01-05\nkind = "meeting"\ntitle = "T"\nhours = 1e308\n',
            "hours",
        ),
        (
            '[[engagements]]\ndate = 2023-01-05\nkind = "meeting"\ntitle = "T"\npayment = 1e12\n',
            "payment",
        ),
        ("[[report]]\nyear = 2023\n[[report]]\nyear = 2023\n", "year"),
    ],
)
def test_a_member_twice_a_huge_amount_or_a_year_reported_twice_is_refused(
    extra: str, field: str
) -> None:
    base = '[group]\nname = "G"\n[[members]]\ncode = "M1"\nrole = "staff"\njoined = 2023-01-01\n'
    with pytest.raises(ct.FormatError, match=field):
        loads_group(base + extra)


def test_checks_given_the_wrong_kinds_of_argument_say_so() -> None:
    with pytest.raises(ct.ModelError, match="on= takes a date"):
        validate_group(sample_group(), on="2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(ct.ModelError, match="work plan is a map"):
        validate_group(sample_group(), work_plan="x")  # type: ignore[arg-type]
    with pytest.raises(ct.ModelError, match="work plan is a map"):
        with_group_evidence(sample_group(), "x")  # type: ignore[arg-type]


def test_the_schema_refuses_what_the_reader_refuses() -> None:
    """A member twice in one engagement, or hours over a year's, fail the shipped schema as
    they fail the reader."""
    import jsonschema

    from coprod_toc.group import group_document, schema

    document = group_document(load_group(EXAMPLE))
    jsonschema.validate(document, schema())
    for field, value in (("members", ["M01", "M01"]), ("hours", 10_000)):
        broken = json.loads(json.dumps(document))
        broken["engagements"][0][field] = value
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema())
