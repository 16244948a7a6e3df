"""Whole-graph traversals shared by the analyses: each is one pass over nodes and links.

Never a path search per node: the forward facts come from one topological sweep (Kahn's
algorithm) that carries reachability flags along, the backward facts from one breadth-first
search from all targets at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import attrs
import networkx as nx

from coprod_toc.errors import CycleError
from coprod_toc.graph import TheoryOfChange, reach

__all__ = [
    "ForwardSweep",
    "bits",
    "impact_masks",
    "reach",
    "sweep_forward",
    "topological_order",
]


Adjacency = dict[str, dict[str, Any]]


@attrs.frozen
class ForwardSweep:
    """What one forward sweep learnt.

    ``order`` is a topological order of the acyclic part; ``cycles`` lists the strongly
    connected groups of two or more nodes; ``reached[name]`` is the set of nodes reachable
    from the seed set of that name.
    """

    order: tuple[str, ...]
    cycles: tuple[frozenset[str], ...]
    reached: dict[str, set[str]]


def sweep_forward(toc: TheoryOfChange, seeds: dict[str, Iterable[str]]) -> ForwardSweep:
    """Topologically sort the map and carry each named seed set forward along the links.

    A node's flags are final when it leaves the queue, because all of its predecessors have
    left before it. Nodes on or after a cycle never leave; for them (only when there is a
    cycle) the reachability is completed by a plain search and the cycles are found by
    strongly connected components over just the stuck nodes.
    """
    succ, pred, _ = toc.adjacency()
    indegree = dict(zip(pred, map(len, pred.values()), strict=True))
    ready = [node for node, degree in indegree.items() if degree == 0]
    seed_sets = {name: frozenset(nodes) for name, nodes in seeds.items()}
    flags = {name: set(nodes) for name, nodes in seed_sets.items()}
    flag_sets = list(flags.values())
    order: list[str] = []
    while ready:
        node = ready.pop()
        order.append(node)
        successors = succ[node]
        for flagged in flag_sets:
            if node in flagged:
                flagged.update(successors)
        for nxt in successors:
            left = indegree[nxt] - 1
            indegree[nxt] = left
            if left == 0:
                ready.append(nxt)

    cycles: tuple[frozenset[str], ...] = ()
    if len(order) < len(indegree):
        stuck = toc.graph.subgraph(node for node, degree in indegree.items() if degree > 0)
        cycles = tuple(
            frozenset(group) for group in nx.strongly_connected_components(stuck) if len(group) > 1
        )
        flags = {name: reach(succ, nodes) for name, nodes in seed_sets.items()}
    return ForwardSweep(order=tuple(order), cycles=cycles, reached=flags)


def topological_order(toc: TheoryOfChange) -> list[str]:
    """Every node, each after all that link to it.

    :raises CycleError: naming the nodes of one circle.
    """
    sweep = sweep_forward(toc, {})
    if sweep.cycles:
        smallest = min(sweep.cycles, key=_smallest_first)
        members = tuple(sorted(smallest))
        raise CycleError(
            f"links go round in a circle through {', '.join(members)}; remove one of them",
            members,
        )
    return list(sweep.order)


def _smallest_first(group: frozenset[str]) -> tuple[int, list[str]]:
    return len(group), sorted(group)


def impact_masks(toc: TheoryOfChange, order: list[str], impacts: list[str]) -> dict[str, int]:
    """For each node, a bit mask of the impacts it leads to (bit i stands for ``impacts[i]``).

    One backward pass in reverse topological ``order``: a node reaches what its successors
    reach. Python's integers make the masks any width.
    """
    succ = toc.adjacency()[0]
    bit = {impact: 1 << i for i, impact in enumerate(impacts)}
    masks: dict[str, int] = {}
    for node_id in reversed(order):
        mask = bit.get(node_id, 0)
        for nxt in succ[node_id]:
            mask |= masks[nxt]
        masks[node_id] = mask
    return masks


def bits(mask: int) -> Iterator[int]:
    """The positions of the set bits of ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
