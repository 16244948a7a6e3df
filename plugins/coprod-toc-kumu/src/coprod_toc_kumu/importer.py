"""The ``kumu`` map importer: a Kumu blueprint read into a map.

``ct.import_map(path, format="kumu", types={...}, kind="project")`` reads a blueprint's
``elements`` (label, type, description and fields) and ``connections`` (from and to, by an
element's ``id`` when it has one, else by its label; type and fields):

* **Element types** map to levels by name, case-insensitive: Problem, Impact, Outcome,
  Output (a short-term outcome) and Activity. ``types={"Kumu type": "problem" | "impact" |
  "outcome" | "output" | "activity"}`` names your own types or overrides these. An element
  of any other type (or none) is left out, with a note naming it and the option.
* **Fields** read when set: ``kind`` (Project / Co-production), ``horizon`` (Short-term …),
  ``status``, ``ladder rung`` and ``external ref`` on elements; ``contribution level``
  (0–4), ``rationale`` (else the connection's ``description``), ``evidence`` and
  ``assumptions`` on connections. An element with no ``kind`` is given ``kind`` (option,
  default ``"project"``) and a ``kind-assumed`` note; an outcome with no ``horizon`` is
  short-term, with a note.
* **Statement**: the label, and the description after a blank line when it says more (the
  description alone when it holds the label's words, as this plugin's blueprints do).
* **Ids**: the ``coprod-toc id`` field, else the element's ``id``, when it is a coprod-toc
  id; else a new one (an element id that could not be used is kept as the node's
  ``external_ref``, with a note).
* **Blueprints written by this plugin** carry each node's whole record in the
  ``coprod-toc`` field, and the title, reference and assumptions under the blueprint's
  ``coprod-toc`` key: they read back equal. A label or description changed in Kumu
  replaces the statement, and changed connection fields replace the link's; other fields
  changed in Kumu are noted and the record is kept (delete an element's ``coprod-toc``
  field to read it as Kumu shows it).

A connection the model cannot hold (an activity to an activity, to an unknown or
left-out element…) is left out with a note naming its JSON path. A file that is not a
blueprint, or a value of the wrong type, is a FormatError naming the file and the path
(``connections[3].contribution level``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

import coprod_toc as ct
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
from coprod_toc.fields import as_enum, check_id, printable_text
from coprod_toc.format.document import build_record, expect_type
from coprod_toc.model import Node, NodeType
from coprod_toc_kumu import RECORD_FIELD, RECORD_VERSION, element_of

__all__ = ["TYPES", "KumuImporter"]

FORMAT = "kumu"
TOOL = "Kumu"
#: The levels an element type can name, as the ``types`` option names them.
LEVELS = ("problem", "impact", "outcome", "output", "activity")
#: Element types the importer knows, lower-case.
TYPES = {level: level for level in LEVELS}
_RECORD_TYPES: dict[str, type[Any]] = {
    "problem": ct.Problem,
    "impact": ct.Impact,
    "outcome": ct.Outcome,
    "activity": ct.Activity,
}
_ID_PREFIX = {"problem": NodeType.PROBLEM, "impact": NodeType.IMPACT,
              "outcome": NodeType.OUTCOME, "output": NodeType.OUTCOME,
              "activity": NodeType.ACTIVITY}  # fmt: skip
#: Element fields this plugin writes from the record; one changed in Kumu is noted.
_SHOWN = ("type", "kind", "horizon", "status", "ladder rung", "external ref")
_HEADER_KEYS = frozenset({"version", "title", "external_ref", "assumptions"})
_BLUEPRINT = re.compile(rb'"elements"\s*:\s*\[\s*[{\]]')


_at = json_path


def _words(text: str) -> str:
    return " ".join(text.split())


def _is_id(value: Any) -> bool:
    try:
        check_id(value)
    except ct.ModelError:
        return False
    return True


def _options(options: Mapping[str, Any]) -> tuple[dict[str, str], ct.Kind]:
    unknown = sorted(set(options) - {"types", "kind"})
    if unknown:
        raise ct.FormatError(
            f"a Kumu blueprint is read with the options types and kind, not {unknown}"
        )
    kind = kind_option(options.get("kind", ct.Kind.PROJECT))
    types = options.get("types") or {}
    if not isinstance(types, Mapping):
        raise ct.FormatError(f"the option types must map Kumu types to levels, not {types!r}")
    table = dict(TYPES)
    for name, level in types.items():
        if not isinstance(name, str) or not isinstance(level, str) or level not in LEVELS:
            raise ct.FormatError(
                f"the option types maps a Kumu type to one of {', '.join(LEVELS)}, "
                f"not {name!r}: {level!r}"
            )
        table[name.strip().lower()] = level
    return table, kind


class _Element:
    """One element as it is read: where it is, its fields, and the node it became."""

    def __init__(self, data: dict[str, Any], path: str, label: str) -> None:
        self.data = data
        self.path = path
        self.label = label
        self.record: dict[str, Any] | None = None
        self.level = ""
        self.node_id = ""
        self.node: Node | None = None


class _Reader:
    def __init__(self, data: Any, types: dict[str, str], kind: ct.Kind, stem: str) -> None:
        self.data = data
        self.types = types
        self.kind = kind
        self.stem = stem
        self.notes = Notes()

    def run(self) -> tuple[ct.TheoryOfChange, dict[str, int]]:
        data = self.data
        if type(data) is not dict or "elements" not in data:
            raise ct.FormatError("not a Kumu blueprint: expected an object with 'elements'")
        header = self._header(data.get(RECORD_FIELD))
        toc = ct.TheoryOfChange(self._title(header))
        if "external_ref" in header:
            try:
                toc.external_ref = expect_type(
                    header["external_ref"], str, _at(RECORD_FIELD, "external_ref"), "a text"
                )
            except ct.ModelError as exc:
                raise ct.FormatError(exc.message, path=_at(RECORD_FIELD, "external_ref")) from None
        elements = self._elements(expect_type(data["elements"], list, "elements", "a list"))
        self._assign_ids(toc, elements, header)
        for element in elements:
            self._node(toc, element)
        connections = expect_type(data.get("connections", []), list, "connections", "a list")
        visible = self._links(toc, elements, connections)
        self._assumptions(toc, header.get("assumptions", []), visible)
        return toc, {"elements": len(elements), "connections": len(connections)}

    def _header(self, header: Any) -> dict[str, Any]:
        found = read_header(header, RECORD_FIELD, _HEADER_KEYS, RECORD_VERSION)
        path = _at(RECORD_FIELD, "assumptions")
        expect_type(found.get("assumptions", []), list, path, "a list")
        return found

    def _title(self, header: dict[str, Any]) -> str:
        if "title" in header:
            title = self._text(
                expect_type(header["title"], str, _at(RECORD_FIELD, "title"), "a text"),
                _at(RECORD_FIELD, "title"),
            )
            if title.strip():
                return title
        title = printable_text(self.stem) if self.stem.strip() else "Untitled map"
        self.notes.add(
            "no-title", "", f"a Kumu blueprint has no title: the map is called {title!r}"
        )
        return title

    def _text(self, value: str, where: str) -> str:
        return cleaned_text(self.notes, value, where)

    # ---------------------------------------------------------------- elements

    def _elements(self, items: list[Any]) -> list[_Element]:
        elements = []
        for i, item in enumerate(items):
            path = _at("elements", i)
            expect_type(item, dict, path, "an object")
            if "label" not in item:
                raise ct.FormatError("missing required field 'label'", path=path)
            label = expect_type(item["label"], str, _at(path, "label"), "a text")
            element = _Element(item, path, label)
            raw = item.get(RECORD_FIELD)
            if raw is not None:
                element.record = self._record(raw, _at(path, RECORD_FIELD))
                element.level = element.record["type"]
            else:
                element.level = self._level(element)
            elements.append(element)
        return elements

    def _record(self, raw: Any, path: str) -> dict[str, Any]:
        text = expect_type(raw, str, path, "the node's record as JSON text")
        try:
            record = json.loads(text)
        except (ValueError, RecursionError):
            raise ct.FormatError("not the node's record: not valid JSON", path=path) from None
        expect_type(record, dict, path, "the node's record as a JSON object")
        if not isinstance(record.get("type"), str) or record["type"] not in _RECORD_TYPES:
            raise ct.FormatError(
                f"expected one of {', '.join(_RECORD_TYPES)}, found {record.get('type')!r}",
                path=_at(path, "type"),
            )
        return dict(record)

    def _level(self, element: _Element) -> str:
        """The level an element's type names; "" when it names none (noted)."""
        data = element.data
        kumu_type = data.get("type", data.get("element type"))
        if kumu_type is not None:
            expect_type(kumu_type, str, _at(element.path, "type"), "a text")
            level = self.types.get(kumu_type.strip().lower())
            if level is not None:
                return level
        what = "has no type" if kumu_type is None else f"is of type {kumu_type!r}"
        self.notes.add(
            "element-left-out",
            element.path,
            f"{element.label!r} is left out: it {what}, which is not a level of a Theory of "
            f"Change; name its level with the option types={{'Kumu type': ...}}, one of "
            f"{', '.join(LEVELS)}",
        )
        return ""

    def _assign_ids(
        self, toc: ct.TheoryOfChange, elements: list[_Element], header: dict[str, Any]
    ) -> None:
        """Each element's node id: its record's, its coprod-toc id, its Kumu id, or new."""
        reserved = {
            a["id"]
            for a in header.get("assumptions", [])
            if isinstance(a, dict) and isinstance(a.get("id"), str)
        }
        wanted: list[tuple[_Element, Any, str]] = []
        for element in elements:
            if not element.level:
                continue
            data, record = element.data, element.record
            if record is not None and "id" in record:
                wanted.append((element, record["id"], _at(_at(element.path, RECORD_FIELD), "id")))
            elif "coprod-toc id" in data:
                wanted.append((element, data["coprod-toc id"], _at(element.path, "coprod-toc id")))
            else:
                key = "id" if "id" in data else "_id"
                wanted.append((element, data.get(key), _at(element.path, key)))
        taken: dict[str, str] = {}
        for element, raw, where in wanted:
            if _is_id(raw) and raw not in taken and raw not in reserved:
                element.node_id = raw
                taken[raw] = where
        for element, raw, where in wanted:
            if element.node_id:
                continue
            prefix = _ID_PREFIX[element.level]
            element.node_id = toc.new_id(prefix)
            while element.node_id in taken or element.node_id in reserved:
                element.node_id = toc.new_id(prefix)
            taken[element.node_id] = where
            if raw is None:
                continue  # an element of a person's blueprint: no id to keep
            why = (
                f"is also the id of {taken[raw]}"
                if isinstance(raw, str) and raw in taken and taken[raw] != where
                else "is not a coprod-toc id (1-64 letters, digits, '_', '.', ':' or '-')"
            )
            self.notes.add(
                "id-replaced", where, f"{raw!r} {why}; the node is {element.node_id}",
                (element.node_id,),
            )  # fmt: skip
            if element.record is None and isinstance(raw, str) and raw.strip():
                element.data = element.data | {
                    "external ref": element.data.get("external ref", raw)
                }

    def _node(self, toc: ct.TheoryOfChange, element: _Element) -> None:
        if not element.level:
            return
        node: Node | None
        if element.record is not None:
            node = self._from_record(element)
        else:
            node = self._from_fields(toc, element)
        if node is None:
            return
        if isinstance(node, ct.Problem) and toc.problem is not None:
            self.notes.add(
                "element-left-out", element.path,
                f"{element.label!r} is left out: a map has one problem, and "
                f"{toc.problem.id} is it", (node.id,),
            )  # fmt: skip
            return
        toc.add(node)
        element.node = node

    def _statement(self, element: _Element) -> str | None:
        """The statement Kumu shows: the label, and the description when it says more."""
        label = self._text(element.label, _at(element.path, "label"))
        description = element.data.get("description")
        if description is None:
            description = ""
        description = self._text(
            expect_type(description, str, _at(element.path, "description"), "a text"),
            _at(element.path, "description"),
        )
        label = label if label.strip() else ""
        description = description if description.strip() else ""
        if label and description:
            shown = _words(label)
            said = _words(description)
            suffix = element.data.get("coprod-toc id")
            if shown == said or (isinstance(suffix, str) and shown == f"{said} ({suffix})"):
                return description
            return f"{label}\n\n{description}"
        return label or description or None

    def _from_record(self, element: _Element) -> Node:
        """A node written by this plugin: its record, with a new label or description
        taken as a new statement, and other fields changed in Kumu noted."""
        assert element.record is not None
        path = _at(element.path, RECORD_FIELD)
        record = {k: v for k, v in element.record.items() if k != "type"}
        cls = _RECORD_TYPES[element.record["type"]]
        field = "description" if cls is ct.Activity else "statement"
        record["id"] = element.node_id
        stored = record.get(field)
        description = element.data.get("description")
        if isinstance(stored, str):
            shown = _words(stored)
            labels = {shown, f"{shown} ({element.node_id})"}
            if isinstance(description, str) and description != stored:
                edited = self._text(description, _at(element.path, "description"))
                record[field] = edited if edited.strip() else element.label
            elif _words(element.label) not in labels:
                record[field] = self._text(element.label, _at(element.path, "label"))
        node: Node = build_record(cls, record, path)
        written = element_of(node, element.label)
        changed = [
            key for key in _SHOWN if key in element.data and element.data[key] != written.get(key)
        ]
        if changed:
            self.notes.add(
                "record-kept",
                element.path,
                f"{', '.join(changed)} of {node.id} changed in Kumu; kept as its coprod-toc "
                f"record says (delete the element's coprod-toc field to read Kumu's)",
                (node.id,),
            )
        return node

    def _from_fields(self, toc: ct.TheoryOfChange, element: _Element) -> Node | None:
        """A node as a person made it in Kumu: from its label, description and fields."""
        statement = self._statement(element)
        if statement is None:
            self.notes.add("element-left-out", element.path, "left out: it has no label", ())
            return None
        data, path, node_id = element.data, element.path, element.node_id
        fields: dict[str, Any] = {"id": node_id}
        ref = data.get("external ref")
        if ref is not None:
            fields["external_ref"] = self._text(
                expect_type(ref, str, _at(path, "external ref"), "a text"),
                _at(path, "external ref"),
            )
        level = element.level
        if level == "problem":
            return ct.Problem(statement=statement, **fields)
        fields["kind"] = self._kind(element)
        if level == "impact":
            return ct.Impact(statement=statement, **fields)
        if level in ("outcome", "output"):
            fields["horizon"] = self._horizon(element)
            return ct.Outcome(statement=statement, **fields)
        fields |= self._activity_fields(element)
        return ct.Activity(description=statement, **fields)

    def _field(self, element: _Element, key: str, enum: Any, value: Any = None) -> Any:
        """A field read as one of ``enum``'s values, or None with a note."""
        raw = element.data.get(key) if value is None else value
        if raw is None:
            return None
        try:
            return as_enum(enum, key)(raw)
        except ct.ModelError:
            allowed = ", ".join(repr(m.value) for m in enum)
            self.notes.add(
                "field-not-read", _at(element.path, key),
                f"{key} {raw!r} is not one of {allowed}; not read", (element.node_id,),
            )  # fmt: skip
            return None

    def _kind(self, element: _Element) -> ct.Kind:
        kind = self._field(element, "kind", ct.Kind)
        if kind is None:
            kind = assumed_kind(self.notes, element.node_id, element.path, TOOL, self.kind)
        return kind  # type: ignore[no-any-return]

    def _horizon(self, element: _Element) -> ct.Horizon:
        if element.level == "output":
            return ct.Horizon.SHORT
        raw = element.data.get("horizon")
        text = (
            raw.lower().removesuffix("-term").removesuffix(" term") if isinstance(raw, str) else raw
        )
        horizon = self._field(element, "horizon", ct.Horizon, text)
        if horizon is None:
            horizon = ct.Horizon.SHORT
            self.notes.add(
                "horizon-assumed", element.path,
                f"Kumu does not say when {element.node_id} is expected; set to short-term "
                f"(an achievement): check it", (element.node_id,),
            )  # fmt: skip
        return horizon  # type: ignore[no-any-return]

    def _activity_fields(self, element: _Element) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        raw = element.data.get("status")
        text = raw.replace(" ", "_") if isinstance(raw, str) else raw
        status = self._field(element, "status", ct.ActivityStatus, text)
        if status is not None:
            fields["status"] = status
        rung = element.data.get("ladder rung")
        if rung is not None:
            match = re.match(r"\s*([1-7])\b", rung) if isinstance(rung, str) else None
            if type(rung) is int and 1 <= rung <= 7:
                fields["ladder_rung"] = rung
            elif match:
                fields["ladder_rung"] = int(match.group(1))
            else:
                self.notes.add(
                    "field-not-read", _at(element.path, "ladder rung"),
                    f"ladder rung {rung!r} is not a rung from 1 to 7; not read",
                    (element.node_id,),
                )  # fmt: skip
        return fields

    # ---------------------------------------------------------------- connections

    def _links(
        self, toc: ct.TheoryOfChange, elements: list[_Element], connections: list[Any]
    ) -> dict[tuple[str, str], tuple[list[str], str]]:
        """Make every link the model can hold; returns each link's assumptions as Kumu
        shows them, with the connection's path."""
        by_id: dict[str, _Element] = {}
        by_label: dict[str, _Element] = {}
        for element in elements:
            for key in ("id", "_id"):
                value = element.data.get(key)
                if isinstance(value, str):
                    by_id.setdefault(value, element)
            by_label.setdefault(element.label, element)
        visible: dict[tuple[str, str], tuple[list[str], str]] = {}
        for i, conn in enumerate(connections):
            path = _at("connections", i)
            expect_type(conn, dict, path, "an object")
            ends = []
            for key in ("from", "to"):
                if key not in conn:
                    raise ct.FormatError(f"missing required field {key!r}", path=path)
                name = expect_type(conn[key], str, _at(path, key), "an element's label or id")
                ends.append((name, by_id.get(name) or by_label.get(name)))
            payload = self._payload(conn, path)
            assumptions = self._assumption_texts(conn, path)
            (source_name, source), (target_name, target) = ends
            missing = [
                f"{name!r} is {'left out' if end else 'not an element of the blueprint'}"
                for name, end in ends
                if end is None or end.node is None
            ]
            if missing:
                self.notes.add("link-left-out", path, f"left out: {' and '.join(missing)}", ())
                continue
            assert source is not None and target is not None
            assert source.node is not None and target.node is not None
            direction = conn.get("direction", "directed")
            if direction != "directed":
                self.notes.add(
                    "direction-assumed", path,
                    f"the connection is {direction!r}; read as from {source_name!r} to "
                    f"{target_name!r}", (source.node.id, target.node.id),
                )  # fmt: skip
            try:
                toc.link(source.node.id, target.node.id, **payload)
            except ct.LinkError as exc:
                self.notes.add(
                    "link-left-out", path, f"left out: {exc.message}",
                    (source.node.id, target.node.id),
                )  # fmt: skip
                continue
            except ct.ModelError as exc:
                raise ct.FormatError(exc.message, path=path) from None
            if assumptions is not None:
                visible[source.node.id, target.node.id] = (assumptions, path)
        return visible

    def _payload(self, conn: dict[str, Any], path: str) -> dict[str, Any]:
        payload: dict[str, Any] = {}
        level = conn.get("contribution level")
        if level is not None:
            where = _at(path, "contribution level")
            if isinstance(level, str) and level.strip() in {"0", "1", "2", "3", "4"}:
                level = int(level)
            if type(level) is not int or not 0 <= level <= 4:
                raise ct.FormatError(f"expected a level from 0 to 4, found {level!r}", path=where)
            payload["level"] = level
        for key in ("rationale", "description"):
            if conn.get(key) is not None:
                where = _at(path, key)
                text = self._text(expect_type(conn[key], str, where, "a text"), where)
                if text.strip():
                    payload["rationale"] = text
                break
        evidence = self._texts(conn, "evidence", path)
        if evidence:
            payload["evidence"] = evidence
        return payload

    def _texts(self, conn: dict[str, Any], key: str, path: str) -> list[str] | None:
        """A field of one text or a list of texts."""
        value = conn.get(key)
        if value is None:
            return None
        where = _at(path, key)
        if isinstance(value, str):
            value = [value]
        expect_type(value, list, where, "a text or a list of texts")
        out = []
        for i, item in enumerate(value):
            text = expect_type(item, str, _at(where, i), "a text")
            out.append(self._text(text, _at(where, i)))
        return out

    def _assumption_texts(self, conn: dict[str, Any], path: str) -> list[str] | None:
        return self._texts(conn, "assumptions", path)

    # ---------------------------------------------------------------- assumptions

    def _assumptions(
        self,
        toc: ct.TheoryOfChange,
        items: list[Any],
        visible: dict[tuple[str, str], tuple[list[str], str]],
    ) -> None:
        """The assumptions this plugin wrote (kept where Kumu shows the same texts), then
        the connections' assumptions no record stands for."""
        path = _at(RECORD_FIELD, "assumptions")
        records = [
            (_at(path, i), build_record(ct.Assumption, item, _at(path, i)))
            for i, item in enumerate(items)
        ]
        on_link: dict[tuple[str, ...], list[str]] = {}
        for _, assumption in records:
            if len(assumption.attached_to) == 2:
                on_link.setdefault(assumption.attached_to, []).append(assumption.text)
        kept = {key for key, (texts, _) in visible.items() if on_link.get(key, []) == texts}
        for where, assumption in records:
            key = assumption.attached_to
            if len(key) == 2 and key not in kept:
                why = (
                    "its connection is not in the blueprint"
                    if not toc.has_link(*key)
                    else "the connection's assumptions were changed in Kumu, and are read instead"
                )
                self.notes.add(
                    "assumption-replaced", where, f"{assumption.id} is left out: {why}", key
                )
                continue
            if len(key) == 1 and key[0] not in toc:
                self.notes.add(
                    "assumption-left-out", where,
                    f"{assumption.id} is left out: its node {key[0]!r} is not in the blueprint",
                    key,
                )  # fmt: skip
                continue
            try:
                toc.add_assumption_record(assumption)
            except ct.DuplicateNodeError:
                if assumption.id not in toc:
                    raise ct.FormatError(
                        f"assumption id {assumption.id!r} is used twice", path=_at(where, "id")
                    ) from None
                fresh = toc.new_id("S")
                self.notes.add(
                    "id-replaced", _at(where, "id"),
                    f"assumption id {assumption.id!r} is taken by a node; it is {fresh}", key,
                )  # fmt: skip
                toc.add_assumption_record(attrs.evolve(assumption, id=fresh))
        for key, (texts, _) in visible.items():
            if key not in kept:
                for text in texts:
                    if text.strip():
                        toc.add_assumption(text, key)


class KumuImporter:
    description = "A Kumu blueprint (JSON): elements and connections, types as levels."
    suffixes = (".json",)

    def detect(self, path: Path, head: bytes) -> bool:
        text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        return text.startswith(b"{") and _BLUEPRINT.search(text) is not None

    def read(self, path: Path, **options: Any) -> MapImport:
        source = str(path)
        try:
            types, kind = _options(options)
            reader = _Reader(read_json_file(path, "a Kumu blueprint"), types, kind, path.stem)
            toc, parts = reader.run()
        except ct.FormatError as exc:
            raise exc if exc.source else exc.with_source(source) from None
        return MapImport(
            toc=toc, format=FORMAT, source=source, read=parts, notes=tuple(reader.notes)
        )
