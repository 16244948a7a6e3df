"""A map cut into rows, as the table-based stores keep it: one row per node, one per link,
one per evidence record, and a small header (title, reference, assumptions) per version.

Each row holds its record as canonical JSON (the same fields as in the document) and a
position that keeps the map's order. Rows carry the range of versions they are valid for,
so a save writes only the rows that changed: :func:`plan_changes` compares the map with what
the store holds (a :class:`Snapshot`) and says which rows end and which begin.

Positions order the nodes of one type, and the links from one node, as the document lists
them. A node or link that stays keeps its position, even when its record changes; new ones
are numbered after every position the map has ever used. Only when the order of records
already stored changes are the rows after that point (of that type, or from that node)
written again. Evidence records are keyed by section and id (a consent by its person and date) and
ordered within their section the same way.

Erasure of stored rows is :mod:`coprod_toc.storage.erasure`; upgrading stores written by
earlier versions, :mod:`coprod_toc.storage.upgrade`.
"""

from __future__ import annotations

import collections
import itertools
import json
import operator
import threading
import weakref
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, ClassVar, NamedTuple

import attrs

from coprod_toc._gc import collection_paused  # stores reading or writing many rows use it
from coprod_toc.errors import FormatError
from coprod_toc.evidence.records import (
    SECTIONS,
    Evidence,
    record_document,
    record_keys,
)
from coprod_toc.format.document import (
    NO_PAYLOAD,
    add_records,
    build_record,
    expect_type,
    finish_map,
    link_records,
    map_header,
    start_map,
)
from coprod_toc.graph import ChangeMark, Changes, TheoryOfChange
from coprod_toc.model import Activity, Impact, Link, Node, NodeType, Outcome, Problem
from coprod_toc.plain import plain_record

__all__ = [
    "CURRENT",
    "EvidenceRow",
    "LinkRow",
    "NodeRow",
    "RememberedMaps",
    "RowChanges",
    "Snapshot",
    "collection_paused",
    "compact_json",
    "evidence_body",
    "evidence_records",
    "header_body",
    "link_body",
    "loaded_snapshot",
    "map_from_rows",
    "node_body",
    "parse_bodies",
    "plan_changes",
    "stored_text",
]

#: ``valid_to`` of a row that is part of the latest version (fits a signed 64-bit column).
CURRENT = 2**62

_TYPE_ORDER = (NodeType.PROBLEM, NodeType.IMPACT, NodeType.OUTCOME, NodeType.ACTIVITY)


def _compact_encoder() -> Callable[[Any], str]:
    """Compact canonical JSON (no spaces, UTF-8 as is, no NaN).

    ``JSONEncoder.encode`` builds a new C encoder on every call, which is most of the time it
    takes for one small record; a save encodes hundreds of thousands of them. So the C
    encoder is built once, where this Python's json module has it, and used only if it
    writes exactly what ``encode`` does.
    """
    standard = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return standard.encode
    try:
        c_encoder = make(
            None,  # no cycle check: records are trees
            standard.default,
            json.encoder.encode_basestring,
            None,  # indent
            ":",
            ",",
            False,  # sort_keys
            False,  # skipkeys
            False,  # allow_nan
        )
    except TypeError:  # another Python's encoder takes other arguments
        return standard.encode

    def encode(value: Any) -> str:
        return "".join(c_encoder(value, 0))

    def refuses_nan() -> bool:
        try:
            encode(float("nan"))
        except ValueError:
            return True
        return False

    sample = {"a": [1, -2.5, 1e300, 'é\n"', None, True, False], "b": {"": {}}, "c": []}
    try:
        agrees = encode(sample) == standard.encode(sample) and refuses_nan()
    except (TypeError, ValueError):
        agrees = False
    return encode if agrees else standard.encode


compact_json = _compact_encoder()


def node_body(node: Node) -> str:
    """The node's record as compact canonical JSON (its links are rows of their own)."""
    return compact_json(plain_record(node))


def link_body(link: Link) -> str:
    """What a link says beyond its two ends (``{}`` when nothing)."""
    if link.rationale is None and not link.evidence:  # the commonest, as encoded below
        return "{}" if link.level is None else f'{{"level":{link.level}}}'
    record = plain_record(link)
    del record["source"], record["target"]
    return compact_json(record)


def evidence_body(record: Any) -> str:
    """An evidence record as compact canonical JSON, as in the document."""
    return compact_json(record_document(record))


def header_body(toc: TheoryOfChange) -> str:
    """Everything of a map that is not a node, a link or an evidence record (title,
    reference, assumptions)."""
    return compact_json(map_header(toc, evidence=False))


def stored_text(text: str) -> str:
    """How a text appears inside a stored row's JSON (quotes, backslashes and control
    characters escaped): what a store searches its rows for."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


class NodeRow(NamedTuple):  # tuples: a save makes hundreds of thousands of them
    id: str
    type: str
    body: str
    position: int


class LinkRow(NamedTuple):
    source: str
    target: str
    body: str
    position: int


class EvidenceRow(NamedTuple):
    section: str
    key: str
    body: str
    position: int


def map_from_rows(
    header: str,
    nodes: Sequence[Sequence[Any]],
    links: Sequence[Sequence[Any]],
    evidence: Sequence[Sequence[Any]] = (),
) -> TheoryOfChange:
    """Rebuild a map from its header, its node rows ``(id, type, body, …)`` in position
    order, its link rows ``(source, target, body, …)`` in position order and its evidence
    rows ``(section, key, body, position)`` (further columns are not read).

    Rows are checked like a file, by the document reader's own steps (the header, each
    record's fields, the graph's link rules); a problem is named by its row:
    ``node 'O3'``, ``link 'A1' -> 'O3'``.

    :raises FormatError: a row does not hold a valid record, or a link names a missing node.
    """
    with collection_paused():
        head = parse_bodies([header], lambda _: "header")[0]
        expect_type(head, dict, "header", "an object")
        toc = start_map(head, require_header=False)
        # A map loads in its document's order: nodes by type, each node's links together.
        by_type: dict[str, list[tuple[str, Any]]] = {name: [] for name in _NODE_CLASSES}
        entries = parse_bodies([row[2] for row in nodes], lambda i: f"node {nodes[i][0]!r}")
        for row, entry in zip(nodes, entries, strict=True):
            node_id, node_type = row[0], row[1]
            if node_type not in by_type:
                raise FormatError(f"unknown node type {node_type!r}", path=f"node {node_id!r}")
            by_type[node_type].append((node_id, entry))
        records = []
        for node_type, cls in _NODE_CLASSES.items():
            for node_id, entry in by_type[node_type]:
                if type(entry) is dict:
                    entry["id"] = node_id
                records.append(build_record(cls, entry, f"node {node_id!r}"))
        add_records(toc, records, lambda i: f"node {records[i].id!r}")
        from_node: dict[str, list[tuple[str, str, Any]]] = {record.id: [] for record in records}
        with_payload = [row for row in links if row[2] != "{}"]
        payloads = iter(
            parse_bodies([row[2] for row in with_payload], lambda i: _link_row(with_payload[i]))
        )
        for row in links:
            source, target, body = row[0], row[1], row[2]
            listed = from_node.get(source)
            if listed is None:
                raise FormatError(f"unknown node {source!r}", path=_link_row(row))
            listed.append((source, target, NO_PAYLOAD if body == "{}" else next(payloads)))
        ordered = [link for listed in from_node.values() for link in listed]
        link_records(toc, ordered, lambda i: _link_row(ordered[i]))
        finish_map(toc, head, set())
        if evidence:
            toc.evidence = _evidence_from_rows(evidence)
        return toc


def evidence_in_order(rows: Iterable[Sequence[Any]]) -> list[Sequence[Any]]:
    """Evidence rows ``(section, key, body, position)`` in the map's order: by section as
    the document lists them, then by position."""
    return sorted(rows, key=lambda row: (_SECTION_ORDER.get(row[0], len(_SECTION_ORDER)), row[3]))


_SECTION_ORDER = {name: i for i, name in enumerate(SECTIONS)}


def _evidence_from_rows(rows: Sequence[Sequence[Any]]) -> Evidence:
    evidence = Evidence()
    by_section: dict[str, list[Sequence[Any]]] = {}
    for row in evidence_in_order(rows):
        if row[0] not in SECTIONS:
            raise FormatError(f"unknown evidence section {row[0]!r}", path=f"evidence {row[1]!r}")
        by_section.setdefault(row[0], []).append(row)
    for section, section_rows in by_section.items():
        records = evidence_records(
            section,
            [row[2] for row in section_rows],
            lambda i: f"{section} record {section_rows[i][1]!r}",  # noqa: B023  # used at once
        )
        # A row's key is what its record is named by: a row whose key says otherwise was
        # changed by hand, and would be compared with the wrong record on the next save.
        for row, (key, _) in zip(section_rows, record_keys(records), strict=True):
            if row[1] != key:
                raise FormatError(
                    f"the row's key does not name its record ({key!r})",
                    path=f"{section} record {row[1]!r}",
                )
        getattr(evidence, section).extend(records)
    return evidence


def evidence_records(section: str, bodies: list[str], where: Callable[[int], str]) -> list[Any]:
    """The records of one evidence section from their stored bodies, each checked as the
    document reader checks it; a problem is named by ``where(i)``."""
    entries = parse_bodies(bodies, where)
    try:
        return list(getattr(Evidence.from_document({section: entries}), section))
    except FormatError:
        pass
    for i, entry in enumerate(entries):  # find the record that is wrong, to name it
        try:
            Evidence.from_document({section: [entry]})
        except FormatError as exc:
            field = exc.path.partition("]")[2].lstrip(".")
            raise FormatError(exc.problem, path=where(i) + (f" {field}" if field else "")) from None
    raise FormatError(f"the stored {section} records cannot be read")


def _link_row(row: Sequence[Any]) -> str:
    return f"link {row[0]!r} -> {row[1]!r}"


_NODE_CLASSES: dict[str, type[Node]] = {
    cls.node_type.value: cls for cls in (Problem, Impact, Outcome, Activity)
}  # in the document's order


def parse_bodies(texts: list[str], where: Callable[[int], str]) -> list[Any]:
    """Parse many JSON texts with one call of the parser (far faster than one call each).

    :raises FormatError: at ``where(i)`` of the first text that is not one JSON value.
    """
    if not texts:
        return []
    parts = texts.copy()  # brackets on the ends, so the one large text is made only once
    parts[0] = "[" + parts[0]
    parts[-1] += "]"
    try:
        parsed: list[Any] = json.loads(",".join(parts))
        if len(parsed) == len(texts):
            return parsed
    except ValueError:
        pass
    for i, text in enumerate(texts):  # not JSON, or more than one value ("1,2")
        try:
            json.loads(text)
        except ValueError as exc:
            raise FormatError(f"not one JSON value ({exc})", path=where(i)) from None
    raise FormatError("the stored rows do not hold one JSON value each")


# --------------------------------------------------------------------------- saving


@attrs.define
class Snapshot:
    """What a store holds as the latest version of a map, to compare the next save with.

    ``nodes`` maps a node id, ``links`` a ``(source, target)`` pair, to what is stored — the
    record itself when the store still has it from the last save or load (compared by
    identity first, then equality), or the stored JSON body — and its position.
    ``generation`` is the stamp of the save (or erasure) that made the stored version: it
    tells apart that version from another of the same number (a map deleted and made again,
    a database restored from a backup and saved since, a version rewritten by an erasure).
    ``owner`` (a weak reference) is the map object last saved or loaded, and ``mark`` the
    point in its changes at that moment: saving that same object again needs to look only
    at what it says changed since.
    """

    generation: str
    version: int
    nodes: dict[str, tuple[Any, int]]
    links: dict[tuple[str, str], tuple[Any, int]]
    next_node_position: int = 0
    next_link_position: int = 0
    owner: weakref.ref[TheoryOfChange] | None = None
    mark: ChangeMark | None = None
    #: Evidence records by ``(section, key)``, like ``nodes``.
    evidence: dict[tuple[str, str], tuple[Any, int]] = attrs.field(factory=dict)
    next_evidence_position: int = 0
    #: The evidence records themselves, by section in order, when the store has them (to
    #: tell at once that no record changed); ``None`` when only their bodies were read.
    evidence_records: dict[str, tuple[Any, ...]] | None = None

    def follow(self, toc: TheoryOfChange) -> Snapshot:
        """From now on, compare ``toc``'s later changes with this snapshot."""
        self.owner = weakref.ref(toc)
        self.mark = toc.change_mark(restart=True)
        return self


class RememberedMaps:
    """The snapshots last saved or loaded, for the few most recently used maps of one
    database, so that the next save compares with them instead of reading the stored rows.
    Thread-safe.

    Every store object opened on the same database in a process shares one (see
    :meth:`for_database`): a web request or a command that opens the store afresh still
    finds the map it loaded or saved before. A snapshot is used only while the database
    still holds that generation and version of the map, so another process's save, a
    deletion or an erasure (which gives the map a new generation) is never missed.
    """

    _shared: ClassVar[collections.OrderedDict[str, RememberedMaps]] = collections.OrderedDict()
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()
    _DATABASES: ClassVar[int] = 8

    @classmethod
    def for_database(cls, identity: str) -> RememberedMaps:
        """The snapshots of the database ``identity`` (a resolved file path, or a URL
        without its password), shared by the store objects on it; the few most recently
        used databases are kept."""
        with cls._shared_lock:
            remembered = cls._shared.get(identity)
            if remembered is None:
                remembered = cls._shared[identity] = cls()
            cls._shared.move_to_end(identity)
            while len(cls._shared) > cls._DATABASES:
                cls._shared.popitem(last=False)
            return remembered

    def __init__(self, size: int = 4) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._snapshots: collections.OrderedDict[str, Snapshot] = collections.OrderedDict()

    def remember(self, name: str, snapshot: Snapshot) -> None:
        with self._lock:
            self._snapshots[name] = snapshot
            self._snapshots.move_to_end(name)
            while len(self._snapshots) > self._size:
                self._snapshots.popitem(last=False)

    def latest(
        self,
        name: str,
        generation: str,
        version: int,
        next_positions: tuple[int, int, int],
        read: Callable[[], tuple[dict[str, Any], dict[Any, Any], dict[Any, Any]]],
    ) -> Snapshot:
        """The snapshot of ``version``, the latest stored: the remembered one if it is that
        version, else one of the stored rows (``read()`` gives their nodes, links and
        evidence, each key mapped to ``(body, position)``). ``next_positions`` are the next
        free node, link and evidence positions."""
        with self._lock:
            snapshot = self._snapshots.get(name)
        if snapshot is None or (snapshot.generation, snapshot.version) != (generation, version):
            nodes, links, evidence = read()
            snapshot = Snapshot(generation, version, nodes, links, evidence=evidence)
            self.remember(name, snapshot)  # what was read holds until the next version
        (
            snapshot.next_node_position,
            snapshot.next_link_position,
            snapshot.next_evidence_position,
        ) = next_positions
        return snapshot

    def forget(self, name: str | None = None) -> None:
        """Forget one map (deleted), or all of them (``None``: the store is closed)."""
        with self._lock:
            if name is None:
                self._snapshots.clear()
            else:
                self._snapshots.pop(name, None)


def loaded_snapshot(
    toc: TheoryOfChange,
    generation: str,
    version: int,
    nodes: Sequence[Sequence[Any]],
    links: Sequence[Sequence[Any]],
    evidence: Sequence[Sequence[Any]] = (),
) -> Snapshot:
    """The snapshot of a map just loaded from rows (the same rows :func:`map_from_rows` took,
    with each row's position fourth): it holds the loaded records, so the next save of this
    map compares by identity.

    The next free positions are left at 0: take them from the store when the snapshot is used.
    """
    succ, _, node_data = toc.adjacency()
    with collection_paused():
        records = toc.evidence.keyed()
        return Snapshot(
            generation,
            version,
            {row[0]: (node_data[row[0]]["node"], row[3]) for row in nodes},
            {(row[0], row[1]): (succ[row[0]][row[1]]["link"], row[3]) for row in links},
            evidence={(row[0], row[1]): (records[row[0], row[1]], row[3]) for row in evidence},
            evidence_records={s: tuple(getattr(toc.evidence, s)) for s in SECTIONS},
        ).follow(toc)


@attrs.frozen
class RowChanges:
    """The rows one save ends and begins, and the snapshot the store holds afterwards."""

    header: str
    closed_nodes: list[str]
    new_nodes: list[NodeRow]
    closed_links: list[tuple[str, str]]
    new_links: list[LinkRow]
    snapshot: Snapshot
    closed_evidence: list[tuple[str, str]] = attrs.field(factory=list)
    new_evidence: list[EvidenceRow] = attrs.field(factory=list)

    @property
    def writes_no_rows(self) -> bool:
        """Whether no node, link or evidence row ends or begins (the header aside)."""
        return not (
            self.closed_nodes
            or self.new_nodes
            or self.closed_links
            or self.new_links
            or self.closed_evidence
            or self.new_evidence
        )


def plan_changes(
    toc: TheoryOfChange,
    previous: Snapshot | None,
    *,
    generation: str,
    version: int,
    follow: bool = True,
) -> RowChanges:
    """The rows to write to save ``toc`` as ``version``, given what the store holds.

    :param previous: the latest stored version, or ``None`` for a new map.
    :param follow: whether the new snapshot follows ``toc``'s changes from now on (a save);
        ``False`` only asks what would be written.
    """
    with collection_paused():
        planned = None
        if previous is not None and previous.owner is not None and previous.owner() is toc:
            assert previous.mark is not None
            changes = toc.changed_since(previous.mark)
            if changes is not None:
                planned = _plan_from_changes(toc, previous, changes, generation, version)
        if planned is None:
            planned = _plan_changes(toc, previous, generation, version)
        planned = _with_evidence(planned, toc, previous)
        if follow:
            planned.snapshot.follow(toc)
        return planned


def _with_evidence(
    planned: RowChanges, toc: TheoryOfChange, previous: Snapshot | None
) -> RowChanges:
    """The evidence rows to end and begin, added to a plan. Evidence is not part of the
    map's change log: when every record is the very object stored last (one pass in C),
    nothing changed; else it is compared record by record, by identity first."""
    snapshot = planned.snapshot
    current = {section: tuple(getattr(toc.evidence, section)) for section in SECTIONS}
    snapshot.evidence_records = current
    if previous is not None and _same_objects(current, previous.evidence_records):
        snapshot.evidence = previous.evidence  # never changed in place: safe to share
        snapshot.next_evidence_position = previous.next_evidence_position
        return planned
    items = (
        (section, (section, key), record)
        for section in SECTIONS
        for key, record in record_keys(current[section])
    )
    closed, added, now, next_position = _compare(
        items,
        {} if previous is None else previous.evidence,
        evidence_body,
        0 if previous is None else previous.next_evidence_position,
    )
    snapshot.evidence, snapshot.next_evidence_position = now, next_position
    return attrs.evolve(
        planned,
        closed_evidence=closed,
        new_evidence=[
            EvidenceRow(section, key, body, position) for (section, key), _, body, position in added
        ],
    )


def _same_objects(
    current: dict[str, tuple[Any, ...]], stored: dict[str, tuple[Any, ...]] | None
) -> bool:
    if stored is None:
        return False
    return all(
        len(records) == len(stored.get(section, ()))
        and all(map(operator.is_, records, stored[section]))
        for section, records in current.items()
    )


def _plan_from_changes(
    toc: TheoryOfChange, previous: Snapshot, changes: Changes, generation: str, version: int
) -> RowChanges | None:
    """The rows to write, looking only at what the map says changed since the last save or
    load: a one-node edit costs one row, however large the map. ``None`` if the changes do
    not fit what is stored (then the whole map is compared)."""
    succ, _, node_data = toc.adjacency()
    snapshot = Snapshot(
        generation,
        version,
        dict(previous.nodes),
        dict(previous.links),
        previous.next_node_position,
        previous.next_link_position,
    )
    closed_nodes: list[str] = []
    new_nodes: list[NodeRow] = []
    moved_nodes: set[str] = set()
    for node_id, what in changes.nodes.items():
        data = node_data.get(node_id)
        stored = snapshot.nodes.get(node_id)
        if data is None or what == "moved":
            if stored is not None:
                closed_nodes.append(node_id)
                del snapshot.nodes[node_id]
            if data is not None:
                moved_nodes.add(node_id)
            continue
        if stored is None:
            return None
        record = data["node"]
        snapshot.nodes[node_id] = (record, stored[1])
        if not _same(stored[0], record, node_body):
            closed_nodes.append(node_id)
            new_nodes.append(NodeRow(node_id, record.node_type.value, node_body(record), stored[1]))
    # Nodes added since (or removed and added back) are the last ones of the map, in order.
    tail = _tail(node_data, moved_nodes)
    if tail is None:
        return None
    for node_id in tail:
        record = node_data[node_id]["node"]
        position = snapshot.next_node_position
        snapshot.next_node_position += 1
        snapshot.nodes[node_id] = (record, position)
        new_nodes.append(NodeRow(node_id, record.node_type.value, node_body(record), position))

    closed_links: list[tuple[str, str]] = []
    new_links: list[LinkRow] = []
    moved_links: dict[str, set[str]] = {}
    for key, what in changes.links.items():
        source, target = key
        edge = succ.get(source, {}).get(target)
        stored = snapshot.links.get(key)
        if edge is None or what == "moved":
            if stored is not None:
                closed_links.append(key)
                del snapshot.links[key]
            if edge is not None:
                moved_links.setdefault(source, set()).add(target)
            continue
        if stored is None:
            return None
        link = edge["link"]
        snapshot.links[key] = (link, stored[1])
        if not _same(stored[0], link, link_body):
            closed_links.append(key)
            new_links.append(LinkRow(source, target, link_body(link), stored[1]))
    for source, targets in moved_links.items():
        # A node's links made since are its last ones, in order.
        tail = _tail(succ[source], targets)
        if tail is None:
            return None
        for target in tail:
            link = succ[source][target]["link"]
            position = snapshot.next_link_position
            snapshot.next_link_position += 1
            snapshot.links[source, target] = (link, position)
            new_links.append(LinkRow(source, target, link_body(link), position))
    return RowChanges(header_body(toc), closed_nodes, new_nodes, closed_links, new_links, snapshot)


def _tail(ordered: dict[Any, Any], keys: set[Any]) -> list[Any] | None:
    """``keys`` in the order they come in ``ordered``, if they are its last entries."""
    if not keys:
        return []
    tail = list(itertools.islice(reversed(ordered), len(keys)))
    tail.reverse()
    return tail if set(tail) == keys else None


def _same(stored: Any, record: Any, body_of: Callable[[Any], str]) -> bool:
    if stored is record:
        return True
    if isinstance(stored, str):
        return stored == body_of(record)
    # Equal records may still be written differently (a score of 4 and of 4.0): what is
    # stored must load as it was saved.
    return bool(stored == record) and body_of(stored) == body_of(record)


def _plan_changes(
    toc: TheoryOfChange, previous: Snapshot | None, generation: str, version: int
) -> RowChanges:
    succ, _, node_data = toc.adjacency()
    node_items = _in_load_order(node_data)
    if previous is None:
        return _first_rows(toc, succ, node_items, generation, version)
    link_items = (
        (source, (source, target), edge["link"])
        for _, source, _ in node_items
        for target, edge in succ[source].items()
    )
    closed_nodes, added_nodes, nodes, next_node = _compare(
        node_items, previous.nodes, node_body, previous.next_node_position
    )
    closed_links, added_links, links, next_link = _compare(
        link_items, previous.links, link_body, previous.next_link_position
    )
    return RowChanges(
        header=header_body(toc),
        closed_nodes=closed_nodes,
        new_nodes=[
            NodeRow(node_id, record.node_type.value, body, position)
            for node_id, record, body, position in added_nodes
        ],
        closed_links=closed_links,
        new_links=[
            LinkRow(source, target, body, position)
            for (source, target), _, body, position in added_links
        ],
        snapshot=Snapshot(generation, version, nodes, links, next_node, next_link),
    )


def _in_load_order(node_data: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """``(type, id, record)`` of every node in the order a map loads in: by type (as in the
    document), then as added. Each node's links follow in the order they were made."""
    by_type: dict[NodeType, list[tuple[str, Any]]] = {t: [] for t in _TYPE_ORDER}
    for node_id, data in node_data.items():
        record = data["node"]
        by_type[record.node_type].append((node_id, record))
    return [(t.value, node_id, record) for t in _TYPE_ORDER for node_id, record in by_type[t]]


def _first_rows(
    toc: TheoryOfChange,
    succ: dict[str, Any],
    node_items: list[tuple[str, str, Any]],
    generation: str,
    version: int,
) -> RowChanges:
    """A map saved for the first time: every record a new row, numbered in load order."""
    new_nodes: list[NodeRow] = []
    nodes: dict[str, tuple[Any, int]] = {}
    for position, (node_type, node_id, record) in enumerate(node_items):
        new_nodes.append(NodeRow(node_id, node_type, node_body(record), position))
        nodes[node_id] = (record, position)
    new_links: list[LinkRow] = []
    links: dict[tuple[str, str], tuple[Any, int]] = {}
    for _, source, _ in node_items:
        for target, edge in succ[source].items():
            link, position = edge["link"], len(new_links)
            new_links.append(LinkRow(source, target, link_body(link), position))
            links[source, target] = (link, position)
    snapshot = Snapshot(generation, version, nodes, links, len(new_nodes), len(new_links))
    return RowChanges(header_body(toc), [], new_nodes, [], new_links, snapshot)


def _compare(
    items: Iterable[tuple[Hashable, Hashable, Any]],
    old: dict[Any, tuple[Any, int]],
    body_of: Callable[[Any], str],
    next_position: int,
) -> tuple[list[Any], list[tuple[Any, Any, str, int]], dict[Any, tuple[Any, int]], int]:
    """Which stored rows end, which new rows begin, and the new snapshot entries.

    ``items`` are ``(group, key, record)`` in order; positions need to rise only within a
    group (nodes of one type, links from one source), since that is all loading orders.
    """
    closed: list[Any] = []
    added: list[tuple[Any, Any, str, int]] = []
    now: dict[Any, tuple[Any, int]] = {}
    group: Hashable = object()
    last = -1
    for item_group, key, record in items:
        if item_group != group:
            group, last = item_group, -1
        stored = old.get(key)
        if stored is not None and stored[1] > last:
            stored_record, position = stored
            if _same(stored_record, record, body_of):
                now[key] = (record, position)
                last = position
                continue
            closed.append(key)  # changed: a new row in the same place
        else:
            if stored is not None:
                closed.append(key)  # moved: a new row after every position used so far
            position = next_position
            next_position += 1
        added.append((key, record, body_of(record), position))
        now[key] = (record, position)
        last = position
    if len(now) - len(added) + len(closed) != len(old):
        closed.extend(key for key in old if key not in now)
    return closed, added, now, next_position


# --------------------------------------------------------------------------- upgrading
