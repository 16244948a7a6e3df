"""Writing small files in a tool's own layout, for an importer's ``write_example``."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["example_times", "write_csv", "write_xlsx"]


def write_csv(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    delimiter: str = ",",
    quote_all: bool = False,
    bom: bool = False,
    encoding: str = "utf-8",
) -> Path:
    """Rows as a CSV the way survey tools write them: CRLF line ends, quoted when needed
    (or every field), with a UTF-8 byte order mark when the tool writes one."""
    with path.open("w", newline="", encoding="utf-8-sig" if bom else encoding) as handle:
        writer = csv.writer(
            handle,
            delimiter=delimiter,
            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
            lineterminator="\r\n",
        )
        writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], *, sheet: str = "Sheet1") -> Path:
    """Rows as a one-sheet workbook (dates and times as real date cells)."""
    import openpyxl  # only workbooks need it

    book = openpyxl.Workbook()
    worksheet = book.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    book.save(path)
    return path


def example_times(count: int, *, start: dt.datetime | None = None) -> list[dt.datetime]:
    """``count`` submission times a few minutes apart, from 14 January 2026, 10:02 (a day
    over 12, so every order of writing dates is unambiguous)."""
    first = start or dt.datetime(2026, 1, 14, 10, 2, 11)
    return [first + dt.timedelta(minutes=7 * n) for n in range(count)]
