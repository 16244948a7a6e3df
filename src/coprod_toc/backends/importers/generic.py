"""Any CSV, TSV or XLSX with one header row: the fallback when no survey tool is recognised."""

from __future__ import annotations

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
    personal_role,
    question_column,
    slug,
    unique_keys,
    write_csv,
)
from coprod_toc.surveys.source import HEAD_BYTES
from coprod_toc.surveys.table import SurveyTable

__all__ = ["GenericImporter", "classify_generic"]

_RESPONDENT = ("respondent id", "respondent", "participant id", "participant", "record_id",
               "response id", "responseid", "id", "participant code", "code")  # fmt: skip
_SUBMITTED = ("timestamp", "submitted at", "submitted", "submission date", "completion time",
              "end date", "date")  # fmt: skip


def classify_generic(headers: list[str]) -> list[Column]:
    """Columns of a plain table: an id and a date column found by name, personal data by
    name, every other column a question keyed by its header."""
    lowered = [h.lower() for h in headers]
    respondent = next((lowered.index(n) for n in _RESPONDENT if n in lowered), None)
    submitted = next((lowered.index(n) for n in _SUBMITTED if n in lowered), None)
    keys = list(unique_keys(slug(h) if h else f"column_{i + 1}" for i, h in enumerate(headers)))
    columns = []
    for index, (header, key) in enumerate(zip(headers, keys, strict=True)):
        if index == respondent:
            columns.append(Column(index, header, Role.RESPONDENT))
        elif index == submitted:
            columns.append(Column(index, header, Role.SUBMITTED))
        elif (role := personal_role(header)) is not None:
            columns.append(Column(index, header, role))
        else:
            columns.append(question_column(index, header, key, header or None))
    return columns


class GenericImporter(Importer):
    name: ClassVar[str] = "generic"
    description: ClassVar[str] = (
        "any CSV, TSV or XLSX with one header row (respondent=, submitted= name the columns)"
    )
    options: ClassVar[tuple[str, ...]] = ("submitted",)
    fallback: ClassVar[bool] = True

    def recognise(self, rows: tuple[tuple[str, ...], ...], head: bytes) -> bool:
        # A header and a row; or a header alone when the first row runs past the bytes
        # detection sees (a very long answer).
        more = len(rows) >= 2 or len(head) >= HEAD_BYTES
        return more and len(rows[0]) >= 2 and all(rows[0])

    def build(self, rows: Rows, options: Options) -> SurveyTable:
        headers = header_cells(rows.header(1, "a table")[0])
        if len(headers) < 2:
            raise FormatError(
                "the file has no header row of two columns or more", source=rows.source
            )
        columns = classify_generic(headers)
        submitted = options.get("submitted", str)
        if submitted is not None:
            if submitted not in headers:
                raise FormatError(
                    f"no column {submitted!r} for the submission time", source=rows.source
                )
            index = headers.index(submitted)
            columns = [
                Column(c.index, c.header, Role.SUBMITTED)
                if c.index == index
                else (Column(c.index, c.header, Role.META) if c.role is Role.SUBMITTED else c)
                for c in columns
            ]
        return self.table(
            rows,
            options,
            columns,
            header_rows=1,
        )

    def write_example(
        self, path: Path, questions: Sequence[str], answers: Sequence[Sequence[str]]
    ) -> Path:
        """A plain table: a respondent id and a date column, then the questions."""
        times = example_times(len(answers))
        rows = [["Respondent ID", "Date", *questions]]
        rows += [
            [f"A{n:03d}", f"{at:%d/%m/%Y %H:%M}", *row]
            for n, (at, row) in enumerate(zip(times, answers, strict=True), start=1)
        ]
        return write_csv(path.with_suffix(".csv"), rows)
