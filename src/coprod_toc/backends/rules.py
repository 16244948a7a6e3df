"""Built-in plugin: the core validation rules."""

from __future__ import annotations

from collections.abc import Callable

from coprod_toc.analysis.validation import BUILTIN_RULES, Rule
from coprod_toc.plugins.hookspecs import hookimpl


@hookimpl
def register_validation_rules(register: Callable[[Rule], None]) -> None:
    for rule in BUILTIN_RULES:
        register(rule)
