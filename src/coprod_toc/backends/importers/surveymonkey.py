"""SurveyMonkey "All individual responses", expanded columns, as CSV or XLSX.

Row 1 holds each question's text above its first column only (the rest are filled
forward); row 2 the sub-header: ``Response`` or ``Open-Ended Response`` for one-column
questions, otherwise the checkbox choice or grid statement the column is for.
"""

from __future__ import annotations

import datetime as dt
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

__all__ = ["SurveyMonkeyImporter"]

_PLAIN = {"response", "open-ended response"}
_ROLES = {
    "respondent id": Role.RESPONDENT,
    "collector id": Role.META,
    "start date": Role.STARTED,
    "end date": Role.SUBMITTED,
    "ip address": Role.PERSONAL,
    "email address": Role.PERSONAL,
    "first name": Role.NAME,
    "last name": Role.NAME,
    "custom data 1": Role.PERSONAL,
    "custom data": Role.PERSONAL,
}


class SurveyMonkeyImporter(Importer):
    name: ClassVar[str] = "surveymonkey"
    description: ClassVar[str] = "SurveyMonkey individual responses, expanded (CSV or XLSX)"

    def recognise(self, rows: tuple[tuple[str, ...], ...], head: bytes) -> bool:
        return (
            rows[0][0] == "Respondent ID"
            and len(rows) > 1
            and any(c in ("Response", "Open-Ended Response") for c in rows[1])
        )

    def build(self, rows: Rows, options: Options) -> SurveyTable:
        head = rows.header(2, "a SurveyMonkey export")
        first, second = header_cells(head[0]), header_cells(head[1])
        if first[0].lower() != "respondent id" or second[0] not in ("", "NA"):
            raise FormatError(
                "a SurveyMonkey export starts with the column Respondent ID, its second row "
                f"blank there; this file starts {first[0]!r}, then {second[0]!r}"
                "; name the tool that wrote it with format=, or let it be detected",
                source=rows.source,
            )
        width = max(len(first), len(second))
        first += [""] * (width - len(first))
        second += [""] * (width - len(second))
        texts, current = [], ""
        for header in first:
            current = header or current  # row 1 names a question above its first column only
            texts.append(current)
        subs = [None if s.lower() in _PLAIN or s in ("", "NA") else s for s in second]
        keys = unique_keys(
            f"{slug(t)}[{slug(s)}]" if s else slug(t) for t, s in zip(texts, subs, strict=True)
        )
        columns = []
        for index in range(width):
            role = _ROLES.get(first[index].lower()) if first[index] else None
            if role is not None and subs[index] is None:
                columns.append(Column(index, first[index], role))
            else:
                columns.append(
                    question_column(index, texts[index], keys[index], texts[index], subs[index])
                )
        return self.table(
            rows,
            options,
            columns,
            header_rows=2,
        )

    def write_example(
        self, path: Path, questions: Sequence[str], answers: Sequence[Sequence[str]]
    ) -> Path:
        """All individual responses, expanded: the nine metadata columns (their second
        header row blank), then one column per question headed ``Response`` (a comment box
        would say ``Open-Ended Response``)."""
        meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
                "Email Address", "First Name", "Last Name", "Custom Data 1"]  # fmt: skip
        times = example_times(len(answers))
        rows = [[*meta, *questions], [""] * len(meta) + ["Response"] * len(questions)]
        rows += [
            [str(11840000100 + n), "4301", f"{at - dt.timedelta(minutes=5):%m/%d/%Y %I:%M:%S %p}",
             f"{at:%m/%d/%Y %I:%M:%S %p}", f"10.0.0.{n}", "", "", "", "", *row]
            for n, (at, row) in enumerate(zip(times, answers, strict=True), start=1)
        ]  # fmt: skip
        return write_csv(path.with_suffix(".csv"), rows)
