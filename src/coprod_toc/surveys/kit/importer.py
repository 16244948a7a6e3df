"""The base of an importer: options checked, a cheap look at a file's first rows, the table
built by the kit, and a writer of example files in the tool's own layout."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from coprod_toc.errors import CoprodTocError, FormatError
from coprod_toc.surveys.kit.layout import Column, build_table, choose_respondent, header_cells
from coprod_toc.surveys.kit.rows import Rows, is_xlsx, open_rows, sniff_text
from coprod_toc.surveys.source import SurveyFile
from coprod_toc.surveys.table import SurveyTable

__all__ = ["COMMON_OPTIONS", "Importer", "Options", "peek"]

#: Options every built-in importer takes.
COMMON_OPTIONS = ("dayfirst", "encoding", "keep_personal", "respondent", "sheet")


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

    @property
    def encoding(self) -> str | None:
        value: str | None = self.get("encoding", str)
        return value


def peek(file: SurveyFile | Any, head: bytes) -> tuple[tuple[str, ...], ...]:
    """The first four rows of a file as stripped texts; empty when it cannot be read.

    A CSV is read from ``head`` alone; a spreadsheet is opened once (the rows are kept
    with the file, as detection asks every importer in turn and the importer then reads it).
    """
    if is_xlsx(head):
        file = SurveyFile.of(file)
        if "peek" not in file.memo:
            try:
                rows = open_rows(file).head(4)
            except CoprodTocError:
                rows = []
            file.memo["peek"] = tuple(tuple(header_cells(r)) for r in rows)
        found: tuple[tuple[str, ...], ...] = file.memo["peek"]
        return found
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    elif b"\x00" in head:
        return ()
    else:
        text = head.decode("utf-8-sig", errors="replace")
    cut = text.rfind("\n")
    text = text[:cut] if cut > 0 else text
    separator = re.match(r"sep=(.)\r?\n", text)  # Excel's line naming the delimiter
    if separator:
        text = text[separator.end() :]
    delimiter = separator.group(1) if separator else sniff_text(text)
    try:
        lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))[:4]
    except csv.Error:
        return ()
    return tuple(tuple(header_cells(r)) for r in lines if r)


class Importer:
    """A survey importer built on the kit: ``recognise`` a file from its first rows,
    ``build`` its table from classified columns, ``write_example`` a file in its layout.

    Subclasses set ``name``, ``description`` and, for options of their own, ``options``.
    ``read`` checks the options, opens the rows (``open_rows``) and calls ``build``.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    options: ClassVar[tuple[str, ...]] = ()
    #: Tried after every importer that is not a fallback (the generic reader).
    fallback: ClassVar[bool] = False

    def detect(self, source: SurveyFile | Path, head: bytes) -> bool:
        rows = peek(source, head)
        return bool(rows) and bool(rows[0]) and self.recognise(rows, head)

    def recognise(self, rows: tuple[tuple[str, ...], ...], head: bytes) -> bool:
        """Whether the first rows (stripped texts, at least one) are this tool's export."""
        raise NotImplementedError(f"{type(self).__name__} does not say how to recognise a file")

    def read(self, source: SurveyFile | Path, **options: Any) -> SurveyTable:
        file = SurveyFile.of(source)
        checked = Options(self.name, file.name, options, self.options)
        rows = open_rows(file, sheet=checked.sheet, encoding=checked.encoding)
        return self.build(rows, checked)

    def build(self, rows: Rows, options: Options) -> SurveyTable:
        raise NotImplementedError(f"{type(self).__name__} does not say how to build a table")

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

    def write_example(
        self, path: Path, questions: Sequence[str], answers: Sequence[Sequence[str]]
    ) -> Path:
        """Write a small export in this tool's own layout: one column per question (headed
        as the tool heads it), one row per respondent, with the tool's own identifier,
        timestamp and bookkeeping columns filled in. Returns the path written (the
        extension may be changed to the tool's own).

        The conformance kit (``coprod_toc.testing``) writes files with personal questions
        and personal free text through it and checks that none of it survives an import.
        """
        raise NotImplementedError(f"{type(self).__name__} has no example writer")
