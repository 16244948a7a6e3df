"""The built-in stores, one plugin answering the ``open_store`` hook for three schemes:
``memory://``, SQLite (the default) and ``json://`` (a folder of JSON files). They are
written with the kit of :mod:`coprod_toc.storage` only, as a third-party store would be.

Each store's module is imported when a URL of its scheme is first opened, so a command
that never opens a store does not pay for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from coprod_toc.plugins.hookspecs import hookimpl

if TYPE_CHECKING:
    from coprod_toc.storage import Store

#: URL scheme → the module (of this package) that opens it.
SCHEMES = {"memory": "memory", "sqlite": "sqlite", "json": "json_files"}


@hookimpl
def open_store(url: str) -> Store | None:
    module = SCHEMES.get(url.split("://", 1)[0]) if "://" in url else None
    if module is None:
        return None
    opened: Store | None = importlib.import_module(f"{__name__}.{module}").open_store(url)
    return opened


@hookimpl
def store_schemes() -> list[str]:
    return list(SCHEMES)
