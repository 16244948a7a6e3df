"""Built-in plugin: the canonical JSON document as a renderer (and so as an export)."""

from __future__ import annotations

from typing import Any

from coprod_toc.errors import RenderError
from coprod_toc.format import dumps
from coprod_toc.graph import TheoryOfChange
from coprod_toc.plugins.hookspecs import Register, hookimpl


class JsonRenderer:
    media_type = "application/json"
    suffix = ".json"
    description = "The canonical coprod-toc JSON document (lossless)."

    def render(self, toc: TheoryOfChange, **options: Any) -> str:
        if options:
            raise RenderError(f"the json renderer takes no options, not {sorted(options)}")
        return dumps(toc)


@hookimpl
def register_renderers(register: Register) -> None:
    register("json", JsonRenderer)
