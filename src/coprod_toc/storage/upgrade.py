"""Upgrading stores written by earlier versions: a map's evidence, once kept inside each
version's header, moved into rows of its own."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from coprod_toc.errors import FormatError
from coprod_toc.evidence.records import SECTIONS, Evidence, record_keys
from coprod_toc.format.document import expect_type
from coprod_toc.storage.rows import CURRENT, compact_json, evidence_body, parse_bodies

__all__ = ["EvidenceHistory", "evidence_history"]


@attrs.frozen
class EvidenceHistory:
    """A map's evidence moved out of its version headers into rows (how stores written
    before evidence had rows of its own are upgraded): the headers without evidence, the
    rows ``(section, key, body, position, valid_from, valid_to)``, the next free position."""

    headers: list[tuple[int, str]]
    rows: list[tuple[str, str, str, int, int, int]]
    next_position: int


def evidence_history(headers: Iterable[tuple[int, str]]) -> EvidenceHistory:
    """Cut the evidence out of a map's headers ``(version, header)``, oldest first, into
    rows valid for the versions that held each record unchanged.

    :raises FormatError: a header that is not a JSON object, or evidence that does not read.
    """
    new_headers: list[tuple[int, str]] = []
    rows: list[tuple[str, str, str, int, int, int]] = []
    open_rows: dict[tuple[str, str], int] = {}  # key -> its row's index in rows
    next_position = 0

    for version, header in headers:
        where = f"the header of version {version}"
        parsed = parse_bodies([header], lambda _: where)[0]  # noqa: B023  # called at once
        head = expect_type(parsed, dict, where, "an object")
        try:
            evidence = Evidence.from_document(head.pop("evidence", {}))
        except FormatError as exc:
            raise FormatError(exc.problem, path=f"version {version}: {exc.path}") from None
        kept: set[tuple[str, str]] = set()
        for section in SECTIONS:
            last = -1
            for name, record in record_keys(getattr(evidence, section)):
                key, body = (section, name), evidence_body(record)
                kept.add(key)
                index = open_rows.get(key)
                if index is not None and rows[index][3] > last:
                    last = rows[index][3]
                    if rows[index][2] == body:
                        continue  # the same record, in order: its row goes on
                    position = last  # changed: a new row in the same place
                else:
                    position = last = next_position  # new, or moved: after every position
                    next_position += 1
                if index is not None:
                    rows[index] = (*rows[index][:5], version)
                open_rows[key] = len(rows)
                rows.append((section, name, body, position, version, CURRENT))
        for key in [key for key in open_rows if key not in kept]:
            index = open_rows.pop(key)
            rows[index] = (*rows[index][:5], version)
        new_headers.append((version, compact_json(head)))
    return EvidenceHistory(new_headers, rows, next_position)
