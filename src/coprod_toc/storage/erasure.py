"""Erasure for stores that keep rows: the one rule of erasure (``without_participant``)
applied to stored rows, so a table-based store erases a person from every version it keeps
by rewriting the few rows that mention them, and refuses a save that would bring an erased
person back."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import attrs

from coprod_toc.errors import ErasedPersonError, FormatError, StoreError
from coprod_toc.evidence.records import (
    erasure_digest,
    people_named,
    without_evidence,
    without_participant,
)
from coprod_toc.storage.rows import (
    RowChanges,
    compact_json,
    evidence_body,
    evidence_records,
    stored_text,
)

__all__ = [
    "ErasurePlan",
    "StoredEvidence",
    "StoredLink",
    "erase_evidence_row",
    "erase_link_row",
    "erased_people_check",
    "plan_erasure",
]


def erase_evidence_row(section: str, body: str, participant: str) -> tuple[str | None, str | None]:
    """One stored evidence record with a person erased (:func:`without_participant`):
    ``(new body, None)`` when it changed, ``(None, id)`` when it goes (the id for the links
    that cite it; ``None`` for a consent), ``(body, None)`` when they are not in it.

    :raises FormatError: the body is not an evidence record of ``section``.
    """
    if stored_text(participant) not in body:
        return body, None
    record = evidence_records(section, [body], lambda _: f"{section} record")[0]
    erased = without_participant(record, participant)
    if erased is record:
        return body, None
    if erased is None:
        return None, None if section == "consents" else record.id
    return evidence_body(erased), None


class StoredEvidence(NamedTuple):
    """An evidence row as a store hands it to :func:`plan_erasure`; ``row`` is whatever
    the store needs to find it again (a rowid, a primary key)."""

    row: Any
    map: str
    section: str
    key: str
    body: str
    valid_from: int
    valid_to: int


class StoredLink(NamedTuple):
    """A link row as a store hands it to :func:`plan_erasure`."""

    row: Any
    source: str
    target: str
    body: str
    position: int
    valid_from: int
    valid_to: int


@attrs.frozen
class ErasurePlan:
    """What erasing one person does to a table store's rows, in every version.

    ``evidence`` maps each evidence row that changes to its new body (``None``: the row
    goes); ``links`` maps each link row that changes to the rows that replace it, as
    ``(valid_from, valid_to, body)``: one when the row changes alike in all its versions,
    more when a record it cites went in some of them only. ``versions`` are the versions
    changed, by map.
    """

    evidence: dict[Any, str | None]
    links: dict[Any, list[tuple[int, int, str]]]
    versions: dict[str, set[int]]


def plan_erasure(
    participant: str,
    evidence: Iterable[StoredEvidence],
    links_of: Callable[[str], Iterable[StoredLink]],
    latest_of: Callable[[str], int],
) -> ErasurePlan:
    """Erase ``participant`` from a table store's rows: the evidence rows that name them
    (``evidence``: the rows whose body holds :func:`stored_text` of the name), then, per
    map touched, the link rows citing a record that went (``links_of(map)``: the rows
    that carry evidence), each in just the versions the record went from.

    :raises StoreError: a row that does not hold a valid record, naming its map and key.
    """
    changed: dict[Any, str | None] = {}
    gone: dict[str, list[tuple[str, int, int]]] = {}
    ranges: dict[str, list[tuple[int, int]]] = {}
    for row in evidence:
        try:
            body, went = erase_evidence_row(row.section, row.body, participant)
        except FormatError as exc:
            raise StoreError(
                f"map {row.map!r}: the stored {row.section} record {row.key!r} "
                f"(versions {row.valid_from}-) cannot be read: {exc.problem}"
            ) from None
        if body == row.body:
            continue
        changed[row.row] = body
        ranges.setdefault(row.map, []).append((row.valid_from, row.valid_to))
        if went is not None:
            gone.setdefault(row.map, []).append((went, row.valid_from, row.valid_to))
    links: dict[Any, list[tuple[int, int, str]]] = {}
    for name, records_gone in gone.items():
        ids = {evidence_id for evidence_id, _, _ in records_gone}
        for link in links_of(name):
            segments = _erased_link(link, ids, records_gone)
            if segments is not None:
                links[link.row] = segments
                ranges[name].extend(
                    (start, end) for start, end, body in segments if body != link.body
                )
    versions = {
        name: {v for start, end in spans for v in range(start, min(end, latest_of(name) + 1))}
        for name, spans in ranges.items()
    }
    return ErasurePlan(changed, links, versions)


def _erased_link(
    link: StoredLink, ids: set[str], went: list[tuple[str, int, int]]
) -> list[tuple[int, int, str]] | None:
    """The rows replacing one link row after records it cites went (``None``: unchanged)."""
    if '"evidence"' not in link.body:
        return None
    cited = set(json.loads(link.body).get("evidence", ())) & ids
    if not cited:
        return None
    relevant = [(i, start, end) for i, start, end in went if i in cited]
    # The versions where the set of records gone changes: the row splits there.
    cuts = sorted(
        {link.valid_from}
        | {edge for _, start, end in relevant for edge in (start, end)
           if link.valid_from < edge < link.valid_to}
    )  # fmt: skip
    segments = []
    for n, start in enumerate(cuts):
        end = cuts[n + 1] if n + 1 < len(cuts) else link.valid_to
        removed = {i for i, gone_from, gone_to in relevant if gone_from <= start < gone_to}
        segments.append((start, end, erase_link_row(link.body, removed) or link.body))
    merged: list[tuple[int, int, str]] = []
    for start, end, body in segments:  # neighbours alike are one row
        if merged and merged[-1][2] == body:
            merged[-1] = (merged[-1][0], end, body)
        else:
            merged.append((start, end, body))
    if len(merged) == 1 and merged[0][2] == link.body:
        return None
    return merged


def erased_people_check(
    changes: RowChanges, erased: Callable[[list[str]], set[str]], name: str
) -> None:
    """Refuse a save that would bring back a person the store erased: ``erased(digests)``
    says which of the digests (:func:`erasure_digest`) of the people the new evidence rows
    name the store has erased.

    :raises ErasedPersonError: naming the map and the person.
    """
    if not changes.new_evidence:
        return
    stored = changes.snapshot.evidence
    people: set[str] = set()
    for row in changes.new_evidence:
        people |= people_named(stored[row.section, row.key][0])
    digests = {erasure_digest(person): person for person in people}
    found = erased(sorted(digests))
    if found:
        raise ErasedPersonError(name, min(digests[d] for d in found))


def erase_link_row(body: str, gone: set[str]) -> str | None:
    """A stored link's body without its references to evidence that went, or ``None`` when
    it cites none of them."""
    if not gone or '"evidence"' not in body:
        return None
    record = json.loads(body)
    cited = tuple(record.get("evidence", ()))
    kept = without_evidence(cited, gone)
    if kept is cited:
        return None
    if kept:
        record["evidence"] = list(kept)
    else:
        del record["evidence"]
    return compact_json(record) if record else "{}"
