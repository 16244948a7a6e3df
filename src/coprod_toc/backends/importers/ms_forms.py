"""Microsoft Forms: the XLSX of responses.

One header row: ``ID, Start time, Completion time, Email, Name`` (in the form owner's
language), then ``Last modified time`` and quiz columns, then the questions. Multi-choice and
ranking cells are joined with ``;`` and end with one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import attrs

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
    write_xlsx,
)
from coprod_toc.surveys.table import SurveyTable

__all__ = ["MicrosoftFormsImporter"]

#: The first five headers in the languages forms are commonly made in (lower case).
FIRST_HEADERS = (
    ("id", "start time", "completion time", "email", "name"),
    ("id", "hora de inicio", "hora de finalización", "correo electrónico", "nombre"),
    ("id", "heure de début", "heure de fin", "adresse de messagerie", "nom"),
    ("id", "startzeit", "fertigstellungszeit", "e-mail", "name"),
    ("id", "ora di inizio", "ora di completamento", "posta elettronica", "nome"),
    ("id", "begintijd", "tijdstip van voltooiing", "e-mail", "naam"),
    ("id", "hora de início", "hora de conclusão", "email", "nome"),
    ("id", "amser dechrau", "amser cwblhau", "e-bost", "enw"),
)
_META = re.compile(
    r"(last modified time|total points|quiz feedback|points - .*|feedback - .*)", re.I
)


def _title(header: str) -> str:
    return header.replace("**", "").strip()


class MicrosoftFormsImporter(Importer):
    name: ClassVar[str] = "ms-forms"
    description: ClassVar[str] = "Microsoft Forms responses (XLSX)"

    def recognise(self, rows: tuple[tuple[str, ...], ...], head: bytes) -> bool:
        first = tuple(h.lower() for h in rows[0][:5])
        return head.startswith(b"PK") and first in FIRST_HEADERS

    def build(self, rows: Rows, options: Options) -> SurveyTable:
        headers = header_cells(rows.header(1, "a Microsoft Forms export")[0])
        if len(headers) < 6:
            raise FormatError(
                "a Microsoft Forms export starts ID, Start time, Completion time, Email, Name "
                "and has questions after them",
                source=rows.source,
            )
        titles = [_title(h) for h in headers]
        keys = unique_keys(slug(t) for t in titles)
        columns: list[Column] = [
            # The e-mail address names the person across forms; "anonymous" forms fall back
            # to the ID, which counts responses within this form only.
            Column(3, headers[3], Role.RESPONDENT),
            Column(0, headers[0], Role.RESPONDENT),
            Column(1, headers[1], Role.STARTED),
            Column(2, headers[2], Role.SUBMITTED),
            Column(4, headers[4], Role.NAME),
        ]
        for index in range(5, len(headers)):
            if _META.fullmatch(titles[index]):
                columns.append(Column(index, headers[index], Role.META))
            else:
                columns.append(question_column(index, headers[index], keys[index], titles[index]))
        table = self.table(
            rows,
            options,
            columns,
            header_rows=1,
        )
        return _with_separators(table)

    def write_example(
        self, path: Path, questions: Sequence[str], answers: Sequence[Sequence[str]]
    ) -> Path:
        """The workbook of responses: ID, Start time, Completion time, Email, Name (an
        anonymous form: "anonymous" and blank), then the questions; times as date cells."""
        times = example_times(len(answers))
        rows: list[list[object]] = [
            ["ID", "Start time", "Completion time", "Email", "Name", *questions]
        ]
        rows += [
            [n, at - dt.timedelta(minutes=5), at, "anonymous", None, *row]
            for n, (at, row) in enumerate(zip(times, answers, strict=True), start=1)
        ]
        return write_xlsx(path.with_suffix(".xlsx"), rows)


def _with_separators(table: SurveyTable) -> SurveyTable:
    """Mark as multi-choice every question whose filled cells all end with ``;``."""
    ending: dict[int, bool] = {}
    for response in itertools.islice(table.rows(), 1000):
        for index, value in enumerate(response[3]):
            if value:
                ending[index] = ending.get(index, True) and value.rstrip().endswith(";")
    questions = [
        attrs.evolve(q, separator=";") if ending.get(i) else q
        for i, q in enumerate(table.questions)
    ]
    return attrs.evolve(table, questions=questions)
