"""Survey evidence: reading survey-tool exports into one neutral table, and mapping their
answers onto a map's evidence.

- :mod:`coprod_toc.surveys.table` — the neutral table every importer produces;
- :mod:`coprod_toc.surveys.kit` — the importer kit (rows, columns, the table builder);
- :mod:`coprod_toc.surveys.dates`, :mod:`~coprod_toc.surveys.pseudonyms` — timestamps and
  the file's date order; respondents' pseudonyms;
- :mod:`coprod_toc.surveys.mapping` — the mapping file and applying it to a map.
"""

from coprod_toc.surveys.dates import parse_timestamp
from coprod_toc.surveys.mapping import (
    ImportReport,
    QuestionMap,
    Rejection,
    SurveyMapping,
    apply_mapping,
    load_mapping,
    scaffold_mapping,
)
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
    "ImportReport",
    "QuestionMap",
    "RawResponse",
    "Rejection",
    "SurveyAnswer",
    "SurveyMapping",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyTable",
    "apply_mapping",
    "load_mapping",
    "parse_timestamp",
    "pseudonym",
    "pseudonymise",
    "scaffold_mapping",
]
