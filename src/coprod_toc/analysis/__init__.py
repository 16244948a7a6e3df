"""Analyses: free functions over a map (validation, backwards-mapping steps, split,
progress, differences, merging a rebuilt map), and :class:`Analyses`, the ones a report
shows, worked out once."""

from typing import TYPE_CHECKING

from coprod_toc._lazy import lazy_package

if TYPE_CHECKING:  # what type checkers see; at run time each part loads on first use
    from coprod_toc.analysis.analyses import Analyses
    from coprod_toc.analysis.diff import Change, MapDiff, diff
    from coprod_toc.analysis.easy_read import EasyReadFinding, easy_read_lint
    from coprod_toc.analysis.mapping import STEPS, MappingStep, NextStep, Step, next_step
    from coprod_toc.analysis.merge import Merged, merge
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
    "Analyses",
    "Change",
    "EasyReadFinding",
    "Finding",
    "MapDiff",
    "MapFacts",
    "MappingStep",
    "Merged",
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
    "merge",
    "next_step",
    "progress",
    "split",
    "validate",
]

if not TYPE_CHECKING:  # so type checkers still flag a misspelt name
    __getattr__, __dir__ = lazy_package(
        __name__,
        {
            "analyses": ("Analyses",),
            "diff": (
                "Change",
                "MapDiff",
                "diff",
            ),
            "easy_read": (
                "EasyReadFinding",
                "easy_read_lint",
            ),
            "mapping": (
                "STEPS",
                "MappingStep",
                "NextStep",
                "Step",
                "next_step",
            ),
            "merge": (
                "Merged",
                "merge",
            ),
            "progress": (
                "ProgressReport",
                "progress",
            ),
            "split": (
                "CAVEAT",
                "SplitResult",
                "split",
            ),
            "validation": (
                "BUILTIN_RULES",
                "Finding",
                "MapFacts",
                "Rule",
                "RuleRegistry",
                "Severity",
                "ValidationReport",
                "validate",
            ),
        },
        # change is the old home of coprod_toc.evidence.change: reachable, not listed
        listed=(
            "analyses",
            "diff",
            "easy_read",
            "mapping",
            "merge",
            "progress",
            "split",
            "traversal",
            "validation",
        ),
    )
