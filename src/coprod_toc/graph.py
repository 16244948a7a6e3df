"""`TheoryOfChange`: one map, held in one ``networkx.DiGraph``.

This class is the only place that adds edges, so it is the only place edges are checked
against the allowed-edge table. Analyses (validation, split, progress) are free functions
that read :attr:`TheoryOfChange.graph`, a read-only view.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from html import escape
from typing import Any, TypeVar, cast

import attrs
import networkx as nx

from coprod_toc.errors import DuplicateNodeError, LinkError, ModelError, NodeNotFoundError
from coprod_toc.evidence.records import Evidence, without_evidence
from coprod_toc.model import (
    Activity,
    Assessment,
    Assumption,
    Impact,
    Kind,
    Link,
    Node,
    NodeType,
    Outcome,
    Problem,
    clean_text,
)

__all__ = ["ALLOWED_LINKS", "ChangeMark", "Changes", "TheoryOfChange", "reach"]


# What changed at a node id or a link (source, target): "updated" in place, or "moved" —
# added, removed or both, so that it is now (if present) after the records that stayed.
_UPDATED, _MOVED = "updated", "moved"


@attrs.frozen(eq=False)
class ChangeMark:
    """A point in a map's history of changes, from :meth:`TheoryOfChange.change_mark`."""

    log: list[tuple[str, Any]]
    position: int


@attrs.frozen
class Changes:
    """What changed since a mark: node ids and links ``(source, target)``, each either only
    ``updated`` (changed in place) or ``moved`` (added or removed since, and so, if still in
    the map, now after every record that stayed)."""

    nodes: dict[str, str]
    links: dict[tuple[str, str], str]


#: Which node type may link to which: "contributes to" (and the problem "is addressed by").
ALLOWED_LINKS: frozenset[tuple[NodeType, NodeType]] = frozenset(
    {
        (NodeType.ACTIVITY, NodeType.OUTCOME),
        (NodeType.OUTCOME, NodeType.OUTCOME),
        (NodeType.OUTCOME, NodeType.IMPACT),
        (NodeType.PROBLEM, NodeType.IMPACT),
    }
)

# Why a link is refused, for the pairs people most often try.
_REFUSALS: Mapping[tuple[NodeType, NodeType], str] = {
    (NodeType.ACTIVITY, NodeType.IMPACT): "activities reach impact through outcomes; "
    "link the activity to an outcome that leads to the impact",
    (NodeType.ACTIVITY, NodeType.ACTIVITY): "activities link to the outcomes they serve, "
    "not to other activities",
    (NodeType.IMPACT, NodeType.OUTCOME): "links point forwards, from an outcome to the impact "
    "it leads to",
    (NodeType.OUTCOME, NodeType.ACTIVITY): "links point forwards, from an activity to the "
    "outcome it serves",
}

_ID_PREFIX = {
    NodeType.PROBLEM: "P",
    NodeType.IMPACT: "I",
    NodeType.OUTCOME: "O",
    NodeType.ACTIVITY: "A",
}
_ASSUMPTION_PREFIX = "S"
_NODE_CLASSES = (Problem, Impact, Outcome, Activity)
_N = TypeVar("_N", Problem, Impact, Outcome, Activity)


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _graph_changed(graph: Any) -> None:
    """Drop what networkx has cached about ``graph`` (conversions for other backends), as
    its own methods do, after a change made straight in its dicts."""
    cache = getattr(graph, "__networkx_cache__", None)
    if cache:
        cache.clear()


def reach(adjacency: Any, sources: Iterable[str]) -> set[str]:
    """Every node reachable from any of ``sources`` (included), breadth first.

    Pass ``graph.succ`` to walk forwards, ``graph.pred`` to walk backwards.
    """
    seen = set(sources)
    queue = deque(seen)
    while queue:
        for nxt in adjacency[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


class TheoryOfChange:
    """A Theory of Change built by backwards mapping.

    Problem → impacts (project and co-production) → outcomes → activities, linked by
    "contributes to" links that point forwards (activity → outcome → impact)::

        toc = TheoryOfChange(title="Day centre")
        toc.set_problem("People have nowhere to meet")
        imp = toc.add_impact("A day centre people like", kind="coproduction")
        out = toc.add_outcome("Plans made together", kind="coproduction", leads_to=[imp])
        toc.add_activity("Form a co-production group", kind="coproduction", contributes_to=[out])
    """

    def __init__(self, title: str = "Untitled map", *, external_ref: str | None = None) -> None:
        self.title = title
        self.external_ref = external_ref
        self._graph: Any = nx.DiGraph()
        self._problem_id: str | None = None
        self._assumptions: dict[str, Assumption] = {}
        #: The evidence behind the map: survey answers, feedback, measures, consent.
        self.evidence = Evidence()
        self._counters: dict[str, Iterator[int]] = {}
        # Change tracking for stores, which then write only what changed: off until asked.
        self._change_log: list[tuple[str, Any]] | None = None

    # ------------------------------------------------------------------ reading

    def adjacency(self) -> tuple[Any, Any, dict[str, dict[str, Any]]]:
        """The map's successor, predecessor and node-data dicts, for analyses that touch
        every link (see :func:`adjacency_of`). Read them; never write to them."""
        return adjacency_of(self._graph)

    @property
    def graph(self) -> Any:
        """A read-only view of the underlying ``networkx.DiGraph``, for networkx's algorithms.

        Each node has the attribute ``"node"`` (its record) and each edge ``"link"``. The
        view follows the map as it changes, and nothing can change the map through it: adding
        or removing nodes and links raises ``networkx.NetworkXError``, and the attribute
        dicts are read-only. Use ``toc.graph.copy()`` for a graph of your own to change.
        """
        return read_only_view(self._graph)

    # The title and the host's reference are checked whenever they are set, so a map can
    # never be saved with a value it could not be read back with.
    @property
    def title(self) -> str:
        return self._title

    @title.setter
    def title(self, title: str) -> None:
        if not isinstance(title, str) or not title.strip():
            raise ModelError(f"title must be a non-empty string, not {title!r}")
        self._title = clean_text(title, "title")

    @property
    def external_ref(self) -> str | None:
        return self._external_ref

    @external_ref.setter
    def external_ref(self, external_ref: str | None) -> None:
        if external_ref is not None and not isinstance(external_ref, str):
            raise ModelError(f"external_ref must be a string, not {external_ref!r}")
        self._external_ref = (
            None if external_ref is None else clean_text(external_ref, "external_ref")
        )

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._graph

    def __len__(self) -> int:
        return int(self._graph.number_of_nodes())

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes())

    def __getitem__(self, node_id: str) -> Node:
        return self.get(node_id)

    def get(self, node_id: str) -> Node:
        """The record of ``node_id`` (also ``toc[node_id]``); :class:`NodeNotFoundError` if the
        map has no such node. :meth:`impact`, :meth:`outcome` and :meth:`activity` return it
        typed as its record class."""
        try:
            node: Node = self._graph.nodes[node_id]["node"]
        except (KeyError, TypeError):
            raise NodeNotFoundError(str(node_id)) from None
        return node

    def impact(self, node_id: str) -> Impact:
        """The impact ``node_id``.

        :raises NodeNotFoundError: the map has no such node.
        :raises ModelError: the node is of another type ("'O1' is an outcome, not an impact").
        """
        return self._get_typed(node_id, Impact)

    def outcome(self, node_id: str) -> Outcome:
        """The outcome ``node_id``.

        :raises NodeNotFoundError: the map has no such node.
        :raises ModelError: the node is of another type ("'A1' is an activity, not an outcome").
        """
        return self._get_typed(node_id, Outcome)

    def activity(self, node_id: str) -> Activity:
        """The activity ``node_id``.

        :raises NodeNotFoundError: the map has no such node.
        :raises ModelError: the node is of another type ("'O1' is an outcome, not an activity").
        """
        return self._get_typed(node_id, Activity)

    def _get_typed(self, node_id: str, record_class: type[_N]) -> _N:
        """The record of ``node_id`` if it is a ``record_class``, else :class:`ModelError`."""
        node = self.get(node_id)
        if not isinstance(node, record_class):
            raise ModelError(
                f"{node_id!r} is {_a(node.node_type.value)}, not {_a(record_class.node_type.value)}"
            )
        return node

    def nodes(
        self, type: NodeType | str | None = None, *, kind: Kind | str | None = None
    ) -> list[Node]:
        """The nodes in the order they were added, optionally of one type and/or kind."""
        try:
            wanted_type = NodeType(type) if type is not None else None
            wanted_kind = Kind(kind) if kind is not None else None
        except ValueError as exc:
            raise ModelError(str(exc)) from None
        return [
            node
            for _, node in self._graph.nodes(data="node")
            if (wanted_type is None or node.node_type is wanted_type)
            and (wanted_kind is None or getattr(node, "kind", None) is wanted_kind)
        ]

    def find(self, *, external_ref: str) -> list[Any]:
        """The records that carry ``external_ref`` (a host system's reference): nodes, their
        indicators, participants and evidence items, in that order, each in map order.

        A host asks this to learn where one of its own records (a service, a KPI, a person,
        a session) appears in the map.
        """
        if not isinstance(external_ref, str):
            raise ModelError(f"external_ref must be a string, not {external_ref!r}")
        found: list[Any] = []
        indicators: list[Any] = []
        for node in self.nodes():
            if node.external_ref == external_ref:
                found.append(node)
            for indicator in getattr(node, "indicators", ()):
                if indicator.external_ref == external_ref:
                    indicators.append(indicator)
        found += indicators
        found += [p for p in self.evidence.participants if p.external_ref == external_ref]
        found += [item for item in self.evidence.items if item.external_ref == external_ref]
        return found

    @property
    def problem(self) -> Problem | None:
        return None if self._problem_id is None else self._get_typed(self._problem_id, Problem)

    # nodes() of one type holds only records of that type's class.
    def impacts(self, kind: Kind | str | None = None) -> list[Impact]:
        return cast(list[Impact], self.nodes(NodeType.IMPACT, kind=kind))

    def outcomes(self, kind: Kind | str | None = None) -> list[Outcome]:
        return cast(list[Outcome], self.nodes(NodeType.OUTCOME, kind=kind))

    def activities(self, kind: Kind | str | None = None) -> list[Activity]:
        return cast(list[Activity], self.nodes(NodeType.ACTIVITY, kind=kind))

    def links(self) -> list[Link]:
        """Every link, grouped by source in the order the sources were added."""
        return [link for _, _, link in self._graph.edges(data="link")]

    def get_link(self, source: str, target: str) -> Link:
        """The link from ``source`` to ``target``; :class:`LinkError` (``unknown-link``) if none."""
        self.get(source)
        self.get(target)
        try:
            link: Link = self._graph.edges[source, target]["link"]
        except KeyError:
            raise LinkError(
                f"there is no link from {source!r} to {target!r}",
                source,
                target,
                code="unknown-link",
            ) from None
        return link

    def has_link(self, source: str, target: str) -> bool:
        return bool(self._graph.has_edge(source, target))

    def successors(self, node_id: str) -> list[str]:
        """Ids of the nodes ``node_id`` links to directly."""
        self.get(node_id)
        return list(self._graph.successors(node_id))

    def predecessors(self, node_id: str) -> list[str]:
        """Ids of the nodes that link directly to ``node_id``."""
        self.get(node_id)
        return list(self._graph.predecessors(node_id))

    def assumptions(self, attached_to: str | tuple[str, str] | None = None) -> list[Assumption]:
        """All assumptions and enablers, or those attached to one node id or one link."""
        if attached_to is None:
            return list(self._assumptions.values())
        key = (attached_to,) if isinstance(attached_to, str) else tuple(attached_to)
        return [a for a in self._assumptions.values() if a.attached_to == key]

    def get_assumption(self, assumption_id: str) -> Assumption:
        try:
            return self._assumptions[assumption_id]
        except KeyError:
            raise NodeNotFoundError(assumption_id) from None

    # ------------------------------------------------------------------ queries

    def activities_for(self, outcome_id: str, *, direct: bool = False) -> list[str]:
        """Ids of the activities behind an outcome: directly, or also through earlier outcomes."""
        return self._collect(outcome_id, self._graph.pred, NodeType.ACTIVITY, direct)

    def outcomes_served_by(self, activity_id: str, *, direct: bool = False) -> list[str]:
        """Ids of the outcomes an activity serves: directly, or also through later outcomes."""
        return self._collect(activity_id, self._graph.succ, NodeType.OUTCOME, direct)

    def impacts_reached_by(self, node_id: str) -> list[str]:
        """Ids of the impacts a node leads to, through any route."""
        return self._collect(node_id, self._graph.succ, NodeType.IMPACT, direct=False)

    def pathway(self, impact_id: str) -> TheoryOfChange:
        """The part of the map that leads to one impact, as a new map.

        It holds the impact, every outcome and activity with a route to it, the links among
        them, their assumptions, and the problem when it addresses that impact.
        """
        self.impact(impact_id)
        keep = reach(self._graph.pred, [impact_id])
        keep.discard(self._problem_id)
        if self._problem_id is not None and self._graph.has_edge(self._problem_id, impact_id):
            keep.add(self._problem_id)
        return self._restricted_to(keep)

    def _collect(self, start: str, adjacency: Any, wanted: NodeType, direct: bool) -> list[str]:
        self.get(start)
        found = set(adjacency[start]) if direct else reach(adjacency, [start]) - {start}
        nodes = self._graph.nodes
        # Keep the map's own order, so results are stable.
        return [n for n in nodes if n in found and nodes[n]["node"].node_type is wanted]

    # ------------------------------------------------------------------ building

    def set_problem(self, statement: str, *, id: str | None = None, **fields: Any) -> str:
        """Set the map's one problem statement; returns its id.

        A new problem is linked to every impact already in the map; setting it again
        updates the statement and keeps its id and links.
        """
        if self._problem_id is not None:
            if id is not None and id != self._problem_id:
                raise ModelError(
                    f"the map already has problem {self._problem_id!r}; remove it first "
                    f"to give the problem a new id"
                )
            self.update(self._problem_id, statement=statement, **fields)
            return self._problem_id
        problem_id = self.add(
            Problem(id=id or self.new_id(NodeType.PROBLEM), statement=statement, **fields)
        )
        for impact in self.impacts():
            self.link(problem_id, impact.id)
        return problem_id

    def add_impact(
        self, statement: str, *, kind: Kind | str, id: str | None = None, **fields: Any
    ) -> str:
        """Add an impact; the problem, if set, is linked to it. Returns the new id."""
        impact_id = self.add(
            Impact(id=id or self.new_id(NodeType.IMPACT), statement=statement, kind=kind, **fields)
        )
        if self._problem_id is not None:
            self.link(self._problem_id, impact_id)
        return impact_id

    def add_outcome(
        self,
        statement: str,
        *,
        kind: Kind | str,
        horizon: str = "short",
        leads_to: Iterable[str] = (),
        id: str | None = None,
        **fields: Any,
    ) -> str:
        """Add an outcome linked to the impacts or later outcomes in ``leads_to``."""
        record = Outcome(
            id=id or self.new_id(NodeType.OUTCOME),
            statement=statement,
            kind=kind,
            horizon=horizon,
            **fields,
        )
        return self._add_linked(record, targets=leads_to)

    def add_activity(
        self,
        description: str,
        *,
        kind: Kind | str,
        contributes_to: Iterable[str] = (),
        id: str | None = None,
        **fields: Any,
    ) -> str:
        """Add an activity linked to the outcomes in ``contributes_to``."""
        record = Activity(
            id=id or self.new_id(NodeType.ACTIVITY), description=description, kind=kind, **fields
        )
        return self._add_linked(record, targets=contributes_to)

    def _add_linked(self, record: Node, *, targets: Iterable[str]) -> str:
        if isinstance(targets, str):
            raise ModelError(
                f"links of {record.id!r} must be a list of ids, not the string {targets!r}"
            )
        targets = list(targets)
        self.add(record)
        try:
            for target in targets:
                self.link(record.id, target)
        except Exception:
            self.remove(record.id)  # all or nothing
            raise
        return record.id

    def add(self, node: Node) -> str:
        """Add a ready-made node record (no links); returns its id."""
        self.add_many([node])
        return node.id

    def add_many(self, nodes: Iterable[Node]) -> int:
        """Add many ready-made node records (no links) at once, as reading a file does. Each
        is checked exactly as :meth:`add` checks it. All or nothing: if one is refused, none
        is added.

        :returns: how many nodes were added.
        :raises DuplicateNodeError: an id is taken (by a node, an assumption, or another
            record in ``nodes``).
        :raises ModelError: a record is not a node, or would be a second problem.
        """
        # Written straight into networkx's own dicts, as add_nodes_from does (see link_many).
        graph = self._graph
        present, succ, pred = graph._node, graph._succ, graph._pred
        records = nodes if isinstance(nodes, list) else list(nodes)
        problem_before = self._problem_id
        made = 0
        try:
            for node in records:
                if type(node) not in _NODE_CLASSES and not isinstance(node, _NODE_CLASSES):
                    raise ModelError(
                        f"expected a Problem, Impact, Outcome or Activity, not {node!r}"
                    )
                node_id = node.id
                if node_id in present or node_id in self._assumptions:
                    raise DuplicateNodeError(node_id)
                if isinstance(node, Problem):
                    if self._problem_id is not None:
                        raise ModelError(
                            f"the map already has a problem ({self._problem_id!r}); "
                            f"a map has one problem"
                        )
                    self._problem_id = node_id
                succ[node_id], pred[node_id], present[node_id] = {}, {}, {"node": node}
                made += 1
        except BaseException:
            for node in itertools.islice(records, made):  # all or nothing
                del succ[node.id], pred[node.id], present[node.id]
            self._problem_id = problem_before
            raise
        finally:
            _graph_changed(graph)
        if self._change_log is not None:
            self._change_log.extend((_MOVED, node.id) for node in records)
        return made

    def update(self, node_id: str, **changes: Any) -> Node:
        """Change fields of a node; returns the new record.

        Links stay; a change that would make one of them disallowed (an outcome's horizon
        moved before an outcome that leads to it) is refused and nothing changes.
        """
        current = self.get(node_id)
        if "id" in changes and changes["id"] != node_id:
            raise ModelError("a node's id cannot be changed; add a new node instead")
        try:
            new = attrs.evolve(current, **changes)
        except TypeError as exc:
            raise ModelError(f"{node_id!r}: {exc}") from None
        for source in self._graph.predecessors(node_id):
            self._check_link(self.get(source), new)
        for target in self._graph.successors(node_id):
            self._check_link(new, self.get(target))
        self._graph.nodes[node_id]["node"] = new
        self._note(_UPDATED, node_id)
        return new

    def remove(self, node_id: str) -> None:
        """Remove a node with its links and the assumptions attached to them."""
        self.get(node_id)
        for assumption in list(self._assumptions.values()):
            if node_id in assumption.attached_to:
                del self._assumptions[assumption.id]
        if self._change_log is not None:
            for source in self._graph._pred[node_id]:
                self._note(_MOVED, (source, node_id))
            for target in self._graph._succ[node_id]:
                self._note(_MOVED, (node_id, target))
            self._note(_MOVED, node_id)
        self._graph.remove_node(node_id)
        if node_id == self._problem_id:
            self._problem_id = None

    def link(
        self,
        source: str,
        target: str,
        *,
        level: int | None = None,
        rationale: str | None = None,
        evidence: Iterable[str] = (),
    ) -> Link:
        """Link ``source`` to ``target`` ("contributes to"); returns the link.

        :raises LinkError: the pair is not in :data:`ALLOWED_LINKS`, an outcome would lead to
            an earlier-horizon outcome, a node would link to itself, or the link exists.
        """
        payload = {"level": level, "rationale": rationale, "evidence": evidence}
        self.link_many([(source, target, payload)])
        return self._graph._succ[source][target]["link"]  # type: ignore[no-any-return]

    def link_many(self, links: Iterable[tuple[str, str, Mapping[str, Any]]]) -> int:
        """Make many links at once, as reading a file does: ``(source, target, payload)``
        each, the payload holding ``level``, ``rationale`` or ``evidence``. Each is checked
        exactly as :meth:`link` checks it. All or nothing: if one is refused, none is made.

        :returns: how many links were made.
        :raises LinkError: as :meth:`link` does, for the first link refused.
        """
        # Written straight into networkx's own dicts, as add_edges_from does: reading a
        # large map makes hundreds of thousands of links, and its per-edge checks cost more
        # than everything else here. A duplicate (already linked, or twice in ``links``) is
        # then one lookup.
        graph = self._graph
        nodes, succ, pred = graph._node, graph._succ, graph._pred
        check = self._check_link
        links = links if isinstance(links, list) else list(links)
        made = 0
        try:
            for source, target, payload in links:
                try:
                    source_node, target_node = nodes[source]["node"], nodes[target]["node"]
                except (KeyError, TypeError):
                    self.get(source)
                    self.get(target)
                    raise
                check(source_node, target_node)
                out = succ[source]
                if target in out:
                    raise LinkError(
                        f"{source!r} already links to {target!r}; use update_link to change it",
                        source,
                        target,
                        code="duplicate-link",
                    )
                out[target] = pred[target][source] = {
                    "link": Link(source=source, target=target, **payload)
                }
                made += 1
        except BaseException:
            for source, target, _ in itertools.islice(links, made):  # all or nothing
                del succ[source][target], pred[target][source]
            raise
        finally:
            _graph_changed(graph)
        if self._change_log is not None:
            self._change_log.extend((_MOVED, (s, t)) for s, t, _ in links)
        return made

    def update_link(self, source: str, target: str, **changes: Any) -> Link:
        """Change a link's level, rationale or evidence; returns the new link."""
        current = self.get_link(source, target)
        if {"source", "target"} & changes.keys():
            raise ModelError("a link's ends cannot be changed; unlink and link again")
        try:
            new = attrs.evolve(current, **changes)
        except TypeError as exc:
            raise ModelError(f"link {source!r} -> {target!r}: {exc}") from None
        self._graph.edges[source, target]["link"] = new
        self._note(_UPDATED, (source, target))
        return new

    def erase_participant(self, participant: str) -> int:
        """Remove one person from the map: their evidence, responses, consent and logbook
        entries go, shared evidence keeps the others, and a link's reference to a record
        that went is removed. Returns how many records (evidence and links) changed.

        ``participant`` is their pseudonym. Every store erases the same way in each version
        it keeps (``ct.erase_participant(store, participant)``).
        """
        touched, gone = self.evidence.erase(participant)
        if gone:
            for source, target, link in list(self._graph.edges(data="link")):
                kept = without_evidence(link.evidence, gone)
                if kept is not link.evidence:
                    self.update_link(source, target, evidence=kept)
                    touched += 1
        return touched

    def unlink(self, source: str, target: str) -> None:
        """Remove the link from ``source`` to ``target`` and the assumptions attached to it."""
        self.get_link(source, target)
        self._graph.remove_edge(source, target)
        self._note(_MOVED, (source, target))
        for assumption in list(self._assumptions.values()):
            if assumption.attached_to == (source, target):
                del self._assumptions[assumption.id]

    def add_assumption(
        self, text: str, attached_to: str | tuple[str, str], *, id: str | None = None, **fields: Any
    ) -> str:
        """Attach an assumption or enabler to a node id or to a link ``(source, target)``."""
        key = (attached_to,) if isinstance(attached_to, str) else tuple(attached_to)
        assumption = Assumption(
            id=id or self.new_id(_ASSUMPTION_PREFIX), text=text, attached_to=key, **fields
        )
        self.add_assumption_record(assumption)
        return assumption.id

    def add_assumption_record(self, assumption: Assumption) -> None:
        """Add a ready-made :class:`Assumption`; its node or link must exist."""
        if assumption.id in self._assumptions or assumption.id in self._graph:
            raise DuplicateNodeError(assumption.id)
        if len(assumption.attached_to) == 1:
            self.get(assumption.attached_to[0])
        else:
            self.get_link(*assumption.attached_to)
        self._assumptions[assumption.id] = assumption

    def remove_assumption(self, assumption_id: str) -> None:
        self.get_assumption(assumption_id)
        del self._assumptions[assumption_id]

    def assess(self, outcome_id: str, *, status: str, date: Any, **fields: Any) -> Assessment:
        """Record an assessment of an achievement (a short-term outcome); returns it.

        ``breakdown`` may cite only activities that lead to this achievement, directly or
        through earlier outcomes; anything else raises :class:`ModelError`
        (code ``breakdown-not-linked``) and nothing is recorded.
        """
        outcome = self.outcome(outcome_id)
        assessment = Assessment(status=status, date=date, **fields)
        unlinked = self.unlinked_breakdown(outcome_id, assessment)
        if unlinked:
            raise ModelError(
                f"the breakdown of {outcome_id!r} cites {', '.join(unlinked)}, which "
                f"{'does' if len(unlinked) == 1 else 'do'} not lead to it",
                code="breakdown-not-linked",
            )
        self.update(outcome_id, assessments=(*outcome.assessments, assessment))
        return assessment

    def unlinked_breakdown(self, outcome_id: str, assessment: Assessment) -> list[str]:
        """The activity ids an assessment's breakdown cites that do not lead to the outcome."""
        behind = set(self.activities_for(outcome_id))
        return [item.activity for item in assessment.breakdown if item.activity not in behind]

    # ------------------------------------------------------------------ rules

    @staticmethod
    def _check_link(source: Node, target: Node) -> None:
        pair = (source.node_type, target.node_type)
        if source.id == target.id:
            raise LinkError(
                f"{source.id!r} cannot link to itself", source.id, target.id, code="self-link"
            )
        if pair not in ALLOWED_LINKS:
            why = _REFUSALS.get(pair, "that kind of link is not part of a Theory of Change")
            raise LinkError(
                f"{_a(pair[0].value)} cannot link to {_a(pair[1].value)} "
                f"({source.id} -> {target.id}): {why}",
                source.id,
                target.id,
                code="edge-not-allowed",
            )
        if (
            isinstance(source, Outcome)
            and isinstance(target, Outcome)
            and source.horizon.rank > target.horizon.rank
        ):
            raise LinkError(
                f"outcome {source.id!r} ({source.horizon.value}-term) cannot lead to outcome "
                f"{target.id!r} ({target.horizon.value}-term): outcomes lead to outcomes of the "
                f"same or a longer horizon",
                source.id,
                target.id,
                code="horizon-backwards",
            )

    def new_id(self, key: NodeType | str) -> str:
        """An id no node or assumption uses yet: ``I3`` for an impact, ``S2`` for prefix ``S``."""
        prefix = _ID_PREFIX[key] if isinstance(key, NodeType) else key
        counter = self._counters.setdefault(prefix, itertools.count(1))
        while True:
            candidate = f"{prefix}{next(counter)}"
            if candidate not in self._graph and candidate not in self._assumptions:
                return candidate

    # ------------------------------------------------------------------ whole map

    def _restricted_to(self, keep: set[str]) -> TheoryOfChange:
        new = TheoryOfChange(self.title, external_ref=self.external_ref)
        for node_id, node in self._graph.nodes(data="node"):
            if node_id in keep:
                new.add(node)
        for source, target, link in self._graph.edges(data="link"):
            if source in keep and target in keep:
                new._graph.add_edge(source, target, link=link)  # already checked here
        for assumption in self._assumptions.values():
            if all(n in keep for n in assumption.attached_to):
                new._assumptions[assumption.id] = assumption
        new.evidence = self.evidence.copy()
        return new

    # ------------------------------------------------------------------ change tracking

    def change_mark(self, *, restart: bool = False) -> ChangeMark:
        """Mark the map as it is now, so that :meth:`changed_since` can later name what
        changed: how a store writes only what changed since it last saved or loaded the map.

        The first call starts tracking (one small entry per change). ``restart=True`` drops
        what was tracked before: older marks then answer ``None``.
        """
        if self._change_log is None or restart:
            self._change_log = []
        return ChangeMark(self._change_log, len(self._change_log))

    def changed_since(self, mark: ChangeMark) -> Changes | None:
        """What changed since ``mark``, or ``None`` if that cannot be told (a mark of another
        map, or from before a restart)."""
        log = self._change_log
        if log is None or mark.log is not log:
            return None
        nodes: dict[str, str] = {}
        links: dict[tuple[str, str], str] = {}
        for what, key in itertools.islice(log, mark.position, None):
            changed = links if isinstance(key, tuple) else nodes
            if changed.get(key) != _MOVED:
                changed[key] = what
        return Changes(nodes, links)

    def _note(self, what: str, key: str | tuple[str, str]) -> None:
        if self._change_log is not None:
            self._change_log.append((what, key))

    def copy(self) -> TheoryOfChange:
        """An independent copy: changing one map never changes the other."""
        return self._restricted_to(set(self._graph))

    def __copy__(self) -> TheoryOfChange:
        return self.copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> TheoryOfChange:
        return self.copy()  # records are immutable, so sharing them is safe

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TheoryOfChange):
            return NotImplemented
        return (
            self.title == other.title
            and self.external_ref == other.external_ref
            and dict(self._graph.nodes(data="node")) == dict(other._graph.nodes(data="node"))
            and _edge_map(self._graph) == _edge_map(other._graph)
            and self._assumptions == other._assumptions
            and self.evidence == other.evidence
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def summary(self) -> str:
        """``1 problem, 2 impacts, 9 outcomes, 13 activities, 36 links``."""
        counts = {t: 0 for t in NodeType}
        for _, node in self._graph.nodes(data="node"):
            counts[node.node_type] += 1
        parts = [_count(n, t.value) for t, n in counts.items()]
        return ", ".join([*parts, _count(self._graph.number_of_edges(), "link")])

    def __repr__(self) -> str:
        return f"<TheoryOfChange {self.title!r}: {self.summary()}>"

    #: Nodes a notebook lists per column before it says how many more there are.
    REPR_NODES = 30

    def _repr_html_(self) -> str:
        """How a notebook shows the map: its title and counts, then its nodes in the four
        columns of backwards mapping, escaped. The whole report in a notebook is
        ``IPython.display.HTML(ct.render(toc, "html", fragment=True))``."""
        columns = []
        for node_type, heading in (
            (NodeType.PROBLEM, "Problem"),
            (NodeType.IMPACT, "Impacts"),
            (NodeType.OUTCOME, "Outcomes"),
            (NodeType.ACTIVITY, "Activities"),
        ):
            nodes = self.nodes(node_type)
            items = "".join(
                f"<li><strong>{escape(n.id)}</strong> {escape(n.text)}</li>"
                for n in nodes[: self.REPR_NODES]
            )
            more = len(nodes) - self.REPR_NODES
            if more > 0:
                items += f"<li>… and {more} more</li>"
            columns.append((heading, f"<ul>{items}</ul>" if items else "–"))
        head = "".join(f"<th>{heading}</th>" for heading, _ in columns)
        cells = "".join(f'<td style="vertical-align: top">{cell}</td>' for _, cell in columns)
        return (
            f"<p><strong>{escape(self.title)}</strong>: {escape(self.summary())}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody><tr>{cells}</tr></tbody></table>"
        )


def _count(number: int, noun: str) -> str:
    """``1 activity``, ``13 activities``."""
    if number == 1:
        return f"{number} {noun}"
    return f"{number} {noun[:-1]}ies" if noun.endswith("y") else f"{number} {noun}s"


def _edge_map(graph: Any) -> dict[tuple[str, str], Link]:
    return {(s, t): link for s, t, link in graph.edges(data="link")}


class FrozenDict(dict[Any, Any]):
    """A copy of one node's or link's attribute dict that refuses every change. Copying,
    pickling and deep copies give a plain dict, so networkx's own copies stay usable."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("the map's graph view is read-only: use toc.graph.copy() to change a graph")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def copy(self) -> dict[Any, Any]:
        return dict(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))


class _ReadOnly(Mapping[Any, Any]):
    """networkx's dict of attribute dicts (``depth`` 1) or of neighbour dicts (2), read-only
    at every level: what a read-only view puts where networkx keeps its dicts."""

    __slots__ = ("_data", "_depth")

    def __init__(self, data: dict[Any, Any], depth: int) -> None:
        self._data = data
        self._depth = depth

    def __getitem__(self, key: Any) -> Any:
        value = self._data[key]
        # A node's or link's attribute dict holds one record, so copying it is cheap.
        return FrozenDict(value) if self._depth == 1 else _ReadOnly(value, 1)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def copy(self) -> dict[Any, Any]:
        """Plain dicts of new attribute dicts, as networkx's own copies make them."""
        if self._depth == 1:
            return {key: dict(value) for key, value in self._data.items()}
        return {key: _ReadOnly(value, 1).copy() for key, value in self._data.items()}

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (self.copy(),))


class _ReadOnlyGraph(nx.DiGraph):  # type: ignore[misc]
    """A frozen DiGraph over a map's own dicts. What networkx makes from it (copies,
    reversed or undirected graphs, pickles) is an ordinary graph of its own."""

    def copy(self, as_view: bool = False) -> Any:
        """An ordinary ``networkx.DiGraph`` of its own (or, ``as_view``, a view of this)."""
        if as_view:
            return super().copy(as_view=True)
        graph = nx.DiGraph()
        graph.graph.update(self.graph)
        graph.add_nodes_from((node, dict(data)) for node, data in self._node._data.items())
        graph.add_edges_from(
            (source, target, dict(data))
            for source, targets in self._succ._data.items()
            for target, data in targets.items()
        )
        return graph

    def __reduce__(self) -> tuple[Any, ...]:
        return (nx.DiGraph, (self.copy(),))

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return self.copy()

    def reverse(self, copy: bool = True) -> Any:
        return self.copy().reverse() if copy else super().reverse(copy=False)

    def to_undirected(self, reciprocal: bool = False, as_view: bool = False) -> Any:
        if as_view:
            return super().to_undirected(reciprocal=reciprocal, as_view=True)
        return self.copy().to_undirected(reciprocal=reciprocal)

    def to_directed(self, as_view: bool = False) -> Any:
        return super().to_directed(as_view=True) if as_view else self.copy()


def read_only_view(graph: Any) -> Any:
    """A frozen graph over ``graph``'s own dicts, wrapped read-only: structure and attributes
    follow ``graph``; nothing written through the view reaches it. O(1) to make."""
    view = _ReadOnlyGraph()
    view._node = _ReadOnly(graph._node, 1)
    view._succ = view._adj = _ReadOnly(graph._succ, 2)
    view._pred = _ReadOnly(graph._pred, 2)
    view.graph = FrozenDict(graph.graph)
    return nx.freeze(view)


def adjacency_of(graph: Any) -> tuple[Any, Any, dict[str, dict[str, Any]]]:
    """networkx's own successor, predecessor and node-data dicts of ``graph`` (a map's
    graph or a view of it), read-only by convention.

    The public views (``graph.succ``) wrap every access in a Python-level object; the
    analyses that touch every link read the dicts underneath, which networkx has kept as
    ``_succ``, ``_pred`` and ``_node`` since 2.0. This module is the one place that reaches
    into networkx's internals.
    """
    return graph._succ, graph._pred, graph._node
