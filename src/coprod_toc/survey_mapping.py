"""Deprecated: the mapping file moved to :mod:`coprod_toc.surveys.mapping`; this alias goes
in the next release."""

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
    "(or coprod_toc)",
    DeprecationWarning,
    stacklevel=2,
)
