"""Analyses: free functions over a map (validation, backwards-mapping steps)."""

from coprod_toc.analysis.mapping import STEPS, MappingStep, NextStep, Step, next_step
from coprod_toc.analysis.validation import (
    BUILTIN_RULES,
    Finding,
    MapFacts,
    Rule,
    RuleRegistry,
    Severity,
    ValidationReport,
    validate,
)

__all__ = [
    "BUILTIN_RULES",
    "STEPS",
    "Finding",
    "MapFacts",
    "MappingStep",
    "NextStep",
    "Rule",
    "RuleRegistry",
    "Severity",
    "Step",
    "ValidationReport",
    "next_step",
    "validate",
]
