"""Built-in plugin: the map as a Mermaid flowchart (renders on GitHub and in most wikis).

Columns follow backwards mapping — problem, impacts, outcomes, activities — with arrows from
activities towards the impacts. Project and co-production differ in shape (rectangle or
rounded), in the label's first words, and in colour, so colour is never the only sign.

Escaping: node names are generated (``n1``…), since a user's id may be a Mermaid keyword.
Labels are quoted, and every character that Mermaid or the HTML it draws could read as
syntax is written as a Mermaid entity code (``#60;`` for ``<``), which shows as the
character itself.
"""

from __future__ import annotations

from typing import Any

from coprod_toc.backends.renderers._view import (
    MapView,
    check_options,
    label_length,
    node_caption,
    shorten,
    style_name,
)
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import Node

__all__ = ["MermaidRenderer", "mermaid_text"]

# Characters safe inside a quoted Mermaid label; everything else ASCII becomes an entity code.
# Colons too: Mermaid's own pre-pass trims a ";" from any line holding "style…:…#…;" or
# "classDef…:…#…;", which would break the entity code a label's semicolon became.
_SAFE_ASCII = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.'?!-_+=*/()"
)

_SHAPES = {"project": ('["', '"]'), "coproduction": ('(["', '"])'), "problem": ('[/"', '"/]')}


def mermaid_text(text: str, limit: int = 160) -> str:
    """``text`` as the inside of a quoted Mermaid label: one line, syntax written as codes."""
    out = []
    for char in shorten(text, limit):
        if char in _SAFE_ASCII or (ord(char) > 127 and char.isprintable()):
            out.append(char)
        else:
            out.append(f"#{ord(char)};")
    return "".join(out)


def _label(node: Node, limit: int) -> str:
    return f"{mermaid_text(node_caption(node))}: {mermaid_text(node.text, limit)}"


class MermaidRenderer:
    media_type = "text/vnd.mermaid"
    suffix = ".mmd"
    description = (
        "A Mermaid flowchart in columns (problem, impacts, outcomes, activities); "
        "project and co-production told apart by shape, words and colour."
    )

    def render(self, toc: TheoryOfChange, **options: Any) -> str:
        settings = check_options("mermaid", options, {"label_length": 160})
        limit = label_length("mermaid", settings["label_length"])
        view = MapView.of(toc)
        keys = view.keys
        lines = [
            "flowchart RL",
            f"    accTitle: {mermaid_text(view.title, 200)}",
            "    accDescr: A Theory of Change map in columns: problem, impacts, outcomes"
            " and activities. Arrows run from activities towards the impacts.",
        ]
        by_kind: dict[str, list[str]] = {"project": [], "coproduction": [], "problem": []}
        for index, column in enumerate(view.columns):
            lines.append(f'    subgraph c{index}["{column.heading}"]')
            lines.append("        direction TB")
            for node in column.nodes:
                key = keys[node.id]
                style = style_name(node)
                opening, closing = _SHAPES[style]
                by_kind[style].append(key)
                lines.append(f"        {key}{opening}{_label(node, limit)}{closing}")
            lines.append("    end")
        problem = getattr(view.problem, "id", None)
        for link in view.links:
            if link.source == problem:
                # Drawn from the impact, without an arrow head, so the problem stays leftmost.
                lines.append(f"    {keys[link.target]} -.-|addresses| {keys[link.source]}")
                continue
            arrow = "-->" if link.level is None else f"-->|level {link.level}|"
            lines.append(f"    {keys[link.source]} {arrow} {keys[link.target]}")
        lines += [
            "    classDef problem fill:#f3f3f3,stroke:#333333,color:#111111",
            "    classDef project fill:#e3edf9,stroke:#1f4e79,color:#111111",
            "    classDef coproduction fill:#fdebd3,stroke:#7a4100,color:#111111,"
            "stroke-width:3px,stroke-dasharray:6 3",
        ]
        for name, members in by_kind.items():
            # One class line per 500 nodes keeps every line short enough for Mermaid's lexer.
            for start in range(0, len(members), 500):
                lines.append(f"    class {','.join(members[start : start + 500])} {name}")
        return "\n".join(lines) + "\n"
