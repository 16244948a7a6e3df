"""Deprecated: the mapping file moved to :mod:`coprod_toc.surveys.mapping`; this alias goes
in coprod-toc 0.3."""

import warnings

from coprod_toc.surveys.mapping import (
    ImportReport,
    QuestionMap,
    Rejection,
    SurveyMapping,
    apply_mapping,
    load_mapping,
)

__all__ = [
    "ImportReport",
    "QuestionMap",
    "Rejection",
    "SurveyMapping",
    "apply_mapping",
    "load_mapping",
]

warnings.warn(
    "coprod_toc.survey_mapping is deprecated: import from coprod_toc.surveys.mapping "
    "(it will be removed in coprod-toc 0.3)",
    DeprecationWarning,
    stacklevel=2,
)
