"""The built-in exchange formats, one plugin: maps to and from the tools teams and funders
already use.

* exporters: the logframe workbook (``logframe``), CSV tables in a zip (``csv``), GraphML
  (``graphml``) and ToC-Maker JSON (``toc-maker``); the TOML authoring form is a renderer
  (``toml``), as canonical JSON is;
* map importers: the coprod-toc formats themselves (``coprod-toc``), the logframe workbook
  and ToC-Maker JSON.

Modules (and openpyxl under the workbook) are imported when the host first asks for
exporters or importers, so a command that never exchanges a map does not pay for them.
"""

from __future__ import annotations

import importlib

from coprod_toc.plugins.hookspecs import Register, hookimpl

#: Name → ``module:class``, in listing order.
RENDERERS = {"toml": "native:TomlRenderer"}
EXPORTERS: dict[str, str] = {
    "logframe": "logframe:LogframeExporter",
    "csv": "tables:CsvExporter",
    "graphml": "graphml:GraphmlExporter",
    "toc-maker": "toc_maker:TocMakerExporter",
}
#: In the order ``format="auto"`` asks them: the strictest fingerprints first.
MAP_IMPORTERS = {
    "coprod-toc": "native:NativeImporter",
    "logframe": "logframe_read:LogframeImporter",
    "toc-maker": "toc_maker:TocMakerImporter",
}


def _registered(register: Register, table: dict[str, str]) -> None:
    for name, where in table.items():
        module, cls = where.split(":")
        register(name, getattr(importlib.import_module(f"{__name__}.{module}"), cls))


@hookimpl
def register_renderers(register: Register) -> None:
    _registered(register, RENDERERS)


@hookimpl
def register_exporters(register: Register) -> None:
    _registered(register, EXPORTERS)


@hookimpl
def register_map_importers(register: Register) -> None:
    _registered(register, MAP_IMPORTERS)
