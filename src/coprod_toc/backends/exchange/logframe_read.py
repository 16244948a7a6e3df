"""Built-in: reading a logframe workbook back into a map (the layout ``logframe`` writes).

A workbook a person has edited reads too: sheets are found by name whatever their case
(``Outcome`` or ``Outcomes``), the heading row may sit below a title row or merged banner,
columns are found by heading in any order, blank rows and extra columns are skipped, and a
row without an ID gets one. Every row or value not taken as it was is a note naming the
sheet and row, and a row that cannot be a node is left out, never the whole workbook.

Which sheet says what, when two could:

* a node's "Leads to" / "Contributes to" cell (the Cover's "Addresses" for the problem)
  names its links, so a link taken off it is gone; the Links sheet gives links their level,
  rationale and evidence, and the links of a node whose cell is empty;
* an outcome's indicators come from the Indicators sheet when it has rows there, else from
  the lines of its Indicators, Baseline and Target cells; assumptions likewise, between the
  Assumptions sheet and the rows' Assumptions cells.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from coprod_toc.backends.exchange.logframe import COVER_FIELDS, SHEETS
from coprod_toc.errors import CoprodTocError, FormatError
from coprod_toc.exchange import MapImport, Notes, assumed_kind, kind_option
from coprod_toc.format.document import build_record
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import (
    Activity,
    Actual,
    Assessment,
    Assumption,
    Impact,
    Indicator,
    Kind,
    NodeType,
    Outcome,
    Problem,
)

_ZIP_MAGIC = b"PK\x03\x04"
#: What a workbook may unpack to: far more than any logframe, far less than a zip bomb.
_MAX_UNPACKED = 256 * 1024 * 1024
#: Columns read of each row: the logframe's and as many again of a person's own.
_MAX_COLUMNS = 64
#: A run of blank rows this long ends a sheet (Excel keeps rows formatted to the bottom).
_BLANK_RUN = 1000
_CELL_LIMIT = 32_767
#: How far down a sheet its heading row may be (below a title or a merged banner).
_HEADING_SEARCH = 10
_ID_SPLIT_RE = re.compile(r"[\n,;]+")
_SPACE_RE = re.compile(r"\s+")

#: A sheet's name, however a person spelt it, to the name in :data:`SHEETS`.
_SHEET_NAMES = {
    **{name.lower(): name for name in SHEETS},
    "impacts": "Impact", "outcome": "Outcomes", "activity": "Activities", "link": "Links",
    "indicator": "Indicators", "actual": "Actuals", "assumption": "Assumptions",
    "assessment": "Assessments",
}  # fmt: skip
_NODE_SHEETS = ("Impact", "Outcomes", "Activities")


def _key(text: Any) -> str:
    return _SPACE_RE.sub(" ", str(text)).strip().lower() if text is not None else ""


class LogframeImporter:
    description = "A logframe workbook (XLSX): the one coprod-toc writes, or one a person edited."
    suffixes = (".xlsx",)

    def detect(self, path: Path, head: bytes) -> bool:
        if not head.startswith(_ZIP_MAGIC):
            return False
        try:
            names = _sheet_names(path)
        except Exception:
            return False
        found = {_SHEET_NAMES.get(_key(name)) for name in names}
        return any(name in found for name in _NODE_SHEETS)

    def read(self, path: Path, *, kind: str = "project", **options: Any) -> MapImport:
        if options:
            raise FormatError(
                f"a logframe is read with the option kind only, not {sorted(options)}"
            )
        reader = _Reader(path, kind_option(kind))
        try:
            return reader.read()
        except CoprodTocError:
            raise
        except Exception as exc:
            where = f" (sheet {reader.sheet})" if reader.sheet else ""
            raise FormatError(
                f"not a readable workbook{where}: {type(exc).__name__}: {exc}", source=str(path)
            ) from None


def _check_size(path: Path) -> None:
    """Refuse a workbook that unpacks to more than a logframe ever needs (a zip bomb)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FormatError(f"not a readable workbook: {exc}", source=str(path)) from None
    if unpacked > _MAX_UNPACKED:
        raise FormatError(
            f"the workbook unpacks to {unpacked / 2**20:,.0f} MB, more than the "
            f"{_MAX_UNPACKED // 2**20} MB a logframe is read from",
            source=str(path),
        )


def _sheet_names(path: Path) -> list[str]:
    from openpyxl import load_workbook

    with path.open("rb") as handle:  # a file, so openpyxl does not judge it by its name
        book = load_workbook(handle, read_only=True)
        try:
            return list(book.sheetnames)
        finally:
            book.close()


class _Reader:
    def __init__(self, path: Path, kind: Kind) -> None:
        self.path = path
        self.kind = kind
        self.notes = Notes()
        self.read_counts: dict[str, int] = {}
        self.sheet = ""
        self.toc = TheoryOfChange(title=path.stem or "Untitled")
        # (source, target, payload, where) in the order they are met
        self.links: list[tuple[str, str, dict[str, Any], str]] = []
        self.named_targets: dict[str, tuple[list[str], str]] = {}
        self.assumption_cells: dict[str, tuple[list[str], str]] = {}
        self.indicator_cells: dict[str, tuple[list[Any], list[Any], list[Any], str]] = {}
        self.reserved: set[str] = set()

    # ------------------------------------------------------------------ the workbook

    def read(self) -> MapImport:
        from openpyxl import load_workbook

        with self.path.open("rb") as handle:
            head = handle.read(len(_ZIP_MAGIC))
        if head != _ZIP_MAGIC:
            raise FormatError(
                "not a readable workbook: an XLSX file is a zip archive, and this is not one",
                source=str(self.path),
            )
        _check_size(self.path)
        handle = self.path.open("rb")  # a file, so openpyxl does not judge it by its name
        book = load_workbook(handle, read_only=True, data_only=True)
        try:
            sheets = {}
            for name in book.sheetnames:
                known = _SHEET_NAMES.get(_key(name))
                if known is None:
                    self.notes.add(
                        "skipped-sheet", f"sheet {name}", "not a logframe sheet; not read"
                    )
                elif known not in sheets:
                    sheets[known] = book[name]
                else:
                    self.notes.add(
                        "skipped-sheet", f"sheet {name}",
                        f"a second {known} sheet (the first is read); not read",
                    )  # fmt: skip
            if not any(name in sheets for name in _NODE_SHEETS):
                raise FormatError(
                    "not a logframe: it has no Impact, Outcomes or Activities sheet (sheets: "
                    f"{', '.join(book.sheetnames)})",
                    source=str(self.path),
                )
            for name in _NODE_SHEETS:
                if name not in sheets:
                    self.notes.add("no-sheet", f"sheet {name}", f"the workbook has no {name} sheet")
            tables = {name: list(self._rows(name, sheet)) for name, sheet in sheets.items()}
        finally:
            book.close()
            handle.close()
        self.reserved = _mentioned(tables)
        self._cover(tables.get("Cover"))
        self._nodes(tables)
        self._links(tables.get("Links"))
        self._indicators(tables.get("Indicators"), tables.get("Actuals"))
        self._assumptions(tables.get("Assumptions"))
        self._assessments(tables.get("Assessments"))
        for name in ("Means of verification",):
            self._unread_column(tables, name)
        return MapImport(
            toc=self.toc,
            format="logframe",
            source=str(self.path),
            read=self.read_counts,
            notes=tuple(self.notes),
        )

    def _rows(self, name: str, sheet: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        """A sheet's rows as ``(where, {heading: value})``, blank rows left out (and noted
        when rows follow them), the heading row found by its names."""
        self.sheet = name
        expected = {_key(h): h for h in SHEETS[name]}
        rows = sheet.iter_rows(values_only=True, max_col=_MAX_COLUMNS)
        columns: dict[int, str] | None = None
        blank: list[int] = []
        unheaded: dict[int, list[int]] = {}  # column → rows with a value there
        count = 0
        for number, row in enumerate(rows, start=1):
            if columns is None:
                found = {i: expected[_key(v)] for i, v in enumerate(row) if _key(v) in expected}
                if len(found) >= min(2, len(expected)):
                    columns = found
                    for i, value in enumerate(row):
                        if i not in found and _key(value):
                            unheaded[i] = []  # a column of its own: one note, here
                            self.notes.add(
                                "extra-column", f"{name} row {number}",
                                f"the column {str(value).strip()!r} is not a logframe column; "
                                "not read",
                            )  # fmt: skip
                elif number >= _HEADING_SEARCH:
                    break
                continue
            for value in row:
                if isinstance(value, str) and len(value) > _CELL_LIMIT:
                    raise FormatError(
                        f"a cell holds at most {_CELL_LIMIT:,} characters; one has "
                        f"{len(value):,}", path=f"{name} row {number}",
                    )  # fmt: skip
            values = {columns[i]: _cell(v) for i, v in enumerate(row) if i in columns}
            if name == "Cover" and _key(values.get("Field")) == "the split":
                break  # the split below it is worked out from the map, never read
            for i, value in enumerate(row):
                if i not in columns and _cell(value) is not None and unheaded.get(i) != []:
                    unheaded.setdefault(i, []).append(number)
            if all(v is None for v in values.values()):
                blank.append(number)
                if len(blank) >= _BLANK_RUN:
                    self.notes.add(
                        "blank-rows", f"{name} row {blank[0]}",
                        f"{_BLANK_RUN:,} blank rows in a row end the sheet; rows after "
                        f"{blank[-1]:,} are not read",
                    )  # fmt: skip
                    break
                continue
            if blank:
                rows_named = (
                    f"row {blank[0]}" if len(blank) == 1 else f"rows {blank[0]}–{blank[-1]}"
                )
                self.notes.add(
                    "blank-row", f"{name} row {blank[0]}", f"{rows_named} blank; skipped"
                )
            blank = []
            count += 1
            yield f"{name} row {number}", values
        for i, numbers in unheaded.items():
            if not numbers:
                continue
            shown = ", ".join(map(str, numbers[:5])) + (", …" if len(numbers) > 5 else "")
            self.notes.add(
                "extra-column", f"{name} row {numbers[0]}",
                f"column {_letter(i)} has values in rows {shown} but no logframe heading; "
                "not read",
            )  # fmt: skip
        if columns is None:
            self.notes.add(
                "skipped-sheet", f"sheet {name}",
                f"no heading row in its first {_HEADING_SEARCH} rows (headings: "
                f"{', '.join(SHEETS[name])}); not read",
            )  # fmt: skip
        self.read_counts[name] = count

    # ------------------------------------------------------------------ the cover

    def _cover(self, rows: list[tuple[str, dict[str, Any]]] | None) -> None:
        fields: dict[str, tuple[Any, str]] = {}
        wanted = {_key(f): f for f in COVER_FIELDS}
        for where, row in rows or ():
            label = wanted.get(_key(row.get("Field")))
            if label is not None and label not in fields:
                fields[label] = (row.get("Value"), where)
            elif row.get("Value") is not None:
                field = row.get("Field")
                why = (
                    "no label" if field is None else f"{str(field).strip()!r} is not a Cover field"
                )
                self.notes.add(
                    "not-read", where,
                    f"{why} ({', '.join(COVER_FIELDS)}); its value is not read",
                )  # fmt: skip
        title, where = fields.get("Title", (None, "Cover"))
        if title is None:
            self.notes.add(
                "title-assumed", where, f"no title; the file's name {self.toc.title!r} is used"
            )
        else:
            self._set(where, "Title", lambda: setattr(self.toc, "title", _text(title)))
        ref, where = fields.get("External ref", (None, ""))
        if ref is not None:
            self._set(where, "External ref", lambda: setattr(self.toc, "external_ref", _text(ref)))
        statement, where = fields.get("Problem", (None, ""))
        if statement is None:
            return
        data = _present({
            "id": _id(fields.get("Problem ID", (None,))[0]),
            "statement": _text(statement),
            "affected_groups": _lines(fields.get("Affected groups", (None,))[0]),
            "context": fields.get("Context", (None,))[0],
            "easy_read": fields.get("Problem easy read", (None,))[0],
            "external_ref": fields.get("Problem external ref", (None,))[0],
        })  # fmt: skip
        data.setdefault("id", self._fresh_id(NodeType.PROBLEM))
        problem = self._record(Problem, data, where)
        if problem is not None and self._added(problem, where):
            addresses, at = fields.get("Addresses", (None, where))
            self._name_targets(problem.id, _ids(addresses), at)

    def _fresh_id(self, key: NodeType | str) -> str:
        """An id for a row without one, never one that another row names."""
        while (candidate := self.toc.new_id(key)) in self.reserved:
            pass
        return candidate

    def _set(self, where: str, what: str, action: Any) -> None:
        try:
            action()
        except CoprodTocError as exc:
            self.notes.add("bad-value", where, f"{what}: {exc}; not read")

    # ------------------------------------------------------------------ nodes

    def _nodes(self, tables: dict[str, list[tuple[str, dict[str, Any]]]]) -> None:
        for where, row in tables.get("Impact", ()):
            data = {
                "statement": row.get("Statement"), "timeframe": row.get("Timeframe"),
                "other_factors_level": row.get("Other factors level"),
                "easy_read": row.get("Easy read"), "external_ref": row.get("External ref"),
            }  # fmt: skip
            if row.get("Indicators") is not None:
                self.notes.add(
                    "not-carried", where,
                    "Indicators: coprod-toc keeps indicators on outcomes, not impacts; not read",
                )  # fmt: skip
            self._node_row(Impact, "impact", where, row, data, targets_column=None)
        for where, row in tables.get("Outcomes", ()):
            data = {
                "statement": row.get("Statement"), "horizon": _horizon(row.get("Horizon")),
                "i_statement": row.get("I statement"),
                "other_factors_level": row.get("Other factors level"),
                "easy_read": row.get("Easy read"), "external_ref": row.get("External ref"),
            }  # fmt: skip
            if data["horizon"] is None:
                data["horizon"] = "short"
                self.notes.add("horizon-assumed", where, "no Horizon; set to short-term: check it")
            node_id = self._node_row(Outcome, "outcome", where, row, data, "Leads to")
            if node_id is not None:
                cells = [
                    _lines(row.get("Indicators"), keep_blank=True, numbers=False),
                    _lines(row.get("Baseline"), keep_blank=True),
                    _lines(row.get("Target"), keep_blank=True),
                ]
                if any(cells):
                    self.indicator_cells[node_id] = (*cells, where)  # type: ignore[assignment]
        for where, row in tables.get("Activities", ()):
            data = {
                "description": row.get("Statement"), "status": _enum(row.get("Status")),
                "ladder_rung": _rung(row.get("Ladder rung")), "start": row.get("Start"),
                "end": row.get("End"), "effort": row.get("Effort"),
                "participant_roles": _lines(row.get("Participant roles")),
                "easy_read": row.get("Easy read"), "external_ref": row.get("External ref"),
            }  # fmt: skip
            self._node_row(Activity, "activity", where, row, data, "Contributes to")

    def _node_row(
        self, cls: type[Any], level: str, where: str, row: dict[str, Any],
        data: dict[str, Any], targets_column: str | None,
    ) -> str | None:  # fmt: skip
        node_id = _id(row.get("ID"))
        if node_id is None:
            node_id = self._fresh_id(NodeType(level))
            self.notes.add("id-given", where, f"no ID; given {node_id}", (node_id,))
        data = _present(data | {"id": node_id, "kind": _kind(row.get("Kind"))})
        if "kind" not in data:
            given = row.get("Kind")
            why = "the workbook" if given is None else f"the Kind {given!r}"
            data["kind"] = assumed_kind(self.notes, node_id, where, why, self.kind).value
        record = self._record(cls, data, where)
        if record is None or not self._added(record, where):
            return None
        if targets_column is not None:
            self._name_targets(record.id, _ids(row.get(targets_column)), where)
        texts = _lines(row.get("Assumptions"))
        if texts:
            self.assumption_cells[record.id] = (texts, where)
        return str(record.id)

    def _record(self, cls: type[Any], data: dict[str, Any], where: str) -> Any:
        """The record a row makes. A value the model refuses in a field it can do without is
        left out with a note and the row kept; in a field it needs, the row is left out."""
        required = _required(cls)
        while True:
            try:
                return build_record(cls, data, "")
            except FormatError as exc:
                field = exc.path.lstrip(".").split(".")[0].split("[")[0]
                if field in data and field not in required:
                    self.notes.add("bad-value", where, f"{_problem(exc)}; left empty, the row kept")
                    data = {k: v for k, v in data.items() if k != field}
                    continue
                self.notes.add("skipped-row", where, f"{_problem(exc)}; row left out")
                return None

    def _added(self, record: Any, where: str) -> bool:
        try:
            self.toc.add(record)
        except CoprodTocError as exc:
            self.notes.add("skipped-row", where, f"{exc}; row left out", (record.id,))
            return False
        return True

    def _name_targets(self, source: str, targets: list[str], where: str) -> None:
        self.named_targets[source] = (targets, where)

    # ------------------------------------------------------------------ links

    def _links(self, rows: list[tuple[str, dict[str, Any]]] | None) -> None:
        listed: set[tuple[str, str]] = set()
        for where, row in rows or ():
            source, target = _id(row.get("From")), _id(row.get("To"))
            if source is None or target is None:
                self.notes.add("skipped-link", where, "a link needs both From and To; left out")
                continue
            payload = _present({
                "level": row.get("Level"), "rationale": row.get("Rationale"),
                "evidence": _lines(row.get("Evidence")),
            })  # fmt: skip
            named, _ = self.named_targets.get(source, ([], ""))
            if named and target not in named:
                # The node's own row says which links it has: a link taken off it is gone.
                self.notes.add(
                    "link-left-out", where,
                    f"{source} → {target} is in the Links sheet but not in {source}'s row, "
                    "which names its links; left out",
                    (source, target),
                )  # fmt: skip
                continue
            listed.add((source, target))
            self._link(source, target, payload, where)
        for source, (targets, where) in self.named_targets.items():
            for target in targets:
                if (source, target) not in listed:
                    listed.add((source, target))
                    self._link(source, target, {}, where)

    def _link(self, source: str, target: str, payload: dict[str, Any], where: str) -> None:
        try:
            self.toc.link_many([(source, target, payload)])
        except CoprodTocError as exc:
            if not payload:
                self.notes.add("skipped-link", where, f"{source} → {target}: {exc}; left out")
                return
            self.notes.add("bad-value", where, f"{source} → {target}: {exc}; linked without it")
            self._link(source, target, {}, where)

    # ------------------------------------------------------------------ details

    def _indicators(
        self,
        rows: list[tuple[str, dict[str, Any]]] | None,
        actual_rows: list[tuple[str, dict[str, Any]]] | None,
    ) -> None:
        found: dict[str, list[tuple[dict[str, Any], str]]] = defaultdict(list)
        measured: dict[tuple[str, str], list[Any]] = {}  # (outcome, indicator) → actuals
        if rows is None:
            for outcome, (described, baselines, targets, where) in self.indicator_cells.items():
                found[outcome] = _cell_indicators(outcome, described, baselines, targets, where)
        else:
            actuals: dict[tuple[str, str], list[Any]] = defaultdict(list)
            for at, row in actual_rows or ():
                key = (_id(row.get("Outcome")) or "", _id(row.get("Indicator")) or "")
                data = _present({"period": _period(row.get("Period")), "value": row.get("Value")})
                actual = self._record(Actual, data, at)  # a bad one leaves the rest
                if actual is not None:
                    actuals[key].append(actual)
            for where, row in rows:
                outcome = _id(row.get("Outcome")) or ""
                data = _present({
                    "id": _id(row.get("ID")), "description": row.get("Description"),
                    "measure": _enum(row.get("Measure")), "ascending": _flag(row.get("Ascending")),
                    "baseline": row.get("Baseline"), "target": row.get("Target"),
                    "external_ref": row.get("External ref"),
                })  # fmt: skip
                measured[outcome, data.get("id", "")] = actuals.pop(
                    (outcome, data.get("id", "")), []
                )
                found[outcome].append((data, where))
            for outcome, (described, baselines, targets, where) in self.indicator_cells.items():
                if outcome not in found:  # typed on the Outcomes sheet only: read from there
                    found[outcome] = _cell_indicators(outcome, described, baselines, targets, where)
            for (outcome, indicator), left in actuals.items():
                self.notes.add(
                    "skipped-row", "Actuals",
                    f"{len(left)} actual(s) of {outcome} {indicator}: no such indicator; left out",
                )  # fmt: skip
            self._compare_cells(found)
        for outcome, entries in found.items():
            records = [
                attrs.evolve(r, actuals=tuple(measured.get((outcome, r.id), ())))
                for data, where in entries
                if (r := self._record(Indicator, data, where))
            ]
            self._update(outcome, "indicators", records, entries[0][1])

    def _compare_cells(self, found: dict[str, list[tuple[dict[str, Any], str]]]) -> None:
        for outcome, (described, baselines, targets, where) in self.indicator_cells.items():
            sheet = found.get(outcome, [])
            if _cell_indicators(outcome, described, baselines, targets, where) == sheet:
                continue
            cell = [d for d in described if d is not None]
            if [data.get("description") for data, _ in sheet] != cell or any(
                (data.get("baseline"), data.get("target")) != (_nth(baselines, n), _nth(targets, n))
                for n, (data, _) in enumerate(sheet, start=1)
            ):
                self.notes.add(
                    "not-read", where,
                    "the Indicators, Baseline and Target cells differ from the Indicators sheet, "
                    "which was read: change indicators on the Indicators sheet",
                )  # fmt: skip

    def _assumptions(self, rows: list[tuple[str, dict[str, Any]]] | None) -> None:
        if rows is None:
            for node_id, (texts, where) in self.assumption_cells.items():
                for text in texts:
                    self._set(
                        where,
                        "Assumptions",
                        lambda t=text, n=node_id: self.toc.add_assumption(t, n),
                    )
            return
        for where, row in rows:
            data = _present({
                "id": _id(row.get("ID")) or self._fresh_id("S"),
                "attached_to": _ids(row.get("Attached to")), "type": _enum(row.get("Type")),
                "status": _enum(row.get("Status")), "text": row.get("Text"),
            })  # fmt: skip
            record = self._record(Assumption, data, where)
            if record is not None:
                self._set(where, "Assumption", lambda r=record: self.toc.add_assumption_record(r))
        for node_id, (texts, where) in self.assumption_cells.items():
            on_sheet = [a.text for a in self.toc.assumptions(node_id)]
            if not on_sheet:  # typed on the node's row only: read from there
                for text in texts:
                    self._set(
                        where,
                        "Assumptions",
                        lambda t=text, n=node_id: self.toc.add_assumption(t, n),
                    )
            elif texts != on_sheet:
                self.notes.add(
                    "not-read", where,
                    "the Assumptions cell differs from the Assumptions sheet, which was read: "
                    "change assumptions on the Assumptions sheet",
                )  # fmt: skip

    def _assessments(self, rows: list[tuple[str, dict[str, Any]]] | None) -> None:
        found: dict[str, list[Any]] = defaultdict(list)
        first: dict[str, str] = {}
        for where, row in rows or ():
            outcome = _id(row.get("Outcome")) or ""
            data = _present({
                "date": row.get("Date"), "status": _enum(row.get("Status")),
                "note": row.get("Note"), "evidence": _lines(row.get("Evidence")),
                "breakdown": _breakdown_items(row.get("Breakdown")),
            })  # fmt: skip
            record = self._record(Assessment, data, where)
            if record is not None:
                found[outcome].append(record)
                first.setdefault(outcome, where)
        for outcome, records in found.items():
            self._update(outcome, "assessments", records, first[outcome])

    def _update(self, outcome: str, field: str, records: list[Any], where: str) -> None:
        if not records:
            return
        try:
            self.toc.outcome(outcome)
            self.toc.update(outcome, **{field: tuple(records)})
        except CoprodTocError as exc:
            self.notes.add("skipped-row", where, f"{field} of {outcome!r}: {exc}; left out")

    def _unread_column(
        self, tables: dict[str, list[tuple[str, dict[str, Any]]]], column: str
    ) -> None:
        for name in _NODE_SHEETS:
            for where, row in tables.get(name, ()):
                if row.get(column) is not None:
                    self.notes.add(
                        "not-carried", where,
                        f"{column}: coprod-toc records evidence as evidence items; not read",
                    )  # fmt: skip


# --------------------------------------------------------------------------- cell values


def _cell(value: Any) -> Any:
    """A cell's value as the model takes it: blank text is no value, a date-time a date."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    return value


def _present(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None and v != []}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _id(value: Any) -> str | None:
    if value is None:
        return None
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return text.strip() or None


def _ids(value: Any) -> list[str]:
    if value is None:
        return []
    return [part.strip() for part in _ID_SPLIT_RE.split(_text(value)) if part.strip()]


def _lines(value: Any, *, keep_blank: bool = False, numbers: bool = True) -> list[Any]:
    """A cell's lines (a list written one item per line), or the list a cell holds as JSON
    (how one whose items hold line breaks is written); with ``keep_blank``, a blank line is
    ``None`` and keeps its place (the Baseline line of an indicator without one)."""
    if value is None:
        return []
    if not isinstance(value, str):
        return [value if numbers else str(value)]
    listed = _json_list(value)
    if listed is not None:
        return listed
    parts = value.split("\n")
    if not keep_blank:
        return [p for p in parts if p.strip()]
    return [(_number(p) if numbers else p) if p.strip() else None for p in parts]


def _json_list(text: str) -> list[Any] | None:
    """The list a cell holds as JSON (``["carers\\nand families"]``), else ``None``."""
    if not text.startswith("["):
        return None
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, list) else None


def _number(text: str) -> Any:
    """A line of the Baseline or Target cell: a number when it reads as one."""
    if not text.strip():
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _cell_indicators(
    outcome: str, described: list[Any], baselines: list[Any], targets: list[Any], where: str
) -> list[tuple[dict[str, Any], str]]:
    """Indicators typed on an outcome's row: one per line of its Indicators cell, with the
    Baseline and Target lines of the same place."""
    return [
        (
            _present(
                {
                    "id": f"{outcome}-N{number}",
                    "description": description,
                    "baseline": _nth(baselines, number),
                    "target": _nth(targets, number),
                }
            ),
            where,
        )
        for number, description in enumerate(described, start=1)
        if description is not None
    ]


def _mentioned(tables: dict[str, list[tuple[str, dict[str, Any]]]]) -> set[str]:
    """Every id the workbook writes anywhere: a row without an ID is never given one of
    them, so nothing that names a deleted row's id attaches to a new row."""
    columns = {
        "Impact": ("ID",), "Outcomes": ("ID", "Leads to"),
        "Activities": ("ID", "Contributes to"), "Links": ("From", "To"),
        "Assumptions": ("ID", "Attached to"), "Indicators": ("Outcome",),
        "Actuals": ("Outcome",), "Assessments": ("Outcome",),
    }  # fmt: skip
    found = {
        node_id
        for name, headings in columns.items()
        for _, row in tables.get(name, ())
        for heading in headings
        for node_id in _ids(row.get(heading))
    }
    for _, row in tables.get("Cover", ()):
        if _key(row.get("Field")) in ("problem id", "addresses"):
            found.update(_ids(row.get("Value")))
    return found


def _required(cls: type[Any]) -> frozenset[str]:
    return frozenset(f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _period(value: Any) -> Any:
    """An actual's period as text, though a spreadsheet made it a number (2024) or a date."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, int | float) else value


def _nth(values: list[Any], number: int) -> Any:
    return values[number - 1] if number <= len(values) else None


def _kind(value: Any) -> str | None:
    key = _key(value).replace("-", "").replace(" ", "")
    return {"project": "project", "coproduction": "coproduction"}.get(key)


def _horizon(value: Any) -> str | None:
    key = _key(value)
    return (
        next((h for h in ("short", "medium", "long") if key.startswith(h)), None) if key else None
    )


def _enum(value: Any) -> Any:
    """A value of a fixed list as a person may write it: ``Not yet``, ``in-progress``."""
    return (
        _key(value).replace(" ", "_").replace("-", "_") or None if isinstance(value, str) else value
    )


def _rung(value: Any) -> Any:
    if isinstance(value, str):
        match = re.match(r"\s*(\d+)", value)
        return int(match.group(1)) if match else value
    return value


def _flag(value: Any) -> Any:
    if isinstance(value, str):
        return {"yes": True, "true": True, "no": False, "false": False}.get(_key(value), value)
    return value


def _breakdown_items(value: Any) -> list[Any]:
    """A Breakdown cell: one activity a line, or the JSON list of objects written for
    roles that lines cannot hold."""
    if isinstance(value, str):
        listed = _json_list(value)
        if listed is not None:
            return listed
    return [_breakdown(line) for line in _lines(value)]


def _breakdown(line: str) -> dict[str, Any]:
    activity, role, level = ([p.strip() for p in line.split(" | ", 2)] + ["", ""])[:3]
    return _present({"activity": activity, "role": role or None, "level": _number(level)})


#: Record fields whose column has another name.
_COLUMNS = {"description": "Statement", "attached_to": "Attached to", "text": "Text"}
_MISSING_RE = re.compile(r"missing required field '(\w+)'")


def _heading(field: str) -> str:
    return _COLUMNS.get(field, field.replace("_", " ").capitalize())


def _column(path: str) -> str:
    """The column a record field is read from, for a note: ``kind: `` → ``Kind: ``."""
    field = path.lstrip(".").split(".")[0].split("[")[0]
    return f"{_heading(field)}: " if field else ""


def _problem(exc: FormatError) -> str:
    """What is wrong with a row, in the workbook's words."""
    missing = _MISSING_RE.fullmatch(exc.problem)
    if missing:
        return f"no {_heading(missing.group(1))}"
    return f"{_column(exc.path)}{exc.problem}"
