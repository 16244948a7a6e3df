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

import hashlib
import re
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
    node_links,
    one_line,
    style_name,
    visible,
)
from coprod_toc.backends.renderers.layout import FONT_SIZE, LINE_HEIGHT, lay_out
from coprod_toc.backends.renderers.measure import FONT_FAMILY
from coprod_toc.errors import RenderError
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
        """The report as a whole document, or with ``fragment=True`` as one element for a
        host's page: no document, its styles scoped under ``.coprod-toc-report``, its ids
        prefixed with ``id_prefix`` (by default one made from the map, so two maps can
        share a page) and its headings one level down. ``node_href`` (a URL template such as
        ``"/services/{external_ref}"``, or a function of the node) makes each box and its
        entry in "The map in words" a link to the host's record."""
        settings = check_options(
            "html",
            options,
            {"analyses": None, "fragment": False, "id_prefix": None, "node_href": None},
        )
        fragment = settings["fragment"]
        if not isinstance(fragment, bool):
            raise RenderError(f"the html renderer's fragment is True or False, not {fragment!r}")
        narrative = Narrative.of(toc, settings["analyses"])
        prefix = id_prefix(toc, settings["id_prefix"], fragment)
        template = environment().get_template(
            "report-fragment.html.j2" if fragment else "report.html.j2"
        )
        return template.render(
            toc=toc,
            view=narrative.view,
            narrative=narrative,
            layout=lay_out(narrative.view),
            p=prefix,
            h=1 if fragment else 0,
            tags=_FRAGMENT_TAGS if fragment else _DOCUMENT_TAGS,
            nav_label=f": {one_line(toc.title)}" if fragment else "",
            # A fragment's landmarks also carry the map's title: unique on a page of many.
            of_title=f" {prefix}title" if fragment else "",
            hrefs=node_links(narrative.view, settings["node_href"]),
        )


#: The landmark elements of a whole report; a fragment uses divs (the host has its own).
_DOCUMENT_TAGS = {"banner": "header", "main": "main", "footer": "footer"}
_FRAGMENT_TAGS = {"banner": "div", "main": "div", "footer": "div"}
_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,40}")


def id_prefix(toc: TheoryOfChange, given: object, fragment: bool) -> str:
    """What every id of the report starts with: ``given``, or in a fragment one made from
    the map's title and reference (none in a whole document, whose ids are its own)."""
    if given is None:
        if not fragment:
            return ""
        digest = hashlib.sha256(f"{toc.title}\0{toc.external_ref}".encode()).hexdigest()
        return f"toc-{digest[:8]}-"
    if not isinstance(given, str) or not _PREFIX.fullmatch(given):
        raise RenderError(
            f"the html renderer's id_prefix is a letter then letters, digits, '-' or '_' "
            f"(at most 41), not {given!r}"
        )
    return given
