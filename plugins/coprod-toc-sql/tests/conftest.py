"""The SQL store is tested against real database servers: PostgreSQL and MariaDB on this
machine by default, or the URLs in COPROD_TOC_TEST_POSTGRESQL / COPROD_TOC_TEST_MARIADB.
A server that is not running fails the tests: it is never skipped. SQLite, through
SQLAlchemy (``sqlite+pysqlite://``, for a host application on SQLite), runs them too, in a
file of this run's own."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import coprod_toc_sql
import pytest
import sqlalchemy as sa

from coprod_toc.plugins import PluginManager, make_plugin_manager, use_plugin_manager

SERVERS = {
    "postgresql": os.environ.get(
        "COPROD_TOC_TEST_POSTGRESQL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    ),
    "mariadb": os.environ.get(
        "COPROD_TOC_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306/test"
    ),
    "sqlite": f"sqlite+pysqlite:///{Path(tempfile.mkdtemp(prefix='coprod-toc-sql-')) / 'test.db'}",
}


def empty_database(url: str) -> None:
    """Drop this plugin's tables, so the next store starts from nothing."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            coprod_toc_sql.metadata.drop_all(conn)
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def plugin_manager() -> Iterator[PluginManager]:
    """The built-ins and this plugin, registered directly: no other installed plugin."""
    manager = make_plugin_manager(autoload=False)
    manager.register(coprod_toc_sql, name="sql")
    with use_plugin_manager(manager):
        yield manager


@pytest.fixture(params=sorted(SERVERS))
def server_url(request: pytest.FixtureRequest) -> str:
    """Each test runs once per server, with the plugin's tables dropped first."""
    url = SERVERS[request.param]
    empty_database(url)
    return url
