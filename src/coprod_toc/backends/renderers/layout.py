"""Where each box and arrow of the HTML report's inline SVG goes: four columns, no Graphviz.

Columns follow backwards mapping (problem, impacts, outcomes, activities) from left to
right, with arrows pointing left, from activities towards the impacts. Within a column,
boxes are ordered to cross few arrows: a first pass by the mean position of what they lead
to, then barycentre sweeps right and left with neighbour swaps, kept while the count of
crossings falls. Each sweep is a sort per column and a bounded number of swap passes; each
count is a sort and a Fenwick tree per pair of columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from coprod_toc.backends.renderers._view import MapView, node_caption, style_name, wrap
from coprod_toc.model import Link, Node

__all__ = [
    "Box",
    "Edge",
    "Layout",
    "arrows_between_columns",
    "crossings",
    "fewer_crossings",
    "first_order",
    "lay_out",
]

BOX_WIDTH = 250
COLUMN_GAP = 110
LINE_HEIGHT = 16
TEXT_LINES = 4
CHARS_PER_LINE = 34
BOX_GAP = 14
MARGIN = 24
HEADING_HEIGHT = 36


@attrs.frozen
class Box:
    node_id: str
    x: float
    y: float
    width: float
    height: float
    #: ``project``, ``coproduction`` or ``problem``: the CSS class and the shape.
    style: str
    caption: tuple[str, ...]
    lines: tuple[str, ...]
    full_text: str


@attrs.frozen
class Edge:
    path: str
    style: str  # "link" or "addresses"


@attrs.frozen
class Layout:
    width: float
    height: float
    headings: tuple[tuple[float, str], ...]
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]


def lay_out(view: MapView) -> Layout:
    """Place every node of ``view`` in its column and draw every link between them."""
    first = first_order(view)
    orders = fewer_crossings(first, arrows_between_columns(first, view.links))
    boxes: dict[str, Box] = {}
    headings = []
    x = MARGIN
    height = 0.0
    for column, nodes in zip(view.columns, orders, strict=True):
        if not nodes:
            continue
        headings.append((x + BOX_WIDTH / 2, column.heading))
        y = MARGIN + HEADING_HEIGHT
        for node in nodes:
            caption = tuple(wrap(f"{node.id} · {node_caption(node)}", CHARS_PER_LINE, 2))
            lines = tuple(wrap(node.text, CHARS_PER_LINE, TEXT_LINES))
            box_height = (len(caption) + len(lines)) * LINE_HEIGHT + 16
            boxes[node.id] = Box(
                node.id,
                x,
                y,
                BOX_WIDTH,
                box_height,
                style_name(node),
                caption,
                lines,
                node.text,
            )
            y += box_height + BOX_GAP
        height = max(height, y)
        x += BOX_WIDTH + COLUMN_GAP
    edges = []
    for link in view.links:
        source = boxes[link.source]
        style = "addresses" if source.style == "problem" else "link"
        edges.append(Edge(_arrow(source, boxes[link.target]), style))
    width = x - COLUMN_GAP + MARGIN if boxes else 2 * MARGIN
    return Layout(
        width,
        max(height, 2 * MARGIN) + MARGIN,
        tuple(headings),
        tuple(boxes.values()),
        tuple(edges),
    )


def _ordered(
    nodes: tuple[Node, ...], targets: dict[str, list[str]], position: dict[str, float]
) -> list[Node]:
    """Nodes sorted by the mean position of the nodes they lead to in earlier columns."""

    def key(item: tuple[int, Node]) -> tuple[float, int]:
        index, node = item
        placed = [position[t] for t in targets.get(node.id, ()) if t in position]
        return (sum(placed) / len(placed) if placed else float("inf"), index)

    return [node for _, node in sorted(enumerate(nodes), key=key)]


#: Sweeps after the first ordering; each must cut crossings for the next to run.
MAX_SWEEPS = 12
#: Passes of neighbour swaps per column and sweep: a few settle most ties, and a bound
#: keeps a dense map's layout from growing with the square of its columns.
SWAP_PASSES = 2


def first_order(view: MapView) -> list[list[Node]]:
    """Each column (empty ones too) ordered by the mean position of what its boxes lead to
    in the columns before it: the start the sweeps improve on."""
    targets: dict[str, list[str]] = {}
    for link in view.links:
        targets.setdefault(link.source, []).append(link.target)
    position: dict[str, float] = {}
    first = []
    for column in view.columns:
        nodes = _ordered(column.nodes, targets, position)
        position.update((node.id, index) for index, node in enumerate(nodes))
        first.append(nodes)
    return first


def arrows_between_columns(
    columns: Sequence[Sequence[Node]], links: Iterable[Link]
) -> list[tuple[str, str]]:
    """``(left end, right end)`` of every arrow between neighbouring columns; arrows within
    a column (outcome to outcome) are drawn beside it and cross nothing counted here."""
    column_of = {node.id: c for c, nodes in enumerate(columns) for node in nodes}
    pairs = []
    for link in links:
        source, target = link.source, link.target
        if column_of[source] == column_of[target] + 1:
            pairs.append((target, source))
        elif column_of[target] == column_of[source] + 1:
            pairs.append((source, target))
    return pairs


def fewer_crossings(
    columns: Sequence[Sequence[Node]], pairs: Sequence[tuple[str, str]]
) -> list[list[Node]]:
    """The columns reordered by barycentre sweeps (each column by the mean position of its
    neighbours in the column before it, then in the column after it), repeated while the
    number of crossing ``pairs`` (:func:`arrows_between_columns`) falls."""
    before: dict[str, list[str]] = {}  # neighbours in the column to the left
    after: dict[str, list[str]] = {}  # and to the right
    for left, right in pairs:
        after.setdefault(left, []).append(right)
        before.setdefault(right, []).append(left)
    orders = [list(nodes) for nodes in columns]
    best, fewest = [list(o) for o in orders], crossings(orders, pairs)
    for _ in range(MAX_SWEEPS):
        for c in range(1, len(orders)):
            orders[c] = _by_barycentre(orders[c], before, orders[c - 1])
        for c in range(len(orders) - 2, -1, -1):
            orders[c] = _by_barycentre(orders[c], after, orders[c + 1])
        for c in range(len(orders)):
            _swap_neighbours(orders, c, before, after)
        count = crossings(orders, pairs)
        if count >= fewest:
            break
        best, fewest = [list(o) for o in orders], count
    return best


def _by_barycentre(
    nodes: list[Node], neighbours: dict[str, list[str]], beside: list[Node]
) -> list[Node]:
    """``nodes`` sorted by the mean position of their neighbours in ``beside``; a node
    with none keeps its place (its own position, on the same scale)."""
    place = {node.id: i for i, node in enumerate(beside)}
    scale = len(beside) / max(len(nodes), 1)

    def key(item: tuple[int, Node]) -> tuple[float, int]:
        index, node = item
        placed = [place[n] for n in neighbours.get(node.id, ()) if n in place]
        return (sum(placed) / len(placed) if placed else index * scale, index)

    return [node for _, node in sorted(enumerate(nodes), key=key)]


def _swap_neighbours(
    orders: list[list[Node]], c: int, before: dict[str, list[str]], after: dict[str, list[str]]
) -> None:
    """Swap neighbouring boxes of column ``c`` wherever that crosses fewer arrows, pass
    after pass while any swap helps (what a barycentre cannot see: ties and near-ties)."""
    place = {node.id: i for nodes in orders for i, node in enumerate(nodes)}
    nodes = orders[c]

    def cost(first: str, second: str) -> int:
        # Arrows of ``first`` and ``second`` that cross with ``first`` placed above.
        total = 0
        for side in (before, after):
            ends = [place[n] for n in side.get(second, ())]
            for mine in side.get(first, ()):
                total += sum(1 for other in ends if place[mine] > other)
        return total

    for _ in range(SWAP_PASSES):
        swapped = False
        for i in range(len(nodes) - 1):
            u, v = nodes[i].id, nodes[i + 1].id
            if cost(v, u) < cost(u, v):
                nodes[i], nodes[i + 1] = nodes[i + 1], nodes[i]
                place[u], place[v] = i + 1, i
                swapped = True
        if not swapped:
            break


def crossings(orders: Sequence[Sequence[Node]], pairs: Sequence[tuple[str, str]]) -> int:
    """How many pairs of arrows between neighbouring columns cross: two arrows between the
    same two columns cross when their ends are in opposite orders (as Graphviz counts)."""
    place = {node.id: i for nodes in orders for i, node in enumerate(nodes)}
    column_of = {node.id: c for c, nodes in enumerate(orders) for node in nodes}
    by_columns: dict[int, list[tuple[int, int]]] = {}
    for left, right in pairs:
        by_columns.setdefault(column_of[left], []).append((place[left], place[right]))
    total = 0
    for ends in by_columns.values():
        ends.sort()
        size = max(end for _, end in ends) + 2
        tree = [0] * size  # a Fenwick tree of right ends seen so far
        for seen, (_, end) in enumerate(ends):
            at, not_after = end + 1, 0
            while at > 0:  # how many seen so far end at or above this one
                not_after += tree[at]
                at -= at & -at
            total += seen - not_after  # those ending below it cross it
            at = end + 1
            while at < size:
                tree[at] += 1
                at += at & -at
    return total


def _arrow(source: Box, target: Box) -> str:
    """An SVG path from ``source`` to the near side of ``target``; a link within a column
    bows out to the left."""
    sx, sy = source.x, source.y + source.height / 2
    ty = target.y + target.height / 2
    if target.x > source.x:  # the problem, leftmost, to an impact
        sx += source.width
        tx = target.x
        bend = (tx - sx) / 2
        return _curve(sx, sy, sx + bend, tx - bend, tx, ty)
    if target.x < source.x:
        tx = target.x + target.width
        bend = (sx - tx) / 2
        return _curve(sx, sy, sx - bend, tx + bend, tx, ty)
    tx = target.x
    reach = min(COLUMN_GAP * 0.8, 30 + abs(ty - sy) / 8)
    return _curve(sx, sy, sx - reach, tx - reach, tx, ty)


def _curve(sx: float, sy: float, c1: float, c2: float, tx: float, ty: float) -> str:
    """A cubic curve leaving and arriving horizontally (control points at ``c1``, ``c2``)."""
    return f"M{sx:.0f},{sy:.0f} C{c1:.0f},{sy:.0f} {c2:.0f},{ty:.0f} {tx:.0f},{ty:.0f}"
