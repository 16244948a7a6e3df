"""The mapping file and applying it: which question evidences what, and the records that
makes in a map's evidence."""

from coprod_toc.surveys.mapping.apply import SUPPRESS_BELOW, apply_mapping
from coprod_toc.surveys.mapping.file import (
    MappingSource,
    QuestionMap,
    SurveyMapping,
    load_mapping,
)
from coprod_toc.surveys.mapping.report import ImportReport, Rejection
from coprod_toc.surveys.mapping.scaffold import scaffold_mapping
from coprod_toc.surveys.mapping.uses import (
    USES,
    Answer,
    BenefitUse,
    FeedbackUse,
    IgnoreUse,
    IndicatorUse,
    MeasureUse,
    QuoteUse,
    Sink,
    Use,
)

__all__ = [
    "SUPPRESS_BELOW",
    "USES",
    "Answer",
    "BenefitUse",
    "FeedbackUse",
    "IgnoreUse",
    "ImportReport",
    "IndicatorUse",
    "MappingSource",
    "MeasureUse",
    "QuestionMap",
    "QuoteUse",
    "Rejection",
    "Sink",
    "SurveyMapping",
    "Use",
    "apply_mapping",
    "load_mapping",
    "scaffold_mapping",
]
