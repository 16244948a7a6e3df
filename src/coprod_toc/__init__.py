"""coprod_toc: SCIE's co-production Theory of Change as a library.

    import coprod_toc as ct
    toc = ct.load("examples/day-centre.toml")
    report = ct.validate(toc)

Importing this package loads no plugin and touches no file: the plugin manager is built
on first use (``get_plugin_manager()``).
"""

from coprod_toc.analysis import (
    BUILTIN_RULES,
    STEPS,
    Finding,
    MapFacts,
    MappingStep,
    NextStep,
    Rule,
    RuleRegistry,
    Severity,
    Step,
    ValidationReport,
    next_step,
)
from coprod_toc.api import example, export, import_survey, open_store, render, validate
from coprod_toc.errors import (
    ConflictError,
    CoprodTocError,
    DuplicateNodeError,
    FormatError,
    LinkError,
    MapNotFoundError,
    ModelError,
    NodeNotFoundError,
    OutputError,
    PluginError,
    PluginNotFoundError,
    StoreError,
)
from coprod_toc.format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    dump,
    dumps,
    from_document,
    load,
    loads,
    schema,
    to_document,
)
from coprod_toc.graph import ALLOWED_LINKS, TheoryOfChange
from coprod_toc.hookspecs import hookimpl
from coprod_toc.model import (
    LADDER,
    Activity,
    ActivityStatus,
    Actual,
    Assumption,
    AssumptionStatus,
    AssumptionType,
    Horizon,
    Impact,
    Indicator,
    Kind,
    Link,
    Measure,
    Node,
    NodeType,
    Outcome,
    Problem,
)
from coprod_toc.plugins import PluginManager, get_plugin_manager, make_plugin_manager
from coprod_toc.store import Store, VersionInfo
from coprod_toc.survey import SurveyAnswer, SurveyTable, pseudonymise

__version__ = "0.1.0"

__all__ = [
    "ALLOWED_LINKS",
    "BUILTIN_RULES",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "LADDER",
    "STEPS",
    "Activity",
    "ActivityStatus",
    "Actual",
    "Assumption",
    "AssumptionStatus",
    "AssumptionType",
    "ConflictError",
    "CoprodTocError",
    "DuplicateNodeError",
    "Finding",
    "FormatError",
    "Horizon",
    "Impact",
    "Indicator",
    "Kind",
    "Link",
    "LinkError",
    "MapFacts",
    "MapNotFoundError",
    "MappingStep",
    "Measure",
    "ModelError",
    "NextStep",
    "Node",
    "NodeNotFoundError",
    "NodeType",
    "Outcome",
    "OutputError",
    "PluginError",
    "PluginManager",
    "PluginNotFoundError",
    "Problem",
    "Rule",
    "RuleRegistry",
    "Severity",
    "Step",
    "Store",
    "StoreError",
    "SurveyAnswer",
    "SurveyTable",
    "TheoryOfChange",
    "ValidationReport",
    "VersionInfo",
    "__version__",
    "dump",
    "dumps",
    "example",
    "export",
    "from_document",
    "get_plugin_manager",
    "hookimpl",
    "import_survey",
    "load",
    "loads",
    "make_plugin_manager",
    "next_step",
    "open_store",
    "pseudonymise",
    "render",
    "schema",
    "to_document",
    "validate",
]
