"""coprod-toc-iati: a map's results as an IATI 2.03 activity file.

``ct.export(toc, "iati", "activity.xml", config="iati.toml")`` writes one ``iati-activity``
whose ``result`` elements are the map's outcomes with indicators: their baselines, and a
``period`` for the target and for each actual whose label names dates. What IATI needs
that a map does not hold (the identifier, the reporting organisation, status, dates,
sector) comes from options or a small TOML file; see the README. What the export leaves
out is logged (logger ``coprod_toc_iati``) and returned by :func:`iati_document`.

Built only on coprod-toc's public API, and on lxml.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import coprod_toc as ct
from coprod_toc.plugins import hookimpl

from .build import Finding, iati_document, iati_tree
from .config import CONFIG_ENV, FIELDS, OPTIONS

__version__ = "0.1.0"
__all__ = [
    "CONFIG_ENV",
    "FIELDS",
    "OPTIONS",
    "Finding",
    "IatiExporter",
    "iati_document",
    "iati_tree",
    "register_exporters",
]

logger = logging.getLogger("coprod_toc_iati")


class IatiExporter:
    suffix = ".xml"
    description = "An IATI 2.03 activity file (XML) with the map's outcomes as results."

    def export(self, toc: ct.TheoryOfChange, destination: Path, **options: Any) -> None:
        data, findings = iati_document(toc, **options)
        for finding in findings:
            logger.warning("%s", finding.message)
        destination.write_bytes(data)


@hookimpl
def register_exporters(register: Any) -> None:
    register("iati", IatiExporter)
