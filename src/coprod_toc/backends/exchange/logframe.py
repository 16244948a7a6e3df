"""Built-in: the logframe workbook (XLSX), written here and read by ``logframe_read``.

The sheets and their headings are fixed, so a commissioning team can rely on them (and
docs/backends.md lists them). The first five are the logframe a person reads:

* ``Cover`` — the title, the problem and the split, as Field / Value rows;
* ``Impact``, ``Outcomes``, ``Activities`` — one row per node;
* ``Links`` — one row per link, with its contribution level, rationale and evidence ids.

Four more hold what a logframe row cannot: ``Indicators``, ``Actuals``, ``Assumptions`` and
``Assessments``, one row each. With them a workbook reads back as the same map. Columns
after a sheet's logframe headings carry the node fields a logframe has no column for.
Lists in a cell (ids, roles, evidence) are one per line.

The workbook holds no evidence records: people's data stays out of a file that is emailed
around. Links keep the ids of the evidence behind them.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from coprod_toc.analysis import Analyses
from coprod_toc.analysis.split import CAVEAT, TABLE_COLUMNS
from coprod_toc.errors import RenderError
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import ActivityStatus, Horizon, Kind, Node
from coprod_toc.plain import FORMULA_STARTS, plain_record

#: Every sheet's headings, in order. The importer finds columns by these names.
SHEETS: dict[str, tuple[str, ...]] = {
    "Cover": ("Field", "Value"),
    "Impact": (
        "ID", "Kind", "Statement", "Indicators", "Means of verification", "Assumptions",
        "Timeframe", "Other factors level", "Easy read", "External ref",
    ),
    "Outcomes": (
        "ID", "Kind", "Horizon", "Statement", "Leads to", "Indicators", "Baseline", "Target",
        "Means of verification", "Assumptions", "I statement", "Other factors level",
        "Easy read", "External ref",
    ),
    "Activities": (
        "ID", "Kind", "Statement", "Contributes to", "Status", "Ladder rung", "Start", "End",
        "Effort", "Participant roles", "Easy read", "External ref",
    ),
    "Links": ("From", "To", "Level", "Rationale", "Evidence"),
    "Indicators": (
        "Outcome", "ID", "Description", "Measure", "Ascending", "Baseline", "Target",
        "External ref",
    ),
    "Actuals": ("Outcome", "Indicator", "Period", "Value"),
    "Assumptions": ("ID", "Attached to", "Type", "Status", "Text"),
    "Assessments": ("Outcome", "Date", "Status", "Note", "Evidence", "Breakdown"),
}  # fmt: skip

#: The Cover sheet's fields, by the label in its first column.
COVER_FIELDS = (
    "Title", "External ref", "Problem ID", "Problem", "Affected groups", "Context",
    "Problem easy read", "Problem external ref", "Addresses",
)  # fmt: skip

#: Column widths in characters: statements wide, ids and codes narrow.
_WIDE = {
    "Statement", "Description", "Text", "Rationale", "Value", "Indicators", "Note",
    "Means of verification", "Assumptions", "Easy read", "I statement", "Breakdown",
}  # fmt: skip
_NARROW = {"ID", "From", "To", "Level", "Outcome", "Indicator", "Ladder rung", "Kind"}

KIND_LABELS = {Kind.PROJECT: "Project", Kind.COPRODUCTION: "Co-production"}
HORIZON_LABELS = {Horizon.SHORT: "Short", Horizon.MEDIUM: "Medium", Horizon.LONG: "Long"}
STATUS_LABELS = {
    ActivityStatus.PLANNED: "Planned",
    ActivityStatus.IN_PROGRESS: "In progress",
    ActivityStatus.DONE: "Done",
}

#: The most characters a spreadsheet cell holds.
CELL_LIMIT = 32_767
_UNWRITABLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Texts a spreadsheet shows as an error value when a cell holds them as one.
_ERROR_CODES = frozenset(
    ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")
)


def lines(values: Any) -> str | None:
    """A list as one cell: one item per line (``None`` for an empty list). A list that
    lines cannot hold (an item with a line break, blank, or with spaces at its ends) is
    written as a JSON list, which the reader knows by its ``[`` and reads back whole."""
    items = [str(v) for v in values]
    if any(
        "\n" in item or "\r" in item or item != item.strip() or not item or item[0] == "["
        for item in items
    ):
        return json.dumps(items, ensure_ascii=False)
    return "\n".join(items) or None


class LogframeExporter:
    suffix = ".xlsx"
    description = "A logframe workbook (XLSX) for Excel or LibreOffice; reads back as the same map."
    uses_analyses = True

    def export(
        self, toc: TheoryOfChange, destination: Path, *, analyses: Analyses, **options: Any
    ) -> None:
        from openpyxl import Workbook

        if options:
            raise RenderError(f"the logframe exporter takes no options, not {sorted(options)}")

        book = Workbook(write_only=True)
        writer = _SheetWriter(book)
        rows = _Rows(toc, analyses)
        # Every cell is made before the first sheet is written: a refused cell (too long)
        # then stops the export before openpyxl has begun writing any sheet.
        sheets = [
            (name, headings, writer.cells(getattr(rows, name.lower())()))
            for name, headings in SHEETS.items()
        ]
        for name, headings, cells in sheets:
            writer.sheet(name, headings, cells)
        buffer = io.BytesIO()
        book.save(buffer)
        destination.write_bytes(_timeless(buffer.getvalue()))


#: The dates openpyxl stamps a workbook with when it is saved.
_STAMPS_RE = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold


def _timeless(workbook: bytes) -> bytes:
    """The workbook without the time it was saved (in its properties and in the dates of
    its zip entries), so that the same map always gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "docProps/core.xml":
                data = _STAMPS_RE.sub(b"", data)
            stamped = zipfile.ZipInfo(entry.filename, date_time=_EPOCH)
            stamped.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(stamped, data)
    return out.getvalue()


class _SheetWriter:
    """Writes sheets in openpyxl's write-only mode, text that starts like a formula as text."""

    def __init__(self, book: Any) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font

        self._book = book
        self._cell = WriteOnlyCell
        self._bold = Font(bold=True)
        self._wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(self, name: str, headings: tuple[str, ...], rows: Any) -> None:
        from openpyxl.utils import get_column_letter

        sheet = self._book.create_sheet(name)
        sheet.freeze_panes = "A2"
        widths = [60 if h in _WIDE else 10 if h in _NARROW else 18 for h in headings]
        if name == "Cover":  # Field, Value, then the split's columns
            widths = [24, 60, *[16] * len(TABLE_COLUMNS)]
        for number, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        sheet.append([self._heading(sheet, heading) for heading in headings])
        for row in rows:
            sheet.append([self._value(sheet, v, w) for v, w in zip(row, widths, strict=False)])

    @staticmethod
    def cells(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The rows, once every text is known to fit in a cell and to hold only characters
        a workbook can (XML's: not U+FFFE, U+FFFF or C0 controls but tab and line breaks)."""
        for row in rows:
            for value in row:
                if not isinstance(value, str):
                    continue
                if len(value) > CELL_LIMIT:
                    raise RenderError(
                        f"a cell holds at most {CELL_LIMIT:,} characters; this text has "
                        f"{len(value):,}: {value[:40]!r}…"
                    )
                bad = _UNWRITABLE_RE.search(value)
                if bad:
                    raise RenderError(
                        f"a workbook cannot hold the character U+{ord(bad.group()):04X} of "
                        f"{value[:40]!r}"
                    )
        return rows

    def _heading(self, sheet: Any, text: str) -> Any:
        cell = self._cell(sheet, value=text)
        cell.font = self._bold
        return cell

    def _value(self, sheet: Any, value: Any, width: int) -> Any:
        if not isinstance(value, str):
            return value
        # Text that starts like a formula, or reads like an error code (#N/A), would be
        # taken for one.
        formula = value.startswith(FORMULA_STARTS) or value in _ERROR_CODES
        wrapped = len(value) > width or "\n" in value
        if not (formula or wrapped):
            return value  # a plain cell: most of them, and the fastest to write
        cell = self._cell(sheet, value=value)
        if formula:
            # Stored as text, shown as text, and kept as text when someone edits the cell.
            cell.data_type = "s"
            cell.quotePrefix = True
        if wrapped:  # lines and long statements shown whole, not cut at the column's edge
            cell.alignment = self._wrap
        return cell


class _Rows:
    """Each sheet's rows, as plain values, in the map's order."""

    def __init__(self, toc: TheoryOfChange, analyses: Analyses) -> None:
        self.toc = toc
        self.analyses = analyses
        self.succ = toc.adjacency()[0]

    def _targets(self, node: Node) -> str | None:
        return lines(self.succ[node.id])

    def _assumption_texts(self, node: Node) -> str | None:
        return lines(a.text for a in self.toc.assumptions(node.id))

    def cover(self) -> list[tuple[Any, ...]]:
        toc, problem = self.toc, self.toc.problem
        rows: list[tuple[Any, ...]] = [("Title", toc.title), ("External ref", toc.external_ref)]
        if problem is not None:
            rows += [
                ("Problem ID", problem.id),
                ("Problem", problem.statement),
                ("Affected groups", lines(problem.affected_groups)),
                ("Context", problem.context),
                ("Problem easy read", problem.easy_read),
                ("Problem external ref", problem.external_ref),
                ("Addresses", self._targets(problem)),
            ]
        split = self.analyses.split
        if split is not None and split.impacts:
            rows += [("The split", CAVEAT), ("Impact", *(c for c, _ in TABLE_COLUMNS))]
            for impact in split.impacts:
                rows.append((impact.impact, *impact.table_cells()))
        return rows

    def impact(self) -> list[tuple[Any, ...]]:
        return [
            (
                node.id, KIND_LABELS[node.kind], node.statement, None, None,
                self._assumption_texts(node), node.timeframe, node.other_factors_level,
                node.easy_read, node.external_ref,
            )
            for node in self.toc.impacts()
        ]  # fmt: skip

    def outcomes(self) -> list[tuple[Any, ...]]:
        rows = []
        for node in self.toc.outcomes():
            indicators = node.indicators
            rows.append((
                node.id, KIND_LABELS[node.kind], HORIZON_LABELS[node.horizon], node.statement,
                self._targets(node), lines(i.description for i in indicators),
                _by_line([i.baseline for i in indicators]),
                _by_line([i.target for i in indicators]),
                None, self._assumption_texts(node), node.i_statement,
                node.other_factors_level, node.easy_read, node.external_ref,
            ))  # fmt: skip
        return rows

    def activities(self) -> list[tuple[Any, ...]]:
        return [
            (
                node.id, KIND_LABELS[node.kind], node.description, self._targets(node),
                STATUS_LABELS[node.status], node.ladder_rung, node.start, node.end,
                node.effort, lines(node.participant_roles), node.easy_read, node.external_ref,
            )
            for node in self.toc.activities()
        ]  # fmt: skip

    def links(self) -> list[tuple[Any, ...]]:
        return [
            (link.source, link.target, link.level, link.rationale, lines(link.evidence))
            for link in self.toc.links()
        ]

    def indicators(self) -> list[tuple[Any, ...]]:
        return [
            (node.id, i.id, i.description, label(i.measure), i.ascending, i.baseline, i.target,
             i.external_ref)
            for node in self.toc.outcomes()
            for i in node.indicators
        ]  # fmt: skip

    def actuals(self) -> list[tuple[Any, ...]]:
        return [
            (node.id, i.id, actual.period, actual.value)
            for node in self.toc.outcomes()
            for i in node.indicators
            for actual in i.actuals
        ]

    def assumptions(self) -> list[tuple[Any, ...]]:
        return [
            (a.id, lines(a.attached_to), label(a.type), label(a.status), a.text)
            for a in self.toc.assumptions()
        ]

    def assessments(self) -> list[tuple[Any, ...]]:
        return [
            (
                node.id, a.date, label(a.status), a.note, lines(a.evidence),
                _breakdown_cell(a.breakdown),
            )
            for node in self.toc.outcomes()
            for a in node.assessments
        ]  # fmt: skip


def _by_line(values: list[Any]) -> Any:
    """Baselines or targets, one line per indicator; one indicator's stays a number."""
    if len(values) == 1:
        return values[0]
    return lines("" if v is None else v for v in values)


def label(value: Any) -> str:
    """An enumeration's value as a workbook shows it: ``not_yet`` → ``Not yet``."""
    return str(value.value).replace("_", " ").capitalize()


def _breakdown_cell(items: Any) -> str | None:
    """One activity a line (``K4 | lived experience | 3``), or, when a role would not read
    back from that (a line break, a `` | ``, spaces at its ends), a JSON list of objects."""
    if any(
        item.role is not None and (" | " in item.role or item.role != item.role.strip()
                                   or "\n" in item.role or not item.role)
        for item in items
    ):  # fmt: skip
        return json.dumps([plain_record(item) for item in items], ensure_ascii=False)
    return lines(_breakdown_line(item) for item in items)


def _breakdown_line(item: Any) -> str:
    """``K4 | lived experience | 3``: the activity, then its role and level when set."""
    parts = [item.activity, item.role or "", "" if item.level is None else str(item.level)]
    while parts and not parts[-1]:
        parts.pop()
    return " | ".join(parts)
