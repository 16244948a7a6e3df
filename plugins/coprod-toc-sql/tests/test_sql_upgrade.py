"""Databases written by the release before evidence had rows of its own (schema 1) are
upgraded in place on PostgreSQL and MariaDB, and a killed upgrade leaves them usable.

The release's data comes from the core's fixture (a SQLite store that release wrote): its
rows are copied into tables of the release's shape on the server under test.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import coprod_toc_sql
import sqlalchemy as sa

import coprod_toc as ct
from coprod_toc.evidence import EvidenceItem
from coprod_toc.format.document import map_header

FIXTURES = Path(__file__).parents[3] / "tests" / "fixtures" / "stores"
EXPECTED = json.loads((FIXTURES / "schema-1.expected.json").read_text("utf-8"))


def _release_tables(url: str, extra_versions: int = 0) -> None:
    """The release's tables (schema 1: no evidence table, no evidence position) holding the
    fixture's rows, plus a map ``big`` with ``extra_versions`` evidence-heavy versions."""
    engine = sa.create_engine(url)
    old = sa.MetaData()
    for table in (coprod_toc_sql.schema_version, coprod_toc_sql.versions):
        table.to_metadata(old)
    coprod_toc_sql.nodes.to_metadata(old)
    coprod_toc_sql.links.to_metadata(old)
    sa.Table(
        coprod_toc_sql.maps.name,
        old,
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("generation", sa.String(32), nullable=False),
        sa.Column("latest", sa.Integer, nullable=False),
        sa.Column("next_node_position", sa.BigInteger, nullable=False),
        sa.Column("next_link_position", sa.BigInteger, nullable=False),
    )
    with sqlite3.connect(FIXTURES / "schema-1.db") as source:
        rows = {
            table: source.execute(f"SELECT * FROM {table}").fetchall()
            for table in ("maps", "versions", "nodes", "links")
        }
    try:
        with engine.begin() as conn:
            old.create_all(conn)
            conn.execute(old.tables["coprod_toc_schema"].insert().values(version=1))
            for table, columns in (
                ("maps", ("name", "generation", "latest", "next_node_position",
                          "next_link_position")),
                ("versions", ("map", "version", "saved_at", "title", "message", "header")),
                ("nodes", ("map", "id", "type", "body", "position", "valid_from", "valid_to")),
                ("links", ("map", "source", "target", "body", "position", "valid_from",
                           "valid_to")),
            ):  # fmt: skip
                conn.execute(
                    old.tables[f"coprod_toc_{table}"].insert(),
                    [dict(zip(columns, row, strict=True)) for row in rows[table]],
                )
            if extra_versions:
                _add_big_map(conn, old, rows, extra_versions)
    finally:
        engine.dispose()


def _add_big_map(
    conn: sa.Connection, old: sa.MetaData, rows: dict[str, Any], versions: int
) -> None:
    tables = old.tables
    conn.execute(
        tables["coprod_toc_maps"].insert().values(
            name="big", generation="0" * 32, latest=versions, next_node_position=100,
            next_link_position=100,
        )
    )  # fmt: skip
    for table, columns in (
        ("nodes", ("map", "id", "type", "body", "position", "valid_from", "valid_to")),
        ("links", ("map", "source", "target", "body", "position", "valid_from", "valid_to")),
    ):
        conn.execute(
            tables[f"coprod_toc_{table}"].insert(),
            [
                dict(zip(columns, ("big", *row[1:]), strict=True))
                for row in rows[table]
                if row[0] == "no-evidence"
            ],
        )
    toc = ct.example()
    for version in range(1, versions + 1):
        toc.evidence = _evidence(1000 + version)
        conn.execute(
            tables["coprod_toc_versions"].insert().values(
                map="big", version=version, saved_at="2026-01-01T00:00:00+00:00",
                title=toc.title, message=None, header=json.dumps(map_header(toc)),
            )
        )  # fmt: skip


def _evidence(count: int) -> ct.evidence.Evidence:
    evidence = ct.evidence.Evidence()
    evidence.extend(
        EvidenceItem(id=f"q-{i}", type="form_questionnaire", content=f"answer {i}")
        for i in range(count)
    )
    return evidence


def _schema(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.select(coprod_toc_sql.schema_version.c.version)).scalar())
    finally:
        engine.dispose()


def test_every_version_loads_as_saved_after_the_upgrade(server_url: str) -> None:
    """Opening the release's tables upgrades them; every version of every map loads as the
    release saved it, and erasure then reaches every version."""
    _release_tables(server_url)
    with ct.open_store(server_url) as store:
        for name, versions in EXPECTED.items():
            for number, document in enumerate(versions, start=1):
                assert json.loads(ct.dumps(store.load(name, number))) == document, (name, number)
        assert store.erase_participant("R-00000000000000a1") == 3
        assert "R-00000000000000a1" not in ct.dumps(store.load("day-centre", 1))
    assert _schema(server_url) == len(coprod_toc_sql.MIGRATIONS)


def _upgrade(url: str, ready: multiprocessing.synchronize.Event | None = None) -> None:
    if ready is not None:
        ready.set()
    with ct.open_store(url):
        pass


def _drop(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        coprod_toc_sql.metadata.drop_all(engine)
    finally:
        engine.dispose()


def test_a_killed_upgrade_is_finished_by_the_next_open(server_url: str) -> None:
    """SIGKILL at random moments of the upgrade (MariaDB commits each change of a table's
    shape on its own): the next open always finishes it, and every version loads."""
    context = multiprocessing.get_context("spawn")  # no connection shared with the parent
    rng = random.Random(15)
    _release_tables(server_url, extra_versions=8)
    start = time.perf_counter()
    _upgrade(server_url)
    window = (time.perf_counter() - start) * 1.5
    for _ in range(5):
        _drop(server_url)
        _release_tables(server_url, extra_versions=8)
        ready = context.Event()
        upgrader = context.Process(target=_upgrade, args=(server_url, ready))
        upgrader.start()
        assert ready.wait(60)
        time.sleep(rng.uniform(0.0, window))
        if upgrader.is_alive():
            os.kill(upgrader.pid, signal.SIGKILL)  # type: ignore[arg-type]
        upgrader.join()
        with ct.open_store(server_url) as store:
            for version in (1, 8):
                assert store.load("big", version).evidence == _evidence(1000 + version)
            assert json.loads(ct.dumps(store.load("day-centre", 3))) == EXPECTED["day-centre"][2]
        assert _schema(server_url) == len(coprod_toc_sql.MIGRATIONS)
