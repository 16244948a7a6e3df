"""What a user writes type-checks: the examples and the README's Python pass ``mypy --strict``."""

from __future__ import annotations

import re
from pathlib import Path

from mypy import api

from tests.conftest import ROOT

PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _mypy_strict(*files: Path) -> tuple[str, int]:
    """mypy --strict over ``files`` with the project's settings (its untyped dependencies);
    the report and exit status."""
    out, err, status = api.run(
        ["--strict", "--config-file", str(ROOT / "pyproject.toml"), *map(str, files)]
    )
    return out + err, status


def _readme_modules(folder: Path) -> list[Path]:
    # Each ```python block becomes a module of its own, as a user would copy it: the blocks
    # are whole programs (tests/test_docs.py runs each alone). Fences of other languages
    # (sh, text) are not taken.
    blocks = PYTHON_BLOCK.findall((ROOT / "README.md").read_text())
    modules = []
    for number, block in enumerate(blocks, 1):
        module = folder / f"readme_block_{number}.py"
        module.write_text(block)
        modules.append(module)
    return modules


def test_examples_and_readme_pass_mypy_strict(tmp_path: Path) -> None:
    """Every examples/*.py and every ```python block of README.md pass mypy --strict."""
    examples = sorted((ROOT / "examples").glob("*.py"))
    readme = _readme_modules(tmp_path)
    assert examples and readme
    report, status = _mypy_strict(*examples, *readme)
    assert status == 0, report


def test_typed_accessors_let_mypy_catch_a_field_of_another_record(tmp_path: Path) -> None:
    """toc.outcome(...) is an Outcome to mypy: asking it for an activity's field is an error."""
    module = tmp_path / "wrong_field.py"
    module.write_text(
        "import coprod_toc as ct\n"
        'toc = ct.example("day-centre")\n'
        'toc.outcome("O3").horizon\n'
        'toc.outcome("O3").ladder_rung\n'
    )
    report, status = _mypy_strict(module)
    assert status == 1, report
    assert '"Outcome" has no attribute "ladder_rung"' in report
    assert "Found 1 error" in report
