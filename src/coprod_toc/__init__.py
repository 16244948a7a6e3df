"""coprod_toc: SCIE's co-production Theory of Change as a library.

    import coprod_toc as ct
    toc = ct.load("examples/day-centre.toml")
    report = ct.validate(toc)

The names here are the ones a user of the map needs (docs/reference.md lists them all). The
rest live in documented submodules: :mod:`coprod_toc.evidence`, :mod:`coprod_toc.surveys`,
:mod:`coprod_toc.storage`, :mod:`coprod_toc.exchange`, :mod:`coprod_toc.plugins`,
:mod:`coprod_toc.errors`, :mod:`coprod_toc.analysis`, :mod:`coprod_toc.model`,
:mod:`coprod_toc.format`, :mod:`coprod_toc.group` and :mod:`coprod_toc.testing`. A name
that used to be here still works for one release, with a DeprecationWarning naming its new
home.

Importing this package loads no plugin and touches no file, and imports each part only when
one of its names is first used, so a program (or the CLI) pays only for what it uses.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from coprod_toc._lazy import lazy_package
from coprod_toc._version import __version__

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ below
    # The documented submodules, reachable as attributes (`ct.evidence`).
    from coprod_toc import analysis as analysis
    from coprod_toc import api as api
    from coprod_toc import errors as errors
    from coprod_toc import evidence as evidence
    from coprod_toc import exchange as exchange
    from coprod_toc import format as format
    from coprod_toc import graph as graph
    from coprod_toc import group as group
    from coprod_toc import model as model
    from coprod_toc import plugins as plugins
    from coprod_toc import storage as storage
    from coprod_toc import surveys as surveys
    from coprod_toc import testing as testing
    from coprod_toc.analysis import (
        STEPS,
        diff,
        easy_read_lint,
        merge,
        next_step,
        progress,
        split,
    )
    from coprod_toc.api import (
        erase_participant,
        example,
        export,
        import_map,
        import_survey,
        import_survey_evidence,
        open_store,
        pseudonym_key,
        render,
        validate,
    )
    from coprod_toc.errors import (
        ConflictError,
        CoprodTocError,
        CycleError,
        DuplicateNodeError,
        ErasedPersonError,
        FormatError,
        GroupNotFoundError,
        LinkError,
        MapNotFoundError,
        ModelError,
        NodeNotFoundError,
        OutputError,
        PluginError,
        PluginNotFoundError,
        RenderError,
        StoreError,
    )
    from coprod_toc.format import dump, dumps, load, loads, schema
    from coprod_toc.graph import TheoryOfChange
    from coprod_toc.group import group_report
    from coprod_toc.model import (
        Activity,
        ActivityStatus,
        Actual,
        Assumption,
        Horizon,
        Impact,
        Indicator,
        Kind,
        Link,
        NodeType,
        Outcome,
        Problem,
    )
    from coprod_toc.surveys import load_mapping

__all__ = [
    "STEPS",
    "Activity",
    "ActivityStatus",
    "Actual",
    "Assumption",
    "ConflictError",
    "CoprodTocError",
    "CycleError",
    "DuplicateNodeError",
    "ErasedPersonError",
    "FormatError",
    "GroupNotFoundError",
    "Horizon",
    "Impact",
    "Indicator",
    "Kind",
    "Link",
    "LinkError",
    "MapNotFoundError",
    "ModelError",
    "NodeNotFoundError",
    "NodeType",
    "Outcome",
    "OutputError",
    "PluginError",
    "PluginNotFoundError",
    "Problem",
    "RenderError",
    "StoreError",
    "TheoryOfChange",
    "__version__",
    "diff",
    "dump",
    "dumps",
    "easy_read_lint",
    "erase_participant",
    "example",
    "export",
    "group_report",
    "import_map",
    "import_survey",
    "import_survey_evidence",
    "load",
    "load_mapping",
    "loads",
    "merge",
    "next_step",
    "open_store",
    "progress",
    "pseudonym_key",
    "render",
    "schema",
    "split",
    "validate",
]

# Where each name of __all__ is defined, so it can be imported on first use.
_HOMES = {
    "analysis": (
        "STEPS",
        "diff",
        "easy_read_lint",
        "merge",
        "next_step",
        "progress",
        "split",
    ),
    "api": (
        "erase_participant",
        "example",
        "export",
        "import_map",
        "import_survey",
        "import_survey_evidence",
        "open_store",
        "pseudonym_key",
        "render",
        "validate",
    ),
    "errors": (
        "ConflictError",
        "CoprodTocError",
        "CycleError",
        "DuplicateNodeError",
        "ErasedPersonError",
        "FormatError",
        "GroupNotFoundError",
        "LinkError",
        "MapNotFoundError",
        "ModelError",
        "NodeNotFoundError",
        "OutputError",
        "PluginError",
        "PluginNotFoundError",
        "RenderError",
        "StoreError",
    ),
    "format": (
        "dump",
        "dumps",
        "load",
        "loads",
        "schema",
    ),
    "graph": ("TheoryOfChange",),
    "group": ("group_report",),
    "model": (
        "Activity",
        "ActivityStatus",
        "Actual",
        "Assumption",
        "Horizon",
        "Impact",
        "Indicator",
        "Kind",
        "Link",
        "NodeType",
        "Outcome",
        "Problem",
    ),
    "surveys": ("load_mapping",),
}

# Names that were here before and now live only in a submodule: still found, with a warning.
_MOVED = {
    **dict.fromkeys(
        (
            "BUILTIN_RULES",
            "CAVEAT",
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
        ),
        "analysis",
    ),
    **dict.fromkeys(("SurveyImport", "default_store_url"), "api"),
    **dict.fromkeys(
        (
            "INSTRUMENTS",
            "SCALES",
            "Benefit",
            "BenefitDomain",
            "ConsentMethod",
            "ConsentRecord",
            "Evidence",
            "EvidenceItem",
            "EvidenceType",
            "Instrument",
            "ItemResponse",
            "LogbookEntry",
            "MeasureAdministration",
            "PairedChange",
            "Participant",
            "ProcessFeedback",
            "Recipient",
            "RejectedAnswer",
            "Scale",
            "Wilcoxon",
            "licensed_instrument",
            "paired_change",
            "wilcoxon",
        ),
        "evidence",
    ),
    **dict.fromkeys(("FORMAT_NAME", "FORMAT_VERSION", "from_document", "to_document"), "format"),
    "ALLOWED_LINKS": "graph",
    **dict.fromkeys(
        (
            "LADDER",
            "AchievementStatus",
            "Assessment",
            "AssumptionStatus",
            "AssumptionType",
            "BreakdownItem",
            "Measure",
            "Node",
        ),
        "model",
    ),
    **dict.fromkeys(
        ("PluginManager", "get_plugin_manager", "hookimpl", "make_plugin_manager"), "plugins"
    ),
    **dict.fromkeys(("Store", "VersionInfo"), "storage"),
    **dict.fromkeys(
        (
            "ImportReport",
            "Rejection",
            "SurveyAnswer",
            "SurveyMapping",
            "SurveyQuestion",
            "SurveyResponse",
            "SurveyTable",
            "apply_mapping",
            "pseudonym",
            "pseudonymise",
            "scaffold_mapping",
        ),
        "surveys",
    ),
}

if not TYPE_CHECKING:  # so type checkers still flag a misspelt or moved name
    __getattr__, __dir__ = lazy_package(
        __name__,
        _HOMES,
        moved=_MOVED,
        listed=(
            "analysis",
            "api",
            "errors",
            "evidence",
            "exchange",
            "format",
            "graph",
            "group",
            "model",
            "plugins",
            "storage",
            "surveys",
            "testing",
        ),
    )


# The library speaks through the standard logging module, under "coprod_toc"; it prints
# nothing unless the host (or the CLI's -v) gives that logger a handler.
logging.getLogger(__name__).addHandler(logging.NullHandler())
