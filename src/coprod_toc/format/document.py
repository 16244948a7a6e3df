"""The canonical document: a map as plain JSON-ready data, and back.

The model does not know the file format; this module is the one place that does. The shape
is described by ``schema/coprod-toc-1.schema.json`` and in ``docs/format.md``:

* records are written by :mod:`coprod_toc.plain`'s one rule: fields equal to their default
  are left out, except the ones that say what a record *is* (``horizon``, ``status``);
* links are written on their source node (``problem.addresses``, ``outcomes[].leads_to``,
  ``activities[].contributes_to``), as a bare id, or as an object when the link carries a
  level, rationale or evidence.

Reading checks every field and reports problems as :class:`FormatError` with the field path,
e.g. ``outcomes[3].leads_to[0]: unknown node 'o9'``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn

import attrs

from coprod_toc._gc import collection_paused
from coprod_toc.errors import CoprodTocError, FormatError, ModelError
from coprod_toc.evidence.records import Evidence
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import (
    Activity,
    Actual,
    Assessment,
    Assumption,
    BreakdownItem,
    Impact,
    Indicator,
    NodeType,
    Outcome,
    Problem,
)
from coprod_toc.plain import plain_record

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "NO_PAYLOAD",
    "add_records",
    "build_record",
    "expect_type",
    "finish_map",
    "from_document",
    "link_records",
    "map_header",
    "start_map",
    "to_document",
]

FORMAT_NAME = "coprod-toc"
FORMAT_VERSION = 1

_LINK_FIELDS = {"problem": "addresses", "outcomes": "leads_to", "activities": "contributes_to"}
_SECTIONS: dict[str, type[Any]] = {
    "impacts": Impact,
    "outcomes": Outcome,
    "activities": Activity,
}
_TOP_KEYS = frozenset(
    {"$schema", "format", "version", "title", "external_ref", "problem", "assumptions", "evidence"}
    | _SECTIONS.keys()
)

# --------------------------------------------------------------------------- writing


def _links_from(succ: Mapping[str, Any], node_id: str) -> list[Any]:
    entries: list[Any] = []
    for target, edge in succ[node_id].items():
        link = edge["link"]
        if link.has_payload:
            entry = {"to": target} | {
                k: v for k, v in plain_record(link).items() if k not in ("source", "target")
            }
            entries.append(entry)
        else:
            entries.append(target)
    return entries


def to_document(toc: TheoryOfChange) -> dict[str, Any]:
    """The map as a canonical document (a dict of JSON types), in the map's own order."""
    with collection_paused():
        return _to_document(toc)


def map_header(toc: TheoryOfChange, *, evidence: bool = True) -> dict[str, Any]:
    """Everything of the document but ``format``, ``version``, the nodes and their links
    (and the evidence, with ``evidence=False``): what a store that keeps records as rows
    keeps beside them."""
    return _before_nodes(toc) | _after_nodes(toc, evidence=evidence)


def _before_nodes(toc: TheoryOfChange) -> dict[str, Any]:
    head: dict[str, Any] = {"title": toc.title}
    if toc.external_ref is not None:
        head["external_ref"] = toc.external_ref
    return head


def _after_nodes(toc: TheoryOfChange, *, evidence: bool = True) -> dict[str, Any]:
    tail: dict[str, Any] = {"assumptions": [plain_record(a) for a in toc.assumptions()]}
    if evidence and toc.evidence:
        tail["evidence"] = toc.evidence.to_document()
    return tail


def _to_document(toc: TheoryOfChange) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    doc |= _before_nodes(toc)
    succ = toc.adjacency()[0]
    problem = toc.problem
    if problem is not None:
        doc["problem"] = plain_record(problem) | {"addresses": _links_from(succ, problem.id)}
    for section, cls in _SECTIONS.items():
        link_key = _LINK_FIELDS.get(section)
        entries = []
        for node in toc.nodes(cls.node_type):
            entry = plain_record(node)
            if link_key:
                entry[link_key] = _links_from(succ, node.id)
            entries.append(entry)
        doc[section] = entries
    return doc | _after_nodes(toc)


# --------------------------------------------------------------------------- reading


def _describe_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a text", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


def expect_type(value: Any, kind: type, path: str, what: str) -> Any:
    """``value`` if it is a ``kind``; else a FormatError at ``path`` saying what was expected."""
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise FormatError(f"expected {what}, found {_describe_type(value)}", path=path)
    return value


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


_READ_PLANS: dict[type[Any], tuple[dict[str, Any], frozenset[str], tuple[Any, ...]]] = {}


def _read_plan(cls: type[Any]) -> tuple[dict[str, Any], frozenset[str], tuple[Any, ...]]:
    """The fields of ``cls`` by name, the names of those without a default, and its fields
    that hold a list of records."""
    plan = _READ_PLANS.get(cls)
    if plan is None:
        fields = {f.name: f for f in attrs.fields(cls)}
        required = frozenset(n for n, f in fields.items() if f.default is attrs.NOTHING)
        plan = _READ_PLANS[cls] = (fields, required, _NESTED.get(cls, ()))
    return plan


def build_record(cls: type[Any], data: Any, path: str, extra: frozenset[str] = frozenset()) -> Any:
    """Build one attrs record from a mapping, reporting the first bad field by its path."""
    if type(data) is not dict:
        expect_type(data, dict, path, "an object")
    fields, required, nested = _read_plan(cls)
    keys = data.keys()
    if not (keys <= fields.keys() if not extra else keys - extra <= fields.keys()):
        key = next(k for k in data if k not in fields and k not in extra)
        allowed = ", ".join(sorted(set(fields) | extra))
        raise FormatError(
            f"unknown field {key!r} (expected one of: {allowed})", path=_join(path, key)
        )
    if not keys >= required:
        name = next(n for n in fields if n in required and n not in data)
        raise FormatError(f"missing required field {name!r}", path=path)
    kwargs = data
    if extra and not keys.isdisjoint(extra):
        kwargs = {k: v for k, v in data.items() if k not in extra}
    for name, record_type in nested:
        if name in kwargs:
            if kwargs is data:
                kwargs = dict(data)  # the caller's mapping is never changed
            items_path = _join(path, name)
            kwargs[name] = tuple(
                build_record(record_type, item, _join(items_path, i))
                for i, item in enumerate(expect_type(kwargs[name], list, items_path, "a list"))
            )
    try:
        return cls(**kwargs)
    except ModelError as exc:
        raise _locate(fields, kwargs, exc, path) from None


def _locate(fields: dict[str, Any], kwargs: dict[str, Any], exc: ModelError, path: str) -> Any:
    """The record was refused: find the field whose converter refuses its value, if one does."""
    for name, value in kwargs.items():
        converter = fields[name].converter
        if converter is None:
            continue
        try:
            converter(value)
        except ModelError as field_exc:
            return FormatError(_field_problem(field_exc, name), path=_join(path, name))
    return FormatError(exc.message, path=path)


def _field_problem(exc: ModelError, name: str) -> str:
    # "kind must be one of …" reads better as "must be one of …" after the path.
    prefix = f"{name} "
    return exc.message[len(prefix) :] if exc.message.startswith(prefix) else exc.message


# Fields that hold a list of records, by the class that has them.
_NESTED: dict[type[Any], tuple[tuple[str, type[Any]], ...]] = {
    Outcome: (("indicators", Indicator), ("assessments", Assessment)),
    Assessment: (("breakdown", BreakdownItem),),
    Indicator: (("actuals", Actual),),
}


# The links listed on one node: its id, where they are listed (a path, None for the
# problem's implicit "every impact"), and (target id, payload) for each.
_Pending = tuple[str, str | None, list[tuple[str, dict[str, Any]]]]


_LINK_ENTRY_FIELDS = frozenset({"to", "level", "rationale", "evidence"})


def _link_entries(data: Mapping[str, Any], list_path: str) -> list[tuple[str, dict[str, Any]]]:
    """The links listed at ``list_path`` (a list of ids or objects with 'to')."""
    out: list[tuple[str, dict[str, Any]]] = []
    key = list_path.rsplit(".", 1)[1]
    for i, entry in enumerate(
        expect_type(data.get(key, []), list, list_path, "a list of node ids")
    ):
        if type(entry) is str:
            out.append((entry, NO_PAYLOAD))
        elif (
            type(entry) is dict
            and type(entry.get("to")) is str
            and entry.keys() <= _LINK_ENTRY_FIELDS
        ):
            payload = dict(entry)
            out.append((payload.pop("to"), payload))
        else:
            _bad_link_entry(entry, _join(list_path, i))
    return out


def _bad_link_entry(entry: Any, entry_path: str) -> NoReturn:
    """Raise the FormatError that says what is wrong with one entry of a link list."""
    expect_type(entry, dict, entry_path, "a node id or an object with 'to'")
    if "to" not in entry:
        raise FormatError("missing required field 'to'", path=entry_path)
    expect_type(entry["to"], str, _join(entry_path, "to"), "a node id")
    name = next(name for name in entry if name not in _LINK_ENTRY_FIELDS)
    raise FormatError(
        f"unknown field {name!r} (expected one of: evidence, level, rationale, to)",
        path=_join(entry_path, name),
    )


#: What a link without level, rationale or evidence carries.
NO_PAYLOAD: dict[str, Any] = {}


def from_document(data: Any, *, require_header: bool = True) -> TheoryOfChange:
    """Read a document (as produced by :func:`to_document`) into a new map.

    :param require_header: insist on ``format`` and ``version`` (JSON does; the TOML authoring
        form may leave them out).
    :raises FormatError: naming the field path of the first problem found.
    """
    with collection_paused():
        return _from_document(data, require_header)


def _from_document(data: Any, require_header: bool) -> TheoryOfChange:
    expect_type(data, dict, "", "a document object")
    toc = start_map(data, require_header)
    reserved = _explicit_ids(data)
    pending: list[_Pending] = []
    records: list[Any] = []
    paths: list[str] = []
    problem_data = data.get("problem")
    if problem_data is not None:
        problem_data = _with_id(problem_data, toc, NodeType.PROBLEM, reserved)
        problem = build_record(Problem, problem_data, "problem", frozenset({"addresses"}))
        records.append(problem)
        paths.append("problem")
        if "addresses" in problem_data:
            listed = "problem.addresses"
            pending.append((problem.id, listed, _link_entries(problem_data, listed)))
    for section, cls in _SECTIONS.items():
        link_key = _LINK_FIELDS.get(section)
        extra = frozenset({link_key}) if link_key else frozenset()
        for i, item in enumerate(expect_type(data.get(section, []), list, section, "a list")):
            path = f"{section}[{i}]"
            item = _with_id(item, toc, cls.node_type, reserved)
            node = build_record(cls, item, path, extra)
            records.append(node)
            paths.append(path)
            if link_key:
                listed = f"{path}.{link_key}"
                pending.append((node.id, listed, _link_entries(item, listed)))
    add_records(toc, records, lambda i: _join(paths[i], "id"))
    if problem_data is not None and "addresses" not in problem_data:
        # Authoring shorthand: a problem with no 'addresses' is addressed by every impact.
        assert toc.problem is not None
        addressed = [(i.id, NO_PAYLOAD) for i in toc.impacts()]
        pending.insert(0, (toc.problem.id, None, addressed))

    def where(index: int) -> str:
        link_paths = [
            "problem" if listed is None else _join(listed, i)
            for _, listed, entries in pending
            for i in range(len(entries))
        ]
        return link_paths[index]

    link_records(
        toc,
        [
            (source, target, payload)
            for source, _, entries in pending
            for target, payload in entries
        ],
        where,
    )
    finish_map(toc, data, reserved)
    return toc


def start_map(data: dict[str, Any], require_header: bool) -> TheoryOfChange:
    """A new, empty map with the document's title and reference (its header checked)."""
    for key in data:
        if key not in _TOP_KEYS:
            if key == "group" and isinstance(data[key], dict):
                raise FormatError(
                    "this is a co-production group's file, not a map: read it with "
                    "coprod_toc.group.load_group (or coprod-toc group …)",
                    path=key,
                )
            allowed = ", ".join(sorted(_TOP_KEYS - {"$schema"}))
            raise FormatError(f"unknown field {key!r} (expected one of: {allowed})", path=key)
    _check_header(data, require_header)
    external_ref = data.get("external_ref")
    if external_ref is not None:
        expect_type(external_ref, str, "external_ref", "a text")
    try:
        return TheoryOfChange(
            expect_type(data.get("title", "Untitled map"), str, "title", "a text"),
            external_ref=external_ref,
        )
    except ModelError as exc:
        raise FormatError(exc.message, path="title") from None


def link_records(
    toc: TheoryOfChange,
    links: list[tuple[str, str, Mapping[str, Any]]],
    where: Callable[[int], str],
) -> None:
    """Make every link, or none and raise a FormatError at ``where(i)`` of the first refused."""
    try:
        toc.link_many(links)
    except (CoprodTocError, TypeError):
        # Nothing was linked: make them one by one to say which is wrong.
        for i, (source, target, payload) in enumerate(links):
            try:
                _check_payload(payload)
                toc.link(source, target, **payload)
            except CoprodTocError as exc:
                if target not in toc:  # readers make links only from nodes they added
                    raise FormatError(f"unknown node {target!r}", path=where(i)) from None
                path = where(i)
                if isinstance(exc, FormatError):
                    path = _join(path, exc.path) if exc.path else path
                raise FormatError(
                    exc.problem if isinstance(exc, FormatError) else exc.message, path=path
                ) from None
        raise


def _check_payload(payload: Any) -> None:
    """What a link says beyond its ends must be an object of link fields."""
    expect_type(payload, dict, "", "an object")
    for name in payload:
        if name not in _LINK_ENTRY_FIELDS - {"to"}:
            raise FormatError(
                f"unknown field {name!r} (expected one of: evidence, level, rationale)",
                path=name,
            )


def finish_map(toc: TheoryOfChange, data: Mapping[str, Any], reserved: set[Any]) -> None:
    """Add what comes after the nodes and links: assumptions (on them) and evidence."""
    for i, item in enumerate(
        expect_type(data.get("assumptions", []), list, "assumptions", "a list")
    ):
        path = _join("assumptions", i)
        item = _with_id(item, toc, "S", reserved)
        assumption = build_record(Assumption, item, path)
        try:
            toc.add_assumption_record(assumption)
        except CoprodTocError as exc:
            raise FormatError(exc.message, path=path) from None
    if "evidence" in data:
        toc.evidence = Evidence.from_document(data["evidence"])


def _explicit_ids(data: Mapping[str, Any]) -> set[Any]:
    """Ids the document spells out, so ids generated for the others never collide."""
    ids: set[Any] = set()
    problem = data.get("problem")
    if isinstance(problem, dict) and isinstance(problem.get("id"), str):
        ids.add(problem["id"])
    for section in (*_SECTIONS, "assumptions"):
        items = data.get(section)
        if isinstance(items, list):
            ids.update(
                i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)
            )
    return ids


def _with_id(item: Any, toc: TheoryOfChange, prefix: NodeType | str, reserved: set[Any]) -> Any:
    """The item, given a fresh id if the authoring form left it out."""
    if not isinstance(item, dict) or "id" in item:
        return item
    while True:
        candidate = toc.new_id(prefix)
        if candidate not in reserved:
            return {"id": candidate} | item


def _check_header(data: Mapping[str, Any], required: bool) -> None:
    if "format" not in data:
        if required:
            raise FormatError(
                f"not a coprod-toc document: the field 'format' (\"{FORMAT_NAME}\") is missing"
            )
    elif data["format"] != FORMAT_NAME:
        raise FormatError(f"expected {FORMAT_NAME!r}, found {data['format']!r}", path="format")
    if "version" not in data:
        if required:
            raise FormatError("missing required field 'version'")
        return
    version = expect_type(data["version"], int, "version", "a whole number")
    if version > FORMAT_VERSION:
        raise FormatError(
            f"document version {version} is newer than this library reads "
            f"(up to {FORMAT_VERSION}); upgrade coprod-toc",
            path="version",
        )
    if version < 1:
        raise FormatError(f"unknown document version {version}", path="version")


def add_records(toc: TheoryOfChange, records: list[Any], where: Callable[[int], str]) -> None:
    """Add every node, or none and raise a FormatError at ``where(i)`` of the first refused."""
    try:
        toc.add_many(records)
    except CoprodTocError:
        for i, record in enumerate(records):  # nothing was added: find which one is refused
            try:
                toc.add(record)
            except CoprodTocError as exc:
                raise FormatError(exc.message, path=where(i)) from None
        raise
