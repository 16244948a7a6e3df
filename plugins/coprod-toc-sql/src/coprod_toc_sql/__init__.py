"""coprod-toc plugin: keep maps in PostgreSQL, MariaDB/MySQL or SQLite through SQLAlchemy 2.

    store = ct.open_store("postgresql+psycopg://user@host/dbname")
    store = ct.open_store("mysql+pymysql://user@host/dbname")
    store = ct.open_store(connection=conn)  # in the host's own transaction

This module holds only the plugin's hooks, so that loading the plugin (which every
``coprod-toc`` command does) costs nothing: SQLAlchemy is imported when a database URL is
first opened. The store itself is :mod:`coprod_toc_sql.store`; its names (``SQLStore``,
``metadata``, the tables, ``MIGRATIONS``) are reachable from here too.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from coprod_toc.plugins import hookimpl

if TYPE_CHECKING:
    from coprod_toc.storage import Store

__all__ = [
    "MIGRATIONS",
    "SCHEMES",
    "SQLStore",
    "metadata",
    "open_store",
    "store_schemes",
    "tables_metadata",
]

#: The URL schemes this plugin answers (a bare ``postgresql://``, ``postgres://`` or
#: ``mysql://`` works too, with SQLAlchemy's default driver for it). Plain ``sqlite://`` is
#: the built-in store's; ``sqlite+pysqlite://`` is this one's, for a host on SQLite.
SCHEMES = ("postgresql+psycopg", "mysql+pymysql", "mariadb+pymysql", "sqlite+pysqlite")
_DIALECTS = ("postgresql", "postgres", "mysql", "mariadb")
#: Options that name a host's database in place of a URL.
_HOST_OPTIONS = ("engine", "connection", "session")


@hookimpl
def open_store(url: str | None, options: Mapping[str, Any]) -> Store | None:
    if url is None:
        if not any(options.get(name) is not None for name in _HOST_OPTIONS):
            return None
    else:
        scheme = url.split("://", 1)[0]
        if scheme.split("+", 1)[0] not in _DIALECTS and scheme != "sqlite+pysqlite":
            return None
    from coprod_toc_sql.store import open_sql_store  # SQLAlchemy, only now it is needed

    return open_sql_store(url, options)


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
