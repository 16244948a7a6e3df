"""Analyses: free functions over a map (validation, backwards-mapping steps)."""

from coprod_toc.analysis.diff import Change, MapDiff, diff
from coprod_toc.analysis.easy_read import EasyReadFinding, easy_read_lint
from coprod_toc.analysis.mapping import STEPS, MappingStep, NextStep, Step, next_step
from coprod_toc.analysis.progress import ProgressReport, progress
from coprod_toc.analysis.split import CAVEAT, SplitResult, split
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
    "CAVEAT",
    "STEPS",
    "Change",
    "EasyReadFinding",
    "Finding",
    "MapDiff",
    "MapFacts",
    "MappingStep",
    "NextStep",
    "ProgressReport",
    "Rule",
    "RuleRegistry",
    "Severity",
    "SplitResult",
    "Step",
    "ValidationReport",
    "diff",
    "easy_read_lint",
    "next_step",
    "progress",
    "split",
    "validate",
]
