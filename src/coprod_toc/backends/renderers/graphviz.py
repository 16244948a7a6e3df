"""Built-in plugins: the map as Graphviz DOT, and as SVG through Graphviz's ``dot`` program.

Columns follow backwards mapping (problem, impacts, outcomes, activities), one rank each.
Project nodes are plain boxes, co-production nodes rounded boxes with a thick dashed
border; each label starts with what the node is, so colour is never the only sign.

Escaping: labels are DOT quoted strings, where a backslash starts an escape (``\\N`` is the
node's name) and Graphviz reads ``&…;`` as an HTML entity; both are escaped, so a label
always shows as the text it is.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from coprod_toc.backends.renderers._view import (
    MapView,
    check_options,
    label_length,
    node_caption,
    style_name,
    wrap,
)
from coprod_toc.errors import RenderError
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import Node

__all__ = ["DotRenderer", "GraphvizSvgRenderer", "dot_string"]

_STYLES = {
    "problem": 'shape=box, penwidth=2, fillcolor="#f3f3f3", color="#333333"',
    "project": 'shape=box, fillcolor="#e3edf9", color="#1f4e79"',
    "coproduction": (
        'shape=box, style="rounded,filled,dashed", penwidth=3, fillcolor="#fdebd3", color="#7a4100"'
    ),
}

#: How long ``dot`` may take before the SVG renderer gives up (seconds).
DOT_TIMEOUT = 600


def dot_string(text: str) -> str:
    """``text`` as the inside of a DOT quoted string that shows exactly that text."""
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("&", "&amp;")
        .replace("\n", "\\n")
        .replace("\r", "")
    )


def _label(node: Node, limit: int) -> str:
    lines = [node_caption(node) + ":", *wrap(node.text, 32, max(1, limit // 32))]
    # "\n" between lines is ours; each line's own characters are escaped.
    return "\\n".join(dot_string(line) for line in lines)


class DotRenderer:
    media_type = "text/vnd.graphviz"
    suffix = ".dot"
    description = "Graphviz DOT in columns (problem, impacts, outcomes, activities)."

    def render(self, toc: TheoryOfChange, **options: Any) -> str:
        settings = check_options("dot", options, {"label_length": 160})
        return _dot(toc, label_length("dot", settings["label_length"]))


def _dot(toc: TheoryOfChange, limit: int) -> str:
    view = MapView.of(toc)
    keys = view.keys
    # The title as the diagram's caption: wrapped and cut like a box's label, as Graphviz
    # refuses a quoted string of over 16,384 characters.
    title = "\\n".join(dot_string(line) for line in wrap(view.title, 80, 3))
    lines = [
        "digraph coprod_toc {",
        f'    graph [rankdir=RL, label="{title}", labelloc=t, '
        'fontname="Helvetica", fontsize=20, nodesep=0.25, ranksep=1.2];',
        '    node [style=filled, fontname="Helvetica", fontsize=11, fontcolor="#111111"];',
        '    edge [color="#444444", fontname="Helvetica", fontsize=9];',
    ]
    for column in view.columns:
        if not column.nodes:
            continue
        lines.append(f"    subgraph {column.node_type.value} {{")
        lines.append("        rank=same;")
        for node in column.nodes:
            style = _STYLES[style_name(node)]
            lines.append(f'        {keys[node.id]} [label="{_label(node, limit)}", {style}];')
        lines.append("    }")
    problem = getattr(view.problem, "id", None)
    for link in view.links:
        if link.source == problem:
            # Written from the impact and drawn backwards, so the problem ranks leftmost.
            lines.append(
                f"    {keys[link.target]} -> {keys[link.source]} "
                '[dir=back, style=dotted, label="addresses"];'
            )
            continue
        attributes = "" if link.level is None else f' [label="level {link.level}"]'
        lines.append(f"    {keys[link.source]} -> {keys[link.target]}{attributes};")
    lines.append("}")
    return "\n".join(lines) + "\n"


class GraphvizSvgRenderer:
    """``graphviz-svg`` (``svg`` before 0.2, which is now the built-in layout)."""

    media_type = "image/svg+xml"
    suffix = ".svg"
    description = "The DOT diagram drawn as SVG by Graphviz's dot program (must be installed)."

    def render(self, toc: TheoryOfChange, **options: Any) -> str:
        settings = check_options("graphviz-svg", options, {"label_length": 160, "program": "dot"})
        program = settings["program"]
        if program not in LAYOUT_PROGRAMS:  # never any program on PATH a caller names
            raise RenderError(
                f"the graphviz-svg renderer's program is one of Graphviz's layout programs "
                f"({', '.join(LAYOUT_PROGRAMS)}), not {program!r}"
            )
        source = _dot(toc, label_length("graphviz-svg", settings["label_length"]))
        return run_dot(source, program)


#: The Graphviz programs the svg renderer may run.
LAYOUT_PROGRAMS = ("dot", "neato", "fdp", "sfdp", "circo", "twopi", "osage", "patchwork")


def run_dot(source: str, program: str = "dot") -> str:
    """SVG drawn by Graphviz's ``dot`` from DOT ``source``.

    :raises RenderError: the program is not installed, failed, or took too long.
    """
    executable = shutil.which(program)
    if executable is None:
        raise RenderError(
            f"the graphviz-svg format needs Graphviz's {program!r} program, which is not "
            "installed here. Install Graphviz (Debian or Ubuntu: apt-get install graphviz), "
            "or render 'svg' (coprod-toc's own layout, which needs nothing more), or 'dot' "
            "to draw elsewhere."
        )
    try:
        done = subprocess.run(
            [executable, "-Tsvg"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(f"Graphviz's dot took longer than {DOT_TIMEOUT} s; gave up") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"Graphviz's dot failed (exit {done.returncode}): {message}")
    return done.stdout.decode("utf-8")
