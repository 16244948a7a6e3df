"""The built-in stores: each passes the conformance kit, keeps every version exactly, and
writes only what changed."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coprod_toc as ct
from coprod_toc.api import default_store_url
from coprod_toc.backends.stores.sqlite import MIGRATIONS
from coprod_toc.evidence import Benefit, EvidenceItem
from coprod_toc.storage import Store
from coprod_toc.storage.rows import Snapshot, plan_changes
from coprod_toc.testing import StoreContract
from tests.strategies import TEXT, maps


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[Store]:
        with ct.open_store(f"sqlite:///{tmp_path / 'maps.db'}") as store:
            yield store


class TestSQLiteMemoryStore(StoreContract):
    store_url = "sqlite:///:memory:"


class TestJsonStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[Store]:
        with ct.open_store(f"json://{tmp_path / 'maps'}") as store:
            yield store


# --------------------------------------------------------------------------- properties


@settings(max_examples=60)
@given(
    st.lists(st.tuples(maps(), st.booleans()), min_size=1, max_size=5),
    st.sampled_from(["sqlite", "json"]),
)
def test_any_sequence_of_maps_loads_back_version_by_version(
    saves: list[tuple[ct.TheoryOfChange, bool]], scheme: str
) -> None:
    """Save unrelated random maps under one name (ids reused with other types and content),
    sometimes from a store opened afresh: every version loads exactly as it was saved."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/m.db" if scheme == "sqlite" else f"json://{folder}/maps"
        store = ct.open_store(url)
        try:
            for toc, reopen in saves:
                if reopen:
                    store.close()
                    store = ct.open_store(url)
                store.save("m", toc)
            for version, (toc, _) in enumerate(saves, start=1):
                assert ct.dumps(store.load("m", version)) == ct.dumps(toc)
        finally:
            store.close()


@settings(max_examples=60)
@given(maps())
def test_a_first_save_writes_what_comparing_with_nothing_would(toc: ct.TheoryOfChange) -> None:
    """A map's first save has its own short path; it writes the very rows, in the very
    places, that comparing the map with an empty stored version writes."""
    first = plan_changes(toc, None, generation="g", version=1)
    compared = plan_changes(toc, Snapshot("g", 0, {}, {}), generation="g", version=1)
    assert (first.new_nodes, first.new_links) == (compared.new_nodes, compared.new_links)
    assert not first.closed_nodes and not first.closed_links
    assert first.snapshot.nodes == compared.snapshot.nodes
    assert first.snapshot.links == compared.snapshot.links
    assert (first.snapshot.next_node_position, first.snapshot.next_link_position) == (
        compared.snapshot.next_node_position,
        compared.snapshot.next_link_position,
    )


# --------------------------------------------------------------------------- SQLite specifics


def _count(path: Path, sql: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def test_sqlite_small_edit_writes_one_row(tmp_path: Path) -> None:
    """A one-node edit closes one node row and adds one; links are untouched."""
    path = tmp_path / "maps.db"
    with ct.open_store(f"sqlite:///{path}") as store:
        toc = ct.example()
        store.save("m", toc)
        toc.update("O1", statement="A co-production group, trained and ready.")
        store.save("m", toc)
    assert _count(path, "SELECT count(*) FROM nodes WHERE valid_from = 2") == 1
    assert _count(path, "SELECT count(*) FROM nodes WHERE valid_to = 2") == 1
    assert _count(path, "SELECT count(*) FROM links WHERE valid_from = 2") == 0


def test_sqlite_adding_an_outcome_rewrites_nothing_else(tmp_path: Path) -> None:
    """A new outcome and its link add two rows, even though activities come after outcomes."""
    path = tmp_path / "maps.db"
    with ct.open_store(f"sqlite:///{path}") as store:
        toc = store_example(store)
        toc.add_outcome("Volunteers join", kind="coproduction", leads_to=["I2"], id="O99")
        store.save("m", toc)
    assert _count(path, "SELECT count(*) FROM nodes WHERE valid_from = 2") == 1
    assert _count(path, "SELECT count(*) FROM links WHERE valid_from = 2") == 1
    assert _count(path, "SELECT count(*) FROM nodes WHERE valid_to = 2") == 0


def store_example(store: Store) -> ct.TheoryOfChange:
    store.save("m", ct.example())
    return store.load("m")


def test_sqlite_file_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    """A database whose schema is newer than this library knows is not touched."""
    path = tmp_path / "maps.db"
    ct.open_store(f"sqlite:///{path}").close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = version + 1")
    conn.commit()
    conn.close()
    with pytest.raises(ct.StoreError, match="newer coprod-toc"):
        ct.open_store(f"sqlite:///{path}")


def test_sqlite_reopening_keeps_maps_and_schema(tmp_path: Path) -> None:
    """Opening an existing file runs no migration again and finds its maps."""
    url = f"sqlite:///{tmp_path / 'maps.db'}"
    with ct.open_store(url) as store:
        store.save("m", ct.example())
    with ct.open_store(url) as store:
        assert store.list() == ["m"]
    assert _count(tmp_path / "maps.db", "SELECT version FROM schema_version") == len(MIGRATIONS)


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    """The database is in WAL mode, so readers never wait for a save."""
    path = tmp_path / "maps.db"
    ct.open_store(f"sqlite:///{path}").close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///no/such/folder/m.db"])
def test_sqlite_bad_urls_are_store_errors(url: str) -> None:
    """A URL without a file, or in a folder that does not exist, is refused clearly."""
    with pytest.raises(ct.StoreError):
        ct.open_store(url)


_LINK_O1_I1 = "WHERE source = 'O1' AND target = 'I1'"


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        ("UPDATE versions SET header = 'x'", "header: not one JSON value"),
        ("UPDATE nodes SET body = 'not json' WHERE id = 'O1'", "node 'O1': not one JSON value"),
        ("UPDATE nodes SET body = '1,2' WHERE id = 'O1'", "node 'O1': not one JSON value"),
        ("UPDATE nodes SET body = '[]' WHERE id = 'O1'", "node 'O1': expected an object"),
        (
            """UPDATE nodes SET body = '{"statement":"x","kind":"sideways"}' WHERE id = 'O1'""",
            "node 'O1'.kind: must be one of",
        ),
        ("UPDATE nodes SET type = 'goal' WHERE id = 'O1'", "node 'O1': unknown node type 'goal'"),
        (
            f"UPDATE links SET target = 'O99' {_LINK_O1_I1}",
            "link 'O1' -> 'O99': unknown node 'O99'",
        ),
        (
            f"UPDATE links SET source = 'O99' {_LINK_O1_I1}",
            "link 'O99' -> 'I1': unknown node 'O99'",
        ),
        (
            f"UPDATE links SET target = 'A1' {_LINK_O1_I1}",
            "link 'O1' -> 'A1': an outcome cannot link to an activity",
        ),
        (
            f"""UPDATE links SET body = '{{"level":9}}' {_LINK_O1_I1}""",
            "link 'O1' -> 'I1': level must be a whole number from 0 to 4",
        ),
        (
            f"""UPDATE links SET body = '{{"colour":1}}' {_LINK_O1_I1}""",
            "link 'O1' -> 'I1'.colour: unknown field 'colour'",
        ),
        (f"UPDATE links SET body = '[1]' {_LINK_O1_I1}", "link 'O1' -> 'I1': expected an object"),
    ],
)
def test_sqlite_damaged_rows_are_named_not_loaded(tmp_path: Path, damage: str, named: str) -> None:
    """A stored row that no longer holds a valid record is reported by its row."""
    path = tmp_path / "maps.db"
    with ct.open_store(f"sqlite:///{path}") as store:
        store.save("m", ct.example())
    conn = sqlite3.connect(path)
    conn.execute(damage)
    conn.commit()
    conn.close()
    with ct.open_store(f"sqlite:///{path}") as store, pytest.raises(ct.StoreError) as caught:
        store.load("m")
    assert f"version 1 of map 'm' cannot be read: {named}" in str(caught.value)


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        ("UPDATE evidence SET body = 'x' WHERE key = 'q-1'", "items record 'q-1': not one JSON"),
        (
            """UPDATE evidence SET body = '{"id":"q-1","type":"rumour"}' WHERE key = 'q-1'""",
            "items record 'q-1': type must be one of",
        ),
        (
            """UPDATE evidence SET body = '{"id":"q-1","type":"document","x":1}' """
            "WHERE key = 'q-1'",
            "items record 'q-1': unknown field 'x'",
        ),
        ("UPDATE evidence SET section = 'gossip'", "evidence 'q-1': unknown evidence section"),
    ],
)
def test_sqlite_damaged_evidence_rows_are_named_not_loaded(
    tmp_path: Path, damage: str, named: str
) -> None:
    """An evidence row that no longer holds a valid record is reported by its map, version
    and row."""
    path = tmp_path / "maps.db"
    toc = ct.example()
    toc.evidence.add(EvidenceItem(id="q-1", type="document", participants=["R-1"]))
    with ct.open_store(f"sqlite:///{path}") as store:
        store.save("m", toc)
    with sqlite3.connect(path) as conn:
        conn.execute(damage)
    with ct.open_store(f"sqlite:///{path}") as store, pytest.raises(ct.StoreError) as caught:
        store.load("m")
    assert f"version 1 of map 'm' cannot be read: {named}" in str(caught.value)


# --------------------------------------------------------------------------- JSON specifics


def test_json_damaged_file_is_reported_not_read(tmp_path: Path) -> None:
    """A version file whose content no longer matches its checksum raises StoreError."""
    with ct.open_store(f"json://{tmp_path}") as store:
        store.save("m", ct.example())
        path = tmp_path / "m" / "00000001.json"
        path.write_bytes(path.read_bytes().replace(b"Day centre", b"Day centrX"))
        with pytest.raises(ct.StoreError, match="damaged"):
            store.load("m")


def test_json_files_are_readable_canonical_json(tmp_path: Path) -> None:
    """After the metadata line, a version file is the map's canonical JSON."""
    toc = ct.example()
    with ct.open_store(f"json://{tmp_path}") as store:
        store.save("m", toc, message="first")
    meta, _, body = (tmp_path / "m" / "00000001.json").read_text("utf-8").partition("\n")
    assert json.loads(meta)["message"] == "first"
    assert body == ct.dumps(toc)


# --------------------------------------------------------------------------- the default store


def test_default_store_is_the_environment_one(default_store: str) -> None:
    """open_store() with no URL opens $COPROD_TOC_STORE, making its folder if needed."""
    with ct.open_store() as store:
        assert store.url == default_store
        store.save("m", ct.example())
    assert default_store_url() == default_store


def test_default_store_without_environment_is_in_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without $COPROD_TOC_STORE the default is a SQLite file in the user's data folder."""
    monkeypatch.delenv(ct.api.STORE_ENV)
    url = default_store_url()
    assert url.startswith("sqlite:///") and url.endswith("maps.db")
    assert "coprod-toc" in url


def _random_edit(toc: ct.TheoryOfChange, data: st.DataObject) -> None:
    """One random edit of the kinds people make: change, remove, add, link, unlink, relink."""
    nodes = [n for n in toc.nodes() if n.node_type is not ct.NodeType.PROBLEM]
    links = toc.links()
    choice = data.draw(st.integers(0, 6))
    if choice == 0 and nodes:
        node = data.draw(st.sampled_from(nodes))
        toc.update(
            node.id,
            **{"description" if isinstance(node, ct.Activity) else "statement": data.draw(TEXT)},
        )
    elif choice == 1 and nodes:
        toc.remove(data.draw(st.sampled_from(nodes)).id)
    elif choice == 2:
        maker = data.draw(st.sampled_from([toc.add_impact, toc.add_outcome, toc.add_activity]))
        maker("new", kind=data.draw(st.sampled_from(["project", "coproduction"])))
    elif choice == 3 and len(nodes) > 1:
        source, target = data.draw(st.sampled_from(nodes)), data.draw(st.sampled_from(nodes))
        level = data.draw(st.none() | st.integers(0, 4))
        with contextlib.suppress(ct.LinkError):  # not an allowed link: nothing changes
            toc.link(source.id, target.id, level=level)
    elif choice == 4 and links:
        link = data.draw(st.sampled_from(links))
        toc.unlink(link.source, link.target)
    elif choice == 5 and links:
        link = data.draw(st.sampled_from(links))
        toc.update_link(link.source, link.target, level=data.draw(st.none() | st.integers(0, 4)))
    elif choice == 6 and links:
        link = data.draw(st.sampled_from(links))  # unlink and link again: it moves to the end
        toc.unlink(link.source, link.target)
        toc.link(link.source, link.target, level=link.level, evidence=link.evidence)


@settings(max_examples=80)
@given(maps(max_nodes=5), st.data())
def test_edits_between_saves_load_back_version_by_version(
    start: ct.TheoryOfChange, data: st.DataObject
) -> None:
    """Load, edit, save, again and again (the store compares only what the map says changed):
    every version loads exactly as it was saved, in the same order."""
    with ct.open_store("sqlite:///:memory:") as store:
        store.save("m", start)
        saved = [ct.dumps(start)]
        toc = store.load("m") if data.draw(st.booleans()) else start
        for _ in range(data.draw(st.integers(1, 5))):
            for _ in range(data.draw(st.integers(0, 4))):
                _random_edit(toc, data)
            store.save("m", toc)
            saved.append(ct.dumps(toc))
        for version, text in enumerate(saved, start=1):
            assert ct.dumps(store.load("m", version)) == text


@pytest.mark.parametrize("level", range(5))
def test_level_only_link_body_is_the_canonical_json(level: int) -> None:
    """The shortcut for links that carry only a level writes what the encoder would."""
    from coprod_toc.storage import rows

    link = ct.Link(source="A1", target="O1", level=level)
    assert rows.link_body(link) == json.dumps({"level": level}, separators=(",", ":"))


def test_a_store_written_before_save_version_keeps_working() -> None:
    """A third-party store that defines save() itself (as before save_version) is told to
    rename it, and still saves, with if_changed offered by the base class."""
    from coprod_toc.backends.stores.memory import MemoryStore

    with pytest.warns(DeprecationWarning, match="save_version"):

        class OldStyleStore(MemoryStore):
            def save(  # type: ignore[override]
                self,
                name: str,
                toc: ct.TheoryOfChange,
                *,
                expected_version: int | None = None,
                message: str | None = None,
            ) -> int:
                return super().save_version(
                    name, toc, expected_version=expected_version, message=message
                )

    store = OldStyleStore("memory://")
    toc = ct.example()
    assert store.save("map", toc) == 1
    assert store.save("map", toc, if_changed=True) == 1
    assert store.save("map", toc) == 2


def _save_elsewhere(path: str, toc_json: str) -> None:
    """Another process saving the map (it remembers nothing of this one's)."""
    with ct.open_store(f"sqlite:///{path}") as store:
        store.save("m", ct.loads(toc_json))


def test_a_database_restored_from_a_backup_is_never_mistaken_for_what_was_remembered(
    tmp_path: Path,
) -> None:
    """This process remembers version 2; the file is restored to version 1 and another
    process saves its own version 2. This process's next save is compared with what the
    file holds, so its version 3 is exactly its map, and if_changed sees the difference."""
    import multiprocessing

    path = tmp_path / "maps.db"
    backup = tmp_path / "backup.db"
    url = f"sqlite:///{path}"
    toc = ct.example()
    with ct.open_store(url) as store:
        store.save("m", toc)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    shutil.copyfile(path, backup)
    with ct.open_store(url) as store:
        mine = store.load("m")
        mine.update("O5", statement="Mine.")
        store.save("m", mine)  # version 2, remembered
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, path)
    theirs = ct.example()
    theirs.update("O1", statement="Theirs.")
    child = multiprocessing.get_context("spawn").Process(
        target=_save_elsewhere, args=(str(path), ct.dumps(theirs))
    )
    child.start()
    child.join()
    assert child.exitcode == 0
    with ct.open_store(url) as store:
        assert store.save("m", mine, if_changed=True) == 3
        assert store.load("m") == mine


@pytest.mark.parametrize("url_of", [lambda p: f"sqlite:///{p / 'maps.db'}", lambda p: "memory://"])
def test_a_score_of_4_changed_to_4_point_0_loads_as_saved(tmp_path: Path, url_of: Any) -> None:
    """Equal records written differently (4 and 4.0) are a change to store: each version
    loads exactly as it was saved, whatever the store remembers."""
    toc = ct.example()
    toc.evidence.add(Benefit(id="b-1", recipient="individual", domain="confidence", score=4))
    with ct.open_store(url_of(tmp_path)) as store:
        store.save("m", toc)
        toc.evidence.benefits[0] = attrs.evolve(toc.evidence.benefits[0], score=4.0)
        store.save("m", toc)
        assert ct.dumps(store.load("m", 2)) == ct.dumps(toc)


def test_an_evidence_row_whose_key_does_not_name_its_record_is_named(tmp_path: Path) -> None:
    """A key changed by hand would pair the row with the wrong record on the next save:
    loading names it instead."""
    path = tmp_path / "maps.db"
    toc = ct.example()
    toc.evidence.add(EvidenceItem(id="q-1", type="document"))
    with ct.open_store(f"sqlite:///{path}") as store:
        store.save("m", toc)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE evidence SET key = 'q-2'")
    conn.commit()
    conn.close()
    with ct.open_store(f"sqlite:///{path}") as store, pytest.raises(ct.StoreError) as caught:
        store.load("m")
    assert "items record 'q-2': the row's key does not name its record ('q-1')" in str(caught.value)


def test_reordered_evidence_is_a_change_the_diff_names() -> None:
    """Records in another order: not unchanged, and the diff says which section."""
    before = ct.example()
    before.evidence.extend(EvidenceItem(id=f"q-{n}", type="document") for n in range(3))
    after = before.copy()
    after.evidence.items.reverse()
    change = ct.diff(before, after)
    assert change and change.evidence_reordered == ("items",)
    assert change.lines() == ["~ order of the items records"]


def test_a_store_opened_afresh_saves_an_edit_without_reading_every_row(tmp_path: Path) -> None:
    """A map loaded through one store object, edited and saved through another opened on
    the same file (the next web request): the save reads no stored node rows to compare,
    and writes only the edited node."""
    url = f"sqlite:///{tmp_path / 'maps.db'}"
    with ct.open_store(url) as store:
        store.save("m", ct.example())
        toc = store.load("m")
        toc.update("O5", statement="Staff recruited.  ")
        store.save("m", toc, expected_version=1)
    toc.update("O5", statement="Staff recruited and trained.")
    with ct.open_store(url) as fresh:
        statements: list[str] = []
        fresh._conn.set_trace_callback(statements.append)  # type: ignore[attr-defined]
        assert fresh.save("m", toc, expected_version=2) == 3
    assert not [s for s in statements if s.startswith("SELECT id, body, position FROM nodes")]
    with ct.open_store(url) as store:
        assert store.load("m") == toc


def test_the_collector_stays_on_for_every_other_thread(tmp_path: Path) -> None:
    """While another thread runs, loads and saves of a large map never switch Python's
    garbage collector off: a watcher thread looking all the while never sees it off."""
    import gc
    import threading

    from benchmarks.common import build_map

    toc = build_map(6000)
    seen_off = threading.Event()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if not gc.isenabled():
                seen_off.set()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ct.open_store(f"sqlite:///{tmp_path / 'maps.db'}") as store:
            for _ in range(3):
                store.save("m", toc)
                toc = store.load("m")
        ct.loads(ct.dumps(toc))
    finally:
        done.set()
        watcher.join()
    assert gc.isenabled()
    assert not seen_off.is_set()


def test_the_collectors_settings_come_back_after_blocks_in_several_threads() -> None:
    """Blocks that collect less often while another thread runs, overlapping in two
    threads, leave the collector's thresholds as they found them."""
    import gc
    import threading

    from coprod_toc._gc import collection_paused

    before = gc.get_threshold()
    inside = threading.Barrier(2)

    def block() -> None:
        with collection_paused():
            inside.wait(5)
            assert gc.isenabled()

    threads = [threading.Thread(target=block) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gc.get_threshold() == before and gc.isenabled()
