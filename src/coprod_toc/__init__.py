"""coprod_toc: SCIE's co-production Theory of Change as a library.

    import coprod_toc as ct
    toc = ct.load("examples/day-centre.toml")
    report = ct.validate(toc)

Importing this package loads no plugin and touches no file.
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
    validate,
)
from coprod_toc.errors import (
    CoprodTocError,
    DuplicateNodeError,
    FormatError,
    LinkError,
    ModelError,
    NodeNotFoundError,
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
    "MappingStep",
    "Measure",
    "ModelError",
    "NextStep",
    "Node",
    "NodeNotFoundError",
    "NodeType",
    "Outcome",
    "Problem",
    "Rule",
    "RuleRegistry",
    "Severity",
    "Step",
    "TheoryOfChange",
    "ValidationReport",
    "__version__",
    "dump",
    "dumps",
    "from_document",
    "load",
    "loads",
    "next_step",
    "schema",
    "to_document",
    "validate",
]
