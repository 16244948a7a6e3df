"""The ``coprod-toc`` command: a thin layer over the public API.

Exit codes: 0 done (the map may have warnings), 1 validation found errors, 2 bad input.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

import coprod_toc as ct

EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(ct.__version__, prog_name="coprod-toc")
def main() -> None:
    """Build, check and share a co-production Theory of Change."""


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


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


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
        click.echo(_validation_text(toc, report))
    sys.exit(0 if report.ok else EXIT_FINDINGS)


def _validation_text(toc: ct.TheoryOfChange, report: ct.ValidationReport) -> str:
    lines = [toc.title, toc.summary(), ""]
    if not report.findings:
        lines.append(
            "The map is complete: every outcome has activities behind it and leads to an impact."
        )
        return "\n".join(lines)
    for heading, findings in (
        ("must be fixed", report.errors),
        ("worth checking", report.warnings),
    ):
        if findings:
            noun = "thing" if len(findings) == 1 else "things"
            lines.append(f"{len(findings)} {noun} {heading}:")
            lines.extend(f"  - {f.message} [{f.code}]" for f in findings)
            lines.append("")
    step = ct.next_step(toc, report).step
    lines.append(f"Next step: {step.title.lower()}. {step.guidance}")
    if report.ok:
        lines.append("There are no errors, so the map is valid.")
    return "\n".join(lines)


@main.command()
@click.option("--all", "show_all", is_flag=True, help="Include the built-in plugins.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def plugins(show_all: bool, as_json: bool) -> None:
    """List installed plugins: name, version, hooks, what they provide, and load errors."""
    manager = ct.get_plugin_manager()
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


def _provided_by(manager: ct.PluginManager) -> dict[str, list[str]]:
    """What each plugin registered: ``renderer json``, ``store memory://``…"""
    provided: dict[str, list[str]] = {}
    extensions = manager.extensions
    for what, registry in (
        ("renderer", extensions.renderers),
        ("exporter", extensions.exporters),
        ("survey importer", extensions.importers),
    ):
        for entry in registry.values():
            provided.setdefault(entry.plugin, []).append(f"{what} {entry.name}")
    for code, plugin in extensions.rule_plugins.items():
        provided.setdefault(plugin, []).append(f"rule {code}")
    for scheme, plugin in extensions.schemes.items():
        provided.setdefault(plugin, []).append(f"store {scheme}://")
    return provided


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def _analysis_or_exit(toc: ct.TheoryOfChange, run: Any, as_json: bool) -> Any:
    try:
        return run(toc)
    except ct.CycleError as exc:
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

    Four measures side by side: activities and outcomes that are co-production (A), routes
    that pass through co-production (B), the group's contribution estimate with its range
    (C), and how much of it rests on links with no evidence (D).
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
        f"{'Impact':<34} {'A act.':>6} {'A out.':>6} {'B routes':>8} "
        f"{'C co-production':>20} {'D unevid.':>9}"
    )
    lines += ["", header, "-" * len(header)]
    for item in result.impacts:
        low, high = item.contribution.ranges["coproduction"]
        c_text = f"{_pct(item.contribution.coproduction)} ({_pct(low)}-{_pct(high)})"
        lines.append(
            f"{_short(item.impact + ' ' + item.statement, 34):<34} "
            f"{_pct(item.activities.share):>6} {_pct(item.outcomes.share):>6} "
            f"{_pct(item.routes.share):>8} {c_text:>20} {_pct(item.contribution.unevidenced):>9}"
        )
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
