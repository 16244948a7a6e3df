"""What every renderer reads from a map: the four columns, the links, and labels made safe.

Renderers differ in syntax, not in what they show, so the choice of what to show lives here:
the columns of backwards mapping (problem, impacts, outcomes, activities), the words that
tell project and co-production apart, and text with invisible characters made visible.
Escaping for a target syntax stays with the renderer that writes it.
"""

from __future__ import annotations

import string
import textwrap
import unicodedata
import urllib.parse
from typing import Any

import attrs

from coprod_toc.errors import RenderError
from coprod_toc.graph import TheoryOfChange
from coprod_toc.model import Activity, Horizon, Impact, Kind, Link, Node, NodeType, Outcome

__all__ = [
    "COLUMNS",
    "Column",
    "MapView",
    "check_options",
    "kind_name",
    "label_length",
    "node_caption",
    "node_links",
    "one_line",
    "shorten",
    "style_name",
    "visible",
    "wrap",
]

#: Columns in the order of backwards mapping, with their headings.
COLUMNS: tuple[tuple[NodeType, str], ...] = (
    (NodeType.PROBLEM, "Problem"),
    (NodeType.IMPACT, "Impacts"),
    (NodeType.OUTCOME, "Outcomes"),
    (NodeType.ACTIVITY, "Activities"),
)

_KIND_NAMES = {Kind.PROJECT: "Project", Kind.COPRODUCTION: "Co-production"}

# Control characters would vanish or break a line in every target; show them as the Unicode
# "control pictures" (U+2400…) instead, so a label comes out as the text it really is.
_CONTROL_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}


def visible(text: str) -> str:
    """``text`` with control characters (other than line breaks and tabs) shown as symbols."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        code = ord(char)
        if char in "\n\r\t":
            out.append(char)
        elif code in _CONTROL_PICTURES:
            out.append(_CONTROL_PICTURES[code])
        elif unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn"):
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out)


def one_line(text: str) -> str:
    """Visible text with every run of white space (line breaks too) made one space."""
    return " ".join(visible(text).split())


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut at a word with "…" when too long."""
    line = one_line(text)
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def wrap(text: str, width: int, lines: int) -> list[str]:
    """``text`` on at most ``lines`` lines of about ``width`` characters; "…" when cut."""
    line = one_line(text)
    wrapped = textwrap.wrap(line, width, break_long_words=True, break_on_hyphens=False)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = shorten(wrapped[-1] + " …", width)
        if not wrapped[-1].endswith("…"):
            wrapped[-1] += "…"
    return wrapped or [""]


def kind_name(kind: Kind) -> str:
    return _KIND_NAMES[kind]


def node_caption(node: Node) -> str:
    """What a node is, in words: ``Co-production outcome (achievement)``, ``Problem``…"""
    if node.node_type is NodeType.PROBLEM:
        return "Problem"
    kind: Kind = node.kind  # type: ignore[union-attr]
    name = f"{_KIND_NAMES[kind]} {node.node_type.value}"
    if isinstance(node, Outcome) and node.horizon is Horizon.SHORT:
        name += " (achievement)"
    return name


def style_name(node: Node) -> str:
    """How a node is drawn in every format: ``problem``, ``project`` or ``coproduction``."""
    if node.node_type is NodeType.PROBLEM:
        return "problem"
    return node.kind.value  # type: ignore[union-attr]


@attrs.frozen
class Column:
    node_type: NodeType
    heading: str
    nodes: tuple[Node, ...]


@attrs.frozen
class MapView:
    """A map as renderers see it: columns in backwards-mapping order, and the links."""

    title: str
    columns: tuple[Column, ...]
    links: tuple[Link, ...]
    #: A short, syntax-safe name per node id (``n1``, ``n2``…): user ids may be keywords.
    keys: dict[str, str]

    @classmethod
    def of(cls, toc: TheoryOfChange) -> MapView:
        by_type: dict[NodeType, list[Node]] = {t: [] for t, _ in COLUMNS}
        for node in toc.nodes():
            by_type[node.node_type].append(node)
        columns = tuple(Column(t, heading, tuple(by_type[t])) for t, heading in COLUMNS)
        keys: dict[str, str] = {}
        for column in columns:
            for node in column.nodes:
                keys[node.id] = f"n{len(keys) + 1}"
        return cls(toc.title, columns, tuple(toc.links()), keys)

    def column(self, node_type: NodeType) -> tuple[Node, ...]:
        for column in self.columns:
            if column.node_type is node_type:
                return column.nodes
        raise KeyError(node_type)

    @property
    def problem(self) -> Node | None:
        nodes = self.column(NodeType.PROBLEM)
        return nodes[0] if nodes else None

    @property
    def impacts(self) -> tuple[Impact, ...]:
        return self.column(NodeType.IMPACT)  # type: ignore[return-value]

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        return self.column(NodeType.OUTCOME)  # type: ignore[return-value]

    @property
    def activities(self) -> tuple[Activity, ...]:
        return self.column(NodeType.ACTIVITY)  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self.keys)


def check_options(
    renderer: str, options: dict[str, Any], allowed: dict[str, Any]
) -> dict[str, Any]:
    """``allowed`` (name → default) updated with ``options``; an unknown name is an error."""
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise RenderError(
            f"the {renderer} renderer has no option {', '.join(map(repr, unknown))} "
            f"(its options: {known})"
        )
    return allowed | options


def label_length(renderer: str, value: object) -> int:
    """The ``label_length`` option checked: a whole number of characters, 20 or more."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 20:
        raise RenderError(
            f"the {renderer} renderer's label_length must be a whole number of 20 or more, "
            f"not {value!r}"
        )
    return value


#: URL schemes a link to a host's record may use (or none: a link within the host's site).
_LINK_SCHEMES = ("http", "https", "mailto")
_TEMPLATE_FIELDS = ("id", "external_ref", "type", "kind")


def node_links(view: MapView, node_href: object) -> dict[str, str]:
    """Each node's link to the host's record, by id: ``node_href`` is a URL template
    (``"/services/{external_ref}"``; fields ``id``, ``external_ref``, ``type``, ``kind``,
    each URL-quoted) or a function of the node returning a URL or ``None``. A node whose
    template field is empty, or for which the function returns ``None``, has no link.

    :raises RenderError: a template naming another field, a function that fails or returns
        something else than a URL, or a URL whose scheme is not http, https or mailto.
    """
    if node_href is None:
        return {}
    if not isinstance(node_href, str) and not callable(node_href):
        raise RenderError(f"node_href is a URL template or a function of a node, not {node_href!r}")
    # A template is checked once, here; each node only fills it in.
    needed = _template_fields(node_href) if isinstance(node_href, str) else []
    links = {}
    for column in view.columns:
        for node in column.nodes:
            url = _node_url(node, node_href, needed)
            if url is not None:
                links[node.id] = url
    return links


def _template_fields(template: str) -> list[str]:
    """The fields a URL template names: plain ``{field}`` only, each one of
    ``_TEMPLATE_FIELDS`` (no conversions, no format specifications, no positions)."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise RenderError(f"node_href {template!r} is not a URL template: {exc}") from None
    needed = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue  # literal text only
        if name not in _TEMPLATE_FIELDS or spec or conversion:
            raise RenderError(
                f"node_href {template!r}: a template names only "
                f"{', '.join('{' + f + '}' for f in _TEMPLATE_FIELDS)}, each plain "
                f"(not {{{name}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}})"
            )
        needed.append(name)
    return needed


def _node_url(node: Node, node_href: Any, needed: list[str]) -> str | None:
    if isinstance(node_href, str):
        fields = {
            "id": node.id,
            "external_ref": node.external_ref,
            "type": node.node_type.value,
            "kind": getattr(getattr(node, "kind", None), "value", None),
        }
        if any(not fields[name] for name in needed):  # no value (or an empty one): no link
            return None
        url = node_href.format(
            **{k: urllib.parse.quote(str(v), safe="") for k, v in fields.items() if v}
        )
    else:
        try:
            url = node_href(node)
        except Exception as exc:
            raise RenderError(f"node_href failed for {node.id!r}: {exc!r}") from exc
        if url is None:
            return None
        if not isinstance(url, str):
            raise RenderError(f"node_href gave {url!r} for {node.id!r}, not a URL")
    if not url.strip() or any(ord(c) < 32 or ord(c) == 127 for c in url):
        raise RenderError(
            f"node_href gave {url!r} for {node.id!r}: a link is never empty and holds no "
            "control character"
        )
    try:
        # As a browser reads it: spaces before the scheme do not count.
        scheme = urllib.parse.urlsplit(url.lstrip(" ")).scheme.lower()
    except ValueError as exc:
        raise RenderError(f"node_href gave {url!r} for {node.id!r}: {exc}") from None
    if scheme and scheme not in _LINK_SCHEMES:
        raise RenderError(
            f"node_href gave {url!r} for {node.id!r}: a link may be http, https, mailto or "
            "within the site, never a script"
        )
    return url
