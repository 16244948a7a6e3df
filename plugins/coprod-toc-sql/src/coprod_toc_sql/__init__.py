"""coprod-toc plugin: keep maps in PostgreSQL or MariaDB/MySQL through SQLAlchemy 2.

    store = ct.open_store("postgresql+psycopg://user@host/dbname")
    store = ct.open_store("mysql+pymysql://user@host/dbname")

This module holds only the plugin's hooks, so that loading the plugin (which every
``coprod-toc`` command does) costs nothing: SQLAlchemy is imported when a database URL is
first opened. The store itself is :mod:`coprod_toc_sql.store`; its names (``SQLStore``,
``metadata``, the tables, ``MIGRATIONS``) are reachable from here too.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from coprod_toc.plugins import hookimpl

if TYPE_CHECKING:
    from coprod_toc.storage import Store

__all__ = ["MIGRATIONS", "SCHEMES", "SQLStore", "metadata", "open_store", "store_schemes"]

#: The URL schemes this plugin answers (a bare ``postgresql://`` or ``mysql://`` works too,
#: with SQLAlchemy's default driver for it).
SCHEMES = ("postgresql+psycopg", "mysql+pymysql", "mariadb+pymysql")
_DIALECTS = ("postgresql", "mysql", "mariadb")


@hookimpl
def open_store(url: str) -> Store | None:
    scheme = url.split("://", 1)[0]
    if scheme.split("+", 1)[0] not in _DIALECTS:
        return None
    from coprod_toc_sql.store import open_sql_store  # SQLAlchemy, only now it is needed

    return open_sql_store(url, scheme)


@hookimpl
def store_schemes() -> list[str]:
    return list(SCHEMES)


def __getattr__(name: str) -> Any:
    """The store's names (``SQLStore``, ``metadata``, the tables…), imported on first use."""
    if name.startswith("__"):
        raise AttributeError(name)
    store = importlib.import_module("coprod_toc_sql.store")
    try:
        return getattr(store, name)
    except AttributeError:
        raise AttributeError(f"module 'coprod_toc_sql' has no attribute {name!r}") from None
