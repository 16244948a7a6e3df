"""Deprecated: the survey table moved to :mod:`coprod_toc.surveys`; this alias goes in
coprod-toc 0.3."""

import warnings

from coprod_toc.surveys.dates import parse_timestamp
from coprod_toc.surveys.pseudonyms import pseudonym
from coprod_toc.surveys.table import (
    RawResponse,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyTable,
    pseudonymise,
)

__all__ = [
    "RawResponse",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyTable",
    "parse_timestamp",
    "pseudonym",
    "pseudonymise",
]

warnings.warn(
    "coprod_toc.survey is deprecated: import from coprod_toc.surveys "
    "(it will be removed in coprod-toc 0.3)",
    DeprecationWarning,
    stacklevel=2,
)
