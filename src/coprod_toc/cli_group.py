"""``coprod-toc group``: the co-production group's own record from the command line —
check it, see a year's figures, write the annual report, and keep the record in a store
with its history (``save``, ``show``, ``history``, ``list``, ``erase-member``), as
``coprod-toc store`` keeps maps."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import coprod_toc as ct
from coprod_toc.api import STORE_ENV, default_store_url
from coprod_toc.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    open_store_or_exit,
    print_history,
    print_json,
    short,
    store_failed,
    store_option,
)

if TYPE_CHECKING:
    from coprod_toc.group import GroupRecord
    from coprod_toc.storage import Store

__all__ = ["group_command"]


@click.group("group")
def group_command() -> None:
    """The co-production group's own record: members, engagements, feedback, charter.

    check it (validate), see a year's figures or write its annual report (report), and keep
    it with its history in a store (save, show, history, list, delete, erase-member).
    """


def _read_group(file: str) -> GroupRecord:
    from coprod_toc.group import load_group

    try:
        return load_group(file)
    except ct.CoprodTocError as exc:
        click.echo(f"coprod-toc: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _read_work_plan(path: str) -> ct.TheoryOfChange:
    try:
        return ct.load(path)
    except (ct.CoprodTocError, OSError) as exc:
        click.echo(f"coprod-toc: cannot read the work plan {path!r}: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _default_store_exists() -> bool:
    """Whether the default store's file is there: a report opens it, never makes it."""
    url = default_store_url()
    return url.startswith("sqlite:///") and Path(url[len("sqlite:///") :]).is_file()


def _stored_work_plan(record: GroupRecord, url: str | None) -> ct.TheoryOfChange | None:
    """The work plan the record names, from the store (--store, $COPROD_TOC_STORE, or the
    default store if there is one); None (said on stderr) if it is not there. A report
    never makes the default store as a side effect."""
    name = record.group.work_plan
    if name is None:
        return None
    if url is None and not os.environ.get(STORE_ENV) and not _default_store_exists():
        click.echo(
            f"coprod-toc: the record names the work plan {name!r}, but no store holds it: "
            "the report leaves out its progress (give --work-plan FILE or --store URL)",
            err=True,
        )
        return None
    with open_store_or_exit(url) as opened:
        try:
            return opened.load(name)
        except ct.MapNotFoundError:
            click.echo(
                f"coprod-toc: the work plan {name!r} is not in {opened.url}: the report "
                "leaves out its progress (save it with: coprod-toc store save "
                f"{name} FILE, or give --work-plan FILE)",
                err=True,
            )
        except ct.CoprodTocError as exc:
            store_failed(exc)
    return None


@group_command.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Check as of this day (YYYY-MM-DD; default today): years ended by then are judged.",
)
@click.option(
    "--work-plan",
    "work_plan",
    type=click.Path(dir_okay=False),
    default=None,
    help="The group's work-plan map (JSON or TOML): also check the nodes the record names.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def group_validate(file: str, on: Any, work_plan: str | None, as_json: bool) -> None:
    """Check a group file: member codes, dates that cannot be, feedback loops, the charter's
    commitments and review (and, with --work-plan, the nodes it names). Exits 0 with no
    findings, 1 with findings, 2 when the file cannot be read."""
    from coprod_toc.group import validate_group

    record = _read_group(file)
    plan = None if work_plan is None else _read_work_plan(work_plan)
    report = validate_group(record, on=on.date() if on is not None else None, work_plan=plan)
    if as_json:
        print_json({"file": file, "group": record.group.name} | report.to_dict())
    else:
        counts = (
            f"{len(record.members)} members, {len(record.engagements)} engagements, "
            f"{len(record.feedback)} feedback items, {len(record.charter)} charter versions"
        )
        click.echo(f"{record.group.name}\n{counts}\n")
        if not report.findings:
            click.echo("No findings: the record holds together.")
        for heading, findings in (
            ("must be fixed", report.errors),
            ("worth checking", report.warnings),
        ):
            if findings:
                noun = "thing" if len(findings) == 1 else "things"
                click.echo(f"{len(findings)} {noun} {heading}:")
                for finding in findings:
                    click.echo(f"  - {finding.message} [{finding.code}]")
    sys.exit(EXIT_FINDINGS if report.findings else 0)


@group_command.command("report")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--year", type=int, required=True, help="The group's year (the year it starts in).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the annual report to this file: HTML; Markdown for a .md name; the figures "
    "as JSON for a .json name (or with --json).",
)
@click.option("--easy-read", is_flag=True, help="The easy-read report, for the members.")
@click.option("--markdown", is_flag=True, help="Markdown rather than HTML.")
@click.option(
    "--work-plan",
    "work_plan",
    type=click.Path(dir_okay=False),
    default=None,
    help="The group's work-plan map (JSON or TOML); else the map the record names, in --store.",
)
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def group_report_command(
    file: str,
    year: int,
    output: str | None,
    easy_read: bool,
    markdown: bool,
    work_plan: str | None,
    url: str | None,
    as_json: bool,
) -> None:
    """A year's figures beside the year before: meetings, paid opportunities and their
    growth, hours, members taking part, feedback loops, the charter's commitments; with -o,
    the annual report for the leadership team (--easy-read: for the members).

    The work plan's progress comes from --work-plan FILE, or from the map the record names
    (work_plan = "…") in the store given by --store or $COPROD_TOC_STORE."""
    record = _read_group(file)
    if as_json and (easy_read or markdown):
        click.echo("coprod-toc: --json gives the figures; leave out --easy-read and --markdown",
                   err=True)  # fmt: skip
        sys.exit(EXIT_BAD_INPUT)
    wants_report = output is not None or easy_read or markdown
    plan = None
    if work_plan is not None:
        plan = _read_work_plan(work_plan)
    elif wants_report or as_json:
        plan = _stored_work_plan(record, url)
    if wants_report:
        _write_report(
            record, year, plan, output, easy_read=easy_read, markdown=markdown, as_json=as_json
        )
        return
    try:
        figures = ct.group_report(record, year)
        document = {"file": file, "group": record.group.name} | figures
        if as_json and plan is not None:
            from coprod_toc.group import work_plan_progress

            document["work_plan"] = work_plan_progress(record, plan, year)
    except ct.CoprodTocError as exc:
        click.echo(f"coprod-toc: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        print_json(document)
        return
    _print_figures(record, year, figures)


def _write_report(
    record: GroupRecord,
    year: int,
    plan: ct.TheoryOfChange | None,
    output: str | None,
    *,
    easy_read: bool,
    markdown: bool,
    as_json: bool,
) -> None:
    suffix = "" if output is None else Path(output).suffix.lower()
    markdown = markdown or suffix == ".md"
    name = "easy-read" if easy_read else "markdown" if markdown else "html"
    if as_json or (suffix == ".json" and not easy_read and not markdown):
        name = "json"
    options: dict[str, Any] = {"year": year, "work_plan": plan}
    if easy_read and markdown:
        options["format"] = "markdown"
    try:
        if output is None:
            click.echo(ct.render(record, name, **options), nl=False)
            return
        written = ct.export(record, name, output, **options)
    except ct.CoprodTocError as exc:
        click.echo(f"coprod-toc: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    what = "easy-read report" if easy_read else "figures" if name == "json" else "annual report"
    click.echo(f"wrote the {what} for {year} to {written}")


def _print_figures(record: GroupRecord, year: int, figures: dict[str, Any]) -> None:
    last = figures["previous"]
    feedback = figures["feedback"]
    click.echo(f"{record.group.name}, {figures['from']} to {figures['to']} (before: {year - 1})")
    for label, now, before in (
        ("meetings", figures["meetings"], last["meetings"]),
        ("paid opportunities", figures["paid_opportunities"], last["paid_opportunities"]),
        ("members taking part", figures["members_active"], last["members_active"]),
        ("hours given", figures["hours"], last["hours"]),
        ("feedback loops closed", feedback["closed"], last["feedback"]["closed"]),
    ):
        click.echo(f"  {label}: {now:g} ({before:g} the year before)")
    change = figures["paid_opportunities_change"]
    if change is not None:
        click.echo(f"  paid opportunities changed by {change:+.0%}")
    click.echo(f"  feedback loops still open at the year's end: {feedback['open']}")
    charter = figures["charter"]
    click.echo(
        f"  charter commitments met: {charter['commitments_met']} of "
        f"{charter['commitments_met'] + charter['commitments_missed']}"
    )


# --------------------------------------------------------------------------- kept in a store


def _latest_group_version(store: Store, name: str) -> int:
    try:
        return store.group_history(name)[-1].version
    except ct.GroupNotFoundError:
        return 0


@group_command.command("save")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--expected-version",
    type=int,
    default=None,
    help="The version your edit started from (0 for a new record); refused if not the latest.",
)
@click.option("-m", "--message", default=None, help="A note for the history.")
@click.option("--force", is_flag=True, help="Save a new version even if nothing changed.")
@store_option
def group_save(
    name: str,
    file: str,
    expected_version: int | None,
    message: str | None,
    force: bool,
    url: str | None,
) -> None:
    """Save the group file FILE as the next version of the group record NAME, unless it
    equals the latest version: then nothing is saved."""
    record = _read_group(file)
    with open_store_or_exit(url) as opened:
        try:
            latest = _latest_group_version(opened, name)
            version = opened.save_group(
                name,
                record,
                expected_version=expected_version,
                message=message,
                if_changed=not force,
            )
        except ct.CoprodTocError as exc:
            store_failed(exc)
    if version == latest:
        click.echo(
            f"group {name!r} is unchanged since version {version} in {opened.url}: nothing "
            "saved (--force saves a version anyway)"
        )
    else:
        click.echo(f"saved group {name!r} as version {version} in {opened.url}")


@group_command.command("show")
@click.argument("name")
@click.option("--version", "version", type=int, default=None, help="A version (default: latest).")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the record as its canonical JSON.")
@click.option("--toml", "as_toml", is_flag=True, help="Print the record as a group file (TOML).")
def group_show(
    name: str, version: int | None, url: str | None, as_json: bool, as_toml: bool
) -> None:
    """Show a stored group record: its members, engagements, feedback and charter by count,
    or the whole record (--toml gives a file to edit and save again)."""
    from coprod_toc.group import dumps_group

    with open_store_or_exit(url) as opened:
        try:
            record = opened.load_group(name, version)
            latest = opened.group_history(name)[-1].version
        except ct.CoprodTocError as exc:
            store_failed(exc, as_json)
    if as_json or as_toml:
        click.echo(dumps_group(record, "json" if as_json else "toml"), nl=not as_toml)
        return
    shown = latest if version is None else version
    years = sorted({record.year_of(e.date) for e in record.engagements})
    lines = [
        f"{record.group.name} (group {name!r}, version {shown} of {latest})",
        f"{len(record.members)} members, {len(record.engagements)} engagements, "
        f"{len(record.feedback)} feedback items, {len(record.charter)} charter versions",
    ]
    if years:
        lines.append(f"engagements in the years {', '.join(str(y) for y in years)}")
    if record.group.work_plan:
        lines.append(f"work plan: map {record.group.work_plan!r}")
    click.echo("\n".join(lines))


@group_command.command("history")
@click.argument("name")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
def group_history(name: str, url: str | None, as_json: bool) -> None:
    """List every version of a group record, oldest first."""
    with open_store_or_exit(url) as opened:
        try:
            versions = opened.group_history(name)
        except ct.CoprodTocError as exc:
            store_failed(exc, as_json)
    print_history(name, versions, as_json)


@group_command.command("list")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def group_list(url: str | None, as_json: bool) -> None:
    """List the group records in the store with their latest version."""
    with open_store_or_exit(url) as opened:
        try:
            latest = [opened.group_history(name)[-1] for name in opened.list_groups()]
        except ct.CoprodTocError as exc:
            store_failed(exc, as_json)
    if as_json:
        print_json({"store": opened.url, "groups": [v.to_dict() for v in latest]})
        return
    if not latest:
        click.echo(f"No group records in {opened.url} yet.")
    for v in latest:
        click.echo(f"{v.name}  v{v.version}  {short(v.title, 60)}")


@group_command.command("delete")
@click.argument("name")
@store_option
def group_delete(name: str, url: str | None) -> None:
    """Remove the group record NAME and all its versions from the store."""
    with open_store_or_exit(url) as opened:
        try:
            opened.delete_group(name)
        except ct.CoprodTocError as exc:
            store_failed(exc)
    click.echo(f"deleted group {name!r} and all its versions from {opened.url}")


@group_command.command("erase-member")
@click.argument("name")
@click.argument("code")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def group_erase_member(name: str, code: str, url: str | None, as_json: bool) -> None:
    """Erase member CODE from every version of the group record NAME: their entry, their
    place in engagements and charter agreements. A record that still names them is refused
    when saved again."""
    with open_store_or_exit(url) as opened:
        try:
            rewritten = opened.erase_member(name, code)
        except ct.CoprodTocError as exc:
            store_failed(exc, as_json)
    if as_json:
        print_json({"name": name, "member": code, "versions_rewritten": rewritten})
        return
    if rewritten:
        noun = "version" if rewritten == 1 else "versions"
        click.echo(f"erased {code} from {rewritten} {noun} of group {name!r}")
    else:
        click.echo(f"no version of group {name!r} names {code}: nothing to erase")
