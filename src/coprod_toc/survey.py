"""Deprecated: the survey table moved to :mod:`coprod_toc.surveys`; this alias goes in the
next release."""

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
    "coprod_toc.survey is deprecated: import from coprod_toc.surveys (or coprod_toc)",
    DeprecationWarning,
    stacklevel=2,
)
