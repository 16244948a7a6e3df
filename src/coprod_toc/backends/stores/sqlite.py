"""Built-in plugin: ``sqlite:///PATH``, the embedded default store (stdlib ``sqlite3``).

One file, nothing to set up. WAL mode (readers never wait for a writer), every save one
transaction taken with ``BEGIN IMMEDIATE`` (writers queue, so the version check and the
write cannot interleave with another process's), full sync on commit. Nodes, links and
evidence records live in their own tables, one row per record and range of versions (see
:mod:`coprod_toc.storage.rows`), so saving a map after a small edit writes a few rows, and
every version stays loadable. Group records are small: each version is one row.

``sqlite:///maps.db`` is relative to the working folder, ``sqlite:////srv/maps.db`` absolute,
``sqlite:///:memory:`` a private in-memory database.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from coprod_toc.errors import (
    ConflictError,
    CoprodTocError,
    GroupNotFoundError,
    MapNotFoundError,
    StoreError,
)
from coprod_toc.evidence.records import erasure_digest
from coprod_toc.graph import TheoryOfChange
from coprod_toc.group import GroupRecord
from coprod_toc.storage import (
    Store,
    VersionInfo,
    check_group_save,
    check_member_code,
    check_save,
    erased_member_text,
    group_from_text,
    group_text,
    member_digest,
    refuse_erased_members,
)
from coprod_toc.storage.erasure import (
    StoredEvidence,
    StoredLink,
    erased_people_check,
    plan_erasure,
)
from coprod_toc.storage.rows import (
    CURRENT,
    RememberedMaps,
    Snapshot,
    collection_paused,
    evidence_in_order,
    loaded_snapshot,
    map_from_rows,
    plan_changes,
    stored_text,
)
from coprod_toc.storage.upgrade import evidence_history

__all__ = ["MIGRATIONS", "SQLiteStore"]

SCHEME = "sqlite"


def _evidence_out_of_headers(conn: sqlite3.Connection) -> None:
    """Schema 2: each map's evidence moves from its version headers into evidence rows."""
    for (name,) in conn.execute("SELECT name FROM maps").fetchall():
        headers = conn.execute(
            "SELECT version, header FROM versions WHERE map = ? ORDER BY version", (name,)
        ).fetchall()
        try:
            moved = evidence_history(headers)
        except CoprodTocError as exc:
            raise StoreError(f"cannot upgrade map {name!r}: {exc}") from None
        conn.executemany(
            "UPDATE versions SET header = ? WHERE map = ? AND version = ?",
            ((header, name, version) for version, header in moved.headers),
        )
        conn.executemany(
            "INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((name, *row) for row in moved.rows),
        )
        conn.execute(
            "UPDATE maps SET next_evidence_position = ? WHERE name = ?",
            (moved.next_position, name),
        )


#: Schema changes in order; a database records how many it has had in ``schema_version``.
#: Never edit one that has shipped: add the next. Each is SQL, or a function for what SQL
#: alone cannot do; all of them run in one transaction with the new schema version.
#: Rows are valid for versions valid_from <= v < valid_to; the rows of one record never
#: overlap, so (map, key, valid_to) finds a row, and valid_to = CURRENT its latest one.
MIGRATIONS: tuple[str | Callable[[sqlite3.Connection], None], ...] = (
    """
    CREATE TABLE maps (
        name TEXT PRIMARY KEY,
        generation TEXT NOT NULL,
        latest INTEGER NOT NULL,
        next_node_position INTEGER NOT NULL,
        next_link_position INTEGER NOT NULL
    );
    CREATE TABLE versions (
        map TEXT NOT NULL,
        version INTEGER NOT NULL,
        saved_at TEXT NOT NULL,
        title TEXT NOT NULL,
        message TEXT,
        header TEXT NOT NULL,
        PRIMARY KEY (map, version)
    );
    CREATE TABLE nodes (
        map TEXT NOT NULL,
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        body TEXT NOT NULL,
        position INTEGER NOT NULL,
        valid_from INTEGER NOT NULL,
        valid_to INTEGER NOT NULL,
        PRIMARY KEY (map, id, valid_to)
    );
    CREATE INDEX nodes_by_version ON nodes (map, valid_to, position);
    CREATE TABLE links (
        map TEXT NOT NULL,
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        body TEXT NOT NULL,
        position INTEGER NOT NULL,
        valid_from INTEGER NOT NULL,
        valid_to INTEGER NOT NULL,
        PRIMARY KEY (map, source, target, valid_to)
    );
    CREATE INDEX links_by_version ON links (map, valid_to, position);
    """,
    """
    CREATE TABLE evidence (
        map TEXT NOT NULL,
        section TEXT NOT NULL,
        key TEXT NOT NULL,
        body TEXT NOT NULL,
        position INTEGER NOT NULL,
        valid_from INTEGER NOT NULL,
        valid_to INTEGER NOT NULL,
        PRIMARY KEY (map, section, key, valid_to)
    );
    CREATE INDEX evidence_by_version ON evidence (map, valid_to, position);
    ALTER TABLE maps ADD COLUMN next_evidence_position INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE erased (digest TEXT PRIMARY KEY, erased_at TEXT NOT NULL);
    """,
    _evidence_out_of_headers,
    """
    CREATE TABLE group_versions (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        saved_at TEXT NOT NULL,
        title TEXT NOT NULL,
        message TEXT,
        document TEXT NOT NULL,
        PRIMARY KEY (name, version)
    );
    CREATE TABLE group_erased (
        name TEXT NOT NULL,
        digest TEXT NOT NULL,
        PRIMARY KEY (name, digest)
    );
    """,
)


class SQLiteStore(Store):
    def __init__(self, url: str, path: str) -> None:
        self.url = url
        self._lock = threading.RLock()
        # Store objects on one file share what they remember; a private in-memory database
        # is its own.
        self._remembered = (
            RememberedMaps()
            if path == ":memory:"
            else RememberedMaps.for_database(f"sqlite:{Path(path).resolve()}")
        )
        if path != ":memory:" and not Path(path).parent.is_dir():
            raise StoreError(f"{url!r}: the folder {str(Path(path).parent)!r} does not exist")
        try:
            self._db: sqlite3.Connection | None = sqlite3.connect(
                path, timeout=60, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            # Deleted content is overwritten, not left in free pages: erasure means gone.
            self._db.execute("PRAGMA secure_delete = ON")
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"{url!r}: cannot open the database: {exc}") from None

    # ------------------------------------------------------------------ plumbing

    @property
    def _conn(self) -> sqlite3.Connection:
        self.check_open()
        assert self._db is not None  # only close() lets it go
        return self._db

    @contextmanager
    def _transaction(self, mode: str = "") -> Iterator[sqlite3.Connection]:
        """One transaction, rolled back on any error; database errors become StoreError."""
        with self._lock:
            conn = self._conn
            try:
                conn.execute(f"BEGIN {mode}")
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:  # SQLite may have rolled back already
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.url!r}: {exc}") from None

    def _migrate(self) -> None:
        with self._transaction("IMMEDIATE") as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            done = 0 if row is None else row[0]
            if done > len(MIGRATIONS):
                raise StoreError(
                    f"{self.url!r} was written by a newer coprod-toc (schema {done}, this one "
                    f"knows {len(MIGRATIONS)}); upgrade coprod-toc"
                )
            for migration in MIGRATIONS[done:]:
                if callable(migration):
                    migration(conn)
                    continue
                for statement in migration.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            if row is None:
                conn.execute("INSERT INTO schema_version VALUES (?)", (len(MIGRATIONS),))
            else:
                conn.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS),))

    # ------------------------------------------------------------------ the interface

    def save_version(
        self,
        name: str,
        toc: TheoryOfChange,
        *,
        expected_version: int | None = None,
        message: str | None = None,
    ) -> int:
        check_save(name, toc)
        with collection_paused(), self._transaction("IMMEDIATE") as conn:
            row = conn.execute(_MAP_ROW, (name,)).fetchone()
            latest = 0 if row is None else row[1]
            if expected_version is not None and expected_version != latest:
                raise ConflictError(name, expected_version, latest)
            version = latest + 1
            # Each version gets a stamp of its own: a remembered snapshot is trusted only
            # while the database holds the very save it was taken from (not a restored
            # backup's version of the same number, say).
            generation = uuid.uuid4().hex
            previous = None if row is None else self._snapshot(conn, name, *row)
            changes = plan_changes(toc, previous, generation=generation, version=version)
            erased_people_check(changes, lambda digests: _erased_of(conn, digests), name)
            snapshot = changes.snapshot
            if row is None:
                conn.execute(
                    "INSERT INTO maps (name, generation, latest, next_node_position, "
                    "next_link_position, next_evidence_position) VALUES (?, ?, ?, ?, ?, ?)",
                    (name, generation, version, *_positions(snapshot)),
                )
            else:
                conn.execute(
                    "UPDATE maps SET latest = ?, generation = ?, next_node_position = ?, "
                    "next_link_position = ?, next_evidence_position = ? "
                    "WHERE name = ? AND latest = ?",
                    (version, generation, *_positions(snapshot), name, latest),
                )
            conn.execute(
                "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?)",
                (name, version, _now(), toc.title, message, changes.header),
            )
            conn.executemany(
                f"UPDATE nodes SET valid_to = ? WHERE map = ? AND id = ? AND valid_to = {CURRENT}",
                ((version, name, node_id) for node_id in changes.closed_nodes),
            )
            conn.executemany(
                "INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (name, r.id, r.type, r.body, r.position, version, CURRENT)
                    for r in changes.new_nodes
                ),
            )
            conn.executemany(
                "UPDATE links SET valid_to = ? "
                f"WHERE map = ? AND source = ? AND target = ? AND valid_to = {CURRENT}",
                ((version, name, source, target) for source, target in changes.closed_links),
            )
            conn.executemany(
                "INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (name, r.source, r.target, r.body, r.position, version, CURRENT)
                    for r in changes.new_links
                ),
            )
            conn.executemany(
                "UPDATE evidence SET valid_to = ? "
                f"WHERE map = ? AND section = ? AND key = ? AND valid_to = {CURRENT}",
                ((version, name, section, key) for section, key in changes.closed_evidence),
            )
            conn.executemany(
                "INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (name, r.section, r.key, r.body, r.position, version, CURRENT)
                    for r in changes.new_evidence
                ),
            )
        self._remembered.remember(name, snapshot)
        return version

    def _snapshot(
        self,
        conn: sqlite3.Connection,
        name: str,
        generation: str,
        latest: int,
        next_node: int,
        next_link: int,
        next_evidence: int,
    ) -> Snapshot:
        """The latest version as stored: remembered from the last save or load, or read."""

        def read() -> tuple[dict[str, Any], dict[Any, Any], dict[Any, Any]]:
            nodes = {
                node_id: (body, position)
                for node_id, body, position in conn.execute(
                    f"SELECT id, body, position FROM nodes WHERE map = ? AND valid_to = {CURRENT}",
                    (name,),
                )
            }
            links = {
                (source, target): (body, position)
                for source, target, body, position in conn.execute(
                    "SELECT source, target, body, position FROM links "
                    f"WHERE map = ? AND valid_to = {CURRENT}",
                    (name,),
                )
            }
            evidence = {
                (section, key): (body, position)
                for section, key, body, position in conn.execute(
                    "SELECT section, key, body, position FROM evidence "
                    f"WHERE map = ? AND valid_to = {CURRENT}",
                    (name,),
                )
            }
            return nodes, links, evidence

        return self._remembered.latest(
            name, generation, latest, (next_node, next_link, next_evidence), read
        )

    def unchanged_version(self, name: str, toc: TheoryOfChange) -> int | None:
        check_save(name, toc)
        with collection_paused(), self._transaction() as conn:
            row = conn.execute(_MAP_ROW, (name,)).fetchone()
            if row is None:
                return None
            header = conn.execute(
                "SELECT header, title FROM versions WHERE map = ? AND version = ?", (name, row[1])
            ).fetchone()
            changes = plan_changes(
                toc,
                self._snapshot(conn, name, *row),
                generation=row[0],
                version=row[1] + 1,
                follow=False,
            )
        unchanged = (changes.header, toc.title) == tuple(header) and changes.writes_no_rows
        return int(row[1]) if unchanged else None

    def load(self, name: str, version: int | None = None) -> TheoryOfChange:
        with collection_paused():
            return self._load(name, version)

    def _load(self, name: str, version: int | None) -> TheoryOfChange:
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT generation, latest FROM maps WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                raise MapNotFoundError(f"no map named {name!r}")
            generation, latest = row
            if version is None:
                version = latest
            elif not _storable(version):
                raise MapNotFoundError(f"map {name!r} has no version {version!r}")
            header = conn.execute(
                "SELECT header FROM versions WHERE map = ? AND version = ?", (name, version)
            ).fetchone()
            if header is None:
                raise MapNotFoundError(f"map {name!r} has no version {version!r}")
            nodes = conn.execute(
                "SELECT id, type, body, position FROM nodes "
                "WHERE map = ? AND valid_to > ? AND valid_from <= ? ORDER BY position",
                (name, version, version),
            ).fetchall()
            links = conn.execute(
                "SELECT source, target, body, position FROM links "
                "WHERE map = ? AND valid_to > ? AND valid_from <= ? ORDER BY position",
                (name, version, version),
            ).fetchall()
            stored_evidence = conn.execute(
                "SELECT section, key, body, position FROM evidence "
                "WHERE map = ? AND valid_to > ? AND valid_from <= ?",
                (name, version, version),
            ).fetchall()
        try:
            evidence = evidence_in_order(stored_evidence)
            toc = map_from_rows(header[0], nodes, links, evidence)
            if version == latest:
                snapshot = loaded_snapshot(toc, generation, latest, nodes, links, evidence)
        except (CoprodTocError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(
                f"{self.url!r}: version {version} of map {name!r} cannot be read: {exc}"
            ) from None
        if version == latest:
            self._remembered.remember(name, snapshot)
        return toc

    def erase_participant(self, participant: str) -> int:
        """Erase one person from every version (see :func:`plan_erasure`): the evidence
        rows that name them are rewritten or removed, then the link rows citing what went,
        in the versions it went from. Each map touched gets a new stamp, so no remembered
        copy of it is trusted again, and the person's digest is kept so that they cannot be
        saved back. Returns how many versions changed."""
        with self._transaction("IMMEDIATE") as conn:
            found = conn.execute(
                "SELECT rowid, map, section, key, body, valid_from, valid_to FROM evidence "
                "WHERE instr(body, ?) > 0",
                (stored_text(participant),),
            ).fetchall()
            plan = plan_erasure(
                participant,
                (StoredEvidence(*row) for row in found),
                lambda name: (
                    StoredLink(*row)
                    for row in conn.execute(
                        "SELECT rowid, source, target, body, position, valid_from, valid_to "
                        "FROM links WHERE map = ? AND instr(body, '\"evidence\"') > 0",
                        (name,),
                    ).fetchall()
                ),
                lambda name: int(
                    conn.execute("SELECT latest FROM maps WHERE name = ?", (name,)).fetchone()[0]
                ),
            )
            for rowid, body in plan.evidence.items():
                if body is None:
                    conn.execute("DELETE FROM evidence WHERE rowid = ?", (rowid,))
                else:
                    conn.execute("UPDATE evidence SET body = ? WHERE rowid = ?", (body, rowid))
            for rowid, segments in plan.links.items():
                if len(segments) == 1:
                    conn.execute(
                        "UPDATE links SET body = ? WHERE rowid = ?", (segments[0][2], rowid)
                    )
                    continue
                old = conn.execute(
                    "SELECT map, source, target, position FROM links WHERE rowid = ?", (rowid,)
                ).fetchone()
                conn.execute("DELETE FROM links WHERE rowid = ?", (rowid,))
                conn.executemany(
                    "INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?)",
                    ((*old[:3], body, old[3], start, end) for start, end, body in segments),
                )
            for name in plan.versions:
                conn.execute(
                    "UPDATE maps SET generation = ? WHERE name = ?", (uuid.uuid4().hex, name)
                )
            if plan.versions:  # kept so that their evidence is refused if it comes back
                conn.execute(
                    "INSERT OR IGNORE INTO erased VALUES (?, ?)",
                    (erasure_digest(participant), _now()),
                )
        for name in plan.versions:
            self._remembered.forget(name)
        if plan.versions:
            self._purge_freed_pages()
        return sum(len(versions) for versions in plan.versions.values())

    def _purge_freed_pages(self) -> None:
        """After an erasure: the write-ahead log holds the pages as they were, so it is
        folded into the file and emptied (as far as readers allow); with secure_delete
        the freed pages were zeroed."""
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def list(self) -> list[str]:
        with self._transaction() as conn:
            return sorted(name for (name,) in conn.execute("SELECT name FROM maps"))

    def history(self, name: str) -> builtins.list[VersionInfo]:
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT version, saved_at, title, message FROM versions "
                "WHERE map = ? ORDER BY version",
                (name,),
            ).fetchall()
        if not rows:
            raise MapNotFoundError(f"no map named {name!r}")
        return [
            VersionInfo(name, version, dt.datetime.fromisoformat(saved_at), title, message)
            for version, saved_at, title, message in rows
        ]

    def delete(self, name: str) -> None:
        with self._transaction("IMMEDIATE") as conn:
            if conn.execute("DELETE FROM maps WHERE name = ?", (name,)).rowcount == 0:
                raise MapNotFoundError(f"no map named {name!r}")
            for table in ("versions", "nodes", "links", "evidence"):
                conn.execute(f"DELETE FROM {table} WHERE map = ?", (name,))
        self._remembered.forget(name)

    # ------------------------------------------------------------------ group records
    # Each version whole, as the group's canonical JSON: a record is small.

    def save_group_version(
        self,
        name: str,
        record: GroupRecord,
        *,
        expected_version: int | None = None,
        message: str | None = None,
    ) -> int:
        check_group_save(name, record)
        text = group_text(record)
        with self._transaction("IMMEDIATE") as conn:
            erased = {
                digest
                for (digest,) in conn.execute(
                    "SELECT digest FROM group_erased WHERE name = ?", (name,)
                )
            }
            refuse_erased_members(name, record, erased)
            latest = conn.execute(
                "SELECT coalesce(max(version), 0) FROM group_versions WHERE name = ?", (name,)
            ).fetchone()[0]
            if expected_version is not None and expected_version != latest:
                raise ConflictError(name, expected_version, latest, what="group")
            conn.execute(
                "INSERT INTO group_versions VALUES (?, ?, ?, ?, ?, ?)",
                (name, latest + 1, _now(), record.group.name, message, text),
            )
        return int(latest) + 1

    def load_group(self, name: str, version: int | None = None) -> GroupRecord:
        if version is not None and not _storable(version):
            raise GroupNotFoundError(f"group {name!r} has no version {version!r}")
        with self._transaction() as conn:
            if version is None:
                row = conn.execute(
                    "SELECT version, document FROM group_versions WHERE name = ? "
                    "ORDER BY version DESC LIMIT 1",
                    (name,),
                ).fetchone()
                if row is None:
                    raise GroupNotFoundError(f"no group named {name!r}")
            else:
                row = conn.execute(
                    "SELECT version, document FROM group_versions WHERE name = ? AND version = ?",
                    (name, version),
                ).fetchone()
                if row is None:
                    raise GroupNotFoundError(f"group {name!r} has no version {version!r}")
        return group_from_text(row[1], self.url, name, row[0])

    def list_groups(self) -> builtins.list[str]:
        with self._transaction() as conn:
            found = conn.execute("SELECT DISTINCT name FROM group_versions")
            return sorted(name for (name,) in found)

    def group_history(self, name: str) -> builtins.list[VersionInfo]:
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT version, saved_at, title, message FROM group_versions "
                "WHERE name = ? ORDER BY version",
                (name,),
            ).fetchall()
        if not rows:
            raise GroupNotFoundError(f"no group named {name!r}")
        return [
            VersionInfo(name, version, dt.datetime.fromisoformat(saved_at), title, message)
            for version, saved_at, title, message in rows
        ]

    def delete_group(self, name: str) -> None:
        with self._transaction("IMMEDIATE") as conn:
            if conn.execute("DELETE FROM group_versions WHERE name = ?", (name,)).rowcount == 0:
                raise GroupNotFoundError(f"no group named {name!r}")

    def erase_member(self, name: str, code: str) -> int:
        check_member_code(code)
        with self._transaction("IMMEDIATE") as conn:
            rows = conn.execute(
                "SELECT version, document FROM group_versions WHERE name = ?", (name,)
            ).fetchall()
            if not rows:
                raise GroupNotFoundError(f"no group named {name!r}")
            rewritten = 0
            for version, text in rows:
                erased = erased_member_text(text, code, self.url, name, version)
                if erased is not None:
                    conn.execute(
                        "UPDATE group_versions SET document = ? WHERE name = ? AND version = ?",
                        (erased, name, version),
                    )
                    rewritten += 1
            if rewritten:  # kept so that a record loaded before cannot bring them back
                conn.execute(
                    "INSERT OR IGNORE INTO group_erased VALUES (?, ?)",
                    (name, member_digest(name, code)),
                )
        if rewritten:
            self._purge_freed_pages()
        return rewritten

    def close(self) -> None:
        super().close()  # first: a call from another thread then meets "closed", not None
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def _storable(version: object) -> bool:
    """Whether ``version`` is a whole number SQLite can hold (larger ones name no version)."""
    return isinstance(version, int) and not isinstance(version, bool) and 0 < version < 2**63


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def _positions(snapshot: Snapshot) -> tuple[int, int, int]:
    return (
        snapshot.next_node_position,
        snapshot.next_link_position,
        snapshot.next_evidence_position,
    )


_MAP_ROW = (
    "SELECT generation, latest, next_node_position, next_link_position, next_evidence_position "
    "FROM maps WHERE name = ?"
)


def _erased_of(conn: sqlite3.Connection, digests: list[str]) -> set[str]:
    marks = ", ".join("?" * len(digests))
    found = conn.execute(f"SELECT digest FROM erased WHERE digest IN ({marks})", digests)
    return {digest for (digest,) in found}


def open_store(url: str) -> Store | None:
    prefix = f"{SCHEME}:///"
    if not url.startswith(f"{SCHEME}://"):
        return None
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise StoreError(
            f"{url!r}: give a file, e.g. 'sqlite:///maps.db' (relative) or "
            f"'sqlite:////srv/maps.db' (absolute)"
        )
    if "?" in url or "#" in url:  # would otherwise become part of the file's name
        raise StoreError(
            f"{url!r}: a SQLite store URL names a file only; options such as '?mode=ro' "
            f"are not taken"
        )
    return SQLiteStore(url, url[len(prefix) :])
