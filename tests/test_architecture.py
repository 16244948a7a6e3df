"""The shape of the code, kept: what import-linter cannot see."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "src", *sorted((ROOT / "plugins").glob("*/src"))]


def _private_imports(text: str, where: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{where}: {node.module}.{alias.name}")
    return found


def test_no_module_imports_another_modules_private_names() -> None:
    """A name starting with _ belongs to its module; others use what it makes public."""
    offending = [
        hit
        for base in SOURCES
        for path in base.rglob("*.py")
        for hit in _private_imports(path.read_text("utf-8"), str(path.relative_to(ROOT)))
    ]
    assert offending == []


def test_the_private_name_check_sees_one_even_inside_a_function() -> None:
    text = "def f():\n    from coprod_toc.model import _secret, public\n"
    assert _private_imports(text, "m.py") == ["m.py: coprod_toc.model._secret"]
