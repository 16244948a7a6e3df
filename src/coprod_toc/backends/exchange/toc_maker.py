"""Built-in: ToC-Maker JSON, the Theory of Change builder's own file, read and written.

The builder keeps a map as ``sections[].columns[].nodes[]``; each node has an ``id``, a
``title``, a longer ``text`` and ``connections[]`` to other nodes, each with a
``confidence`` (0–100), the ``evidence`` for it and its ``assumptions``.

Reading (``ct.import_map(path, format="toc-maker", levels=..., kind=...)``):

* **Levels by section title**, case-insensitive: "Inputs" and "Activities" hold activities,
  "Outputs" short-term outcomes (achievements), "Outcomes" outcomes and "Goal" or "Impact"
  impacts (singular or plural). ``levels={"Section title": "activity" | "output" |
  "outcome" | "impact"}`` names other sections or overrides these. A section of another
  title is a FormatError naming it and the option: the importer does not guess.
* **Outcomes by column**: the last column of an outcome section is long-term, the columns
  before it medium-term (a single column is long-term).
* **Kinds**: the builder has no project or co-production kinds, so every node made in it
  gets ``kind`` (option, default ``"project"``) and a ``kind-assumed`` note saying so.
* **Ids**: a node id that is not a coprod-toc id (:func:`coprod_toc.fields.check_id`) is
  replaced by a new one; the builder's id is kept as the node's ``external_ref``, and a note
  says so.
* **Text**: the ``title`` becomes the statement, and the ``text``, when there is one, is
  added after a blank line. The model has no field for a node's longer description, and a
  note per node would leave the team's own words behind in the file; this way nothing they
  wrote is lost, the title stays the statement's first line, and export splits the two
  again.
* **Connections**: ``confidence`` becomes the link's contribution level, to the nearest
  quarter (``confidence / 25``, halves rounded up: 85 → 3); ``evidence`` becomes the link's
  rationale; ``assumptions`` an assumption on the link. Without ``connections``, the older
  ``connectionIds`` are read as links with no level. A connection the model cannot hold —
  an activity to an activity (Inputs → Activities), an activity to an impact, one to a node
  not in the file, an outcome leading back to an earlier horizon — is left out with a note
  naming its JSON path.
* Layout (colours, positions, widths, text size, curvature) is not part of a map and is not
  kept.

Writing (``ct.export(toc, "toc-maker", path)``) gives the same shape, so the map opens in the
builder: sections Activities, Outputs (short-term outcomes), Outcomes (a medium-term and a
long-term column) and Impact; each node's statement split at its first blank line into
``title`` and ``text``; each link a connection with ``confidence = level × 25`` (50, the
builder's own default, for a link with no level). What the builder has no place for is kept
under one extra key it carries along, ``coprodToc``: on each node its record (type, kind,
horizon and every other field), on a connection a missing level and the evidence
references, and at the top the problem and its links, the map's reference, every
assumption and the order of the nodes. Reading such a file gives the map back equal. A
title, text, confidence, evidence or assumptions text changed in the builder replaces what
the record says; a node moved to another section keeps its record's level, with a note.
The map's evidence records (about people) are not written: the file is meant for another
tool.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from coprod_toc.errors import DuplicateNodeError, FormatError, LinkError, ModelError, RenderError
from coprod_toc.exchange import (
    MapImport,
    Notes,
    assumed_kind,
    cleaned_text,
    json_path,
    kind_option,
    read_header,
    read_json_file,
)
from coprod_toc.exchange.kit import model_problem
from coprod_toc.fields import check_id, printable_text
from coprod_toc.format.document import build_record, expect_type
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import (
    Activity,
    Assumption,
    Horizon,
    Impact,
    Kind,
    Link,
    Node,
    NodeType,
    Outcome,
    Problem,
)
from coprod_toc.plain import plain_record

__all__ = [
    "TocMakerExporter",
    "TocMakerImporter",
    "confidence_level",
    "joined_statement",
    "level_confidence",
    "split_statement",
    "toc_maker_document",
]

FORMAT = "toc-maker"
TOOL = "ToC-Maker"
#: The key under which coprod-toc keeps what the builder has no place for.
EXTRA = "coprodToc"
EXTRA_VERSION = 1

#: The levels a section can hold, as the ``levels`` option names them.
LEVELS = ("activity", "output", "outcome", "impact")
#: Section titles the importer knows, lower-case.
SECTION_LEVELS = {
    "input": "activity",
    "inputs": "activity",
    "activity": "activity",
    "activities": "activity",
    "output": "output",
    "outputs": "output",
    "outcome": "outcome",
    "outcomes": "outcome",
    "goal": "impact",
    "goals": "impact",
    "impact": "impact",
    "impacts": "impact",
}
_RECORD_TYPES: dict[str, type[Any]] = {
    "activity": Activity,
    "outcome": Outcome,
    "impact": Impact,
}
_ID_PREFIX = {"activity": NodeType.ACTIVITY, "outcome": NodeType.OUTCOME,
              "output": NodeType.OUTCOME, "impact": NodeType.IMPACT}  # fmt: skip
_HEADER_KEYS = frozenset({"version", "external_ref", "problem", "assumptions", "order"})
_CONNECTION_EXTRA_KEYS = frozenset({"level", "evidence"})
_LINK_PAYLOAD_KEYS = frozenset({"level", "rationale", "evidence"})
#: What a ToC-Maker file holds, in this order: sections, each of columns, each of nodes.
_FINGERPRINT = (
    re.compile(rb'"sections"\s*:\s*\[\s*\{'),
    re.compile(rb'"columns"\s*:\s*\[\s*\{'),
    re.compile(rb'"nodes"\s*:\s*\['),
)
_KIND_COLOUR = {Kind.PROJECT: "#d6e4f0", Kind.COPRODUCTION: "#f8d9a0"}
_NODE_WIDTH = 192  # the builder's default width
_BLANK_LINE = "\n\n"


# --------------------------------------------------------------------------- shared rules


_at = json_path


def confidence_level(confidence: float) -> int:
    """A confidence of 0–100 as a contribution level 0–4: the nearest quarter, halves up."""
    return int(confidence / 25 + 0.5)


def level_confidence(level: int | None) -> int:
    """A contribution level as the builder's confidence: ``level × 25``; 50, the builder's
    own default, for a link with no level."""
    return 50 if level is None else level * 25


def split_statement(statement: str) -> tuple[str, str]:
    """A statement as the builder's ``title`` and ``text``: split at its first blank line."""
    title, _, text = statement.partition(_BLANK_LINE)
    return title, text


def joined_statement(title: str, text: str) -> str | None:
    """The statement of a node with this ``title`` and ``text``: the title, then the text
    after a blank line (the text alone when there is no title; the title alone when the text
    only repeats it). ``None`` when both are blank."""
    title = title if title.strip() else ""
    text = text if text.strip() else ""
    if title and text and " ".join(text.split()) != " ".join(title.split()):
        return title + _BLANK_LINE + text
    return title or text or None


# --------------------------------------------------------------------------- writing


def _place(node: Node) -> str:
    """The section a node is written in (and read back from)."""
    if isinstance(node, Outcome):
        return "output" if node.horizon is Horizon.SHORT else "outcome"
    return node.node_type.value


def _connection(toc: TheoryOfChange, link: Link, assumptions: list[Assumption]) -> Any:
    connection: dict[str, Any] = {
        "targetId": link.target,
        "confidence": level_confidence(link.level),
    }
    if link.rationale is not None:
        connection["evidence"] = link.rationale
    if assumptions:
        connection["assumptions"] = _BLANK_LINE.join(a.text for a in assumptions)
    extra: dict[str, Any] = {}
    if link.level is None:
        extra["level"] = None
    if link.evidence:
        extra["evidence"] = list(link.evidence)
    if extra:
        connection[EXTRA] = extra
    return connection


def _node(toc: TheoryOfChange, node: Node, position: int, on_links: Any) -> dict[str, Any]:
    title, text = split_statement(node.text)
    targets = toc.successors(node.id)
    record = plain_record(node)
    del record["id"]
    kind = getattr(node, "kind", Kind.PROJECT)
    return {
        "id": node.id,
        "title": title,
        "text": text,
        "connectionIds": targets,
        "connections": [
            _connection(toc, toc.get_link(node.id, t), on_links.get((node.id, t), []))
            for t in targets
        ],
        "yPosition": 30 + 180 * position,  # the builder's own spacing
        "width": _NODE_WIDTH,
        "color": _KIND_COLOUR[kind],
        EXTRA: {"type": node.node_type.value, **record},
    }


def _column(toc: TheoryOfChange, nodes: list[Any], on_links: Any) -> dict[str, Any]:
    return {"nodes": [_node(toc, node, i, on_links) for i, node in enumerate(nodes)]}


def _header(toc: TheoryOfChange) -> dict[str, Any]:
    header: dict[str, Any] = {"version": EXTRA_VERSION}
    if toc.external_ref is not None:
        header["external_ref"] = toc.external_ref
    problem = toc.problem
    if problem is not None:
        addresses: list[Any] = []
        for target in toc.successors(problem.id):
            link = toc.get_link(problem.id, target)
            payload = {k: v for k, v in plain_record(link).items() if k in _LINK_PAYLOAD_KEYS}
            addresses.append({"to": target, **payload} if payload else target)
        header["problem"] = plain_record(problem) | {"addresses": addresses}
    header["assumptions"] = [plain_record(a) for a in toc.assumptions()]
    header["order"] = [node.id for node in toc.nodes() if node.id != getattr(problem, "id", None)]
    return header


def toc_maker_document(toc: TheoryOfChange) -> dict[str, Any]:
    """The map as a ToC-Maker document (JSON types), in the map's own order."""
    on_links: dict[tuple[str, ...], list[Assumption]] = {}
    for assumption in toc.assumptions():
        if len(assumption.attached_to) == 2:
            on_links.setdefault(assumption.attached_to, []).append(assumption)
    outcomes = toc.outcomes()
    by_horizon = {h: [o for o in outcomes if o.horizon is h] for h in Horizon}
    sections: list[tuple[str, list[list[Any]]]] = [
        ("Activities", [toc.activities()]),
        ("Outputs", [by_horizon[Horizon.SHORT]]),
        ("Outcomes", [by_horizon[Horizon.MEDIUM], by_horizon[Horizon.LONG]]),
        ("Impact", [toc.impacts()]),
    ]
    return {
        "title": toc.title,
        "sections": [
            {"title": title, "columns": [_column(toc, nodes, on_links) for nodes in columns]}
            for title, columns in sections
        ],
        "textSize": 1,
        "curvature": 1,
        EXTRA: _header(toc),
    }


class TocMakerExporter:
    suffix = ".json"
    description = "ToC-Maker JSON, to open the map in the ToC-Maker builder."

    def export(self, toc: TheoryOfChange, destination: Path, **options: Any) -> None:
        if options:
            raise RenderError(f"the toc-maker exporter takes no options, not {sorted(options)}")
        text = json.dumps(toc_maker_document(toc), indent=2, ensure_ascii=False) + "\n"
        destination.write_bytes(text.encode("utf-8"))


# --------------------------------------------------------------------------- reading


def _options(options: Mapping[str, Any]) -> tuple[dict[str, str], Kind]:
    """The section-title table and the kind the options ask for."""
    unknown = sorted(set(options) - {"levels", "kind"})
    if unknown:
        raise FormatError(
            f"a ToC-Maker file is read with the options levels and kind, not {unknown}"
        )
    kind = kind_option(options.get("kind", Kind.PROJECT))
    levels = options.get("levels") or {}
    table = dict(SECTION_LEVELS)
    if not isinstance(levels, Mapping):
        raise FormatError(f"the option levels must map section titles to levels, not {levels!r}")
    for title, level in levels.items():
        level = level.strip().lower() if isinstance(level, str) else level
        if not isinstance(title, str) or level not in LEVELS:
            raise FormatError(
                f"the option levels maps a section title to one of {', '.join(LEVELS)}, "
                f"not {title!r}: {level!r}"
            )
        table[title.strip().lower()] = level
    return table, kind


class _Entry:
    """One node of the file as it is read: where it is, what it holds, what it became."""

    def __init__(
        self, data: dict[str, Any], path: str, level: str, horizon: Horizon | None, section: str
    ) -> None:
        self.data = data
        self.path = path
        self.level = level
        self.horizon = horizon
        self.section = section
        self.raw_id = ""
        self.node_id = ""
        self.record: Node | None = None


class _Reader:
    def __init__(self, data: Any, levels: dict[str, str], kind: Kind) -> None:
        self.data = data
        self.levels = levels
        self.kind = kind
        self.notes = Notes()
        self.read: dict[str, int] = {}

    # ---------------------------------------------------------------- file and header

    def run(self) -> TheoryOfChange:
        data = self.data
        if type(data) is not dict or "sections" not in data:
            raise FormatError("not a ToC-Maker export: expected an object with 'sections'")
        toc = TheoryOfChange(self._title(data.get("title")))
        header = self._header(data.get(EXTRA))
        if "external_ref" in header:
            where = _at(EXTRA, "external_ref")
            try:
                toc.external_ref = expect_type(header["external_ref"], str, where, "a text")
            except ModelError as exc:
                raise FormatError(exc.message, path=where) from None
        problem = self._problem(header.get("problem"))
        entries = self._entries(data["sections"])
        self._assign_ids(toc, entries, problem)
        records = [entry.record for entry in self._ordered(entries, header) if entry.record]
        toc.add_many([*([problem] if problem else []), *records])
        visible = self._links(toc, entries)
        if problem is not None:
            self._problem_links(toc, problem, header["problem"])
        self._assumptions(toc, header.get("assumptions", []), visible)
        return toc

    def _title(self, title: Any) -> str:
        if title is not None:
            title = self._text(expect_type(title, str, "title", "a text"), "title")
        if title is None or not title.strip():
            self.notes.add("no-title", "title", "the file gives no title: the map is untitled")
            return "Untitled map"
        return title  # type: ignore[no-any-return]

    def _header(self, header: Any) -> dict[str, Any]:
        found = read_header(header, EXTRA, _HEADER_KEYS, EXTRA_VERSION)
        order = expect_type(found.get("order", []), list, _at(EXTRA, "order"), "a list")
        for i, item in enumerate(order):
            expect_type(item, str, _at(_at(EXTRA, "order"), i), "a node id")
        expect_type(found.get("assumptions", []), list, _at(EXTRA, "assumptions"), "a list")
        return found

    def _problem(self, data: Any) -> Problem | None:
        if data is None:
            return None
        path = _at(EXTRA, "problem")
        expect_type(data, dict, path, "an object")
        record = {k: v for k, v in data.items() if k != "addresses"}
        problem: Problem = build_record(Problem, record, path)
        return problem

    def _text(self, value: str, where: str) -> str:
        return cleaned_text(self.notes, value, where)

    # ---------------------------------------------------------------- nodes

    def _entries(self, sections: Any) -> list[_Entry]:
        entries: list[_Entry] = []
        for s, section in enumerate(expect_type(sections, list, "sections", "a list")):
            path = _at("sections", s)
            expect_type(section, dict, path, "an object")
            title = self._required(section, "title", path, str, "a text")
            level = self.levels.get(title.strip().lower())
            if level is None:
                raise FormatError(
                    f"a section titled {title!r} is not one coprod-toc knows; name its level "
                    f"with the option levels={{{title!r}: ...}}, one of {', '.join(LEVELS)}",
                    path=_at(path, "title"),
                )
            columns_path = _at(path, "columns")
            columns = self._required(section, "columns", path, list, "a list")
            count = 0
            for c, column in enumerate(columns):
                column_path = _at(columns_path, c)
                expect_type(column, dict, column_path, "an object")
                nodes_path = _at(column_path, "nodes")
                horizon = None
                if level == "outcome":
                    horizon = Horizon.LONG if c == len(columns) - 1 else Horizon.MEDIUM
                elif level == "output":
                    horizon = Horizon.SHORT
                for n, node in enumerate(self._required(column, "nodes", column_path, list,
                                                        "a list")):  # fmt: skip
                    node_path = _at(nodes_path, n)
                    expect_type(node, dict, node_path, "an object")
                    entries.append(_Entry(node, node_path, level, horizon, title))
                    count += 1
            self.read[title] = self.read.get(title, 0) + count
        return entries

    @staticmethod
    def _required(data: dict[str, Any], key: str, path: str, kind: type, what: str) -> Any:
        if key not in data:
            raise FormatError(f"missing required field {key!r}", path=path)
        return expect_type(data[key], kind, _at(path, key), what)

    def _assign_ids(
        self, toc: TheoryOfChange, entries: list[_Entry], problem: Problem | None
    ) -> None:
        """Give every node its id (the file's, or a new one) and build its record."""
        seen: dict[str, str] = {}
        taken = {problem.id} if problem else set()
        for entry in entries:
            raw = self._required(entry.data, "id", entry.path, str, "a text")
            if raw in seen:
                raise FormatError(
                    f"node id {raw!r} is used twice (first at {seen[raw]})",
                    path=_at(entry.path, "id"),
                )
            seen[raw] = entry.path
            entry.raw_id = raw
        valid = {raw for raw in seen if raw not in taken and _is_id(raw)}
        reserved = valid | taken | self._assumption_ids()
        for entry in entries:
            extra = self._node_extra(entry)
            if entry.raw_id in valid:
                entry.node_id = entry.raw_id
            else:
                prefix = _ID_PREFIX[extra["type"] if extra else entry.level]
                entry.node_id = toc.new_id(prefix)
                while entry.node_id in reserved:
                    entry.node_id = toc.new_id(prefix)
                reserved.add(entry.node_id)
            entry.record = self._record(entry, extra)

    def _assumption_ids(self) -> set[str]:
        header = self.data.get(EXTRA)
        items = header.get("assumptions") if isinstance(header, dict) else None
        if not isinstance(items, list):
            return set()
        return {i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)}

    def _node_extra(self, entry: _Entry) -> dict[str, Any] | None:
        extra = entry.data.get(EXTRA)
        if extra is None:
            return None
        path = _at(entry.path, EXTRA)
        expect_type(extra, dict, path, "an object")
        kind = extra.get("type")
        if not isinstance(kind, str) or kind not in _RECORD_TYPES:
            raise FormatError(
                f"expected one of {', '.join(_RECORD_TYPES)}, found {kind!r}",
                path=_at(path, "type"),
            )
        return dict(extra)

    def _record(self, entry: _Entry, extra: dict[str, Any] | None) -> Node | None:
        data, path = entry.data, entry.path
        title = self._required(data, "title", path, str, "a text")
        text = data.get("text")
        text = "" if text is None else expect_type(text, str, _at(path, "text"), "a text")
        statement = joined_statement(
            self._text(title, _at(path, "title")), self._text(text, _at(path, "text"))
        )
        external_ref = None
        if entry.node_id != entry.raw_id:
            external_ref = printable_text(entry.raw_id) if entry.raw_id.strip() else None
            self.notes.add(
                "id-replaced",
                _at(path, "id"),
                f"{entry.raw_id!r} is not a coprod-toc id (1-64 letters, digits, '_', '.', "
                f"':' or '-', not used by another node); the node is {entry.node_id}"
                + (", with the file's id as its external_ref" if external_ref else ""),
                (entry.node_id,),
            )
        if extra is not None:
            return self._from_extra(entry, extra, title, text, statement, external_ref)
        if statement is None:
            self.notes.add("node-left-out", path, "left out: the node has no title or text", ())
            return None
        kind = assumed_kind(self.notes, entry.node_id, path, TOOL, self.kind)
        common: dict[str, Any] = {"id": entry.node_id, "kind": kind, "external_ref": external_ref}
        try:
            if entry.level == "activity":
                return Activity(description=statement, **common)
            if entry.level == "impact":
                return Impact(statement=statement, **common)
            return Outcome(statement=statement, horizon=entry.horizon, **common)
        except ModelError as exc:  # pragma: no cover - the texts were made fit above
            raise FormatError(exc.message, path=path) from None

    def _from_extra(
        self,
        entry: _Entry,
        extra: dict[str, Any],
        title: str,
        text: str,
        statement: str | None,
        external_ref: str | None,
    ) -> Node:
        """A node written by coprod-toc: its record, with what was changed in the builder."""
        path = _at(entry.path, EXTRA)
        record = {k: v for k, v in extra.items() if k != "type"}
        cls = _RECORD_TYPES[extra["type"]]
        field = "description" if cls is Activity else "statement"
        stored = record.get(field)
        if not (isinstance(stored, str) and split_statement(stored) == (title, text)):
            if statement is None:
                raise FormatError("the node has no title or text", path=_at(entry.path, "title"))
            record[field] = statement  # changed in the builder: the builder's words win
        record["id"] = entry.node_id
        if external_ref is not None and record.get("external_ref") is None:
            record["external_ref"] = external_ref
        node: Node = build_record(cls, record, path)
        placed = (entry.level, entry.horizon if entry.level == "outcome" else None)
        horizon = node.horizon if isinstance(node, Outcome) else Horizon.SHORT
        wanted = (_place(node), None if horizon is Horizon.SHORT else horizon)
        if placed != wanted:
            where = wanted[0] + (f" ({wanted[1].value}-term)" if wanted[1] else "")
            self.notes.add(
                "record-kept",
                entry.path,
                f"{node.id} is in the section {entry.section!r}, but its coprod-toc record "
                f"says it is {_a(where)}; it is kept as the record says",
                (node.id,),
            )
        return node

    @staticmethod
    def _ordered(entries: list[_Entry], header: dict[str, Any]) -> list[_Entry]:
        """The nodes in the map's own order, when the file says it; else in file order."""
        order = {node_id: i for i, node_id in enumerate(header.get("order", []))}
        if not order:
            return entries
        ranked = sorted(
            enumerate(entries), key=lambda item: (order.get(item[1].node_id, len(order)), item[0])
        )
        return [entry for _, entry in ranked]

    # ---------------------------------------------------------------- links

    def _links(
        self, toc: TheoryOfChange, entries: list[_Entry]
    ) -> dict[tuple[str, str], tuple[str, str]]:
        """Make every link the file holds that the model can; returns each link's
        assumptions text as the file gives it, with its path."""
        ids = {entry.raw_id: entry for entry in entries}
        visible: dict[tuple[str, str], tuple[str, str]] = {}
        count = 0
        for entry in entries:
            for where, target_raw, payload, assumptions in self._connections(entry):
                count += 1
                if entry.record is None:
                    self.notes.add("link-left-out", where, "left out with its node", ())
                    continue
                target = ids.get(target_raw)
                if target is None or target.record is None:
                    why = "no node has that id" if target is None else "that node was left out"
                    self.notes.add(
                        "link-left-out",
                        where,
                        f"the connection to {target_raw!r} is left out: {why}",
                        (entry.node_id,),
                    )
                    continue
                source_id, target_id = entry.node_id, target.node_id
                try:
                    toc.link(source_id, target_id, **payload)
                except LinkError as exc:
                    self.notes.add(
                        "link-left-out",
                        where,
                        f"the connection is left out: {model_problem(exc)}",
                        (source_id, target_id),
                    )
                    continue
                except ModelError as exc:
                    raise FormatError(exc.message, path=_at(where, EXTRA)) from None
                if assumptions is not None:
                    visible[source_id, target_id] = (assumptions, where)
        self.read["connections"] = count
        return visible

    def _connections(self, entry: _Entry) -> list[tuple[str, str, dict[str, Any], str | None]]:
        """(path, target id, link payload, assumptions text) of each connection of a node."""
        data, path = entry.data, entry.path
        ids_path = _at(path, "connectionIds")
        listed = expect_type(data.get("connectionIds", []), list, ids_path, "a list")
        for i, target in enumerate(listed):
            expect_type(target, str, _at(ids_path, i), "a node id")
        if data.get("connections") is None:  # the builder's older form: ids only
            return [(_at(ids_path, i), t, {}, None) for i, t in enumerate(listed)]
        out = []
        conns_path = _at(path, "connections")
        for i, conn in enumerate(expect_type(data["connections"], list, conns_path, "a list")):
            where = _at(conns_path, i)
            expect_type(conn, dict, where, "an object")
            target = self._required(conn, "targetId", where, str, "a node id")
            out.append(
                (where, target, self._payload(conn, where), self._assumptions_text(conn, where))
            )
        drawn = {target for _, target, _, _ in out}
        for i, target in enumerate(listed):
            if target not in drawn:
                self.notes.add(
                    "link-left-out",
                    _at(ids_path, i),
                    f"{target!r} is in connectionIds but has no connection; the builder "
                    f"draws only the connections, and so is it read",
                    (),
                )
        return out

    def _payload(self, conn: dict[str, Any], where: str) -> dict[str, Any]:
        extra = conn.get(EXTRA)
        if extra is not None:
            expect_type(extra, dict, _at(where, EXTRA), "an object")
            for key in extra:
                if key not in _CONNECTION_EXTRA_KEYS:
                    raise FormatError(
                        f"unknown field {key!r} (expected one of: evidence, level)",
                        path=_at(_at(where, EXTRA), key),
                    )
            level = extra.get("level")
            if level is not None and (type(level) is not int or not 0 <= level <= 4):
                raise FormatError(
                    f"expected a level from 0 to 4 or null, found {level!r}",
                    path=_at(_at(where, EXTRA), "level"),
                )
        else:
            extra = {}
        confidence = conn.get("confidence")
        if confidence is not None:
            confidence_path = _at(where, "confidence")
            if isinstance(confidence, bool) or not isinstance(confidence, int | float):
                expect_type(confidence, int, confidence_path, "a number from 0 to 100")
            if not 0 <= confidence <= 100:  # NaN fails too
                raise FormatError(
                    f"expected a number from 0 to 100, found {confidence!r}", path=confidence_path
                )
        payload: dict[str, Any] = {}
        if "level" in extra and confidence == level_confidence(extra["level"]):
            payload["level"] = extra["level"]  # as coprod-toc wrote it
        elif confidence is not None:
            payload["level"] = confidence_level(confidence)
        evidence = conn.get("evidence")
        if evidence is not None:
            text = self._text(
                expect_type(evidence, str, _at(where, "evidence"), "a text"),
                _at(where, "evidence"),
            )
            if text.strip():
                payload["rationale"] = text
        if "evidence" in extra:
            payload["evidence"] = extra["evidence"]
        return payload

    def _assumptions_text(self, conn: dict[str, Any], where: str) -> str | None:
        text = conn.get("assumptions")
        if text is None:
            return None
        return expect_type(text, str, _at(where, "assumptions"), "a text")  # type: ignore[no-any-return]

    def _problem_links(self, toc: TheoryOfChange, problem: Problem, data: Any) -> None:
        path = _at(_at(EXTRA, "problem"), "addresses")
        if "addresses" not in data:  # as in a coprod-toc document: every impact
            for impact in toc.impacts():
                toc.link(problem.id, impact.id)
            return
        for i, item in enumerate(expect_type(data["addresses"], list, path, "a list")):
            where = _at(path, i)
            if type(item) is str:
                target, payload = item, {}
            else:
                expect_type(item, dict, where, "a node id or an object with 'to'")
                target = self._required(item, "to", where, str, "a node id")
                payload = {k: v for k, v in item.items() if k != "to"}
                for key in payload:
                    if key not in _LINK_PAYLOAD_KEYS:
                        raise FormatError(
                            f"unknown field {key!r} (expected one of: evidence, level, "
                            f"rationale, to)",
                            path=_at(where, key),
                        )
            if target not in toc:
                self.notes.add(
                    "link-left-out", where, f"the problem's link to {target!r} is left out: "
                    "no node has that id", (problem.id,),
                )  # fmt: skip
                continue
            try:
                toc.link(problem.id, target, **payload)
            except LinkError as exc:
                self.notes.add(
                    "link-left-out",
                    where,
                    f"the problem's link is left out: {model_problem(exc)}",
                    (problem.id, target),
                )
            except ModelError as exc:
                raise FormatError(exc.message, path=where) from None

    # ---------------------------------------------------------------- assumptions

    def _assumptions(
        self,
        toc: TheoryOfChange,
        items: list[Any],
        visible: dict[tuple[str, str], tuple[str, str]],
    ) -> None:
        """The assumptions coprod-toc wrote (kept where the builder shows the same text),
        then the builder's assumptions texts that no record stands for."""
        path = _at(EXTRA, "assumptions")
        records = [
            (_at(path, i), build_record(Assumption, item, _at(path, i)))
            for i, item in enumerate(items)
        ]
        on_link: dict[tuple[str, ...], list[Assumption]] = {}
        for _, assumption in records:
            if len(assumption.attached_to) == 2:
                on_link.setdefault(assumption.attached_to, []).append(assumption)
        kept_links = {
            key
            for key, texts in visible.items()
            if _BLANK_LINE.join(a.text for a in on_link.get(key, [])) == texts[0]
        }
        for where, assumption in records:
            key = assumption.attached_to
            if len(key) == 2 and key not in kept_links:
                why = (
                    "its link is not in the file"
                    if not toc.has_link(*key)
                    else "the connection's assumptions were changed in the builder, and "
                    "its text is read instead"
                )
                self.notes.add(
                    "assumption-replaced", where, f"{assumption.id} is left out: {why}", key
                )
                continue
            if len(key) == 1 and key[0] not in toc:
                self.notes.add(
                    "assumption-left-out",
                    where,
                    f"{assumption.id} is left out: its node {key[0]!r} is not in the file",
                    key,
                )
                continue
            self._add_assumption(toc, assumption, where)
        for key, (text, where) in visible.items():
            if key not in kept_links:
                cleaned = self._text(text, _at(where, "assumptions"))
                if cleaned.strip():
                    toc.add_assumption(cleaned, key)

    def _add_assumption(self, toc: TheoryOfChange, assumption: Assumption, where: str) -> None:
        try:
            toc.add_assumption_record(assumption)
        except DuplicateNodeError:
            if assumption.id not in toc:
                raise FormatError(
                    f"assumption id {assumption.id!r} is used twice", path=_at(where, "id")
                ) from None
            fresh = toc.new_id("S")  # a node added in the builder took the id
            self.notes.add(
                "id-replaced",
                _at(where, "id"),
                f"assumption id {assumption.id!r} is taken by a node; it is {fresh}",
                assumption.attached_to,
            )
            toc.add_assumption_record(attrs.evolve(assumption, id=fresh))


def _is_id(value: str) -> bool:
    try:
        check_id(value)
    except ModelError:
        return False
    return True


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


class TocMakerImporter:
    description = "ToC-Maker JSON: the Theory of Change builder's export (sections of nodes)."
    suffixes = (".json",)

    def detect(self, path: Path, head: bytes) -> bool:
        text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        if not text.startswith(b"{"):
            return False
        position = 0
        for pattern in _FINGERPRINT:  # one pass each, never back: cheap on any head
            found = pattern.search(text, position)
            if found is None:
                return False
            position = found.end()
        return True

    def read(self, path: Path, **options: Any) -> MapImport:
        source = str(path)
        try:
            levels, kind = _options(options)
            reader = _Reader(read_json_file(path, "a ToC-Maker export"), levels, kind)
            toc = reader.run()
        except FormatError as exc:
            raise exc if exc.source else exc.with_source(source) from None
        titles = {title.strip().lower() for title in reader.read if title != "connections"}
        for asked in options.get("levels") or {}:
            if asked.strip().lower() not in titles:  # a typo would otherwise change nothing
                reader.notes.add(
                    "option-unused", "levels",
                    f"the file has no section titled {asked!r}; that entry of levels= did nothing",
                )  # fmt: skip
        return MapImport(
            toc=toc, format=FORMAT, source=source, read=reader.read, notes=tuple(reader.notes)
        )
