"""The ``coprod-toc`` command: a thin layer over the public API.

Exit codes: 0 done (the map may have warnings), 1 validation found errors, 2 bad input.
"""

from __future__ import annotations

import json
import logging
import re
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import coprod_toc as ct
from coprod_toc.api import analyse
from coprod_toc.cli_common import EXIT_BAD_INPUT, EXIT_FINDINGS, print_history, validation_text
from coprod_toc.cli_common import open_store_or_exit as _open
from coprod_toc.cli_common import print_json as _print_json
from coprod_toc.cli_common import short as _short
from coprod_toc.cli_common import store_failed as _store_failed
from coprod_toc.cli_common import store_option as _store_option
from coprod_toc.cli_group import group_command
from coprod_toc.cli_map import map_command
from coprod_toc.errors import CycleError
from coprod_toc.plugins import PluginManager, get_plugin_manager
from coprod_toc.plugins.template import KINDS, write_plugin

if TYPE_CHECKING:  # the survey and storage layers load only in the commands that use them
    from coprod_toc.storage import Store
    from coprod_toc.surveys import SurveyTable


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(ct.__version__, prog_name="coprod-toc")
@click.option("-v", "--verbose", count=True,
              help="Say what the library decides (plugins, stores, how a file is read); "
              "-vv for more.")  # fmt: skip
@click.option("-q", "--quiet", is_flag=True, help="Say nothing but errors.")
def main(verbose: int, quiet: bool) -> None:
    """Build, check and share a co-production Theory of Change."""
    level = (
        logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    )
    logger = logging.getLogger("coprod_toc")
    logger.setLevel(level)
    logger.removeHandler(_TO_STDERR)
    if verbose or quiet:
        logger.addHandler(_TO_STDERR)


class _ToStderr(logging.Handler):
    """The library's log on standard error, as the command's own notes are."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"coprod-toc: {record.getMessage()}", err=True)


_TO_STDERR = _ToStderr()


def _read_map(path: str, as_json: bool) -> ct.TheoryOfChange:
    try:
        return ct.load(path)
    except ct.FormatError as exc:
        if as_json:
            _print_json(
                {"error": {"code": exc.code, "message": str(exc), "file": path, "path": exc.path}}
            )
        else:
            click.echo(f"coprod-toc: cannot read the map: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def validate(file: str, as_json: bool) -> None:
    """Check that a map is complete: every outcome has activities and leads to an impact.

    FILE is a map in JSON or TOML. Exits 0 when there is no error (warnings are fine),
    1 when there are errors, 2 when the file cannot be read.
    """
    toc = _read_map(file, as_json)
    report = ct.validate(toc)
    if as_json:
        _print_json({"file": file, "title": toc.title} | report.to_dict())
    else:
        click.echo(validation_text(toc, report))
    sys.exit(0 if report.ok else EXIT_FINDINGS)


@main.command()
@click.option("--all", "show_all", is_flag=True, help="Include the built-in plugins.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def plugins(show_all: bool, as_json: bool) -> None:
    """List installed plugins: name, version, hooks, what they provide, and load errors."""
    manager = get_plugin_manager()
    provided = _provided_by(manager)
    listed = [
        info.to_dict() | {"provides": provided.get(info.name, [])}
        for info in manager.plugin_infos(include_builtins=show_all)
    ]
    problems = [problem.to_dict() for problem in manager.problems]
    if as_json:
        _print_json({"plugins": listed, "errors": problems})
        return
    if not listed:
        click.echo("No plugins installed." + ("" if show_all else " (--all lists the built-ins)"))
    for item in listed:
        version = f" {item['version']}" if item["version"] else ""
        builtin = " (built in)" if item["builtin"] else ""
        click.echo(f"{item['name']}{version}{builtin}")
        click.echo(f"  hooks: {', '.join(item['hooks'])}")
        if item["provides"]:
            click.echo(f"  provides: {', '.join(item['provides'])}")
    if problems:
        click.echo("\nFailed to load or register:")
        for problem in problems:
            version = f" {problem['version']}" if problem["version"] else ""
            click.echo(f"  {problem['plugin']}{version}: {problem['error']}")


def _provided_by(manager: PluginManager) -> dict[str, list[str]]:
    """What each plugin registered: ``renderer json``, ``store memory://``…"""
    provided: dict[str, list[str]] = {}
    extensions = manager.extensions
    for what, registry in (
        ("renderer", extensions.renderers),
        ("exporter", extensions.exporters),
        ("group renderer", extensions.group_renderers),
        ("survey importer", extensions.importers),
        ("map importer", extensions.map_importers),
    ):
        for entry in registry.values():
            provided.setdefault(entry.plugin, []).append(f"{what} {entry.name}")
    for code, plugin in extensions.rule_plugins.items():
        provided.setdefault(plugin, []).append(f"rule {code}")
    for scheme, plugin in extensions.schemes.items():
        provided.setdefault(plugin, []).append(f"store {scheme}://")
    return provided


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _analysis_or_exit(toc: ct.TheoryOfChange, run: Any, as_json: bool) -> Any:
    try:
        return run(toc)
    except CycleError as exc:
        if as_json:
            _print_json(
                {"error": {"code": exc.code, "message": str(exc), "nodes": list(exc.nodes)}}
            )
        else:
            click.echo(f"coprod-toc: {exc}", err=True)
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the split as JSON.")
def split(file: str, as_json: bool) -> None:
    """Show the split between project and co-production, per impact.

    The measures side by side: the activities and outcomes behind each impact that are
    co-production, the routes that pass through co-production, the group's contribution
    estimate with its range, and how much of it rests on links with no evidence.
    """
    toc = _read_map(file, as_json)
    result = _analysis_or_exit(toc, ct.split, as_json)
    if as_json:
        _print_json({"file": file, "title": toc.title} | result.to_dict())
        return
    lines = [toc.title, result.caveat, "", "Across the map:"]
    lines.append(f"  {result.activities.explanation}")
    lines.append(f"  {result.outcomes.explanation}")
    if result.effort is not None:
        lines.append(f"  {result.effort.explanation}")
    header = (
        f"{'Impact':<34} {'Activities':>10} {'Outcomes':>8} {'Routes':>6} "
        f"{'Co-production':>15} {'No evidence':>11}"
    )
    lines += ["", header, "-" * len(header)]
    for item in result.impacts:
        ends = item.contribution.coproduction_spread()
        spread = f" ({_pct(ends[0])}-{_pct(ends[1])})" if ends else ""
        c_text = f"{_pct(item.contribution.coproduction)}{spread}"
        lines.append(
            f"{_short(item.impact + ' ' + item.statement, 34):<34} "
            f"{_pct(item.activities.share):>10} {_pct(item.outcomes.share):>8} "
            f"{_pct(item.routes.share):>6} {c_text:>15} {_pct(item.contribution.unevidenced):>11}"
        )
    lines += [
        "",
        "Activities, Outcomes: the share of those behind the impact that are co-production.",
        "Routes: the share of routes from an activity to the impact through co-production.",
        "Co-production: the group's estimate of co-production's contribution (with its range",
        "  if every contribution level moved one step).",
        "No evidence: how much of that estimate rests on links with no evidence attached.",
    ]
    for item in result.impacts:
        kind = "co-production" if item.kind is ct.Kind.COPRODUCTION else "project"
        lines += ["", f"{item.impact} ({kind} impact): {_short(item.statement, 70)}"]
        for measure in (item.activities, item.outcomes, item.effort, item.routes):
            if measure is not None:
                lines.append(f"  - {measure.explanation}")
        lines.append(f"  - {item.contribution.explanation}")
        lines.append(f"  - {item.contribution.unevidenced_explanation}")
    if result.findings:
        lines += ["", "Worth checking:"]
        lines += [f"  - {f.message} [{f.code}]" for f in result.findings]
    click.echo("\n".join(lines))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print progress as JSON.")
def progress(file: str, as_json: bool) -> None:
    """Show progress: activities, achievements, indicators, and each pathway to impact."""
    toc = _read_map(file, as_json)
    report = _analysis_or_exit(toc, ct.progress, as_json)
    if as_json:
        _print_json({"file": file, "title": toc.title} | report.to_dict())
        return
    lines = [toc.title, "", f"Activities: {report.activities.explain()}."]
    for kind, counts in report.activities_by_kind.items():
        label = "co-production" if kind is ct.Kind.COPRODUCTION else "project"
        lines.append(f"  {label}: {counts.explain()}")
    lines += ["", "Achievements (short-term outcomes):"]
    for item in report.achievements:
        latest = item.latest
        state = "not assessed" if latest is None else latest.status.value.replace("_", " ")
        when = "" if latest is None else f" {latest.date.isoformat()}"
        lines.append(f"  {item.outcome:<6} {state + when:<22} {_short(item.statement, 60)}")
    if report.indicators:
        lines += ["", "Indicators:"]
        lines += [f"  {i.outcome}/{i.indicator}: {i.explanation}" for i in report.indicators]
    lines += ["", "Pathways:"]
    lines += [f"  {p.explanation}" for p in report.pathways]
    click.echo("\n".join(lines))


# --------------------------------------------------------------------------- store


@main.group()
def store() -> None:
    """Keep maps with their history: list, show, history, diff, save, delete.

    Every command takes --store URL: sqlite:///PATH (the default kind), json://DIR,
    memory://, or a URL a plugin handles (postgresql+psycopg://…).
    """


@store.command("list")
@_store_option
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def store_list(url: str | None, as_json: bool) -> None:
    """List the maps in the store with their latest version."""
    with _open(url) as opened:
        try:
            latest = [opened.history(name)[-1] for name in opened.list()]
        except ct.CoprodTocError as exc:
            _store_failed(exc, as_json)
    if as_json:
        _print_json({"store": opened.url, "maps": [v.to_dict() for v in latest]})
        return
    if not latest:
        click.echo(f"No maps in {opened.url} yet.")
        return
    width = max(len(v.name) for v in latest)
    for v in latest:
        when = v.saved_at.strftime("%Y-%m-%d %H:%M")
        click.echo(f"{v.name:<{width}}  v{v.version:<4} {when}  {_short(v.title, 60)}")


@store.command("show")
@click.argument("name")
@click.option("--version", "version", type=int, default=None, help="A version (default: latest).")
@_store_option
@click.option("--json", "as_json", is_flag=True, help="Print the map as its canonical JSON.")
def store_show(name: str, version: int | None, url: str | None, as_json: bool) -> None:
    """Show a stored map: its nodes and what each links to."""
    with _open(url) as opened:
        try:
            toc = opened.load(name, version)
            latest = opened.history(name)[-1].version
        except ct.CoprodTocError as exc:
            _store_failed(exc, as_json)
    if as_json:
        click.echo(ct.dumps(toc), nl=False)
        return
    shown = latest if version is None else version
    lines = [f"{toc.title} (map {name!r}, version {shown} of {latest})", toc.summary(), ""]
    for node in toc.nodes():
        what = node.node_type.value
        kind = getattr(node, "kind", None)
        horizon = getattr(node, "horizon", None)
        tags = ", ".join(t for t in (kind and kind.value, horizon and horizon.value) if t)
        leads = toc.successors(node.id)
        arrow = f"  -> {', '.join(leads)}" if leads else ""
        tag_text = f" [{tags}]" if tags else ""
        lines.append(f"{node.id:<6} {what}{tag_text}: {_short(node.text, 70)}{arrow}")
    click.echo("\n".join(lines))


@store.command("history")
@click.argument("name")
@_store_option
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
def store_history(name: str, url: str | None, as_json: bool) -> None:
    """List every version of a map, oldest first."""
    with _open(url) as opened:
        try:
            versions = opened.history(name)
        except ct.CoprodTocError as exc:
            _store_failed(exc, as_json)
    print_history(name, versions, as_json)


@store.command("diff")
@click.argument("name")
@click.argument("old", type=int, required=False)
@click.argument("new", type=int, required=False)
@_store_option
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def store_diff(name: str, old: int | None, new: int | None, url: str | None, as_json: bool) -> None:
    """Show what changed between two versions of a map.

    OLD and NEW are version numbers; without them, the latest version against the one
    before; with only OLD, OLD against the latest.
    """
    with _open(url) as opened:
        try:
            latest = opened.history(name)[-1].version
            if latest == 1 and old is None and new is None:
                message = f"map {name!r} has only one version: there is nothing to compare yet"
                if as_json:
                    _print_json({"name": name, "from": None, "to": 1, "message": message})
                else:
                    click.echo(message)
                return
            new = latest if new is None else new
            old = max(new - 1, 1) if old is None else old
            changes = opened.diff(name, old, new)
        except ct.CoprodTocError as exc:
            _store_failed(exc, as_json)
    if as_json:
        _print_json({"name": name, "from": old, "to": new} | changes.to_dict())
        return
    click.echo(f"map {name!r}, version {old} -> {new}:")
    click.echo("\n".join(changes.lines()) if changes else "no changes")


@store.command("save")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--expected-version",
    type=int,
    default=None,
    help="The version your edit started from (0 for a new map); refused if it is not the latest.",
)
@click.option("-m", "--message", default=None, help="A note for the history.")
@click.option("--force", is_flag=True, help="Save a new version even if nothing changed.")
@_store_option
def store_save(
    name: str,
    file: str,
    expected_version: int | None,
    message: str | None,
    force: bool,
    url: str | None,
) -> None:
    """Save the map in FILE (JSON or TOML) as the next version of NAME, unless it equals the
    latest version (nodes, links, assumptions and evidence): then nothing is saved."""
    toc = _read_map(file, as_json=False)
    with _open(url) as opened:
        try:
            latest = _latest_version(opened, name)
            version = opened.save(
                name,
                toc,
                expected_version=expected_version,
                message=message,
                if_changed=not force,
            )
        except ct.CoprodTocError as exc:
            _store_failed(exc)
    if version == latest:
        click.echo(
            f"{name!r} is unchanged since version {version} in {opened.url}: nothing saved "
            "(--force saves a version anyway)"
        )
    else:
        click.echo(f"saved {name!r} as version {version} in {opened.url}")


def _latest_version(store: Store, name: str) -> int:
    """The latest version of map ``name``, 0 if there is none."""
    try:
        return store.history(name)[-1].version
    except ct.MapNotFoundError:
        return 0


@store.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@_store_option
def store_delete(name: str, yes: bool, url: str | None) -> None:
    """Delete a map and every version of it. This cannot be undone."""
    with _open(url) as opened:
        try:
            count = len(opened.history(name))
            if not yes:
                click.confirm(
                    f"Delete map {name!r} and all {count} versions from {opened.url}?", abort=True
                )
            opened.delete(name)
        except ct.CoprodTocError as exc:
            _store_failed(exc)
    click.echo(f"deleted {name!r} ({count} version{'' if count == 1 else 's'})")


# --------------------------------------------------------------------------- rendering


def _option_option(command: Any) -> Any:
    return click.option(
        "-O",
        "--option",
        "options",
        multiple=True,
        metavar="NAME=VALUE",
        help="An option for the format (repeat for more); VALUE is read as JSON when it "
        "can be (numbers, true, lists, objects), else as text.",
    )(command)


def _parse_options(options: tuple[str, ...]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for option in options:
        name, equals, value = option.partition("=")
        if not equals or not name.strip().isidentifier():
            click.echo(f"coprod-toc: -O takes NAME=VALUE, not {option!r}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        try:
            parsed[name.strip()] = json.loads(value)
        except (ValueError, RecursionError):  # not JSON (or nested past reading): text
            parsed[name.strip()] = value
    return parsed


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "-f",
    "--format",
    "name",
    required=True,
    metavar="NAME",
    help="mermaid, dot, svg, markdown, html, easy-read, json, toml; with -o also logframe, "
    "csv, graphml, toc-maker; or one a plugin adds (coprod-toc plugins --all lists them).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to this file (whole or not at all) instead of printing.",
)
@_option_option
def render(file: str, name: str, output: str | None, options: tuple[str, ...]) -> None:
    """Draw or write up the map in FILE in another format, or write it for another tool
    (exporters such as logframe, csv, graphml and toc-maker need -o FILE)."""
    toc = _read_map(file, as_json=False)
    given = _parse_options(options)
    try:
        if output is None:
            if name in get_plugin_manager().extensions.exporters:
                raise ct.OutputError(f"{name!r} writes a file: give one with -o FILE")
            rendered = ct.render(toc, name, **given)
        else:
            ct.export(toc, name, output, **given)
    except ct.CoprodTocError as exc:
        click.echo(f"coprod-toc: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if output is None:
        if isinstance(rendered, bytes):
            click.echo(rendered, nl=False)
        else:
            click.echo(rendered, nl=not rendered.endswith("\n"))
    else:
        click.echo(f"wrote {output}")
        _check_suffix(name, output)


def _check_suffix(name: str, output: str) -> None:
    """Say so when a file was written under a name its format does not usually have (a
    zip of CSV files named ``.csv``): the reader of the file is then told, not surprised."""
    extensions = get_plugin_manager().extensions
    entry = extensions.exporters.get(name) or extensions.renderers.get(name)
    if entry is None:
        return
    usual = getattr(entry.implementation, "suffixes", None) or (
        getattr(entry.implementation, "suffix", ""),
    )
    suffix = Path(output).suffix.lower()
    if suffix and usual[0] and suffix not in usual:
        click.echo(
            f"coprod-toc: note: {name} files usually end {' or '.join(usual)}; {output} ends "
            f"{suffix}",
            err=True,
        )


# --------------------------------------------------------------------------- exchange

#: How many notes an import prints before pointing at --json for the rest.
_NOTES_SHOWN = 40


@main.command("import-map")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the map here: TOML for a .toml name, canonical JSON otherwise (default: "
    "print it as TOML).",
)
@click.option(
    "-f",
    "--format",
    "format_",
    default="auto",
    show_default=True,
    metavar="NAME",
    help="logframe, toc-maker, coprod-toc, or one a plugin adds (kumu with coprod-toc-kumu); "
    "auto tells it from the file.",
)
@_option_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Give the import report as JSON (on standard error when the map is printed).",
)
def import_map(
    file: str, output: str | None, format_: str, options: tuple[str, ...], as_json: bool
) -> None:
    """Bring in a map drawn in another tool: a logframe workbook, a ToC-Maker or Kumu
    export. Says what it read, and every row, field or link it left out or changed."""
    given = _parse_options(options)
    if output is not None and Path(output).suffix.lower() not in (".toml", ".json"):
        click.echo(
            f"coprod-toc: -o writes the map as TOML or JSON: give a name ending .toml or "
            f".json, not {output!r}",
            err=True,
        )
        sys.exit(EXIT_BAD_INPUT)
    try:
        result = ct.import_map(file, format_, **given)
        if output is not None:
            ct.dump(result.toc, output)
    except ct.CoprodTocError as exc:
        click.echo(f"coprod-toc: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    # The report goes where it does not mix with the map: stdout only when the map went to a file.
    to_stderr = output is None
    if output is None:
        click.echo(ct.dumps(result.toc, format="toml"), nl=False)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False), err=to_stderr)
        return
    report = result.to_dict()
    parts = ", ".join(f"{part} {count}" for part, count in result.read.items() if count)
    click.echo(
        f"read {file} as {result.format}: {report['nodes']} nodes, {report['links']} links"
        + (f" ({parts})" if parts else ""),
        err=to_stderr,
    )
    if output is not None:
        click.echo(f"wrote {output}", err=to_stderr)
    if result.notes:
        click.echo(f"{len(result.notes)} notes:", err=to_stderr)
        for note in result.notes[:_NOTES_SHOWN]:
            click.echo(f"  {note}", err=to_stderr)
        if len(result.notes) > _NOTES_SHOWN:
            rest = len(result.notes) - _NOTES_SHOWN
            click.echo(f"  … and {rest} more (--json lists them all)", err=to_stderr)


@main.command("new-plugin")
@click.argument("name")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(KINDS),
    help="What the plugin adds: an exporter, a renderer, a store, a survey importer, or a "
    "map importer (with the exporter that writes its files).",
)
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default="the current folder",
    help="The folder to write the package's folder into (made if missing).",
)
def new_plugin(name: str, kind: str, into: Path) -> None:
    """Write a plugin package to start from, ready to install, test and change.

    NAME is lower-case letters and digits, words joined by '-' ('outline', 'my-exporter'):
    the package is coprod-toc-NAME, in a folder of that name, and what it adds is
    registered as NAME (a store answers to NAME://). Its tests run coprod-toc's
    conformance kit, and pass as written.
    """
    try:
        folder = write_plugin(name, kind, into)
    except ct.CoprodTocError as exc:
        click.echo(f"coprod-toc: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"wrote {folder}:")
    for path in sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()):
        click.echo(f"  {path}")
    # A path pip reads as a folder (not a package's name) and that the shell leaves alone.
    shown = str(folder) if folder.is_absolute() else f"./{folder.as_posix()}"
    click.echo("\nNext, install it with its tests, and run them:")
    click.echo(f"  pip install -e {shlex.quote(shown + '[test]')}")
    click.echo(f"  pytest {shlex.quote(shown)}")


def _map_name(file: str) -> str:
    """A store name from a file name: ``examples/day-centre.toml`` → ``day-centre``."""
    stem = Path(file).name.split(".")[0]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.") or "map"
    return name[:128]


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default="report.html",
    show_default=True,
    help="Where to write the HTML report.",
)
@click.option(
    "--easy-read",
    is_flag=True,
    help="Also write the easy-read summary beside the report (NAME.easy-read.html).",
)
@click.option(
    "--name",
    default=None,
    help="The map's name in the store (default: the file name without its suffix).",
)
@click.option("--no-save", is_flag=True, help="Do not save the map in the store.")
@_store_option
def report(
    file: str, output: str, easy_read: bool, name: str | None, no_save: bool, url: str | None
) -> None:
    """Validate the map in FILE, work out the split and progress, and write the HTML report.

    The map is saved in the store as it goes (a new version only when it changed). Exits 0
    when the map has no errors, 1 when validation found errors (the report is still
    written), 2 when the file cannot be read or the report cannot be written.
    """
    toc = _read_map(file, as_json=False)
    analyses = analyse(toc)  # once, for the summary and every file written
    validation = analyses.validation
    click.echo(validation_text(toc, validation))
    written = [Path(output)]
    if easy_read:
        written.append(Path(output).with_name(Path(output).name.split(".")[0] + ".easy-read.html"))
    try:
        ct.export(toc, "html", written[0], analyses=analyses)
        if easy_read:
            ct.export(toc, "easy-read", written[1], analyses=analyses)
    except ct.CoprodTocError as exc:
        click.echo(f"coprod-toc: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo("")
    click.echo(f"wrote {written[0]}")
    if easy_read:
        click.echo(f"wrote {written[1]}")
        problems = ct.easy_read_lint(written[1].read_text(encoding="utf-8"))
        if problems:
            click.echo(
                f"the easy-read summary breaks {len(problems)} easy-read rule"
                f"{'' if len(problems) == 1 else 's'}; give those statements easy_read wording:"
            )
            for problem in problems[:20]:
                click.echo(f"  {problem.message}: {_short(problem.text, 70)}")
    if not no_save:
        _save_for_report(toc, name or _map_name(file), url)
    sys.exit(0 if validation.ok else EXIT_FINDINGS)


def _save_for_report(toc: ct.TheoryOfChange, name: str, url: str | None) -> None:
    with _open(url) as opened:
        try:
            history = opened.history(name) if name in opened.list() else []
            if history and history[-1].title != toc.title:
                click.echo(
                    f"coprod-toc: {opened.url} already holds a map named {name!r} with another "
                    f"title ({history[-1].title!r}, not {toc.title!r}): nothing saved; give "
                    "this map its own name with --name, or use --no-save",
                    err=True,
                )
                sys.exit(EXIT_BAD_INPUT)
            latest = history[-1].version if history else 0
            version = opened.save(name, toc, message="coprod-toc report", if_changed=True)
        except ct.CoprodTocError as exc:
            _store_failed(exc)
    if version == latest:
        click.echo(f"{name!r} is unchanged since version {version} in {opened.url}")
    else:
        click.echo(f"saved {name!r} as version {version} in {opened.url}")


# --------------------------------------------------------------------------- evidence


def _key_option(function: Any) -> Any:
    return click.option(
        "--key-file",
        type=click.Path(dir_okay=False),
        default=None,
        help="The pseudonym key (default: $COPROD_TOC_PSEUDONYM_KEY, else pseudonym.key in "
        "your configuration folder; made on first use). Keep it apart from the store.",
    )(function)


def _estimated_rows(path: Path) -> int | None:
    """Lines in a text file, counted fast in binary (a cell with line breaks makes it an
    overestimate; the bar then ends early, never late)."""
    with path.open("rb") as handle:
        if handle.read(4).startswith(b"PK"):
            return None  # a spreadsheet: no lines to count
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _survey_options(function: Any) -> Any:
    """The options that say how to read a survey file, shared by the survey commands: each
    is an option of ``ct.import_survey`` (or the importer's)."""
    for option in reversed(
        (
            click.option(
                "-f", "--format", "format_name", default="auto", show_default=True,
                help="The survey tool that wrote the file (`coprod-toc plugins --all` lists "
                "the importers).",
            ),
            click.option(
                "--dayfirst/--monthfirst", default=None,
                help="Read dates day-first (UK) or month-first (US) instead of deciding "
                "from the file.",
            ),
            click.option("--sheet", default=None, help="The workbook's sheet (default: first)."),
            click.option(
                "--encoding", default=None,
                help="The text encoding of a CSV (default: decided from its bytes).",
            ),
            click.option(
                "--respondent", default=None,
                help="The column that identifies respondents (a code people gave).",
            ),
            click.option(
                "--dictionary", type=click.Path(dir_okay=False), default=None,
                help="A REDCap data dictionary: labels codes, leaves identifiers out.",
            ),
            click.option(
                "--form", type=click.Path(dir_okay=False), default=None,
                help="A KoboToolbox or ODK form (XLSForm): labels codes.",
            ),
        )
    ):  # fmt: skip
        function = option(function)
    return function


def _reading(**given: Any) -> dict[str, Any]:
    """The survey options given on the command line, as import_survey's keyword options."""
    return {name: value for name, value in given.items() if value is not None}


def _warn(warnings: Any) -> None:
    for warning in warnings:
        click.echo(f"coprod-toc: warning: {warning}", err=True)


def _fail(exc: ct.CoprodTocError, as_json: bool, file: str, message: str | None = None) -> None:
    """Report bad input (as JSON on standard output with --json) and exit 2."""
    text = message or str(exc)
    if as_json:
        _print_json({"error": {"code": exc.code, "message": text, "file": file}})
    else:
        click.echo(f"coprod-toc: {text}", err=True)
    sys.exit(EXIT_BAD_INPUT)


@main.command("import-survey")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--mapping", "mapping_file", type=click.Path(dir_okay=False),
              help="The mapping file (TOML) that says which question evidences what; "
              "`coprod-toc survey scaffold FILE` writes a starter.")  # fmt: skip
@click.option("--map", "old_mapping_file", type=click.Path(dir_okay=False), hidden=True)
@click.option("--into", "target", required=True,
              help="The map the evidence goes into: a JSON map file, or a store URL (with "
              "--name).")  # fmt: skip
@click.option("--name", default=None, help="The map's name in the store.")
@_survey_options
@click.option("--rejected-csv", "rejected", type=click.Path(dir_okay=False), default=None,
              help="Also write the rejected answers (kept with the import) to this CSV file, "
              "readable by you only.")  # fmt: skip
@click.option("--rejected", "old_rejected", type=click.Path(dir_okay=False), default=None,
              hidden=True)  # fmt: skip
@click.option("--reimport", is_flag=True, help="Import a file imported into the map before.")
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON.")
@_key_option
def import_survey(
    file: str,
    mapping_file: str | None,
    old_mapping_file: str | None,
    target: str,
    name: str | None,
    format_name: str,
    rejected: str | None,
    old_rejected: str | None,
    reimport: bool,
    as_json: bool,
    key_file: str | None,
    **reading: Any,
) -> None:
    """Import the survey export FILE as evidence into a map, as the mapping file says.

    Respondents are pseudonymised with your key before anything is kept; personal data
    (names, e-mail addresses, phone numbers, addresses…) is left out and scrubbed from
    free text. Every answer that cannot be used is kept with the import, as the person's
    evidence is (so erasure reaches it); --rejected-csv writes a copy. Look at a file first
    with `coprod-toc survey inspect FILE`. Exits 2 for bad input, leaving the map as it was.
    """
    # Why this is long: one command read top to bottom: its options, the old names it still takes,
    # the one call, and the report it prints.
    if old_rejected is not None:
        click.echo(
            "coprod-toc: warning: --rejected is deprecated: rejected answers are kept with the "
            "import; --rejected-csv writes a copy",
            err=True,
        )
        rejected = rejected or old_rejected
    if old_mapping_file is not None:
        click.echo(
            "coprod-toc: warning: --map is deprecated: it names the mapping file, so it is "
            "now --mapping",
            err=True,
        )
        mapping_file = mapping_file or old_mapping_file
    if mapping_file is None:
        _fail(
            ct.FormatError("no mapping"), as_json, file,
            "name the mapping file with --mapping (`coprod-toc survey scaffold "
            f"{file} > mapping.toml` writes a starter)",
        )  # fmt: skip
        return
    if "://" in target and not name:
        _fail(ct.StoreError("no name"), as_json, file, "name the map in the store with --name")
    source = Path(file)
    new_key = not ct.api.pseudonym_key_path(key_file).exists()
    try:
        key = ct.pseudonym_key(key_file)
        common = {
            "into": target, "name": name, "format": format_name, "pseudonym_key": key,
            "allow_reimport": reimport, "rejected": rejected, **_reading(**reading),
        }  # fmt: skip
        if source.is_file() and source.stat().st_size > 1_000_000:
            bar: Any
            with click.progressbar(
                length=_estimated_rows(source), label="importing", file=sys.stderr
            ) as bar:
                done = ct.import_survey_evidence(file, mapping_file, progress=bar.update, **common)
        else:
            done = ct.import_survey_evidence(file, mapping_file, **common)
    except ct.CoprodTocError as exc:
        again = f"{file} was imported into this map before; pass --reimport to import it again"
        _fail(exc, as_json, file, again if exc.code == "imported-before" else None)
        return
    if new_key:
        click.echo(
            f"coprod-toc: made a new pseudonym key, {ct.api.pseudonym_key_path(key_file)}: back "
            "it up and keep it apart from the store (whoever has it can tell who a pseudonym "
            "is from the ids people gave)",
            err=True,
        )
    report = done.report
    if as_json:
        _print_json(report.to_dict() | {"saved": done.saved})
        _warn(report.warnings)
        return
    click.echo(
        f"read {_plural(report.responses, 'response')} ({done.table.format}); "
        f"imported {report.imported}"
    )
    for note in report.notes:
        click.echo(f"  {note}")
    for kind, count in sorted(report.records.items()):
        one = kind[:-1] if count == 1 and kind.endswith("s") else kind  # "1 quote"
        click.echo(f"  {count} {one}")
    for what, count in sorted(report.missing.items()):
        click.echo(f"  left blank or missing: {what} ({count})")
    if report.rejected:
        where = (
            f"written to {done.rejected_file}"
            if done.rejected_file
            else "--rejected-csv FILE writes them out"
        )
        click.echo(
            f"{_plural(len(report.rejected), 'rejection')} (answers, or whole responses, "
            f"that could not be used), kept with the import; {where}"
        )
    click.echo(f"saved {done.saved}")
    _warn(report.warnings)


# --------------------------------------------------------------------------- survey


@main.group()
def survey() -> None:
    """Look at a survey export before mapping it: what was read, and a starter mapping."""


def _read_survey(
    file: str, format_name: str, as_json: bool, options: dict[str, Any]
) -> SurveyTable:
    try:
        return ct.import_survey(
            file, format_name, pseudonymise_respondents=False, **_reading(**options)
        )
    except ct.CoprodTocError as exc:
        _fail(exc, as_json, file)
        raise  # not reached: _fail exits


@survey.command("inspect")
@click.argument("file", type=click.Path(dir_okay=False))
@_survey_options
@click.option("--json", "as_json", is_flag=True, help="Print what was read as JSON.")
def survey_inspect(file: str, format_name: str, as_json: bool, **reading: Any) -> None:
    """Say how FILE reads: the tool, encoding, delimiter, date order and why, how many
    respondents, every question, and what was left out as personal data.

    Nothing is kept, and no answer or respondent is printed.
    """
    table = _read_survey(file, format_name, as_json, reading)
    try:
        people = set()
        responses = 0
        for response in table.responses():
            responses += 1
            people.add(response.respondent_key)
    except ct.CoprodTocError as exc:
        _fail(exc, as_json, file)
    order = table.date_order
    assert order is not None
    facts = {
        "file": file,
        "format": table.format,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "dayfirst": order.dayfirst,
        "date_rule": order.rule,
        "respondents": len(people),
        "responses": responses,
        "questions": [
            {"key": q.key, "text": q.text, "sub_item": q.sub_item} for q in table.questions
        ],
        "left_out": list(table.left_out),
        "notes": list(table.notes),
        "warnings": list(table.warnings),
    }
    if as_json:
        _print_json(facts)
        return
    shown = {",": "comma", ";": "semicolon", "\t": "tab"}
    lines = [
        file,
        f"  tool: {table.format}",
        f"  encoding: {table.encoding}, {shown.get(table.delimiter or '', '')}-separated"
        if table.encoding
        else "  a spreadsheet",
        f"  {order.describe()}",
        f"  respondents: {len(people)} ({_plural(responses, 'response')})",
        f"  {_plural(len(table.questions), 'question')}:",
    ]
    for q in table.questions:
        item = f" [{q.sub_item}]" if q.sub_item else ""
        lines.append(f"    {q.key}: {_short(q.text or '', 70)}{item}")
    if table.left_out:
        lines.append(f"  left out as personal data: {', '.join(table.left_out)}")
    click.echo("\n".join(lines))
    _warn(table.warnings)


@survey.command("scaffold")
@click.argument("file", type=click.Path(dir_okay=False))
@_survey_options
def survey_scaffold(file: str, format_name: str, **reading: Any) -> None:
    """Print a starter mapping for FILE: every question, commented, ignored until you say
    what it evidences. It loads as a valid mapping as it is:

        coprod-toc survey scaffold responses.csv > mapping.toml
    """
    from coprod_toc.surveys import scaffold_mapping

    table = _read_survey(file, format_name, False, reading)
    try:
        click.echo(scaffold_mapping(table), nl=False)
    except ct.CoprodTocError as exc:
        _fail(exc, False, file)


@main.command("erase-participant")
@click.argument("person")
@click.option("--into", "target", required=True,
              help="A JSON map file, or a store URL (every map, every version).")  # fmt: skip
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@_key_option
def erase_participant(person: str, target: str, yes: bool, key_file: str | None) -> None:
    """Erase PERSON's data everywhere: their pseudonym (R-…), or the identifier they gave,
    which your key turns into it. In a store this rewrites every version of every map."""
    try:
        if re.fullmatch(r"R-[0-9a-f]{16}", person):
            pseudonym = person
        elif ct.api.pseudonym_key_path(key_file).exists():
            pseudonym = ct.surveys.pseudonym(person, ct.pseudonym_key(key_file, create=False))
        else:
            pseudonym = person  # no key: a participant id entered by hand, as it is
        # The identifier as given too: a participant added by hand is known by it.
        people = [pseudonym] if pseudonym == person else [pseudonym, person]
        if not yes:
            click.confirm(f"erase {pseudonym} from {target}?", abort=True)
        empty = False
        if "://" in target:
            with ct.open_store(target) as store:
                changed = max(ct.erase_participant(store, p) for p in people)
                empty = not changed and not store.list()
            what = _plural(changed, "stored version")
        else:
            toc = _read_map(target, as_json=False)
            changed = sum(ct.erase_participant(toc, p) for p in people)
            ct.export(toc, "json", target)
            what = _plural(changed, "record")
        if changed:
            click.echo(f"erased {pseudonym} from {what}")
        elif empty:
            click.echo(
                f"coprod-toc: {target} holds no maps at all: nothing was erased (check the "
                "store's URL)",
                err=True,
            )
            sys.exit(EXIT_FINDINGS)
        else:
            click.echo(
                f"coprod-toc: {target} holds nothing of {pseudonym}: nothing was erased (check "
                "the code as they gave it, and that this is the key it was imported with)",
                err=True,
            )
            sys.exit(EXIT_FINDINGS)
    except ct.CoprodTocError as exc:
        click.echo(f"coprod-toc: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--measure", "measures", multiple=True,
              help="Instruments to report (default: every one with answers).")  # fmt: skip
@click.option("--before", default="baseline", show_default=True,
              help="The time point of the answers before.")  # fmt: skip
@click.option("--after", default="follow_up", show_default=True,
              help="The time point of the answers after.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def change(file: str, measures: tuple[str, ...], before: str, after: str, as_json: bool) -> None:
    """Before-and-after change per person for each measure in the map's evidence.

    Fewer than 30 people: indicative. Fewer than 10: counts only, no percentages or
    statistics.
    """
    toc = _read_map(file, as_json)
    from coprod_toc.evidence import paired_change

    codes = list(measures) or sorted({m.instrument for m in toc.evidence.measures})
    try:
        results = [
            r
            for code in codes
            for r in paired_change(toc.evidence, code, before=before, after=after)
        ]
    except ct.CoprodTocError as exc:
        click.echo(f"coprod-toc: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        _print_json([r.to_dict() for r in results])
        return
    if not results:
        click.echo("no measures in this map's evidence")
    for result in results:
        click.echo(str(result))
    points = sorted({m.timepoint for m in toc.evidence.measures})
    if results and all(r.n_paired == 0 for r in results) and points:
        click.echo(
            f"nobody answered at both {before!r} and {after!r}: the time points in this map "
            f"are {', '.join(repr(p) for p in points)} (--before, --after)"
        )


# The co-production group's commands, and the backwards-mapping walk-through, live in
# modules of their own.
main.add_command(group_command)
main.add_command(map_command)
