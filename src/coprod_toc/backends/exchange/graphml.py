"""Built-in: a map as GraphML (``ct.export(toc, "graphml", "map.graphml")``), for graph tools
and for ``networkx.read_graphml``.

One GraphML node per map node (its id the node's id) and one edge per link, each field a
typed attribute:

* whole numbers (``ladder_rung``, ``other_factors_level``, a link's ``level``) are
  ``long``, ``effort`` is ``double`` (a whole effort too, so the attribute has one type),
  everything else ``string``: enumerations by their value, dates ISO (``2024-01-08``)
  (no field of a node or a link is true or false);
* a field the node does not have, or leaves unset or empty, is left out rather than
  written as an empty string;
* GraphML has no list type: a list (participant roles, affected groups, a link's evidence)
  is one string, its items joined with ``"; "``;
* indicators and assessments, which are records within an outcome, are not written (the
  ``csv`` exporter's tables and canonical JSON hold them);
* the graph's attributes are the map's ``title`` and, when set, ``external_ref``.

A map's text may hold characters XML 1.0 cannot (the non-characters U+FFFE and U+FFFF):
each is written as U+FFFD, the replacement character, so the file always parses.

The writer is networkx's ElementTree one, whatever else is installed: the same map gives
the same bytes everywhere.
"""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import Any

import networkx as nx

from coprod_toc._gc import collection_paused
from coprod_toc.errors import RenderError
from coprod_toc.graph import TheoryOfChange

__all__ = ["GraphmlExporter", "graphml_graph"]

#: Every character XML 1.0 cannot hold (its ``Char`` production, inverted).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

#: Node fields, in the order they are written; the node's type comes first.
_NODE_TEXTS = ("kind", "horizon", "statement", "status", "start", "end")
_NODE_LISTS = ("participant_roles", "affected_groups")
_NODE_WHOLES = ("ladder_rung", "other_factors_level")
_NODE_OPTIONAL_TEXTS = ("timeframe", "context", "i_statement", "easy_read", "external_ref")


def _xml(text: str) -> str:
    """``text`` with each character XML 1.0 cannot hold as U+FFFD."""
    return _NOT_XML.sub("\ufffd", text) if not text.isprintable() else text


def _value(value: Any) -> str:
    """An enumeration, a date or a text as the string written."""
    if isinstance(value, enum.Enum):  # before str: the map's enumerations are texts too
        return str(value._value_)
    if isinstance(value, str):
        return _xml(value)
    return str(value.isoformat())


def _node_attributes(node: Any) -> dict[str, Any]:
    attributes: dict[str, Any] = {"type": node.node_type._value_}
    for name in _NODE_TEXTS:
        value = node.text if name == "statement" else getattr(node, name, None)
        if value is not None:
            attributes[name] = _value(value)
    for name in _NODE_WHOLES:
        value = getattr(node, name, None)
        if value is not None:
            attributes[name] = value
    effort = getattr(node, "effort", None)
    if effort is not None:
        attributes["effort"] = float(effort)
    for name in _NODE_LISTS:
        _put_text(attributes, name, "; ".join(getattr(node, name, ())))
    for name in _NODE_OPTIONAL_TEXTS:
        _put_text(attributes, name, getattr(node, name, None))
    return attributes


def _put_text(attributes: dict[str, Any], name: str, text: str | None) -> None:
    """Set a text attribute unless the text is missing or empty: GraphML cannot tell an
    empty string from no text (networkx reads it back as ``"None"``)."""
    if text:
        attributes[name] = _xml(text)


def graphml_graph(toc: TheoryOfChange) -> Any:
    """The graph the exporter writes: ``toc``'s nodes and links with their fields as typed
    attributes, in map order."""
    graph = nx.DiGraph(title=_xml(toc.title))
    _put_text(graph.graph, "external_ref", toc.external_ref)
    graph.add_nodes_from((node.id, _node_attributes(node)) for node in toc.nodes())
    for link in toc.links():
        attributes: dict[str, Any] = {}
        if link.level is not None:
            attributes["level"] = link.level
        _put_text(attributes, "rationale", link.rationale)
        _put_text(attributes, "evidence", "; ".join(link.evidence))
        graph.add_edge(link.source, link.target, **attributes)
    return graph


class GraphmlExporter:
    suffix = ".graphml"
    description = (
        "GraphML for graph tools and networkx: nodes and links with their fields as typed "
        "attributes."
    )

    def export(self, toc: TheoryOfChange, destination: Path, **options: Any) -> None:
        if options:
            raise RenderError(f"the graphml exporter takes no options, not {sorted(options)}")
        with collection_paused():  # a graph and a tree of elements, a few per node and link
            nx.write_graphml_xml(graphml_graph(toc), destination, encoding="utf-8")
