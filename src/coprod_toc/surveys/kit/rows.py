"""Reading survey exports as rows of text cells: encodings, CSV dialects and XLSX sheets.

Every importer reads through :func:`open_rows`, so one place decides how bytes become text
(UTF-8 with or without a BOM, then charset-normalizer's guess, then cp1252), which delimiter
a CSV uses (comma, semicolon or tab, sniffed) and how spreadsheet cells become strings.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from coprod_toc.errors import FormatError

__all__ = ["Rows", "cell_text", "is_xlsx", "open_rows", "sniff_text"]

_SAMPLE = 1 << 20
_DELIMITERS = (",", ";", "\t")
_FALLBACK = "cp1252"
# Encodings charset-normalizer may name that survey exports are really written in; any
# other guess is treated as noise and the reader falls back to cp1252.
_PLAUSIBLE = frozenset(
    {
        "utf_8", "utf_16", "utf_16_le", "utf_16_be", "cp1252", "cp1250", "cp1251", "cp1253",
        "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_15", "mac_roman", "cp850",
        "shift_jis", "cp932", "euc_jp", "gb18030", "gb2312", "big5", "euc_kr", "cp949",
        "koi8_r", "iso8859_7", "iso8859_9", "windows_1252",
    }
)  # fmt: skip


def is_xlsx(head: bytes) -> bool:
    """Whether a file's first bytes are a ZIP archive (XLSX, and other Office files)."""
    return head.startswith(b"PK\x03\x04")


# --------------------------------------------------------------------------- text


def _valid_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_SAMPLE):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def choose_encoding(path: Path) -> str:
    """The file's encoding: a BOM's, strict UTF-8, a plausible detected one, or cp1252."""
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _valid_utf8(path):
        return "utf-8"
    import charset_normalizer  # only files that are not UTF-8 need it

    best = charset_normalizer.from_bytes(sample).best()
    if best is not None and best.encoding in _PLAUSIBLE:
        return str(best.encoding)
    return _FALLBACK


def sniff_text(sample: str) -> str:
    """The delimiter among comma, semicolon and tab that splits the sample most consistently.

    Each candidate splits the sample's complete rows with a real CSV parser (quoted newlines
    and quoted delimiters are respected). The winner gives most rows of one width above 1,
    then the widest rows; a file of one column is read as comma-separated.
    """
    cut = max(sample.rfind("\n"), 0) or len(sample)
    best, best_score = ",", (0, 0, 0)
    for delimiter in _DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample[:cut]), delimiter=delimiter) if r]
        except csv.Error:
            continue
        rows = rows[:50]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        agreeing = sum(1 for r in rows if len(r) == width)
        score = (agreeing * 2 >= len(rows), agreeing, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --------------------------------------------------------------------------- cells


def cell_text(value: Any) -> str | None:
    """A spreadsheet cell as the text a CSV export would hold; ``None`` for an empty cell.

    Whole numbers lose their ``.0`` (identifiers stay as written), dates and times become
    ISO 8601, and booleans ``True``/``False``.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------- rows


@attrs.frozen
class Rows:
    """A file read as rows of text: ``open()`` starts a fresh iterator of (row number, cells).

    Row numbers count from 1 as a spreadsheet shows them (for a CSV, the record number, so a
    cell with line breaks still counts as one row). ``notes`` say what the reader chose.
    """

    source: str
    open: Callable[[], Iterator[tuple[int, list[str | None]]]]
    notes: tuple[str, ...]

    def head(self, count: int) -> list[list[str | None]]:
        """The first ``count`` rows (fewer when the file is shorter)."""
        rows = []
        for _, cells in self.open():
            rows.append(cells)
            if len(rows) == count:
                break
        return rows


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str | None]]]:
    source = str(path)
    reader = None
    try:
        with path.open("r", encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter, strict=False)
            # Row numbers as a spreadsheet shows them; a cell with line breaks is one row.
            yield from enumerate(reader, start=1)
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"the text is not valid {encoding} (at byte {exc.start} of a block)", source=source
        ) from None
    except csv.Error as exc:
        row = reader.line_num if reader is not None else 0
        raise FormatError(f"near line {row}: {exc}", source=source) from None
    except UnicodeError as exc:
        raise FormatError(f"the text cannot be decoded: {exc}", source=source) from None


def _csv(path: Path) -> Rows:
    encoding = choose_encoding(path)
    source = str(path)
    try:
        with path.open("r", encoding=encoding, newline="") as handle:
            sample = handle.read(64 * 1024)
    except UnicodeError as exc:
        raise FormatError(f"the text cannot be decoded: {exc}", source=source) from None
    if "\x00" in sample:
        raise FormatError("this is not a text file (it holds NUL bytes)", source=source)
    delimiter = sniff_text(sample)
    shown = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    return Rows(
        source=source,
        open=lambda: _csv_rows(path, encoding, delimiter),
        notes=(f"read as {encoding}, {shown}-separated",),
    )


def _sheet_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, list[str | None]]]:
    import openpyxl  # only spreadsheets need it

    source = str(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise FormatError(f"not a readable XLSX workbook: {exc}", source=source) from None
    try:
        if sheet is None:
            worksheet = book.worksheets[0]
        elif sheet in book.sheetnames:
            worksheet = book[sheet]
        else:
            raise FormatError(
                f"no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})", source=source
            )
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(v) for v in values]
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise FormatError(f"the workbook cannot be read: {exc}", source=source) from None
    finally:
        book.close()


def open_rows(path: Path, *, sheet: str | None = None) -> Rows:
    """Open a CSV, TSV or XLSX file for reading as rows of text cells.

    :raises FormatError: the file cannot be read or decoded.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise FormatError(
            f"cannot read the file: {exc.strerror or exc}", source=str(path)
        ) from None
    if is_xlsx(head):
        return Rows(
            source=str(path),
            open=lambda: _sheet_rows(path, sheet),
            notes=(f"read the sheet {sheet!r}" if sheet else "read the first sheet",),
        )
    return _csv(path)
