"""LimeSurvey response exports with question-code headings (CSV, comma or semicolon).

Columns start ``id, submitdate, lastpage, startlanguage``; an empty ``submitdate`` marks an
unfinished response. Sub-questions are ``Q3[SQ001]`` (R and SPSS exports write
``Q3_SQ001``), with ``Q3[other]`` and ``Q3[SQ001comment]`` beside them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from coprod_toc.errors import FormatError
from coprod_toc.surveys.kit import (
    Column,
    Importer,
    Options,
    Role,
    Rows,
    example_times,
    header_cells,
    question_column,
    slug,
    unique_keys,
    write_csv,
)
from coprod_toc.surveys.table import SurveyTable

__all__ = ["LimeSurveyImporter"]

_ROLES = {
    "token": Role.RESPONDENT,  # the participant's access code: the same person across surveys
    "id": Role.RESPONDENT,
    "submitdate": Role.SUBMITTED,
    "lastpage": Role.META,
    "startlanguage": Role.META,
    "seed": Role.META,
    "startdate": Role.STARTED,
    "datestamp": Role.META,
    "refurl": Role.META,
    "ipaddr": Role.PERSONAL,
    "interviewtime": Role.META,
    "firstname": Role.NAME,
    "lastname": Role.NAME,
    "email": Role.PERSONAL,
}
_SUB = re.compile(r"([^\[\]]+)\[([^\[\]]+)\]")
_TIMING = re.compile(r"(?:groupTime\d+|.+Time)")


class LimeSurveyImporter(Importer):
    name: ClassVar[str] = "limesurvey"
    description: ClassVar[str] = "LimeSurvey responses exported with question-code headings"

    def recognise(self, rows: tuple[tuple[str, ...], ...], head: bytes) -> bool:
        return list(rows[0][:4]) == ["id", "submitdate", "lastpage", "startlanguage"]

    def build(self, rows: Rows, options: Options) -> SurveyTable:
        headers = header_cells(rows.header(1, "a LimeSurvey export")[0])
        if headers[:2] != ["id", "submitdate"]:
            raise FormatError("a LimeSurvey export starts with id, submitdate", source=rows.source)
        # The token comes first among respondent columns when the survey uses one.
        order = sorted(range(len(headers)), key=lambda i: headers[i] != "token")
        columns = []
        for index in order:
            header = headers[index]
            role = _ROLES.get(header)
            if role is not None:
                columns.append(Column(index, header, role))
                if header == "submitdate":
                    columns.append(Column(index, header, Role.COMPLETE))
            elif _TIMING.fullmatch(header) and not _SUB.fullmatch(header):
                columns.append(Column(index, header, Role.META))
            else:
                sub = _SUB.fullmatch(header)
                code, item = (sub.group(1), sub.group(2)) if sub else (header, None)
                columns.append(question_column(index, header, header, code, item))
        columns.sort(key=lambda c: c.index if c.role is not Role.RESPONDENT else -1)
        return self.table(
            rows,
            options,
            columns,
            header_rows=1,
            complete=lambda value: bool(value and value.strip()),
        )

    def write_example(
        self, path: Path, questions: Sequence[str], answers: Sequence[Sequence[str]]
    ) -> Path:
        """Responses with question-code headings (codes are letters and digits, made from
        the questions), every field quoted, as the export dialog writes them."""
        codes = unique_keys(slug(q, 20).replace("_", "") or "q" for q in questions)
        rows = [["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate",
                 "datestamp", *codes]]  # fmt: skip
        for n, (at, row) in enumerate(zip(example_times(len(answers)), answers, strict=True)):
            stamp = f"{at:%Y-%m-%d %H:%M:%S}"
            rows.append([str(n + 1), stamp, "3", "en", str(81723 + n), stamp, stamp, *row])
        return write_csv(path.with_suffix(".csv"), rows, quote_all=True)
