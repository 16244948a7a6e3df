"""Qualtrics CSV/TSV exports: the current three-header-row layout and the legacy one.

Current: row 1 the export tags (``ResponseId``, ``Q1``, ``Q2_3``, ``Q5_4_TEXT``), row 2 the
question text in the exporting user's language (``question - statement`` for grids), row 3
JSON with the ``ImportId``. Columns are keyed on row 1 and told apart by rows 1 and 3, never
by row 2. Legacy: row 1 ``V1…V10, Q1…`` (names may repeat), row 2 ``ResponseID, …`` and the
question text.
"""

from __future__ import annotations

import datetime as dt
import json
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
    unique_keys,
    write_csv,
)
from coprod_toc.surveys.table import SurveyTable

__all__ = ["QualtricsImporter", "QualtricsLegacyImporter"]

_ROLES = {
    "StartDate": Role.STARTED,
    "EndDate": Role.META,
    "Status": Role.META,
    "IPAddress": Role.PERSONAL,
    "Progress": Role.META,
    "Duration (in seconds)": Role.META,
    "Finished": Role.COMPLETE,
    "RecordedDate": Role.SUBMITTED,
    "ResponseId": Role.RESPONDENT,
    "RecipientLastName": Role.NAME,
    "RecipientFirstName": Role.NAME,
    "RecipientEmail": Role.PERSONAL,
    "ExternalReference": Role.META,
    "ExternalDataReference": Role.META,
    "LocationLatitude": Role.PERSONAL,
    "LocationLongitude": Role.PERSONAL,
    "LocationAccuracy": Role.PERSONAL,
    "DistributionChannel": Role.META,
    "UserLanguage": Role.META,
}
_LEGACY_ROLES = {
    "ResponseID": Role.RESPONDENT,
    "ResponseSet": Role.META,
    "Name": Role.NAME,
    "EmailAddress": Role.PERSONAL,
    "IPAddress": Role.PERSONAL,
    "Status": Role.META,
    "StartDate": Role.STARTED,
    "EndDate": Role.SUBMITTED,
    "Finished": Role.COMPLETE,
    "ExternalDataReference": Role.META,
    "LocationLatitude": Role.PERSONAL,
    "LocationLongitude": Role.PERSONAL,
    "LocationAccuracy": Role.PERSONAL,
}
_IMPORT_ID = re.compile(r"""\{\s*["']ImportId["']""")
_SUB_ITEM = re.compile(r".+_\d+(?:_TEXT)?")


def finished(value: str | None) -> bool | None:
    if value is None or not value.strip():
        return None
    return value.strip().lower() in ("true", "1")


def _text_and_item(key: str, text: str) -> tuple[str, str | None]:
    """Row 2 split into the question and its grid statement or choice."""
    if text.endswith(" - Selected Choice"):
        return text.removesuffix(" - Selected Choice"), None
    if key.endswith("_TEXT") and " - " in text:
        question, _, item = text.partition(" - ")
        return question, item
    if _SUB_ITEM.fullmatch(key) and " - " in text:
        question, _, item = text.rpartition(" - ")
        return question, item
    return text, None


def _columns(keys: list[str], texts: list[str], roles: dict[str, Role]) -> list[Column]:
    unique = unique_keys(k or f"column_{i + 1}" for i, k in enumerate(keys))
    columns = []
    seen_roles: set[str] = set()
    for index, (key, header, text) in enumerate(zip(unique, keys, texts, strict=True)):
        role = roles.get(header)
        if role is not None and header not in seen_roles:
            seen_roles.add(header)
            columns.append(Column(index, header, role))
        else:
            question, item = _text_and_item(header, text or header)
            columns.append(question_column(index, header, key, question, item))
    return columns


class QualtricsImporter(Importer):
    name: ClassVar[str] = "qualtrics"
    description: ClassVar[str] = "Qualtrics CSV or TSV export with three header rows"

    def recognise(self, rows: tuple[tuple[str, ...], ...], head: bytes) -> bool:
        return len(rows) > 2 and any(_IMPORT_ID.match(c) for c in rows[2] if c)

    def build(self, rows: Rows, options: Options) -> SurveyTable:
        head = rows.header(3, "a Qualtrics export")
        keys, texts = header_cells(head[0]), header_cells(head[1])
        if not any(_IMPORT_ID.match(c) for c in header_cells(head[2]) if c):
            raise FormatError(
                "a Qualtrics export's third row holds each column's ImportId; this file's "
                "does not; name the tool that wrote it with format=, or let it be detected",
                source=rows.source,
            )
        texts += [""] * (len(keys) - len(texts))
        return self.table(
            rows,
            options,
            _columns(keys, texts[: len(keys)], _ROLES),
            header_rows=3,
            complete=finished,
        )

    def write_example(
        self, path: Path, questions: Sequence[str], answers: Sequence[Sequence[str]]
    ) -> Path:
        """Three header rows: export tags (``Q1``…), the question texts, and each column's
        ``ImportId``; the respondent's metadata first (recipient names, e-mail, IP address
        and location among them)."""
        meta = ["StartDate", "EndDate", "Status", "IPAddress", "Progress",
                "Duration (in seconds)", "Finished", "RecordedDate", "ResponseId",
                "RecipientLastName", "RecipientFirstName", "RecipientEmail",
                "ExternalReference", "LocationLatitude", "LocationLongitude",
                "DistributionChannel", "UserLanguage"]  # fmt: skip
        tags = [f"Q{n}" for n in range(1, len(questions) + 1)]
        ids = [json.dumps({"ImportId": m[0].lower() + m[1:]}) for m in meta]
        ids += [json.dumps({"ImportId": f"QID{n}"}) for n in range(1, len(questions) + 1)]
        rows = [[*meta, *tags], [*meta, *questions], ids]
        for n, (at, row) in enumerate(zip(example_times(len(answers)), answers, strict=True)):
            rows.append(
                [f"{at - dt.timedelta(minutes=5):%Y-%m-%d %H:%M:%S}", f"{at:%Y-%m-%d %H:%M:%S}",
                 "0", f"10.0.0.{n}", "100", "300", "True", f"{at:%Y-%m-%d %H:%M:%S}",
                 f"R_{n:04d}abc", "", "", "", "", "51.5", "-0.12", "anonymous", "EN", *row]
            )  # fmt: skip
        return write_csv(path.with_suffix(".csv"), rows)


class QualtricsLegacyImporter(Importer):
    name: ClassVar[str] = "qualtrics-legacy"
    description: ClassVar[str] = "Qualtrics legacy CSV export (V1…V10 and two header rows)"

    def recognise(self, rows: tuple[tuple[str, ...], ...], head: bytes) -> bool:
        return rows[0][0] == "V1" and len(rows) > 1 and rows[1][:1] == ("ResponseID",)

    def build(self, rows: Rows, options: Options) -> SurveyTable:
        head = rows.header(2, "a legacy Qualtrics export")
        tags, texts = header_cells(head[0]), header_cells(head[1])
        if tags[0] != "V1" or texts[0] != "ResponseID":
            raise FormatError(
                "a legacy Qualtrics export starts with V1 above ResponseID; this file "
                f"starts {tags[0]!r} above {texts[0]!r}; name the tool that wrote it with "
                "format=, or let it be detected",
                source=rows.source,
            )
        texts += [""] * (len(tags) - len(texts))
        # The metadata columns are told by row 2 (row 1 only says V1…V10), each once.
        roles = dict(_LEGACY_ROLES)
        columns = []
        for column in _columns(tags, texts[: len(tags)], {}):
            role = roles.pop(texts[column.index], None)
            columns.append(Column(column.index, texts[column.index], role) if role else column)
        return self.table(
            rows,
            options,
            columns,
            header_rows=2,
            complete=finished,
        )

    def write_example(
        self, path: Path, questions: Sequence[str], answers: Sequence[Sequence[str]]
    ) -> Path:
        """The legacy layout: ``V1``…``V10`` and ``Q1``… over ``ResponseID``… and the
        question texts, with a UTF-8 byte order mark."""
        meta = ["ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress",
                "IPAddress", "Status", "StartDate", "EndDate", "Finished"]  # fmt: skip
        tags = [f"V{n}" for n in range(1, 11)] + [f"Q{n}" for n in range(1, len(questions) + 1)]
        rows = [tags, [*meta, *questions]]
        for n, (at, row) in enumerate(zip(example_times(len(answers)), answers, strict=True)):
            rows.append(
                [f"R_{n:04d}", "Default Response Set", "Anonymous", "", "", f"10.0.0.{n}", "0",
                 f"{at - dt.timedelta(minutes=5):%Y-%m-%d %H:%M:%S}", f"{at:%Y-%m-%d %H:%M:%S}",
                 "1", *row]
            )  # fmt: skip
        return write_csv(path.with_suffix(".csv"), rows, bom=True)
