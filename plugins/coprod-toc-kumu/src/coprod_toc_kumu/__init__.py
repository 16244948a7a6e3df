"""coprod-toc-kumu: a map as a Kumu blueprint, and a blueprint as a map.

A blueprint is JSON with ``elements`` and ``connections`` that Kumu imports as a map. Each
node becomes an element (type Problem, Impact, Outcome or Activity, with its kind, horizon
and coprod-toc id as fields); each link a directed connection (with its contribution level,
rationale, evidence and assumptions when set). What Kumu shows is not all a map holds, so
each element also has a ``coprod-toc`` field, the node's whole record as JSON text, and the
blueprint a ``coprod-toc`` key with the map's title, reference and assumptions: reading the
blueprint back (the ``kumu`` map importer, :mod:`coprod_toc_kumu.importer`) gives the map
back equal. The map's evidence records (about people) are not written. Built only on
coprod-toc's public API.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import coprod_toc as ct
from coprod_toc.model import Node
from coprod_toc.plain import plain_record
from coprod_toc.plugins import hookimpl

__version__ = "0.1.0"
__all__ = [
    "KumuExporter",
    "blueprint",
    "element_of",
    "register_exporters",
    "register_map_importers",
]

_KIND = {ct.Kind.PROJECT: "Project", ct.Kind.COPRODUCTION: "Co-production"}
_HORIZON = {
    ct.Horizon.SHORT: "Short-term",
    ct.Horizon.MEDIUM: "Medium-term",
    ct.Horizon.LONG: "Long-term",
}
#: The element field and the blueprint key that hold what Kumu has no place for.
RECORD_FIELD = "coprod-toc"
RECORD_VERSION = 1


def _labels(toc: ct.TheoryOfChange) -> dict[str, str]:
    """Kumu identifies elements by label, so labels must be unique: a text used twice gets
    its node id added, and so does a text that another's label (``Better lives (I2)``)
    would otherwise repeat. Ids are unique, so the second pass leaves none alike."""
    nodes = toc.nodes()
    texts = [" ".join(node.text.split()) for node in nodes]
    uses = Counter(texts)
    labels = [
        f"{text} ({node.id})" if uses[text] > 1 else text
        for node, text in zip(nodes, texts, strict=True)
    ]
    clashes = Counter(labels)
    return {
        node.id: f"{text} ({node.id})" if clashes[label] > 1 and label == text else label
        for node, text, label in zip(nodes, texts, labels, strict=True)
    }


def element_of(node: Node, label: str) -> dict[str, Any]:
    element: dict[str, Any] = {
        "label": label,
        "type": node.node_type.value.capitalize(),
        "description": node.text,
        "coprod-toc id": node.id,
    }
    tags = []
    kind = getattr(node, "kind", None)
    if kind is not None:
        element["kind"] = _KIND[kind]
        tags.append(_KIND[kind])
    if isinstance(node, ct.Outcome):
        element["horizon"] = _HORIZON[node.horizon]
        if node.is_achievement:
            tags.append("Achievement")
    if isinstance(node, ct.Activity):
        element["status"] = node.status.value.replace("_", " ")
        if node.ladder_rung is not None:
            element["ladder rung"] = f"{node.ladder_rung} ({node.ladder_name})"
    if node.external_ref is not None:
        element["external ref"] = node.external_ref
    element["tags"] = tags
    record = {"type": node.node_type.value, **plain_record(node)}
    element[RECORD_FIELD] = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return element


def _connection(
    link: ct.Link,
    labels: dict[str, str],
    toc: ct.TheoryOfChange,
    assumptions: list[ct.Assumption],
) -> dict[str, Any]:
    from_problem = toc.get(link.source).node_type is ct.NodeType.PROBLEM
    connection: dict[str, Any] = {
        "from": labels[link.source],
        "to": labels[link.target],
        "type": "addressed by" if from_problem else "contributes to",
        "direction": "directed",
    }
    if link.level is not None:
        connection["contribution level"] = link.level
    if link.rationale is not None:
        connection["rationale"] = link.rationale
    if link.evidence:
        connection["evidence"] = list(link.evidence)
    if assumptions:
        connection["assumptions"] = [a.text for a in assumptions]
    return connection


def _header(toc: ct.TheoryOfChange) -> dict[str, Any]:
    header: dict[str, Any] = {"version": RECORD_VERSION, "title": toc.title}
    if toc.external_ref is not None:
        header["external_ref"] = toc.external_ref
    header["assumptions"] = [plain_record(a) for a in toc.assumptions()]
    return header


def blueprint(toc: ct.TheoryOfChange) -> dict[str, Any]:
    """The map as a Kumu blueprint: ``{"elements": [...], "connections": [...],
    "coprod-toc": {...}}``, the last with the map's title, reference and assumptions."""
    labels = _labels(toc)
    on_links: dict[tuple[str, ...], list[ct.Assumption]] = {}
    for assumption in toc.assumptions():
        if len(assumption.attached_to) == 2:
            on_links.setdefault(assumption.attached_to, []).append(assumption)
    return {
        "elements": [element_of(node, labels[node.id]) for node in toc.nodes()],
        "connections": [
            _connection(link, labels, toc, on_links.get((link.source, link.target), []))
            for link in toc.links()
        ],
        RECORD_FIELD: _header(toc),
    }


class KumuExporter:
    suffix = ".json"
    description = "A Kumu blueprint (JSON) to import the map into Kumu."

    def export(self, toc: ct.TheoryOfChange, destination: Path, **options: Any) -> None:
        if options:
            raise ct.RenderError(f"the kumu exporter takes no options, not {sorted(options)}")
        text = json.dumps(blueprint(toc), indent=2, ensure_ascii=False) + "\n"
        destination.write_text(text, encoding="utf-8")


@hookimpl
def register_exporters(register: Any) -> None:
    register("kumu", KumuExporter)


@hookimpl
def register_map_importers(register: Any) -> None:
    from coprod_toc_kumu.importer import KumuImporter  # only when importers are asked for

    register("kumu", KumuImporter)
