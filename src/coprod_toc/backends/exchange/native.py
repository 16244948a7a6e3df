"""Built-in: coprod-toc's own formats in the exchange hooks. The TOML authoring form as a
renderer (``coprod-toc render MAP -f toml``), and canonical JSON and TOML files as a map
importer, so ``import-map`` and ``format="auto"`` take them too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coprod_toc.errors import FormatError, RenderError
from coprod_toc.exchange import MapImport
from coprod_toc.format import FORMAT_NAME, dumps, load
from coprod_toc.graph import TheoryOfChange


class TomlRenderer:
    media_type = "application/toml"
    suffix = ".toml"
    description = "The map in the TOML authoring form people write by hand (lossless)."

    def render(self, toc: TheoryOfChange, **options: Any) -> str:
        if options:
            raise RenderError(f"the toml renderer takes no options, not {sorted(options)}")
        return dumps(toc, format="toml")


class NativeImporter:
    description = "A coprod-toc map: canonical JSON, or the TOML authoring form."
    suffixes = (".json", ".toml")

    def detect(self, path: Path, head: bytes) -> bool:
        suffix = path.suffix.lower()
        if suffix == ".toml":
            return True
        # Canonical JSON names its format near the top; a .json file from another tool
        # does not.
        return suffix == ".json" and f'"format": "{FORMAT_NAME}"'.encode() in head[:512]

    def read(self, path: Path, **options: Any) -> MapImport:
        if options:
            raise FormatError(f"a coprod-toc map is read with no options, not {sorted(options)}")
        toc = load(path)
        parts = {
            "impacts": len(toc.impacts()),
            "outcomes": len(toc.outcomes()),
            "activities": len(toc.activities()),
            "assumptions": len(toc.assumptions()),
        }
        return MapImport(toc=toc, format="coprod-toc", source=str(path), read=parts)
