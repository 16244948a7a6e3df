"""Built-in plugin: the accessible HTML report, one self-contained file.

The report holds the map as an inline SVG in columns (``layout.py``) fitted to the page, the
map in words (every node and every link, for screen readers and for print), validation
findings, the split with its caveat, and progress. Nothing is fetched when it is viewed: styles are
inline, there are no scripts, and a Content-Security-Policy forbids any.

Escaping is Jinja2's autoescaping: every value is HTML-escaped where it is written; user text
also passes through ``visible`` (control characters shown) and sits in ``<bdi>`` so
right-to-left text cannot reorder what surrounds it.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from coprod_toc.backends.renderers._report import (
    NO_EVIDENCE_YET,
    SPLIT_COLUMNS,
    Narrative,
    percent,
)
from coprod_toc.backends.renderers._view import (
    check_options,
    kind_name,
    node_caption,
    one_line,
    style_name,
    visible,
)
from coprod_toc.backends.renderers.layout import FONT_SIZE, LINE_HEIGHT, lay_out
from coprod_toc.backends.renderers.measure import FONT_FAMILY
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import Kind

if TYPE_CHECKING:
    import jinja2

__all__ = ["HtmlRenderer", "environment"]


@cache
def environment() -> jinja2.Environment:
    """The template environment shared by the HTML renderers (autoescaping always on)."""
    import jinja2  # here, so loading the plugin does not import the template engine

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("coprod_toc.backends.renderers", "templates"),
        autoescape=True,
        trim_blocks=True,
        undefined=jinja2.ChainableUndefined,
    )
    env.filters["visible"] = visible
    env.filters["one_line"] = one_line
    env.globals.update(
        percent=percent,
        kind_name=kind_name,
        caption_of=node_caption,
        style_of=style_name,
        kinds=tuple(Kind),
        version=package_version(),
        no_evidence_yet=NO_EVIDENCE_YET,
        split_columns=SPLIT_COLUMNS,
        zip=zip,
        # The diagram's font, as its labels were measured and wrapped (layout.py).
        diagram_font=FONT_FAMILY,
        diagram_font_size=FONT_SIZE,
        line_height=LINE_HEIGHT,
    )
    return env


def package_version() -> str:
    try:
        return version("coprod-toc")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


class HtmlRenderer:
    media_type = "text/html"
    suffix = ".html"
    description = (
        "An accessible, self-contained HTML report: the map as a diagram and in words, "
        "validation, the split with its caveat, and progress."
    )

    uses_analyses = True  # ct.render passes the map's validation, split and progress

    def render(self, toc: TheoryOfChange, **options: Any) -> str:
        settings = check_options("html", options, {"analyses": None})
        narrative = Narrative.of(toc, settings["analyses"])
        template = environment().get_template("report.html.j2")
        return template.render(
            toc=toc, view=narrative.view, narrative=narrative, layout=lay_out(narrative.view)
        )
