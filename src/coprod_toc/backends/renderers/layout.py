"""Where each box and arrow of the HTML report's inline SVG goes: four columns, no Graphviz.

Columns follow backwards mapping (problem, impacts, outcomes, activities) from left to
right, with arrows pointing left, from activities towards the impacts. Within a column,
boxes are ordered to cross few arrows: a first pass by the mean position of what they lead
to, then barycentre sweeps right and left with neighbour swaps, kept while the count of
crossings falls. Each sweep is a sort per column and a bounded number of swap passes; each
count is a sort and a Fenwick tree per pair of columns.

An outcome that leads to other outcomes stands to the right of them, in a lane of the
outcomes column of its own (its *rank*), so every arrow points left and none loops back.
The outcomes keep one top-to-bottom order across their lanes, each box in a band of height
no other shares; an arrow crosses a lane only along its own end's band, so no arrow passes
through a box. Labels are wrapped with measured widths (``measure.py``) and never leave
their boxes; a label too long for :data:`TEXT_LINES` lines is cut with "…", and its box is
a link to the full text in "The map in words".
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

import attrs

from coprod_toc.backends.renderers._view import MapView, node_caption, style_name
from coprod_toc.backends.renderers.measure import wrap_to_width
from coprod_toc.model import Link, Node, NodeType

__all__ = [
    "Box",
    "Edge",
    "Layout",
    "arrow",
    "arrows_between_columns",
    "crossings",
    "fewer_crossings",
    "first_order",
    "lay_out",
    "outcome_ranks",
]

BOX_WIDTH = 200
#: Lanes of the outcomes column at most: short-, medium- and long-term chains, and one more.
MAX_LANES = 4
#: Between the four columns, and between the lanes of the outcomes column.
COLUMN_GAP = 72
LANE_GAP = 44
FONT_SIZE = 13  # pixels, as report.css sets for the boxes
LINE_HEIGHT = 17
PADDING = 9  # inside a box, around its text
#: Lines of a box's caption (its id and what it is) and of its statement before a cut.
CAPTION_LINES = 3
TEXT_LINES = 8
BOX_GAP = 14
MARGIN = 24
HEADING_HEIGHT = 36


@attrs.frozen
class Box:
    node_id: str
    node_type: NodeType
    x: float
    y: float
    width: float
    height: float
    #: ``project``, ``coproduction`` or ``problem``: the CSS class and the shape.
    style: str
    caption: tuple[str, ...]
    lines: tuple[str, ...]
    #: The caption and the statement as they are, before any cut.
    full_caption: str
    full_text: str
    #: Whether the caption or the statement was cut with "…" to fit.
    cut: bool = False

    @property
    def text_x(self) -> float:
        return self.x + PADDING

    @property
    def baseline(self) -> float:
        """Where the first line of text sits: a font size below the padding."""
        return self.y + PADDING + FONT_SIZE


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
    ranks = outcome_ranks(view)
    labels = [[_Label.of(node) for node in nodes] for nodes in orders]
    heights = [sum(label.height + BOX_GAP for label in column) - BOX_GAP for column in labels]
    tallest = max(heights, default=0.0)
    boxes: dict[str, Box] = {}
    headings = []
    x = MARGIN
    for column, column_labels, column_height in zip(view.columns, labels, heights, strict=True):
        if not column_labels:
            continue
        lanes = 1 + max((_lane(ranks, label.node) for label in column_labels), default=0)
        span = lanes * BOX_WIDTH + (lanes - 1) * LANE_GAP
        headings.append((x + span / 2, column.heading))
        # Shorter columns are centred on the tallest, so their arrows fan out both ways.
        y = MARGIN + HEADING_HEIGHT + (tallest - column_height) / 2
        for label in column_labels:
            node = label.node
            lane_x = x + _lane(ranks, node) * (BOX_WIDTH + LANE_GAP)
            boxes[node.id] = Box(
                node.id,
                node.node_type,
                lane_x,
                y,
                BOX_WIDTH,
                label.height,
                style_name(node),
                label.caption,
                label.lines,
                _full_caption(node),
                node.text,
                label.cut,
            )
            y += label.height + BOX_GAP
        x += span + COLUMN_GAP
    edges = []
    for link in view.links:
        source, target = boxes[link.source], boxes[link.target]
        style = "addresses" if source.style == "problem" else "link"
        edges.append(Edge(arrow(source, target), style))
    width = x - COLUMN_GAP + MARGIN if boxes else 2 * MARGIN
    return Layout(
        width,
        max(MARGIN + HEADING_HEIGHT + tallest, 2 * MARGIN) + MARGIN,
        tuple(headings),
        tuple(boxes.values()),
        tuple(edges),
    )


@attrs.frozen
class _Label:
    """A node's caption and statement wrapped to a box's width, and the box's height."""

    node: Node
    caption: tuple[str, ...]
    lines: tuple[str, ...]
    cut: bool

    @classmethod
    def of(cls, node: Node) -> _Label:
        inner = BOX_WIDTH - 2 * PADDING
        # A long id keeps one line, so what the box is still shows after it.
        shown_id, id_cut = wrap_to_width(node.id, inner, FONT_SIZE, bold=True, max_lines=1)
        caption, caption_cut = wrap_to_width(
            f"{shown_id[0]} · {node_caption(node)}",
            inner,
            FONT_SIZE,
            bold=True,
            max_lines=CAPTION_LINES,
        )
        caption_cut = caption_cut or id_cut
        lines, text_cut = wrap_to_width(node.text, inner, FONT_SIZE, max_lines=TEXT_LINES)
        return cls(node, tuple(caption), tuple(lines), caption_cut or text_cut)

    @property
    def height(self) -> float:
        return (len(self.caption) + len(self.lines)) * LINE_HEIGHT + 2 * PADDING


def _lane(ranks: dict[str, int], node: Node) -> int:
    """Which lane of its column a box stands in: its rank, up to the last of MAX_LANES (a
    longer chain of outcomes shares the last lane rather than widen the diagram without
    end)."""
    return min(ranks.get(node.id, 0), MAX_LANES - 1)


def _full_caption(node: Node) -> str:
    """A box's first words: its id, so "O1" in the text finds it, and what it is."""
    return f"{node.id} · {node_caption(node)}"


def outcome_ranks(view: MapView) -> dict[str, int]:
    """Each outcome's lane in the outcomes column: 0 for one that leads to no outcome, else
    one more than the highest lane of the outcomes it leads to. A cycle of outcomes (which
    validation reports) is cut where the walk first comes back round it. Linear in the map."""
    outcomes = {node.id for node in view.outcomes}
    leads_to: dict[str, list[str]] = {}
    for link in view.links:
        if link.source in outcomes and link.target in outcomes:
            leads_to.setdefault(link.source, []).append(link.target)
    rank: dict[str, int] = {}
    on_path: set[str] = set()
    for start in view.outcomes:
        if start.id in rank:
            continue
        # An explicit stack of (outcome, its targets left to visit): no recursion limit.
        stack = [(start.id, iter(leads_to.get(start.id, ())))]
        on_path.add(start.id)
        while stack:
            node, targets = stack[-1]
            for target in targets:
                if target not in rank and target not in on_path:
                    on_path.add(target)
                    stack.append((target, iter(leads_to.get(target, ()))))
                    break
            else:
                stack.pop()
                on_path.discard(node)
                rank[node] = 1 + max(
                    (rank[t] for t in leads_to.get(node, ()) if t in rank), default=-1
                )
    return rank


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
    # Each box's neighbours' positions, sorted, per side: they lie in the columns beside
    # this one, which the swaps here do not move.
    ends = {
        node.id: tuple(sorted(place[n] for n in side.get(node.id, ())) for side in (before, after))
        for node in nodes
    }

    def cost(first: str, second: str) -> int:
        # Arrows of ``first`` and ``second`` that cross with ``first`` placed above: pairs
        # of ends with first's below second's, counted by bisection from the shorter list.
        total = 0
        for mine, theirs in zip(ends[first], ends[second], strict=True):
            if len(mine) <= len(theirs):
                total += sum(bisect_left(theirs, end) for end in mine)
            else:
                total += sum(len(mine) - bisect_right(mine, end) for end in theirs)
        return total

    for _ in range(SWAP_PASSES):
        swapped = False
        for i in range(len(nodes) - 1):
            u, v = nodes[i].id, nodes[i + 1].id
            if cost(v, u) < cost(u, v):
                nodes[i], nodes[i + 1] = nodes[i + 1], nodes[i]
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


def arrow(source: Box, target: Box) -> str:
    """An SVG path from ``source`` to the near side of ``target``.

    The path turns between rows only in the gap beside one of its ends, and runs straight
    through the lanes between: along the target's band when it leaves an activity, along
    the source's band when it leaves an outcome, so it never passes through a box.
    """
    sy, ty = source.y + source.height / 2, target.y + target.height / 2
    if source.node_type is NodeType.PROBLEM:  # leftmost, to an impact
        sx, tx = source.x + source.width, target.x
        return _curve(sx, sy, tx, ty)
    sx, tx = source.x, target.x + target.width
    if sx <= tx:
        # Outcomes in a cycle, or both in the last lane: out to the left of the source, then
        # along the target's band (which no other box of the column shares) to its left side.
        tx, reach = target.x, min(LANE_GAP * 0.8, 30 + abs(ty - sy) / 8)
        turn = sx - reach
        return (
            f"M{sx:.0f},{sy:.0f} C{turn - reach:.0f},{sy:.0f} {turn - reach:.0f},{ty:.0f} "
            f"{turn:.0f},{ty:.0f} H{tx:.0f}"
        )
    if source.node_type is NodeType.ACTIVITY:
        # Turn in the gap beside the activity, then along the target's band.
        turn = sx - COLUMN_GAP
        path = _curve(sx, sy, turn, ty)
        return path + f" H{tx:.0f}" if turn > tx else path
    gap = COLUMN_GAP if target.node_type is NodeType.IMPACT else LANE_GAP
    turn = tx + gap
    path = f"M{sx:.0f},{sy:.0f}"
    if sx > turn:
        path += f" H{turn:.0f}"
    return path + _curve(turn, sy, tx, ty, move=False)


def _curve(sx: float, sy: float, tx: float, ty: float, *, move: bool = True) -> str:
    """A cubic curve from ``(sx, sy)`` to ``(tx, ty)`` leaving and arriving horizontally."""
    bend = (tx - sx) / 2
    start = f"M{sx:.0f},{sy:.0f} " if move else " "
    return f"{start}C{sx + bend:.0f},{sy:.0f} {tx - bend:.0f},{ty:.0f} {tx:.0f},{ty:.0f}"
