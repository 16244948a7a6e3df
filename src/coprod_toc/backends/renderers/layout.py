"""Where each box and arrow of the HTML report's inline SVG goes: four columns, no Graphviz.

Columns follow backwards mapping (problem, impacts, outcomes, activities) from left to
right, with arrows pointing left, from activities towards the impacts. Within a column,
boxes are ordered by the mean position of what they lead to (one barycentre pass), which
keeps most arrows short; the whole layout takes one pass over nodes and links plus a sort
per column.
"""

from __future__ import annotations

import attrs

from coprod_toc.backends.renderers._view import MapView, node_caption, style_name, wrap
from coprod_toc.model import Node

__all__ = ["Box", "Edge", "Layout", "lay_out"]

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
    targets: dict[str, list[str]] = {}
    for link in view.links:
        targets.setdefault(link.source, []).append(link.target)
    position: dict[str, float] = {}
    boxes: dict[str, Box] = {}
    headings = []
    x = MARGIN
    height = 0.0
    for column in view.columns:
        if not column.nodes:
            continue
        nodes = _ordered(column.nodes, targets, position)
        headings.append((x + BOX_WIDTH / 2, column.heading))
        y = MARGIN + HEADING_HEIGHT
        for index, node in enumerate(nodes):
            position[node.id] = index
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
