"""What the built-in survey importers share: options, a cheap look at a file's first rows."""

from __future__ import annotations

import codecs
import csv
import functools
import io
from pathlib import Path
from typing import Any, ClassVar

from coprod_toc.errors import CoprodTocError, FormatError
from coprod_toc.surveys.kit.layout import (
    Column,
    build_table,
    choose_respondent,
    header_cells,
)
from coprod_toc.surveys.kit.rows import Rows, is_xlsx, open_rows, sniff_text
from coprod_toc.surveys.table import SurveyTable

__all__ = ["Importer", "Options", "peek"]

#: Options every built-in importer takes.
COMMON_OPTIONS = ("dayfirst", "keep_personal", "respondent", "sheet")


class Options:
    """An importer's keyword options, checked: unknown names and wrong types are errors."""

    def __init__(self, importer: str, source: str, given: dict[str, Any], known: tuple[str, ...]):
        unknown = sorted(set(given) - set(known) - set(COMMON_OPTIONS))
        if unknown:
            allowed = ", ".join(sorted({*known, *COMMON_OPTIONS}))
            raise FormatError(
                f"the {importer} importer has no option {unknown[0]!r} (options: {allowed})",
                source=source,
            )
        self.given = given
        self.source = source

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        value = self.given.get(name, default)
        if value is not None and not isinstance(value, kind):
            raise FormatError(
                f"the option {name}= has the wrong type: {value!r}", source=self.source
            )
        return value

    @property
    def dayfirst(self) -> bool | None:
        value: bool | None = self.get("dayfirst", bool)
        return value

    @property
    def keep_personal(self) -> bool:
        return bool(self.get("keep_personal", bool, False))

    @property
    def sheet(self) -> str | None:
        value: str | None = self.get("sheet", str)
        return value


@functools.lru_cache(maxsize=8)
def _peek(path: Path, size: int, mtime: float) -> tuple[tuple[str, ...], ...]:
    try:
        rows = open_rows(path).head(4)
    except CoprodTocError:
        return ()
    return tuple(tuple(header_cells(r)) for r in rows)


def peek(path: Path, head: bytes) -> tuple[tuple[str, ...], ...]:
    """The first four rows of a file as stripped texts; empty when it cannot be read.

    A CSV is read from ``head`` alone; a spreadsheet is opened (once: the answer is cached
    while the file is unchanged, as detection asks every importer in turn).
    """
    if is_xlsx(head):
        try:
            stat = path.stat()
        except OSError:
            return ()
        return _peek(path, stat.st_size, stat.st_mtime)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    elif b"\x00" in head:
        return ()
    else:
        text = head.decode("utf-8-sig", errors="replace")
    cut = text.rfind("\n")
    text = text[:cut] if cut > 0 else text
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=sniff_text(text)))[:4]
    except csv.Error:
        return ()
    return tuple(tuple(header_cells(r)) for r in rows)


class Importer:
    """A built-in importer: ``detect`` from the first rows, ``read`` into the neutral table."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    options: ClassVar[tuple[str, ...]] = ()
    #: Tried after every importer that is not a fallback (the generic reader).
    fallback: ClassVar[bool] = False

    def detect(self, path: Path, head: bytes) -> bool:
        rows = peek(Path(path), head)
        return bool(rows) and self.recognise(rows, head)

    def recognise(self, rows: tuple[tuple[str, ...], ...], head: bytes) -> bool:
        raise NotImplementedError

    def read(self, path: Path, **options: Any) -> SurveyTable:
        path = Path(path)
        checked = Options(self.name, str(path), options, self.options)
        rows = open_rows(path, sheet=checked.sheet)
        return self.build(rows, checked)

    def build(self, rows: Rows, options: Options) -> SurveyTable:
        raise NotImplementedError

    def table(
        self, rows: Rows, options: Options, columns: list[Column], *, header_rows: int, **more: Any
    ) -> SurveyTable:
        """The neutral table of classified columns: the respondent column the user named
        chosen, then the shared builder with the common options."""
        return build_table(
            rows,
            format=self.name,
            header_rows=header_rows,
            columns=choose_respondent(columns, options.get("respondent", str), rows.source),
            keep_personal=options.keep_personal,
            dayfirst=options.dayfirst,
            **more,
        )
