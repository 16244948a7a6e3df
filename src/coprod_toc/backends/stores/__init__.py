"""The built-in stores, one plugin answering the ``open_store`` hook for three schemes:
``memory://``, SQLite (the default) and ``json://`` (a folder of JSON files). They are
written with the kit of :mod:`coprod_toc.storage` only, as a third-party store would be.

Each store's module is imported when a URL of its scheme is first opened, so a command
that never opens a store does not pay for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from coprod_toc.errors import StoreError
from coprod_toc.plugins.hookspecs import hookimpl

if TYPE_CHECKING:
    from coprod_toc.storage import Store

#: URL scheme → the module (of this package) that opens it.
SCHEMES = {"memory": "memory", "sqlite": "sqlite", "json": "json_files"}


@hookimpl
def open_store(url: str | None, options: Mapping[str, Any]) -> Store | None:
    scheme = url.split("://", 1)[0] if url and "://" in url else None
    module = SCHEMES.get(scheme) if scheme else None
    if module is None:
        return None
    if options:
        raise StoreError(
            f"the {scheme}:// store takes no options; given "
            + ", ".join(f"{name}=" for name in sorted(options))
        )
    opened: Store | None = importlib.import_module(f"{__name__}.{module}").open_store(url)
    return opened


@hookimpl
def store_schemes() -> list[str]:
    return list(SCHEMES)
