"""Google Forms: the linked Sheet's CSV, and the Forms "Download responses" CSV.

Both have one header row starting ``Timestamp``; grids give one column per row,
``Question [Row]``. The Forms CSV quotes every field and ends its timestamps with a time
zone (``2022/06/22 11:07:29 AM AST``). Checkbox answers share a cell (``, `` in the Sheet,
``;`` in the Forms CSV): the mapping file names the options to split them against.
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

__all__ = ["GoogleFormsImporter", "GoogleSheetsImporter"]

_GRID = re.compile(r"(.+?)\s*\[([^\[\]]+)\]")
_ZONED = re.compile(r"\d.*\d\s*(?:[AaPp][Mm]\s+)?(?:[A-Z]{2,5}|GMT[+-]\d{1,2}(?::?\d{2})?)")
_META = {"score": Role.META, "email address": Role.RESPONDENT, "email": Role.RESPONDENT}
#: "Timestamp" as Sheets heads it in the form owner's language (lower case).
TIMESTAMP = frozenset(
    {"timestamp", "marca temporal", "horodateur", "zeitstempel", "informazioni cronologiche",
     "tijdstempel", "carimbo de data/hora", "sygnatura czasowa", "stempel waktu",
     "zaman damgası", "отметка времени", "marca de temps", "tidsstempel", "aikaleima",
     "stämpel"}
)  # fmt: skip


def google_columns(headers: list[str]) -> list[Column]:
    """The Timestamp, the e-mail address (when collected, it identifies the respondent and
    is then pseudonymised like any id), the quiz score, and the questions."""
    texts = []
    for header in headers:
        grid = _GRID.fullmatch(header)
        texts.append((grid.group(1), grid.group(2)) if grid else (header, None))
    keys = unique_keys(f"{slug(text)}[{slug(row)}]" if row else slug(text) for text, row in texts)
    columns = []
    for index, (header, key, (text, row)) in enumerate(zip(headers, keys, texts, strict=True)):
        low = header.lower()
        if index == 0 and low in TIMESTAMP:
            columns.append(Column(index, header, Role.SUBMITTED))
        elif low in _META and index <= 2:
            columns.append(Column(index, header, _META[low]))
        else:
            columns.append(question_column(index, header, key, text, row))
    return columns


class GoogleSheetsImporter(Importer):
    name: ClassVar[str] = "google-sheets"
    description: ClassVar[str] = "Google Forms responses downloaded as CSV from the linked Sheet"

    def recognise(self, rows: tuple[tuple[str, ...], ...], head: bytes) -> bool:
        return rows[0][0].lower() in TIMESTAMP and len(rows[0]) >= 2

    def build(self, rows: Rows, options: Options) -> SurveyTable:
        headers = header_cells(rows.header(1, "a Google Forms export")[0])
        if headers[0].lower() not in TIMESTAMP or len(headers) < 2:
            raise FormatError(
                f"a Google Forms export starts with a Timestamp column and has questions "
                f"after it; this file starts with {headers[0]!r}",
                source=rows.source,
            )
        return self.table(
            rows,
            options,
            google_columns(headers),
            header_rows=1,
        )

    def write_example(
        self, path: Path, questions: Sequence[str], answers: Sequence[Sequence[str]]
    ) -> Path:
        """The linked Sheet downloaded as CSV: Timestamp (UK locale), then the questions."""
        times = example_times(len(answers))
        rows = [["Timestamp", *questions]]
        rows += [[f"{at:%d/%m/%Y %H:%M:%S}", *row] for at, row in zip(times, answers, strict=True)]
        return write_csv(path.with_suffix(".csv"), rows)


class GoogleFormsImporter(GoogleSheetsImporter):
    name: ClassVar[str] = "google-forms"
    description: ClassVar[str] = (
        'Google Forms "Download responses (.csv)": every field quoted, zoned timestamps'
    )

    def recognise(self, rows: tuple[tuple[str, ...], ...], head: bytes) -> bool:
        quoted = head.removeprefix(b"\xef\xbb\xbf").startswith(b'"') and b'","' in head[:200]
        return (
            quoted
            and super().recognise(rows, head)
            and len(rows) > 1
            and bool(rows[1])
            and bool(_ZONED.fullmatch(rows[1][0]))
        )

    def write_example(
        self, path: Path, questions: Sequence[str], answers: Sequence[Sequence[str]]
    ) -> Path:
        """Forms' "Download responses (.csv)": every field quoted, zoned timestamps."""
        times = example_times(len(answers))
        rows = [["Timestamp", *questions]]
        rows += [
            [f"{at:%Y/%m/%d %I:%M:%S %p} GMT", *row] for at, row in zip(times, answers, strict=True)
        ]
        return write_csv(path.with_suffix(".csv"), rows, quote_all=True)
