"""Maps to and from other tools: what every map importer returns, and the helpers they share.

A map importer (registered through ``register_map_importers``) reads another tool's file —
a logframe workbook, a Kumu blueprint, a ToC-Maker export — into a
:class:`~coprod_toc.graph.TheoryOfChange` and says what it read and what it left out, so
nothing is dropped silently. Exporters go the other way through ``register_exporters``.
"""

from coprod_toc.exchange.kit import (
    ImportNote,
    MapImport,
    Notes,
    assumed_kind,
    cleaned_text,
    json_path,
    kind_option,
    read_header,
    read_json_file,
    spreadsheet_text,
)

__all__ = [
    "ImportNote",
    "MapImport",
    "Notes",
    "assumed_kind",
    "cleaned_text",
    "json_path",
    "kind_option",
    "read_header",
    "read_json_file",
    "spreadsheet_text",
]
