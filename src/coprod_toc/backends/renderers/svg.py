"""Built-in plugin: the diagram as a standalone SVG, in coprod-toc's own layout.

The same drawing as the HTML report's (``layout.py``): four columns, labels wrapped with
measured widths, few crossings, every arrow pointing left. It needs no other program
(Graphviz's drawing of the DOT output is ``graphviz-svg``). Styles are inside the SVG, so it
shows the same in a browser, an ``<img>`` or a document.
"""

from __future__ import annotations

from typing import Any

from coprod_toc.backends.renderers._view import MapView, check_options, node_links
from coprod_toc.backends.renderers.html import environment
from coprod_toc.backends.renderers.layout import lay_out
from coprod_toc.graph import TheoryOfChange

__all__ = ["SvgRenderer"]


class SvgRenderer:
    media_type = "image/svg+xml"
    suffix = ".svg"
    description = (
        "The diagram as a standalone SVG in coprod-toc's own layout (no Graphviz needed); "
        "node_href links boxes to your records."
    )

    def render(self, toc: TheoryOfChange, **options: Any) -> str:
        settings = check_options("svg", options, {"node_href": None})
        view = MapView.of(toc)
        template = environment().get_template("diagram.svg.j2")
        svg = template.render(
            toc=toc,
            view=view,
            layout=lay_out(view),
            p="",
            standalone=True,
            hrefs=node_links(view, settings["node_href"]),
        )
        return svg.strip() + "\n"
