"""Built-in: a map as CSV tables for spreadsheets (``ct.export(toc, "csv", "map.zip")``).

One file per table in a zip, or one table as a plain CSV file (``table="nodes"``). Tables
are for reading and counting in a spreadsheet, not for reading a map back: canonical JSON is
the lossless form. The rules every cell follows:

* text that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab
  or CR) gets a leading apostrophe (:func:`coprod_toc.plain.spreadsheet_text`); numbers are
  written as numbers, so a negative number stays a number;
* a list (participant roles, a link's evidence) is one cell, its items joined with ``"; "``;
  true and false are ``true`` and ``false``, dates ISO (``2024-01-08``), an empty field an
  empty cell;
* files are UTF-8 with a byte order mark, which Excel needs to read UTF-8 rather than the
  machine's code page (other programs skip it), with CR LF line ends as RFC 4180 has;
* the evidence summary names no one and never shows a number of people below
  :data:`~coprod_toc.evidence.SUPPRESS_BELOW` (10): a small group's count can point at a
  person.

The same map gives the same bytes: members in a fixed order, with a fixed time and mode.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from coprod_toc._gc import collection_paused
from coprod_toc.errors import RenderError
from coprod_toc.evidence import SUPPRESS_BELOW
from coprod_toc.evidence.records import people_named
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import Activity, Impact, Outcome, Problem
from coprod_toc.plain import spreadsheet_text

__all__ = ["TABLES", "CsvExporter", "table_rows"]

Row = list[Any]

#: Every zip member written with this time (the earliest a zip can hold): the bytes then
#: depend on the map only.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_BOM = "\ufeff"


def _cell(value: Any) -> Any:
    """One field's value as a CSV cell: text made safe, numbers left numbers."""
    if type(value) is str:
        return spreadsheet_text(value)
    if value is None:
        return ""
    if isinstance(value, enum.Enum):  # before str: the map's enumerations are texts too
        return value._value_
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return spreadsheet_text("; ".join(value))
    return value  # an int or a float


# --------------------------------------------------------------------------- tables

NODE_FIELDS = (
    "kind",
    "horizon",
    "statement",
    "status",
    "ladder_rung",
    "start",
    "end",
    "effort",
    "participant_roles",
    "other_factors_level",
    "timeframe",
    "affected_groups",
    "context",
    "i_statement",
    "easy_read",
    "external_ref",
)


def _node_fields(cls: type[Any]) -> tuple[str | None, ...]:
    """Per column of ``NODE_FIELDS``, the field of ``cls`` it shows (``"text"`` for the
    statement: an activity's text is its description), or ``None`` for an empty cell."""
    names = {field.name for field in attrs.fields(cls)}
    return tuple(
        "text" if name == "statement" else name if name in names else None for name in NODE_FIELDS
    )


_NODE_PLANS = {cls: _node_fields(cls) for cls in (Problem, Impact, Outcome, Activity)}


def _nodes(toc: TheoryOfChange) -> Iterator[Row]:
    yield ["id", "type", *NODE_FIELDS]
    for node in toc.nodes():
        row: Row = [node.id, node.node_type._value_]
        for name in _NODE_PLANS[type(node)]:
            value = None if name is None else getattr(node, name)
            # The commonest cells first, without a call: an empty field, a plain text.
            if value is None:
                row.append("")
            elif type(value) is str:
                row.append(spreadsheet_text(value))
            else:
                row.append(_cell(value))
        yield row


def _links(toc: TheoryOfChange) -> Iterator[Row]:
    yield ["source", "target", "level", "rationale", "evidence"]
    for link in toc.links():
        level, rationale, evidence = link.level, link.rationale, link.evidence
        yield [
            link.source,
            link.target,
            "" if level is None else level,
            "" if rationale is None else spreadsheet_text(rationale),
            spreadsheet_text("; ".join(evidence)) if evidence else "",
        ]


def _outcomes(toc: TheoryOfChange) -> Iterator[Outcome]:
    for node in toc.nodes():
        if isinstance(node, Outcome):
            yield node


def _indicators(toc: TheoryOfChange) -> Iterator[Row]:
    yield [
        "outcome",
        "indicator",
        "description",
        "measure",
        "ascending",
        "baseline",
        "target",
        "external_ref",
    ]
    for outcome in _outcomes(toc):
        for i in outcome.indicators:
            yield [
                outcome.id,
                i.id,
                _cell(i.description),
                i.measure._value_,
                _cell(i.ascending),
                _cell(i.baseline),
                _cell(i.target),
                _cell(i.external_ref),
            ]


def _actuals(toc: TheoryOfChange) -> Iterator[Row]:
    yield ["outcome", "indicator", "period", "value"]
    for outcome in _outcomes(toc):
        for indicator in outcome.indicators:
            for actual in indicator.actuals:
                yield [outcome.id, indicator.id, _cell(actual.period), _cell(actual.value)]


def _assessments(toc: TheoryOfChange) -> Iterator[Row]:
    # Assessments have no id: the number (1, 2…, in the outcome's order) names one, for
    # the breakdown table.
    yield ["outcome", "assessment", "date", "status", "note", "evidence"]
    for outcome in _outcomes(toc):
        for number, a in enumerate(outcome.assessments, start=1):
            yield [
                outcome.id,
                number,
                a.date.isoformat(),
                a.status._value_,
                _cell(a.note),
                _cell(a.evidence),
            ]


def _breakdown(toc: TheoryOfChange) -> Iterator[Row]:
    yield ["outcome", "assessment", "activity", "role", "level"]
    for outcome in _outcomes(toc):
        for number, assessment in enumerate(outcome.assessments, start=1):
            for item in assessment.breakdown:
                yield [outcome.id, number, item.activity, _cell(item.role), _cell(item.level)]


def _assumptions(toc: TheoryOfChange) -> Iterator[Row]:
    yield ["id", "attached_to", "type", "status", "text"]
    for a in toc.assumptions():
        # One node's id, or a link's two ids as "source -> target" (ids hold no spaces).
        yield [a.id, " -> ".join(a.attached_to), a.type._value_, a.status._value_, _cell(a.text)]


def _people(count: int) -> int | str:
    """A number of people as the evidence summary shows it: ``"none"``, ``"fewer than
    10"`` for a small group (whose count could point at a person), else the number."""
    if count == 0:
        return "none"
    return f"fewer than {SUPPRESS_BELOW}" if count < SUPPRESS_BELOW else count


def _evidence_summary(toc: TheoryOfChange) -> Iterator[Row]:
    """Per node: the evidence items, logbook entries and process feedback that name it, the
    evidence cited on the links into it, and how many people all of those name."""
    yield [
        "node",
        "type",
        "evidence_items",
        "logbook_entries",
        "feedback",
        "link_evidence",
        "people",
    ]
    evidence = toc.evidence
    items: dict[str, int] = {}
    logbook: dict[str, int] = {}
    feedback: dict[str, int] = {}
    people: dict[str, set[str]] = {}

    def count(
        records: Iterable[Any], node_ids: Callable[[Any], Iterable[str]], tally: dict[str, int]
    ) -> None:
        for record in records:
            named = None
            for node_id in set(node_ids(record)):
                tally[node_id] = tally.get(node_id, 0) + 1
                named = people_named(record) if named is None else named
                people.setdefault(node_id, set()).update(named)

    count(evidence.items, lambda r: r.nodes, items)
    count(evidence.logbook, lambda r: r.nodes, logbook)
    count(evidence.feedback, lambda r: () if r.activity is None else (r.activity,), feedback)
    # What a link cites is a record's id, in any section with ids.
    by_id: dict[str, list[Any]] = {}
    for section in ("items", "logbook", "benefits", "feedback", "measures", "rejected"):
        for record in getattr(evidence, section):
            by_id.setdefault(record.id, []).append(record)
    cited: dict[str, set[str]] = {}
    for link in toc.links():
        if link.evidence:
            cited.setdefault(link.target, set()).update(link.evidence)
    for node_id, references in cited.items():
        for reference in references:
            for record in by_id.get(reference, ()):
                people.setdefault(node_id, set()).update(people_named(record))
    for node in toc.nodes():
        node_id = node.id
        yield [
            node_id,
            node.node_type._value_,
            items.get(node_id, 0),
            logbook.get(node_id, 0),
            feedback.get(node_id, 0),
            len(cited.get(node_id, ())),
            _people(len(people.get(node_id, ()))),
        ]


#: Table name → its rows (the headings first), in the order the zip holds them.
TABLES: dict[str, Callable[[TheoryOfChange], Iterator[Row]]] = {
    "nodes": _nodes,
    "links": _links,
    "indicators": _indicators,
    "actuals": _actuals,
    "assessments": _assessments,
    "breakdown": _breakdown,
    "assumptions": _assumptions,
    "evidence-summary": _evidence_summary,
}


def table_rows(toc: TheoryOfChange, table: str) -> Iterator[Row]:
    """The rows of one table of ``toc``, headings first, as the exporter writes them.

    :raises RenderError: no such table, naming the tables there are.
    """
    try:
        rows = TABLES[table]
    except (KeyError, TypeError):
        raise RenderError(
            f"the csv exporter has no table {table!r}; its tables: {', '.join(TABLES)}"
        ) from None
    return rows(toc)


def _csv_bytes(rows: Iterable[Row]) -> bytes:
    out = io.StringIO()
    out.write(_BOM)
    csv.writer(out).writerows(rows)  # the excel dialect: commas, CR LF, quotes as needed
    return out.getvalue().encode("utf-8")


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, wherever it is written: the same bytes everywhere
    info.external_attr = 0o644 << 16
    return info


class CsvExporter:
    suffix = ".zip"
    suffixes = (".zip", ".csv")  # .csv: one table (table=NAME)
    description = (
        "Spreadsheet tables (nodes, links, indicators, assumptions, evidence summary…) as "
        "CSV files in a zip, or one table as a CSV file (option table=NAME)."
    )

    def export(self, toc: TheoryOfChange, destination: Path, **options: Any) -> None:
        table = options.pop("table", None)
        if options:
            raise RenderError(
                f"the csv exporter takes only the option 'table', not {sorted(options)}"
            )
        if table is None and destination.suffix.lower() == ".csv":
            raise RenderError(
                f"a .csv file holds one table: give the option table= (one of: "
                f"{', '.join(TABLES)}), or a name ending .zip for every table"
            )
        # Rows of small objects, made and dropped by the thousand: no collector walks.
        with collection_paused():
            if table is not None:
                destination.write_bytes(_csv_bytes(table_rows(toc, table)))
                return
            with (
                destination.open("wb") as handle,
                zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive,
            ):
                for name, rows in TABLES.items():
                    archive.writestr(_member(f"{name}.csv"), _csv_bytes(rows(toc)))
