"""What the ``coprod-toc`` command's modules share: exit codes, JSON output, the --store
option and how a store's failure ends a command."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

import coprod_toc as ct

if TYPE_CHECKING:
    from coprod_toc.analysis import ValidationReport
    from coprod_toc.storage import Store, VersionInfo

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CONFLICT",
    "EXIT_FINDINGS",
    "open_store_or_exit",
    "print_history",
    "print_json",
    "short",
    "store_failed",
    "store_option",
    "validation_text",
]

EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_CONFLICT = 3

store_option = click.option(
    "--store",
    "url",
    metavar="URL",
    default=None,
    help="The store to use (default: $COPROD_TOC_STORE, else a SQLite file in your data folder).",
)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def open_store_or_exit(url: str | None) -> Store:
    try:
        return ct.open_store(url)
    except ct.CoprodTocError as exc:
        click.echo(f"coprod-toc: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def store_failed(exc: ct.CoprodTocError, as_json: bool = False) -> NoReturn:
    if as_json:
        print_json({"error": {"code": exc.code, "message": str(exc)}})
    else:
        click.echo(f"coprod-toc: {exc}", err=True)
    sys.exit(EXIT_CONFLICT if isinstance(exc, ct.ConflictError) else EXIT_BAD_INPUT)


def print_history(name: str, versions: list[VersionInfo], as_json: bool) -> None:
    """Every version, oldest first: number, when, title, message (a map's or a group's),
    as lines or as JSON."""
    if as_json:
        print_json({"name": name, "versions": [v.to_dict() for v in versions]})
        return
    for v in versions:
        when = v.saved_at.strftime("%Y-%m-%d %H:%M:%S")
        note = f"  {v.message}" if v.message else ""
        click.echo(f"v{v.version:<4} {when}  {short(v.title, 50)}{note}")


def validation_text(toc: ct.TheoryOfChange, report: ValidationReport) -> str:
    """What ``coprod-toc validate`` says of a map: its findings, then the next step."""
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
