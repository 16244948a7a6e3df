"""The canonical, versioned JSON format and the TOML authoring form."""

from coprod_toc.format.codec import dump, dumps, load, loads, schema
from coprod_toc.format.document import FORMAT_NAME, FORMAT_VERSION, from_document, to_document

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "dump",
    "dumps",
    "from_document",
    "load",
    "loads",
    "schema",
    "to_document",
]
