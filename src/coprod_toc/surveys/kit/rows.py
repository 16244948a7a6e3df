"""Reading survey exports as rows of text: encodings, CSV dialects and XLSX sheets.

Every importer reads through :func:`open_rows`, so one place decides how bytes become text
(the encoding, chosen once per file), which delimiter a CSV uses (comma, semicolon or tab,
sniffed) and how spreadsheet cells become strings; and one place turns whatever a damaged
file does to the parsers into a :class:`FormatError` naming the file and the row.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import importlib.util
import io
import itertools
import operator
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs

from coprod_toc.errors import FormatError
from coprod_toc.surveys.kit.encoding import choose_encoding
from coprod_toc.surveys.source import SurveyFile

__all__ = ["Rows", "cell_text", "is_xlsx", "open_rows", "sniff_text", "xlsx_reader"]

_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
#: A CSV answer may be long (a pasted letter): the csv module's 128 KiB cell limit is
#: raised to this, never lowered.
CELL_LIMIT = 64 * 1024 * 1024
#: Spreadsheets up to this many cells are read once and kept in memory while imported.
KEEP_CELLS = 1_000_000
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Cells = list[str | None]


def is_xlsx(head: bytes) -> bool:
    """Whether a file's first bytes are a ZIP archive (XLSX, and other Office files)."""
    return head.startswith(b"PK\x03\x04")


# --------------------------------------------------------------------------- text


def sniff_text(sample: str) -> str:
    """The delimiter among comma, semicolon and tab that splits the sample most consistently.

    Each candidate splits the sample's complete rows with a real CSV parser (quoted newlines
    and quoted delimiters are respected). The winner gives most rows of one width above 1,
    then the widest rows; a file of one column is read as comma-separated.
    """
    cut = max(sample.rfind("\n"), 0) or len(sample)
    best, best_score = ",", (False, 0, 0)
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

    Row numbers count from 1 as a spreadsheet shows them (for a CSV, the record number, so
    a cell with line breaks still counts as one row). ``notes`` say what the reader chose;
    ``encoding`` and ``delimiter`` are ``None`` for a spreadsheet, whose ``epoch`` (the date
    Excel counts serial dates from) is set instead.
    """

    source: str
    open: Callable[[], Iterator[tuple[int, Cells]]]
    notes: tuple[str, ...]
    encoding: str | None = None
    delimiter: str | None = None
    workbook: _Sheet | None = attrs.field(default=None, repr=False)

    def cells(self, indices: Sequence[int], skip: int = 0) -> Iterator[tuple[str | None, ...]]:
        """The cells at ``indices`` of every row after the first ``skip`` (``None`` past a
        row's end): what a pass needs that looks at a few columns only, such as the names
        a file holds."""
        wanted = tuple(indices)
        if not wanted:
            return (() for _ in itertools.islice(self.open(), skip, None))
        need = max(wanted) + 1
        get = operator.itemgetter(*wanted)
        one = len(wanted) == 1
        return (
            ((get(cells),) if one else get(cells))
            if len(cells) >= need
            else tuple(cells[i] if i < len(cells) else None for i in wanted)
            for _, cells in itertools.islice(self.open(), skip, None)
        )

    @property
    def spreadsheet(self) -> bool:
        return self.workbook is not None

    @property
    def epoch(self) -> dt.datetime | None:
        """The day a spreadsheet counts serial dates from (1900 or 1904 system)."""
        return None if self.workbook is None else self.workbook.epoch

    def head(self, count: int) -> list[Cells]:
        """The first ``count`` rows (fewer when the file is shorter)."""
        rows = []
        for _, cells in self.open():
            rows.append(cells)
            if len(rows) == count:
                break
        return rows

    def header(self, count: int, what: str = "an export") -> list[Cells]:
        """The first ``count`` rows, which must be there.

        :raises FormatError: the file is empty, or has fewer rows than ``what`` has headers.
        """
        rows = self.head(count)
        if not rows or not any(any(c for c in row) for row in rows):
            raise FormatError("the file is empty", source=self.source)
        if len(rows) < count:
            layers = "header row" if count == 1 else f"{count} header rows"
            raise FormatError(
                f"{what} has {layers}, but the file has only {len(rows)} row"
                + ("" if len(rows) == 1 else "s"),
                source=self.source,
            )
        return rows


def _delimiter_name(delimiter: str) -> str:
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


def _raise_cell_limit() -> None:
    if csv.field_size_limit() < CELL_LIMIT:
        csv.field_size_limit(CELL_LIMIT)


def _csv_rows(file: SurveyFile, encoding: str, delimiter: str) -> Iterator[tuple[int, Cells]]:
    source = file.name
    reader = None
    _raise_cell_limit()
    try:
        with file.open() as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as handle:
            # strict: a quote left open runs to the end of the file, which is an error to
            # report, not one answer swallowing every row after it.
            reader = csv.reader(handle, delimiter=delimiter, strict=True)
            # Row numbers as a spreadsheet shows them; a cell with line breaks is one row.
            numbered: Iterator[tuple[int, Cells]] = enumerate(reader, start=1)  # type: ignore[arg-type]
            for number, cells in numbered:
                if number == 1 and delimiter.join(c or "" for c in cells) == f"sep={delimiter}":
                    continue  # Excel's "sep=;" line: the delimiter was taken from it
                if cells:  # blank lines before the header row are not rows of the file
                    yield number, cells
                    break
            yield from numbered
    except UnicodeError as exc:
        row = reader.line_num + 1 if reader is not None else 1
        raise FormatError(
            f"near line {row}: the text is not valid {encoding}: {exc}", source=source
        ) from None
    except csv.Error as exc:
        row = reader.line_num if reader is not None else 0
        raise FormatError(f"near line {row}: {exc}", source=source) from None


def _csv(file: SurveyFile, encoding: str | None) -> Rows:
    source = file.name
    head = file.head()
    if head.startswith(_OLE):
        raise FormatError(
            "this is an old Excel (.xls) or a password-protected workbook: save it as .xlsx or CSV",
            source=source,
        )
    if encoding is None:
        chosen = choose_encoding(file.chunks, source=source)
        encoding, reason = chosen.name, chosen.reason
    else:
        try:
            text_encoding = codecs.lookup(encoding)._is_text_encoding
        except (LookupError, TypeError):
            text_encoding = False
        if not text_encoding:
            raise FormatError(f"there is no text encoding {encoding!r}", source=source) from None
        reason = "given"
    try:
        sample = head.decode(encoding, errors="ignore" if len(head) == 65536 else "strict")
    except UnicodeError as exc:
        raise FormatError(f"the text is not valid {encoding}: {exc}", source=source) from None
    if "\x00" in sample.lstrip("\ufeff"):
        raise FormatError("this is not a text file (it holds NUL bytes)", source=source)
    text = sample.lstrip("\ufeff")
    separator = re.match(r"sep=(.)\r?\n", text)  # Excel writes the delimiter first, at times
    delimiter = separator.group(1) if separator else sniff_text(text)
    return Rows(
        source=source,
        open=lambda: _csv_rows(file, encoding, delimiter),
        notes=(f"read as {encoding} ({reason}), {_delimiter_name(delimiter)}-separated",),
        encoding=encoding,
        delimiter=delimiter,
    )


class _Sheet:
    """One sheet of a workbook, read with openpyxl: once into memory when it is small (so
    detection, headers and every pass over the rows share one reading), else afresh for
    each pass."""

    def __init__(self, file: SurveyFile, sheet: str | None) -> None:
        self.file, self.sheet = file, sheet
        self.kept: list[tuple[int, Cells]] | None = None
        self.epoch = dt.datetime(1899, 12, 30)

    def rows(self) -> Iterator[tuple[int, Cells]]:
        if self.kept is not None:
            return iter(self.kept)
        return self._first()

    def _first(self) -> Iterator[tuple[int, Cells]]:
        live = self._read()
        kept: list[tuple[int, Cells]] = []
        cells = 0
        for item in live:
            kept.append(item)
            cells += len(item[1])
            if cells > KEEP_CELLS:
                break
        else:
            self.kept = kept
            yield from kept
            return
        yield from kept  # too large to keep: the rest streams from the same reading
        yield from live

    def _read(self) -> Iterator[tuple[int, Cells]]:
        if xlsx_reader() == "calamine" and _cell_area(self.file) <= DENSE_CELLS:
            return self._read_calamine()
        # python-calamine holds a sheet as the whole rectangle from A1 to its last cell:
        # a workbook with one cell at XFD1048576 would ask for half a terabyte. Such sparse
        # sheets stream through openpyxl instead.
        return self._read_openpyxl()

    def _read_calamine(self) -> Iterator[tuple[int, Cells]]:
        """The sheet read by python-calamine (Rust; the ``fast-xlsx`` extra): the same cells
        as openpyxl gives, many times faster."""
        import python_calamine  # optional: openpyxl reads the sheet without it

        source = self.file.name
        try:
            book = python_calamine.CalamineWorkbook.from_filelike(self.file.open())
            sheets = [
                m.name
                for m in book.sheets_metadata
                if m.typ == python_calamine.SheetTypeEnum.WorkSheet
            ]
        except BaseException as exc:
            _reraise_unless_reader_failed(exc)
            problem = f"not a readable XLSX workbook ({_why(exc)})"
            raise FormatError(problem, source=source) from None
        if not sheets:
            raise FormatError("the workbook has no sheet", source=source)
        if self.sheet is not None and self.sheet not in sheets:
            raise FormatError(
                f"no sheet {self.sheet!r} (sheets: {', '.join(sheets)})", source=source
            )
        try:
            # From A1, as the row and column numbers people see: no empty area skipped.
            values = book.get_sheet_by_name(self.sheet or sheets[0]).to_python(
                skip_empty_area=False
            )
        except BaseException as exc:
            _reraise_unless_reader_failed(exc)
            raise FormatError(f"the workbook cannot be read ({_why(exc)})", source=source) from None
        finally:
            book.close()
        for number, row in enumerate(values, start=1):
            yield number, [None if v == "" else cell_text(v) for v in row]

    def _read_openpyxl(self) -> Iterator[tuple[int, Cells]]:
        import openpyxl  # only spreadsheets need it

        source = self.file.name
        # openpyxl reports a damaged workbook with whatever its zip, XML and number
        # parsers raise (KeyError, ParseError, zlib.error, NotImplementedError…): each
        # becomes a FormatError naming the file.
        try:
            book = openpyxl.load_workbook(self.file.open(), read_only=True, data_only=True)
        except FormatError:
            raise
        except Exception as exc:
            raise FormatError(
                f"not a readable XLSX workbook ({_why(exc)})", source=source
            ) from None
        try:
            self.epoch = getattr(book, "epoch", self.epoch)
            if not book.worksheets:
                raise FormatError("the workbook has no sheet", source=source)
            if self.sheet is None:
                worksheet = book.worksheets[0]
            elif self.sheet in book.sheetnames:
                worksheet = book[self.sheet]
            else:
                raise FormatError(
                    f"no sheet {self.sheet!r} (sheets: {', '.join(book.sheetnames)})",
                    source=source,
                )
            number = 0
            try:
                for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                    yield number, [cell_text(v) for v in values]
            except Exception as exc:
                raise FormatError(
                    f"row {number + 1}: the workbook cannot be read ({_why(exc)})", source=source
                ) from None
        finally:
            book.close()


#: The environment variable that picks the workbook reader: ``openpyxl`` or ``calamine``.
XLSX_READER_ENV = "COPROD_TOC_XLSX_READER"


def xlsx_reader() -> str:
    """The reader of workbooks: python-calamine when it is installed (the ``fast-xlsx``
    extra), else openpyxl; ``$COPROD_TOC_XLSX_READER`` chooses one."""
    chosen = os.environ.get(XLSX_READER_ENV, "").strip().lower()
    if chosen == "openpyxl":
        return "openpyxl"
    if importlib.util.find_spec("python_calamine") is not None:
        return "calamine"
    if chosen == "calamine":
        raise FormatError(
            f"{XLSX_READER_ENV}=calamine, but python-calamine is not installed: "
            "pip install 'coprod-toc[fast-xlsx]'"
        )
    return "openpyxl"


#: The largest rectangle of cells (A1 to the last cell) python-calamine is given to read.
DENSE_CELLS = 20_000_000
_CELL_REFERENCE = re.compile(rb'\br="([A-Z]{0,3})([0-9]{1,7})"')


def _cell_area(file: SurveyFile) -> int:
    """The largest rectangle from A1 to the last cell any sheet of the workbook names (its
    ``r="…"`` references, read from the sheets' XML in chunks): what python-calamine would
    hold in memory. 0 when the workbook cannot be opened (the reader then says why)."""
    widest = tallest = 0
    try:
        with zipfile.ZipFile(file.open()) as book:
            for member in book.namelist():
                if not (member.startswith("xl/worksheets/") and member.endswith(".xml")):
                    continue
                with book.open(member) as xml:
                    tail = b""
                    for chunk in iter(lambda: xml.read(1 << 20), b""):
                        text = tail + chunk
                        for column, row in _CELL_REFERENCE.findall(text):
                            tallest = max(tallest, int(row))
                            widest = max(widest, _column_number(column))
                        tail = text[-32:]  # a reference cut by the chunk's end
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, zlib.error):
        return 0
    except NotImplementedError:  # a compression zipfile lacks: the reader says so
        return 0
    return widest * tallest


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return max(number, 1)


def _reraise_unless_reader_failed(exc: BaseException) -> None:
    """Let an interrupt or an exit through; a reader's own failure, including a panic in
    python-calamine's Rust code (which is not an ``Exception``), is the file's problem."""
    if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
        raise exc


def _why(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def open_rows(
    file: SurveyFile | Any, *, sheet: str | None = None, encoding: str | None = None
) -> Rows:
    """Open a CSV, TSV or XLSX file for reading as rows of text cells.

    ``file`` is a :class:`SurveyFile` (or a path). The rows of one file are opened once:
    asking again with the same options gives the same :class:`Rows`, so detection,
    headers and responses share one reading of a spreadsheet.

    :param sheet: the sheet of a workbook (default: the first).
    :param encoding: the text encoding of a CSV (default: chosen from its bytes).
    :raises FormatError: the file cannot be read or decoded, or is empty.
    """
    file = SurveyFile.of(file)
    key = ("rows", sheet, encoding)
    if key in file.memo:
        rows: Rows = file.memo[key]
        return rows
    head = file.head()
    if not head:
        raise FormatError("the file is empty", source=file.name)
    if is_xlsx(head):
        reader = _Sheet(file, sheet)
        rows = Rows(
            source=file.name,
            open=reader.rows,
            notes=(f"read the sheet {sheet!r}" if sheet else "read the first sheet",),
            workbook=reader,
        )
    else:
        rows = _csv(file, encoding)
    file.memo[key] = rows
    return rows
