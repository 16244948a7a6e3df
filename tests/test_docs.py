"""The docs stay true: code blocks run, CLI output is regenerated, every rule and error code
is documented, and CI runs the README's own commands.

Set COPROD_TOC_REGEN_DOCS=1 to rewrite the CLI output blocks in docs/cli.md.
"""

from __future__ import annotations

import os
import re
import runpy
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

import coprod_toc as ct
from coprod_toc.cli import main
from tests.conftest import ROOT

DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
CONSOLE_BLOCK = re.compile(r"```console\n\$ (coprod-toc [^\n]*)\n(.*?)```", re.S)


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_python_blocks_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ```python block in the docs runs without error, from the repository root."""
    monkeypatch.chdir(ROOT)
    for block in PYTHON_BLOCK.findall(page.read_text()):
        exec(compile(block, str(page), "exec"), {})


def test_quickstart_example_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """examples/quickstart.py builds a valid map."""
    monkeypatch.chdir(ROOT)
    runpy.run_path(str(ROOT / "examples" / "quickstart.py"), run_name="__main__")
    assert capsys.readouterr().out.startswith("valid")


def _run(command: str) -> str:
    result = CliRunner().invoke(main, shlex.split(command)[1:])
    return result.output


def test_cli_output_in_docs_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console blocks in docs/cli.md are what the command prints today."""
    monkeypatch.chdir(ROOT)
    page = ROOT / "docs" / "cli.md"
    text = page.read_text()

    def regenerate(match: re.Match[str]) -> str:
        return f"```console\n$ {match.group(1)}\n{_run(match.group(1))}```"

    fresh = CONSOLE_BLOCK.sub(regenerate, text)
    if os.environ.get("COPROD_TOC_REGEN_DOCS") == "1":
        page.write_text(fresh)
    assert CONSOLE_BLOCK.findall(text), "docs/cli.md shows no command output"
    assert fresh == text, "docs/cli.md is stale: rerun with COPROD_TOC_REGEN_DOCS=1"


def test_every_rule_is_documented_with_its_severity() -> None:
    """docs/validation.md has a row per built-in rule: code, severity and summary."""
    text = (ROOT / "docs" / "validation.md").read_text()
    for rule in ct.BUILTIN_RULES:
        assert f"| `{rule.code}` | {rule.severity.value} | {rule.summary} |" in text, rule.code


def test_every_error_code_is_documented() -> None:
    """docs/errors.md names each error class and code the library raises."""
    text = (ROOT / "docs" / "errors.md").read_text()
    codes = ["edge-not-allowed", "horizon-backwards", "self-link", "duplicate-link", "unknown-link"]
    for cls in (
        ct.ModelError,
        ct.NodeNotFoundError,
        ct.DuplicateNodeError,
        ct.LinkError,
        ct.FormatError,
    ):
        assert f"`{cls.__name__}`" in text
        codes.append(cls.code)
    for code in codes:
        assert f"`{code}`" in text, code


def test_ci_runs_the_readme_commands() -> None:
    """.ci/run runs the two Quick start commands exactly as README.md gives them."""
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line for line in quick.splitlines() if line.strip()]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text()
    for command in commands:
        assert command in ci.splitlines(), command
