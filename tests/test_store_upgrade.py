"""Stores written by the release before evidence had rows of its own (schema 1) are upgraded in
place: every version loads as it was saved, and a killed upgrade leaves the store as it was."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest

import coprod_toc as ct
from coprod_toc.backends.stores.sqlite import MIGRATIONS
from coprod_toc.evidence import EvidenceItem, Participant
from coprod_toc.format.document import map_header

FIXTURES = Path(__file__).parent / "fixtures" / "stores"
RELEASE_DB = FIXTURES / "schema-1.db"  # written by the release before this schema
EXPECTED = json.loads((FIXTURES / "schema-1.expected.json").read_text("utf-8"))
P1 = "R-00000000000000a1"


def _release_store(tmp_path: Path) -> Path:
    path = tmp_path / "maps.db"
    shutil.copyfile(RELEASE_DB, path)
    return path


def _schema(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT version FROM schema_version").fetchone()[0])


def test_the_fixture_is_a_schema_1_store() -> None:
    """The fixture really is a store of the previous schema, with evidence in its headers."""
    assert _schema(RELEASE_DB) == 1
    with sqlite3.connect(RELEASE_DB) as conn:
        headers = [h for (h,) in conn.execute("SELECT header FROM versions")]
    assert sum('"evidence"' in h for h in headers) == 3


def test_every_version_loads_as_saved_after_the_upgrade(tmp_path: Path) -> None:
    """Opening the release's database upgrades it; each version of each map loads exactly
    as the release saved it, and no header keeps evidence."""
    path = _release_store(tmp_path)
    with ct.open_store(f"sqlite:///{path}") as store:
        assert store.list() == sorted(EXPECTED)
        for name, versions in EXPECTED.items():
            for number, document in enumerate(versions, start=1):
                assert json.loads(ct.dumps(store.load(name, number))) == document, (name, number)
    assert _schema(path) == len(MIGRATIONS)
    with sqlite3.connect(path) as conn:
        assert not [h for (h,) in conn.execute("SELECT header FROM versions") if "evidence" in h]
        rows = conn.execute("SELECT count(*) FROM evidence WHERE map = 'day-centre'").fetchone()
    # 6 records in version 1; version 2 changes q-1 and adds b-1; version 3 drops a consent
    assert rows[0] == 8


def test_an_upgraded_store_saves_what_changed_and_erases(tmp_path: Path) -> None:
    """After the upgrade a new version adds rows only for what changed, and erasure reaches
    every version, the link evidence too."""
    path = _release_store(tmp_path)
    with ct.open_store(f"sqlite:///{path}") as store:
        toc = store.load("day-centre")
        toc.evidence.add(Participant(id="R-00000000000000c3"))
        assert store.save("day-centre", toc, expected_version=3) == 4
        with sqlite3.connect(path) as conn:
            added = conn.execute(
                "SELECT section, key FROM evidence WHERE valid_from = 4"
            ).fetchall()
        assert added == [("participants", "R-00000000000000c3")]
        assert store.erase_participant(P1) == 4
        for number in range(1, 5):
            text = ct.dumps(store.load("day-centre", number))
            assert P1 not in text and '"q-1"' not in text


# --------------------------------------------------------------------------- killed upgrades

KILLS = 10


def _big_release_store(path: Path, versions: int = 30, records: int = 3000) -> None:
    """A schema-1 store (the fixture) with one more map whose every version's header holds
    thousands of evidence records, so the upgrade takes long enough to be killed inside."""
    shutil.copyfile(RELEASE_DB, path)
    toc = ct.example()
    with sqlite3.connect(path) as conn:
        for table, columns in (("nodes", 7), ("links", 7)):
            marks = ", ".join("?" * columns)
            rows = conn.execute(f"SELECT * FROM {table} WHERE map = 'no-evidence'").fetchall()
            conn.executemany(
                f"INSERT INTO {table} VALUES ({marks})",
                [("big", *row[1:]) for row in rows],
            )
        conn.execute(
            "INSERT INTO maps SELECT 'big', generation, ?, next_node_position, "
            "next_link_position FROM maps WHERE name = 'no-evidence'",
            (versions,),
        )
        for version in range(1, versions + 1):
            toc.evidence = _evidence(records + version)
            conn.execute(
                "INSERT INTO versions VALUES ('big', ?, '2026-01-01T00:00:00+00:00', ?, NULL, ?)",
                (version, toc.title, json.dumps(map_header(toc))),
            )


def _evidence(count: int) -> ct.evidence.Evidence:
    evidence = ct.evidence.Evidence()
    evidence.extend(
        EvidenceItem(id=f"q-{i}", type="form_questionnaire", content=f"answer {i}")
        for i in range(count)
    )
    return evidence


def _upgrade(url: str) -> None:
    with ct.open_store(url):
        pass


def test_a_killed_upgrade_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    """SIGKILL at random moments of the upgrade: the database is either still the release's,
    untouched, or wholly upgraded; the next open finishes the job and every version loads."""
    template = tmp_path / "template.db"
    _big_release_store(template)
    spare = tmp_path / "calibration.db"
    shutil.copyfile(template, spare)
    start = time.perf_counter()
    _upgrade(f"sqlite:///{spare}")
    window = (time.perf_counter() - start) * 1.2
    context = multiprocessing.get_context("fork")
    rng = random.Random(15)
    outcomes = set()
    for kill in range(KILLS):
        path = tmp_path / f"maps-{kill}.db"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
        upgrader = context.Process(target=_upgrade, args=(url,))
        upgrader.start()
        time.sleep(rng.uniform(0.0, window))
        if upgrader.is_alive():
            os.kill(upgrader.pid, signal.SIGKILL)  # type: ignore[arg-type]
        upgrader.join()
        schema = _schema(path)
        outcomes.add(schema)
        with sqlite3.connect(path) as conn:
            tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master")}
            headers_with_evidence = conn.execute(
                "SELECT count(*) FROM versions WHERE header LIKE '%\"evidence\"%'"
            ).fetchone()[0]
        if schema == 1:
            assert "evidence" not in tables and headers_with_evidence == 33
        else:
            assert schema == len(MIGRATIONS) and headers_with_evidence == 0
        with ct.open_store(url) as store:
            for version in (1, 30):
                assert store.load("big", version).evidence == _evidence(3000 + version)
            assert store.load("day-centre", 3) == ct.loads(json.dumps(EXPECTED["day-centre"][2]))
    assert 1 in outcomes, "some kills should land before the upgrade commits"


def test_a_damaged_header_stops_the_upgrade_and_changes_nothing(tmp_path: Path) -> None:
    """A header whose evidence does not read: StoreError naming the map, and the database
    stays at the release's schema, untouched."""
    path = _release_store(tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE versions SET header = ? WHERE map = 'day-centre' AND version = 2",
            ('{"title": "x", "evidence": {"items": [{"id": "bad id!", "type": "document"}]}}',),
        )
    before = path.read_bytes()
    with pytest.raises(ct.StoreError, match="day-centre"):
        ct.open_store(f"sqlite:///{path}")
    assert _schema(path) == 1
    with sqlite3.connect(path) as conn:
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master")}
    assert "evidence" not in tables
    assert len(path.read_bytes()) == len(before)


def test_a_damaged_header_is_named_by_its_map_and_version(tmp_path: Path) -> None:
    """The upgrade's error names the map and the version whose evidence does not read."""
    path = _release_store(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE versions SET header = ? WHERE map = 'day-centre' AND version = 2",
        ('{"title": "x", "evidence": {"items": [{"id": "q", "type": "rumour"}]}}',),
    )
    conn.commit()
    conn.close()
    with pytest.raises(ct.StoreError, match=r"'day-centre'.*version 2"):
        ct.open_store(f"sqlite:///{path}")
