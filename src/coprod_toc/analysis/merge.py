"""A map rebuilt from a host system's records, with what only the map held carried over.

A host application may build a service's map afresh from its own records (the service's
aims, its sessions, its staff's activities) each time they change. What the group added to
the stored map, and the host does not hold, would then be lost: evidence, achievements'
assessments, assumptions, and what links say (level, rationale, evidence). :func:`merge`
carries these over to the rebuilt map wherever the node or link they belong to still
exists, and reports each one it could not carry.

Nodes are matched by id, or else by ``external_ref`` when exactly one rebuilt node carries
the stored node's reference (a host that renumbers its nodes keeps its references). What the
rebuilt map already says is kept: a link's rationale is carried only to a link with none.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs

from coprod_toc.errors import CoprodTocError
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import Horizon, Outcome

__all__ = ["Merged", "merge"]


@attrs.frozen
class Merged:
    """The rebuilt map with what was carried over, and what was and was not."""

    toc: TheoryOfChange
    #: One line per thing carried over ("assessments of O1", "rationale of A1 → O1", …).
    carried: tuple[str, ...]
    #: One line per thing left behind, saying why.
    not_carried: tuple[str, ...]

    def lines(self) -> list[str]:
        """The report in words, for a log or a page."""
        lines = [f"carried over: {line}" for line in self.carried]
        lines += [f"not carried over: {line}" for line in self.not_carried]
        return lines or ["nothing to carry over"]


def merge(stored: TheoryOfChange, rebuilt: TheoryOfChange) -> Merged:
    """``rebuilt`` (not changed: a copy is returned) with the evidence, assessments,
    assumptions and link details of ``stored`` that still have somewhere to go."""
    if not isinstance(stored, TheoryOfChange) or not isinstance(rebuilt, TheoryOfChange):
        raise TypeError("merge takes two maps: the stored one and the rebuilt one")
    toc = rebuilt.copy()
    carried: list[str] = []
    left: list[str] = []
    to_new = _matching_ids(stored, toc)

    for node in stored.outcomes():
        if not node.assessments:
            continue
        new_id = to_new.get(node.id)
        target = toc[new_id] if new_id is not None else None
        if not isinstance(target, Outcome):
            left.append(f"assessments of {node.id}: the outcome is no longer in the map")
        elif target.horizon is not Horizon.SHORT:
            left.append(f"assessments of {node.id}: {new_id} is no longer an achievement")
        elif target.assessments:
            left.append(f"assessments of {node.id}: {new_id} has assessments of its own")
        else:
            assessments = tuple(_assessment(a, to_new) for a in node.assessments)
            if _try(left, node.id, toc.update, target.id, assessments=assessments):
                carried.append(f"assessments of {node.id}")

    for link in stored.links():
        if not link.has_payload:
            continue
        name = f"{link.source} → {link.target}"
        source, end = to_new.get(link.source), to_new.get(link.target)
        if source is None or end is None or not toc.has_link(source, end):
            left.append(f"level, rationale and evidence of {name}: the link is gone")
            continue
        current = toc.get_link(source, end)
        changes: dict[str, Any] = {}
        if current.level is None and link.level is not None:
            changes["level"] = link.level
        if current.rationale is None and link.rationale is not None:
            changes["rationale"] = link.rationale
        if not current.evidence and link.evidence:
            changes["evidence"] = link.evidence
        if not changes:
            left.append(f"level, rationale and evidence of {name}: the rebuilt map says its own")
        elif _try(left, name, toc.update_link, source, end, **changes):
            carried.append(f"{', '.join(sorted(changes))} of {name}")

    for assumption in stored.assumptions():
        ends = tuple(to_new.get(part) for part in assumption.attached_to)
        where = " → ".join(assumption.attached_to)
        if any(end is None for end in ends) or (
            len(ends) == 2 and not toc.has_link(*ends)  # type: ignore[arg-type]
        ):
            left.append(f"assumption {assumption.id}: {where} is no longer in the map")
        elif assumption.id in toc or any(a.id == assumption.id for a in toc.assumptions()):
            left.append(f"assumption {assumption.id}: the rebuilt map uses that id")
        else:
            moved = attrs.evolve(assumption, attached_to=ends)
            if _try(left, assumption.id, toc.add_assumption_record, moved):
                carried.append(f"assumption {assumption.id}")

    present = {(section, _key(record)) for section, record in toc.evidence.records()}
    count: Counter[str] = Counter()
    for section, record in stored.evidence.records():
        if (section, _key(record)) in present:
            continue
        moved, gone = _remapped(record, to_new)
        if gone:
            left.append(
                f"{section} {_key(record)}: its link to {', '.join(gone)} (no longer in the map)"
            )
        toc.evidence.add(moved)
        count[section] += 1
    carried += [f"{n} evidence record{'s' if n != 1 else ''} ({s})" for s, n in count.items()]
    return Merged(toc, tuple(carried), tuple(left))


def _matching_ids(stored: TheoryOfChange, rebuilt: TheoryOfChange) -> dict[str, str]:
    """Each stored node's id in the rebuilt map: the same id, or the one node there that
    carries the same external reference."""
    refs = Counter(node.external_ref for node in rebuilt.nodes() if node.external_ref)
    by_ref = {
        node.external_ref: node.id
        for node in rebuilt.nodes()
        if node.external_ref and refs[node.external_ref] == 1
    }
    matched = {}
    for node in stored.nodes():
        same_id = rebuilt[node.id] if node.id in rebuilt else None  # noqa: SIM401 (get raises)
        if (
            same_id is not None
            and same_id.node_type is node.node_type
            # Both carry a host reference, and they differ: another record under this id.
            and not (node.external_ref and same_id.external_ref != node.external_ref)
        ):
            matched[node.id] = node.id
        elif node.external_ref in by_ref:
            found = by_ref[node.external_ref]
            if rebuilt[found].node_type is node.node_type:
                matched[node.id] = found
    return matched


def _assessment(assessment: Any, to_new: dict[str, str]) -> Any:
    """An assessment citing activities by their rebuilt ids (those gone are left out)."""
    breakdown = tuple(
        attrs.evolve(item, activity=to_new[item.activity])
        for item in assessment.breakdown
        if item.activity in to_new
    )
    return attrs.evolve(assessment, breakdown=breakdown)


def _remapped(record: Any, to_new: dict[str, str]) -> tuple[Any, list[str]]:
    """An evidence record pointing at rebuilt ids; and the stored ids it lost."""
    changes: dict[str, Any] = {}
    gone: list[str] = []
    fields = attrs.fields_dict(type(record))
    if "nodes" in fields:
        kept = [to_new[n] for n in record.nodes if n in to_new]
        gone += [n for n in record.nodes if n not in to_new]
        changes["nodes"] = tuple(kept)
    if "activity" in fields and record.activity is not None:
        if record.activity in to_new:
            changes["activity"] = to_new[record.activity]
        else:
            gone.append(record.activity)
            changes["activity"] = None
    return (attrs.evolve(record, **changes) if changes else record), gone


def _key(record: Any) -> Any:
    """What names an evidence record within its section: its id, or the whole record."""
    return getattr(record, "id", None) or record


def _try(left: list[str], what: str, step: Any, *args: Any, **kwargs: Any) -> bool:
    """Run one carrying step; a rule of the model that refuses it is reported, not raised."""
    try:
        step(*args, **kwargs)
    except CoprodTocError as exc:
        left.append(f"{what}: {exc}")
        return False
    return True
