"""What changed between two maps (two versions of one map, usually): nodes, links,
assumptions and evidence records added, removed and changed, with the fields that changed.

One pass over each map: records are compared field by field only where they differ.
"""

from __future__ import annotations

from typing import Any

import attrs

from coprod_toc.graph import TheoryOfChange
from coprod_toc.plain import plain_value

__all__ = ["Change", "MapDiff", "diff"]


@attrs.frozen
class Change:
    """One node, link, assumption or evidence record whose record changed: ``fields`` maps
    each changed field to its ``(before, after)`` values. ``key`` is a node or assumption id,
    for a link the pair ``(source, target)``, for evidence the pair ``(section, key)``
    (``("items", "q-1")``; a consent is named by its person and date, ``R-…@2026-01-14``)."""

    key: str | tuple[str, str]
    fields: dict[str, tuple[Any, Any]]

    def to_dict(self) -> dict[str, Any]:
        key = list(self.key) if isinstance(self.key, tuple) else self.key
        return {
            "key": key,
            "fields": {
                name: {"before": plain_value(before), "after": plain_value(after)}
                for name, (before, after) in self.fields.items()
            },
        }


@attrs.frozen
class MapDiff:
    """The difference from map ``a`` to map ``b``. Empty (false) when they are equal."""

    title: tuple[str, str] | None
    external_ref: tuple[str | None, str | None] | None
    nodes_added: tuple[str, ...]
    nodes_removed: tuple[str, ...]
    nodes_changed: tuple[Change, ...]
    links_added: tuple[tuple[str, str], ...]
    links_removed: tuple[tuple[str, str], ...]
    links_changed: tuple[Change, ...]
    assumptions_added: tuple[str, ...]
    assumptions_removed: tuple[str, ...]
    assumptions_changed: tuple[Change, ...]
    #: Evidence records as ``(section, key)``: ``("participants", "R-…")``, ``("items", "q-1")``.
    evidence_added: tuple[tuple[str, str], ...] = ()
    evidence_removed: tuple[tuple[str, str], ...] = ()
    evidence_changed: tuple[Change, ...] = ()
    #: Evidence sections whose records (those in both maps) come in another order.
    evidence_reordered: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in attrs.fields(type(self)))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in attrs.fields(type(self)):
            value = getattr(self, field.name)
            if field.name in ("title", "external_ref"):
                out[field.name] = None if value is None else {"before": value[0], "after": value[1]}
            elif field.name.endswith("_changed"):
                out[field.name] = [change.to_dict() for change in value]
            else:
                out[field.name] = [list(v) if isinstance(v, tuple) else v for v in value]
        return out

    def lines(self) -> list[str]:
        """One line per change, for people: ``+`` added, ``-`` removed, ``~`` changed."""
        out: list[str] = []
        if self.title is not None:
            out.append(f"~ title: {self.title[0]!r} -> {self.title[1]!r}")
        if self.external_ref is not None:
            out.append(f"~ external_ref: {self.external_ref[0]!r} -> {self.external_ref[1]!r}")
        for what, added, removed, changed in (
            ("node", self.nodes_added, self.nodes_removed, self.nodes_changed),
            ("link", self.links_added, self.links_removed, self.links_changed),
            (
                "assumption",
                self.assumptions_added,
                self.assumptions_removed,
                self.assumptions_changed,
            ),
        ):
            out += [f"+ {what} {_name(key)}" for key in added]
            out += [f"- {what} {_name(key)}" for key in removed]
            for change in changed:
                for field, (before, after) in change.fields.items():
                    out.append(
                        f"~ {what} {_name(change.key)}: {field} "
                        f"{plain_value(before)!r} -> {plain_value(after)!r}"
                    )
        out += [f"+ {_EVIDENCE_NAMES[section]} {key}" for section, key in self.evidence_added]
        out += [f"- {_EVIDENCE_NAMES[section]} {key}" for section, key in self.evidence_removed]
        out += [f"~ order of the {section} records" for section in self.evidence_reordered]
        for change in self.evidence_changed:
            section, key = change.key[0], change.key[1]
            for field, (before, after) in change.fields.items():
                out.append(
                    f"~ {_EVIDENCE_NAMES[section]} {key}: {field} "
                    f"{plain_value(before)!r} -> {plain_value(after)!r}"
                )
        return out


#: How a line names a record of each evidence section.
_EVIDENCE_NAMES = {
    "participants": "participant",
    "consents": "consent",
    "items": "evidence item",
    "logbook": "logbook entry",
    "benefits": "benefit",
    "feedback": "feedback",
    "measures": "measure answers",
    "rejected": "rejected answer",
}


def _name(key: str | tuple[str, str]) -> str:
    return f"{key[0]} -> {key[1]}" if isinstance(key, tuple) else key


def diff(a: TheoryOfChange, b: TheoryOfChange) -> MapDiff:
    """What changed from map ``a`` to map ``b``, in ``b``'s order (removals in ``a``'s)."""
    succ_a, _, nodes_a = a.adjacency()
    succ_b, _, nodes_b = b.adjacency()
    node_records_a = {node_id: data["node"] for node_id, data in nodes_a.items()}
    node_records_b = {node_id: data["node"] for node_id, data in nodes_b.items()}
    links_a = {(s, t): e["link"] for s, targets in succ_a.items() for t, e in targets.items()}
    links_b = {(s, t): e["link"] for s, targets in succ_b.items() for t, e in targets.items()}
    assumptions_a = {x.id: x for x in a.assumptions()}
    assumptions_b = {x.id: x for x in b.assumptions()}
    nodes = _compare(node_records_a, node_records_b)
    links = _compare(links_a, links_b)
    assumptions = _compare(assumptions_a, assumptions_b)
    keyed_a, keyed_b = a.evidence.keyed(), b.evidence.keyed()
    evidence = _compare(keyed_a, keyed_b)
    return MapDiff(
        title=None if a.title == b.title else (a.title, b.title),
        external_ref=(
            None if a.external_ref == b.external_ref else (a.external_ref, b.external_ref)
        ),
        nodes_added=nodes[0],
        nodes_removed=nodes[1],
        nodes_changed=nodes[2],
        links_added=links[0],
        links_removed=links[1],
        links_changed=links[2],
        assumptions_added=assumptions[0],
        assumptions_removed=assumptions[1],
        assumptions_changed=assumptions[2],
        evidence_added=evidence[0],
        evidence_removed=evidence[1],
        evidence_changed=evidence[2],
        evidence_reordered=_reordered(keyed_a, keyed_b),
    )


def _reordered(
    before: dict[tuple[str, str], Any], after: dict[tuple[str, str], Any]
) -> tuple[str, ...]:
    """The sections whose records found in both maps are in another order."""
    sections = []
    for section in dict.fromkeys(key[0] for key in after):
        kept_before = [k for k in before if k[0] == section and k in after]
        kept_after = [k for k in after if k[0] == section and k in before]
        if kept_before != kept_after:
            sections.append(section)
    return tuple(sections)


def _compare(before: dict[Any, Any], after: dict[Any, Any]) -> tuple[Any, Any, Any]:
    added = tuple(key for key in after if key not in before)
    removed = tuple(key for key in before if key not in after)
    changed = []
    for key, new in after.items():
        old = before.get(key)
        if old is None or old is new or old == new:
            continue
        changed.append(Change(key, _changed_fields(old, new)))
    return added, removed, tuple(changed)


def _changed_fields(old: Any, new: Any) -> dict[str, tuple[Any, Any]]:
    if type(old) is not type(new):  # the same id, now another type of node
        return {"type": (type(old).__name__.lower(), type(new).__name__.lower())}
    return {
        f.name: (getattr(old, f.name), getattr(new, f.name))
        for f in attrs.fields(type(old))
        if getattr(old, f.name) != getattr(new, f.name)
    }
