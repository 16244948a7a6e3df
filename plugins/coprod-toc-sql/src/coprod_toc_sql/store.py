"""The SQL store: maps in PostgreSQL or MariaDB/MySQL through SQLAlchemy 2 (imported only
when a database URL is opened; see the package's hooks).

    store = ct.open_store("postgresql+psycopg://user@host/dbname")
    store = ct.open_store("mysql+pymysql://user@host/dbname")

The tables (all named ``coprod_toc_…``, so they sit beside your application's own) hold the
same rows as the built-in SQLite store: one per node, per link and per evidence record,
valid for a range of versions, so a small edit writes a few rows and every version stays
loadable.

Conflicts are settled by the database: a save locks the map's row (``SELECT … FOR UPDATE``)
and the version row's primary key refuses a second version N, so two writers can never both
succeed from the same starting version.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

import coprod_toc as ct
from coprod_toc.evidence.records import erasure_digest
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

__all__ = [
    "DEFAULT_PREFIX",
    "MIGRATIONS",
    "OPTIONS",
    "SQLStore",
    "Tables",
    "metadata",
    "open_sql_store",
    "tables_metadata",
]

#: The prefix of the store's table names unless ``table_prefix=`` says otherwise.
DEFAULT_PREFIX = "coprod_toc_"
#: A schema or prefix is an SQL identifier of its own, so names need no quoting anywhere,
#: and short enough that the longest name (an index) stays within PostgreSQL's 63 bytes.
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")


#: The longest reference the query columns hold; a longer one stays in the map whole, but
#: SQL cannot look it up.
REF_LENGTH = 255


def _key(length: int) -> sa.types.TypeEngine[str]:
    # Ids and names are case-sensitive: MariaDB/MySQL compare text case-blind by default.
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


def _text() -> sa.types.TypeEngine[str]:
    return sa.Text().with_variant(mysql.LONGTEXT(charset="utf8mb4"), "mysql", "mariadb")


class Tables:
    """The store's tables, named with one prefix in one schema, and their ``metadata``."""

    def __init__(self, schema: str | None = None, prefix: str | None = DEFAULT_PREFIX) -> None:
        prefix = DEFAULT_PREFIX if prefix is None else prefix
        for what, value in (("schema", schema), ("table_prefix", prefix)):
            if value is not None and (
                not isinstance(value, str) or not _IDENTIFIER.fullmatch(value)
            ):
                raise ct.StoreError(
                    f"{what}={value!r} is not a name the SQL store takes: letters, digits "
                    "and underscores, not starting with a digit, at most 40 characters"
                )
        self.schema, self.prefix = schema, prefix
        self.metadata = metadata = sa.MetaData(schema=schema)
        self.schema_version = sa.Table(
            f"{prefix}schema", metadata, sa.Column("version", sa.Integer, nullable=False)
        )
        self.maps = sa.Table(
            f"{prefix}maps",
            metadata,
            sa.Column("name", _key(128), primary_key=True),
            sa.Column("generation", sa.String(32), nullable=False),
            sa.Column("latest", sa.Integer, nullable=False),
            sa.Column("next_node_position", sa.BigInteger, nullable=False),
            sa.Column("next_link_position", sa.BigInteger, nullable=False),
            sa.Column("next_evidence_position", sa.BigInteger, nullable=False, server_default="0"),
        )
        self.versions = sa.Table(
            f"{prefix}versions",
            metadata,
            sa.Column("map", _key(128), primary_key=True),
            sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("saved_at", sa.String(40), nullable=False),
            sa.Column("title", _text(), nullable=False),
            sa.Column("message", _text()),
            sa.Column("header", _text(), nullable=False),
        )
        # Rows are valid for versions valid_from <= v < valid_to; the rows of one node never
        # overlap, so (map, id, valid_to) finds a row, and valid_to = CURRENT its latest one.
        self.nodes = sa.Table(
            f"{prefix}nodes",
            metadata,
            sa.Column("map", _key(128), primary_key=True),
            sa.Column("id", _key(64), primary_key=True),
            sa.Column("valid_to", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("valid_from", sa.BigInteger, nullable=False),
            sa.Column("type", sa.String(16), nullable=False),
            sa.Column("body", _text(), nullable=False),
            sa.Column("position", sa.BigInteger, nullable=False),
            sa.Index(f"{prefix}nodes_by_version", "map", "valid_to", "position"),
        )
        # The host's references a node's row holds (the node's own and its indicators'),
        # valid for the same versions as the row: where a host asks in SQL which maps and
        # nodes mention one of its records.
        self.node_refs = sa.Table(
            f"{prefix}node_refs",
            metadata,
            sa.Column("map", _key(128), primary_key=True),
            sa.Column("id", _key(64), primary_key=True),
            sa.Column("valid_to", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("external_ref", _key(REF_LENGTH), primary_key=True),
            # The indicator that carries the reference; empty for the node's own.
            sa.Column("indicator", _key(64), primary_key=True),
            sa.Column("valid_from", sa.BigInteger, nullable=False),
            sa.Index(f"{prefix}node_refs_by_ref", "external_ref"),
        )
        self.links = sa.Table(
            f"{prefix}links",
            metadata,
            sa.Column("map", _key(128), primary_key=True),
            sa.Column("source", _key(64), primary_key=True),
            sa.Column("target", _key(64), primary_key=True),
            sa.Column("valid_to", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("valid_from", sa.BigInteger, nullable=False),
            sa.Column("body", _text(), nullable=False),
            sa.Column("position", sa.BigInteger, nullable=False),
            sa.Index(f"{prefix}links_by_version", "map", "valid_to", "position"),
        )
        self.evidence = sa.Table(
            f"{prefix}evidence",
            metadata,
            sa.Column("map", _key(128), primary_key=True),
            sa.Column("section", sa.String(16), primary_key=True),
            sa.Column("key", _key(80), primary_key=True),
            sa.Column("valid_to", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("valid_from", sa.BigInteger, nullable=False),
            sa.Column("body", _text(), nullable=False),
            sa.Column("position", sa.BigInteger, nullable=False),
            # A participant's or an evidence item's external_ref.
            sa.Column("external_ref", _key(REF_LENGTH)),
            sa.Index(f"{prefix}evidence_by_version", "map", "valid_to", "position"),
            sa.Index(f"{prefix}evidence_by_ref", "external_ref"),
        )
        self.erased = sa.Table(
            f"{prefix}erased",
            metadata,
            sa.Column("digest", sa.String(64), primary_key=True),
            sa.Column("erased_at", sa.String(40), nullable=False),
        )
        # Group records (coprod_toc.group): each version whole, as the group's canonical
        # JSON (a record is small), and the members erased from a group, as digests.
        self.group_versions = sa.Table(
            f"{prefix}group_versions",
            metadata,
            sa.Column("name", _key(128), primary_key=True),
            sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("saved_at", sa.String(40), nullable=False),
            sa.Column("title", _text(), nullable=False),
            sa.Column("message", _text()),
            sa.Column("document", _text(), nullable=False),
        )
        self.group_erased = sa.Table(
            f"{prefix}group_erased",
            metadata,
            sa.Column("name", _key(128), primary_key=True),
            sa.Column("digest", sa.String(64), primary_key=True),
        )


def tables_metadata(
    schema: str | None = None, table_prefix: str | None = DEFAULT_PREFIX
) -> sa.MetaData:
    """The store's tables as SQLAlchemy ``MetaData``, for a host's own migrations: include
    it in Alembic's ``target_metadata`` (or leave its tables out of autogenerate by name)."""
    return Tables(schema, table_prefix).metadata


#: The tables with their default names, as the store made them before it took a prefix.
DEFAULT_TABLES = Tables()
metadata = DEFAULT_TABLES.metadata
schema_version, maps, versions = (
    DEFAULT_TABLES.schema_version,
    DEFAULT_TABLES.maps,
    DEFAULT_TABLES.versions,
)
nodes, node_refs, links, evidence, erased = (
    DEFAULT_TABLES.nodes,
    DEFAULT_TABLES.node_refs,
    DEFAULT_TABLES.links,
    DEFAULT_TABLES.evidence,
    DEFAULT_TABLES.erased,
)


def _create_tables(conn: sa.Connection, t: Tables) -> None:
    t.metadata.create_all(conn, tables=[t.maps, t.versions, t.nodes, t.links])


def _evidence_rows(conn: sa.Connection, t: Tables) -> None:
    """Schema 2: each map's evidence moves from its version headers into evidence rows.

    MariaDB commits at each change of a table's shape, so the table and the column are made
    only if missing: a run cut short after them simply runs again. Moving the rows, cutting
    the headers and recording the new schema version commit together.
    """
    maps, versions, evidence = t.maps, t.versions, t.evidence
    evidence.create(conn, checkfirst=True)
    t.erased.create(conn, checkfirst=True)
    inspector = sa.inspect(conn)
    columns = {column["name"] for column in inspector.get_columns(maps.name, schema=t.schema)}
    if "next_evidence_position" not in columns:
        conn.execute(
            sa.text(
                f"ALTER TABLE {maps.fullname} ADD COLUMN next_evidence_position "
                "BIGINT NOT NULL DEFAULT 0"
            )
        )
    conn.execute(evidence.delete())  # what an earlier, rolled-back run may have left
    for name in conn.execute(sa.select(maps.c.name)).scalars().all():
        headers = conn.execute(
            sa.select(versions.c.version, versions.c.header)
            .where(versions.c.map == name)
            .order_by(versions.c.version)
        ).all()
        try:
            moved = evidence_history((row.version, row.header) for row in headers)
        except ct.CoprodTocError as exc:
            raise ct.StoreError(f"cannot upgrade map {name!r}: {exc}") from None
        for version, header in moved.headers:
            conn.execute(
                versions.update()
                .where(versions.c.map == name, versions.c.version == version)
                .values(header=header)
            )
        if moved.rows:
            conn.execute(
                evidence.insert(),
                [dict(zip(_EVIDENCE_COLUMNS, (name, *row), strict=True)) for row in moved.rows],
            )
        conn.execute(
            maps.update()
            .where(maps.c.name == name)
            .values(next_evidence_position=moved.next_position)
        )


_EVIDENCE_COLUMNS = ("map", "section", "key", "body", "position", "valid_from", "valid_to")


def _references(conn: sa.Connection, t: Tables) -> None:
    """Schema 3: the host's references become queryable: a table of the references each
    node row holds, and a column (indexed) for an evidence record's, both filled from the
    rows already stored.

    As in schema 2, the table, column and index are made only if missing (MariaDB commits at
    each), and filling them commits with the new schema version.
    """
    t.node_refs.create(conn, checkfirst=True)
    conn.execute(t.node_refs.delete())  # what an earlier, rolled-back run may have left
    nodes = t.nodes
    rows = conn.execute(
        sa.select(
            nodes.c.map, nodes.c.id, nodes.c.valid_from, nodes.c.valid_to, nodes.c.body
        ).where(nodes.c.body.contains('"external_ref"'))
    ).all()
    found = [
        _ref_row(row.map, row.id, row.valid_from, row.valid_to, ref, indicator)
        for row in rows
        for ref, indicator in node_refs_of(row.body)
    ]
    if found:
        conn.execute(t.node_refs.insert(), found)
    evidence = t.evidence
    inspector = sa.inspect(conn)
    columns = {c["name"] for c in inspector.get_columns(evidence.name, schema=t.schema)}
    if "external_ref" not in columns:
        kind = evidence.c.external_ref.type.compile(dialect=conn.dialect)
        conn.execute(sa.text(f"ALTER TABLE {evidence.fullname} ADD COLUMN external_ref {kind}"))
    indexes = {i["name"] for i in inspector.get_indexes(evidence.name, schema=t.schema)}
    for index in evidence.indexes:
        if index.name not in indexes:
            index.create(conn)
    keys = list(evidence.primary_key.columns)
    for row in conn.execute(
        sa.select(*keys, evidence.c.body).where(evidence.c.body.contains('"external_ref"'))
    ).all():
        where = [column == getattr(row, column.name) for column in keys]
        conn.execute(evidence.update().where(*where).values(external_ref=external_ref_of(row.body)))


def _queryable(ref: object) -> bool:
    return isinstance(ref, str) and 0 < len(ref) <= REF_LENGTH


def external_ref_of(body: str) -> str | None:
    """The ``external_ref`` a stored record's body holds, if any (and SQL can hold it)."""
    if '"external_ref"' not in body:  # most rows: no need to read them
        return None
    value = json.loads(body).get("external_ref")
    return value if _queryable(value) else None


def node_refs_of(body: str) -> list[tuple[str, str]]:
    """The references a stored node's body holds: ``(reference, indicator id)``, with an
    empty indicator id for the node's own."""
    if '"external_ref"' not in body:
        return []
    record = json.loads(body)
    found = []
    if _queryable(record.get("external_ref")):
        found.append((record["external_ref"], ""))
    for indicator in record.get("indicators") or ():
        if isinstance(indicator, dict) and _queryable(indicator.get("external_ref")):
            found.append((indicator["external_ref"], str(indicator.get("id", ""))))
    return list(dict.fromkeys(found))


def _ref_row(
    name: str, node_id: str, valid_from: int, valid_to: int, ref: str, indicator: str
) -> dict[str, Any]:
    return {
        "map": name, "id": node_id, "valid_from": valid_from, "valid_to": valid_to,
        "external_ref": ref, "indicator": indicator,
    }  # fmt: skip


#: Schema changes in order; the database records how many it has had. Never edit one that
#: has shipped: add the next.


def _group_records(conn: sa.Connection, t: Tables) -> None:
    """Schema 4: the tables of group records (made only if missing, as in schema 2)."""
    t.group_versions.create(conn, checkfirst=True)
    t.group_erased.create(conn, checkfirst=True)


MIGRATIONS: tuple[Callable[[sa.Connection, Tables], None], ...] = (
    _create_tables,
    _evidence_rows,
    _references,
    _group_records,
)

_RETRIES = 20  # saves with no expected version retry this often when another writer wins


class _Access:
    """How the store reaches its database: its own engine, or a host's connection or session.

    ``reading()`` and ``writing()`` each give a connection for one step. With its own engine
    each step is a transaction of its own. With a host's connection or session, every step
    runs in the host's transaction, and a write in a savepoint of it: a write that fails
    leaves the host's transaction as it was, and nothing is written until the host commits.
    """

    #: Whether steps run in a transaction the host owns (and commits, or rolls back).
    shared = False

    def __init__(self, engine: sa.Engine, *, owned: bool = True) -> None:
        self.engine = engine
        self.owned = owned  # made from a URL by the store, not given by the host

    @contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def writing(self) -> Iterator[sa.Connection]:
        with self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        if self.owned:
            self.engine.dispose()


class _HostConnection(_Access):
    shared = True

    def __init__(self, connection: sa.Connection) -> None:
        super().__init__(connection.engine, owned=False)
        self.connection = connection

    def _current(self) -> sa.Connection:
        return self.connection

    @contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        yield self._current()

    @contextmanager
    def writing(self) -> Iterator[sa.Connection]:
        conn = self._current()
        _refuse_autocommit(conn)
        _begin_on_sqlite(conn)
        with self._savepoint():
            yield self._current()

    def _savepoint(self) -> Any:
        return self._current().begin_nested()

    def close(self) -> None:
        pass  # the host's connection, engine and transaction stay the host's


class _HostSession(_HostConnection):
    def __init__(self, session: Any) -> None:
        self.session = session
        _Access.__init__(self, session.connection().engine, owned=False)

    def _current(self) -> sa.Connection:
        connection: sa.Connection = self.session.connection()
        return connection

    def _savepoint(self) -> Any:
        return self.session.begin_nested()  # the session's, so it knows of it


def _wait_briefly_for_locks(conn: sa.Connection) -> None:
    """Give up on a lock after a while, rather than wait for ever: the one that holds it may
    be the host's own transaction, which waits for this one."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SET LOCAL lock_timeout = '20s'"))
    elif conn.dialect.name in ("mysql", "mariadb"):
        conn.execute(sa.text("SET SESSION lock_wait_timeout = 20"))


def _refuse_autocommit(conn: sa.Connection) -> None:
    """A connection that commits each statement has no transaction to share: a save on it
    could be half written."""
    level = conn.get_execution_options().get("isolation_level")
    on_connect = getattr(conn.engine.dialect, "_on_connect_isolation_level", None)
    if level == "AUTOCOMMIT" or (level is None and on_connect == "AUTOCOMMIT"):
        raise ct.StoreError(
            "the SQL store shares the host's transaction, and an AUTOCOMMIT connection has "
            "none: give it a connection in a transaction, or engine= to commit each save"
        )


def _begin_on_sqlite(conn: sa.Connection) -> None:
    """Make sure SQLite itself is in the host's transaction before a savepoint is set.

    Python's sqlite3 driver starts a transaction only at the first write; a savepoint set
    before then would be the outermost, and releasing it would commit for the host.
    """
    if conn.dialect.name != "sqlite":
        return
    conn.connection  # noqa: B018  (checks the connection out, as SQLAlchemy begins)
    driver = conn.connection.dbapi_connection
    if driver is not None and not getattr(driver, "in_transaction", True):
        # IMMEDIATE, as the store's own engine begins: a second writer waits for the first
        # (then meets ConflictError) instead of failing with "database is locked".
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class SQLStore(Store):
    def __init__(
        self, url: str, engine: sa.Engine | None = None, *, access: _Access | None = None,
        tables: Tables = DEFAULT_TABLES,
    ) -> None:  # fmt: skip
        if access is None:
            if engine is None:
                raise TypeError("SQLStore needs an engine")
            access = _Access(engine)
        self.url = url
        self._access: _Access | None = access
        self._tables = tables
        self._lock = threading.RLock()
        # Store objects on one database share what they remember (see RememberedMaps); a
        # schema or a prefix makes another set of maps.
        self._remembered = RememberedMaps.for_database(f"{url} {tables.schema} {tables.prefix}")
        with self._failures():
            self._migrate()

    # ------------------------------------------------------------------ plumbing

    @property
    def engine(self) -> sa.Engine:
        return self._reach().engine

    @property
    def metadata(self) -> sa.MetaData:
        """This store's tables (with its schema and prefix) as SQLAlchemy ``MetaData``."""
        return self._tables.metadata

    @property
    def shares_host_transaction(self) -> bool:
        """Whether saves are part of a transaction the host commits or rolls back."""
        return self._reach().shared

    def _reach(self) -> _Access:
        self.check_open()
        assert self._access is not None  # only close() lets it go
        return self._access

    def _reading(self) -> Any:
        return self._reach().reading()

    def _writing(self) -> Any:
        return self._reach().writing()

    @contextmanager
    def _failures(self) -> Iterator[None]:
        """Database errors become StoreError, naming the store (never its password)."""
        try:
            yield
        except sa.exc.SQLAlchemyError as exc:
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise ct.StoreError(f"{self.url!r}: {type(exc).__name__}: {detail}") from None

    def _migrate(self) -> None:
        access = self._reach()
        if access.shared and self._schema_is_current():
            return  # nothing to make: no second connection is taken from the host's pool
        if access.shared and access.engine.dialect.name != "sqlite":
            # Made apart from the host's transaction, on a connection of their own: a host
            # that rolls back must not take the tables with it, and MariaDB would commit the
            # host's transaction at each change of a table's shape. (SQLite allows one writer
            # at a time, so there they are made in the host's transaction.)
            with access.engine.begin() as conn:
                _wait_briefly_for_locks(conn)
                self._migrate_on(conn)
            return
        with self._writing() as conn:
            self._migrate_on(conn)

    def _schema_is_current(self) -> bool:
        """Whether the store's tables are there and up to date, as the host's connection
        sees them (in its transaction: a read, never a change)."""
        t = self._tables
        with self._reading() as conn:
            if not sa.inspect(conn).has_table(t.schema_version.name, schema=t.schema):
                return False
            done = conn.execute(sa.select(t.schema_version.c.version)).scalar()
        return bool(done == len(MIGRATIONS))

    def _migrate_on(self, conn: sa.Connection) -> None:
        t = self._tables
        with _schema_lock(conn):
            t.schema_version.create(conn, checkfirst=True)
            done = conn.execute(sa.select(t.schema_version.c.version)).scalar()
            if done is not None and done > len(MIGRATIONS):
                raise ct.StoreError(
                    f"{self.url!r} was written by a newer coprod-toc-sql (schema {done}, this "
                    f"one knows {len(MIGRATIONS)}); upgrade coprod-toc-sql"
                )
            if done is None:
                conn.execute(t.schema_version.insert().values(version=0))
                done = 0
            # The version is recorded after each change, not once at the end: MariaDB commits
            # at the next change's first change of a table's shape, and what it commits then
            # must be one whole change and its number, never a data move without its number.
            for number in range(done + 1, len(MIGRATIONS) + 1):
                MIGRATIONS[number - 1](conn, t)
                conn.execute(t.schema_version.update().values(version=number))

    # ------------------------------------------------------------------ the interface

    def save_version(
        self,
        name: str,
        toc: ct.TheoryOfChange,
        *,
        expected_version: int | None = None,
        message: str | None = None,
    ) -> int:
        check_save(name, toc)
        # In a host's transaction a lock conflict may have rolled back the host's work too
        # (MariaDB undoes the whole transaction): that is the host's to handle, not retried.
        retries = 1 if self._reach().shared else _RETRIES
        for _ in range(retries):
            try:
                with self._failures(), collection_paused():
                    try:
                        return self._save_once(name, toc, expected_version, message)
                    except sa.exc.OperationalError as exc:
                        if self._reach().shared and _is_lock_conflict(exc):
                            raise ct.StoreError(
                                f"{self.url!r}: map {name!r} was being saved by another "
                                "transaction at the same time, and the database ended yours "
                                "whole to settle it (MariaDB undoes all of it): roll back, "
                                "then do the request again"
                            ) from None
                        if not _is_lock_conflict(exc) or self._reach().shared:
                            raise
                        # The database broke a lock cycle by rolling this save back.
                        raise _LostRace(self._latest(name)) from None
            except _LostRace as race:
                if expected_version is not None:
                    raise ct.ConflictError(name, expected_version, race.latest) from None
        raise ct.StoreError(f"{self.url!r}: map {name!r} is being saved by too many at once")

    def _save_once(
        self, name: str, toc: ct.TheoryOfChange, expected: int | None, message: str | None
    ) -> int:
        t = self._tables
        with self._writing() as conn:
            row = conn.execute(
                sa.select(*_map_columns(t)).where(t.maps.c.name == name).with_for_update()
            ).first()
            latest = 0 if row is None else row.latest
            if expected is not None and expected != latest:
                raise ct.ConflictError(name, expected, latest)
            version = latest + 1
            generation = uuid.uuid4().hex  # each version's own stamp (see the SQLite store)
            previous = None if row is None else self._snapshot(conn, name, row)
            changes = plan_changes(toc, previous, generation=generation, version=version)
            erased_people_check(changes, lambda digests: _erased_of(conn, t, digests), name)
            snapshot = changes.snapshot
            positions = {
                "next_node_position": snapshot.next_node_position,
                "next_link_position": snapshot.next_link_position,
                "next_evidence_position": snapshot.next_evidence_position,
            }
            try:
                if row is None:
                    conn.execute(
                        t.maps.insert().values(
                            name=name, generation=generation, latest=version, **positions
                        )
                    )
                else:
                    done = conn.execute(
                        t.maps.update()
                        .where(t.maps.c.name == name, t.maps.c.latest == latest)
                        .values(latest=version, generation=generation, **positions)
                    )
                    if done.rowcount != 1:
                        raise _LostRace(latest + 1)
                conn.execute(
                    t.versions.insert().values(
                        map=name,
                        version=version,
                        saved_at=dt.datetime.now(dt.UTC).isoformat(),
                        title=toc.title,
                        message=message,
                        header=changes.header,
                    )
                )
            except sa.exc.IntegrityError:
                raise _LostRace(latest + 1) from None  # another writer made this version
            _write_rows(conn, t, name, version, changes)
            _write_evidence(conn, t, name, version, changes)
        # In a host's transaction this is remembered before the host commits; if the host
        # rolls back instead, the database's stamp differs and the memory is not trusted.
        self._remembered.remember(name, snapshot)
        return version

    def _latest(self, name: str) -> int:
        t = self._tables
        with self._reading() as conn:
            latest = conn.execute(sa.select(t.maps.c.latest).where(t.maps.c.name == name)).scalar()
        return latest or 0

    def _snapshot(self, conn: sa.Connection, name: str, row: Any) -> Snapshot:
        """The latest version as stored: remembered from the last save or load, or read."""
        t = self._tables

        # MariaDB's REPEATABLE READ fixes what a transaction sees at its first plain read,
        # which in a host's transaction may predate another writer's save: reads that lock
        # (as the map's row was) see the latest rows instead.
        latest = conn.dialect.name in ("mysql", "mariadb")

        def current(query: Any) -> Any:
            return conn.execute(query.with_for_update(read=True) if latest else query)

        def read() -> tuple[dict[str, Any], dict[Any, Any], dict[Any, Any]]:
            stored_nodes = current(
                sa.select(t.nodes.c.id, t.nodes.c.body, t.nodes.c.position).where(
                    t.nodes.c.map == name, t.nodes.c.valid_to == CURRENT
                )
            )
            stored_links = current(
                sa.select(
                    t.links.c.source, t.links.c.target, t.links.c.body, t.links.c.position
                ).where(t.links.c.map == name, t.links.c.valid_to == CURRENT)
            )
            stored_evidence = current(
                sa.select(
                    t.evidence.c.section, t.evidence.c.key, t.evidence.c.body, t.evidence.c.position
                ).where(t.evidence.c.map == name, t.evidence.c.valid_to == CURRENT)
            )
            return (
                {r.id: (r.body, r.position) for r in stored_nodes},
                {(r.source, r.target): (r.body, r.position) for r in stored_links},
                {(r.section, r.key): (r.body, r.position) for r in stored_evidence},
            )

        positions = (row.next_node_position, row.next_link_position, row.next_evidence_position)
        return self._remembered.latest(name, row.generation, row.latest, positions, read)

    def unchanged_version(self, name: str, toc: ct.TheoryOfChange) -> int | None:
        check_save(name, toc)
        t = self._tables
        with self._failures(), collection_paused(), self._reading() as conn:
            row = conn.execute(sa.select(*_map_columns(t)).where(t.maps.c.name == name)).first()
            if row is None:
                return None
            stored = conn.execute(
                sa.select(t.versions.c.header, t.versions.c.title).where(
                    t.versions.c.map == name, t.versions.c.version == row.latest
                )
            ).first()
            changes = plan_changes(
                toc,
                self._snapshot(conn, name, row),
                generation=row.generation,
                version=row.latest + 1,
                follow=False,
            )
        unchanged = (
            stored is not None
            and (changes.header, toc.title) == (stored.header, stored.title)
            and changes.writes_no_rows
        )
        return int(row.latest) if unchanged else None

    def load(self, name: str, version: int | None = None) -> ct.TheoryOfChange:
        with collection_paused():  # hundreds of thousands of rows come in at once
            return self._load(name, version)

    def _load(self, name: str, version: int | None) -> ct.TheoryOfChange:
        if not isinstance(name, str):
            raise ct.MapNotFoundError(f"no map named {name!r}")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise ct.MapNotFoundError(f"map {name!r} has no version {version!r}")
        t = self._tables
        # One transaction, so the header and the rows belong to one version.
        with self._failures(), self._reading() as conn:
            row = conn.execute(
                sa.select(t.maps.c.generation, t.maps.c.latest).where(t.maps.c.name == name)
            ).first()
            if row is None:
                raise ct.MapNotFoundError(f"no map named {name!r}")
            wanted = row.latest if version is None else version
            header = conn.execute(
                sa.select(t.versions.c.header).where(
                    t.versions.c.map == name, t.versions.c.version == wanted
                )
            ).scalar()
            if header is None:
                raise ct.MapNotFoundError(f"map {name!r} has no version {version!r}")
            node_rows = _rows_of_version(conn, t.nodes, ("id", "type"), name, wanted)
            link_rows = _rows_of_version(conn, t.links, ("source", "target"), name, wanted)
            stored_evidence = _rows_of_version(conn, t.evidence, ("section", "key"), name, wanted)
        try:
            evidence_rows = evidence_in_order(stored_evidence)
            toc = map_from_rows(header, node_rows, link_rows, evidence_rows)
            if wanted == row.latest:
                snapshot = loaded_snapshot(
                    toc, row.generation, row.latest, node_rows, link_rows, evidence_rows
                )
        except (ct.CoprodTocError, ValueError, KeyError, TypeError) as exc:
            raise ct.StoreError(
                f"{self.url!r}: version {wanted} of map {name!r} cannot be read: {exc}"
            ) from None
        if wanted == row.latest:
            self._remembered.remember(name, snapshot)
        return toc

    def list(self) -> list[str]:
        t = self._tables
        with self._failures(), self._reading() as conn:
            return sorted(conn.execute(sa.select(t.maps.c.name)).scalars())

    def history(self, name: str) -> builtins.list[VersionInfo]:
        if not isinstance(name, str):
            raise ct.MapNotFoundError(f"no map named {name!r}")
        versions = self._tables.versions
        with self._failures(), self._reading() as conn:
            rows = conn.execute(
                sa.select(
                    versions.c.version, versions.c.saved_at, versions.c.title, versions.c.message
                )
                .where(versions.c.map == name)
                .order_by(versions.c.version)
            ).all()
        if not rows:
            raise ct.MapNotFoundError(f"no map named {name!r}")
        return [
            VersionInfo(name, r.version, dt.datetime.fromisoformat(r.saved_at), r.title, r.message)
            for r in rows
        ]

    def delete(self, name: str) -> None:
        if not isinstance(name, str):
            raise ct.MapNotFoundError(f"no map named {name!r}")
        t = self._tables
        with self._failures(), self._writing() as conn:
            if conn.execute(t.maps.delete().where(t.maps.c.name == name)).rowcount == 0:
                raise ct.MapNotFoundError(f"no map named {name!r}")
            for table in (t.versions, t.nodes, t.node_refs, t.links, t.evidence):
                conn.execute(table.delete().where(table.c.map == name))
        self._remembered.forget(name)

    def erase_participant(self, participant: str) -> int:
        """Erase one person from every version, as the SQLite store does (see
        :func:`coprod_toc.storage.rows.plan_erasure`). Returns how many versions changed."""
        t = self._tables
        maps, links, evidence, erased = t.maps, t.links, t.evidence, t.erased
        with self._failures(), self._writing() as conn:
            found = conn.execute(
                sa.select(evidence).where(
                    evidence.c.body.contains(stored_text(participant), autoescape=True)
                )
            ).all()

            def links_of(name: str) -> list[StoredLink]:
                rows = conn.execute(
                    sa.select(links).where(links.c.map == name, links.c.body.contains('"evidence"'))
                ).all()
                return [
                    StoredLink(
                        (name, r.source, r.target, r.valid_to, r.position),
                        *(r.source, r.target, r.body, r.position, r.valid_from, r.valid_to),
                    )
                    for r in rows
                ]

            plan = plan_erasure(
                participant,
                (
                    StoredEvidence(
                        (r.map, r.section, r.key, r.valid_to),
                        *(r.map, r.section, r.key, r.body, r.valid_from, r.valid_to),
                    )
                    for r in found
                ),
                links_of,
                lambda name: int(
                    conn.execute(sa.select(maps.c.latest).where(maps.c.name == name)).scalar() or 0
                ),
            )
            for (name, section, key, valid_to), body in plan.evidence.items():
                where = (
                    evidence.c.map == name,
                    evidence.c.section == section,
                    evidence.c.key == key,
                    evidence.c.valid_to == valid_to,
                )
                if body is None:
                    conn.execute(evidence.delete().where(*where))
                else:
                    conn.execute(
                        evidence.update()
                        .where(*where)
                        .values(body=body, external_ref=external_ref_of(body))
                    )
            for (name, source, target, valid_to, position), segments in plan.links.items():
                where = (
                    links.c.map == name,
                    links.c.source == source,
                    links.c.target == target,
                    links.c.valid_to == valid_to,
                )
                conn.execute(links.delete().where(*where))
                conn.execute(
                    links.insert(),
                    [
                        {
                            "map": name, "source": source, "target": target,
                            "valid_from": start, "valid_to": end, "body": body,
                            "position": position,
                        }
                        for start, end, body in segments
                    ],
                )  # fmt: skip
            for name in plan.versions:
                conn.execute(
                    maps.update().where(maps.c.name == name).values(generation=uuid.uuid4().hex)
                )
            if plan.versions:  # kept so that their evidence is refused if it comes back
                digest = erasure_digest(participant)
                known = conn.execute(
                    sa.select(erased.c.digest).where(erased.c.digest == digest)
                ).first()
                if known is None:
                    conn.execute(
                        erased.insert().values(
                            digest=digest, erased_at=dt.datetime.now(dt.UTC).isoformat()
                        )
                    )
        for name in plan.versions:
            self._remembered.forget(name)
        return sum(len(versions) for versions in plan.versions.values())

    # ------------------------------------------------------------------ group records

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
        t = self._tables
        versions = t.group_versions
        with self._failures(), self._writing() as conn:
            erased = conn.execute(
                sa.select(t.group_erased.c.digest).where(t.group_erased.c.name == name)
            ).scalars()
            refuse_erased_members(name, record, set(erased))
            latest = (
                conn.execute(
                    sa.select(sa.func.max(versions.c.version)).where(versions.c.name == name)
                ).scalar()
                or 0
            )
            if expected_version is not None and expected_version != latest:
                raise ct.ConflictError(name, expected_version, latest, what="group")
            try:
                # The key (name, version) lets only one writer make each version.
                with conn.begin_nested():
                    conn.execute(
                        versions.insert().values(
                            name=name,
                            version=latest + 1,
                            saved_at=dt.datetime.now(dt.UTC).isoformat(),
                            title=record.group.name,
                            message=message,
                            document=text,
                        )
                    )
            except sa.exc.IntegrityError:
                raise ct.ConflictError(
                    name,
                    latest if expected_version is None else expected_version,
                    latest + 1,
                    what="group",
                ) from None
        return int(latest) + 1

    def load_group(self, name: str, version: int | None = None) -> GroupRecord:
        if not isinstance(name, str) or (
            version is not None
            and (
                isinstance(version, bool) or not isinstance(version, int) or not 0 < version < 2**31
            )
        ):
            raise ct.GroupNotFoundError(f"group {name!r} has no version {version!r}")
        versions = self._tables.group_versions
        query = sa.select(versions.c.version, versions.c.document).where(versions.c.name == name)
        if version is None:
            query = query.order_by(versions.c.version.desc()).limit(1)
        else:
            query = query.where(versions.c.version == version)
        with self._failures(), self._reading() as conn:
            row = conn.execute(query).first()
        if row is None:
            if version is None:
                raise ct.GroupNotFoundError(f"no group named {name!r}")
            raise ct.GroupNotFoundError(f"group {name!r} has no version {version!r}")
        return group_from_text(row.document, self.url, name, row.version)

    def list_groups(self) -> builtins.list[str]:
        versions = self._tables.group_versions
        with self._failures(), self._reading() as conn:
            return sorted(conn.execute(sa.select(versions.c.name).distinct()).scalars())

    def group_history(self, name: str) -> builtins.list[VersionInfo]:
        if not isinstance(name, str):
            raise ct.GroupNotFoundError(f"no group named {name!r}")
        versions = self._tables.group_versions
        with self._failures(), self._reading() as conn:
            rows = conn.execute(
                sa.select(
                    versions.c.version, versions.c.saved_at, versions.c.title, versions.c.message
                )
                .where(versions.c.name == name)
                .order_by(versions.c.version)
            ).all()
        if not rows:
            raise ct.GroupNotFoundError(f"no group named {name!r}")
        return [
            VersionInfo(name, r.version, dt.datetime.fromisoformat(r.saved_at), r.title, r.message)
            for r in rows
        ]

    def delete_group(self, name: str) -> None:
        if not isinstance(name, str):
            raise ct.GroupNotFoundError(f"no group named {name!r}")
        versions = self._tables.group_versions
        with self._failures(), self._writing() as conn:
            if conn.execute(versions.delete().where(versions.c.name == name)).rowcount == 0:
                raise ct.GroupNotFoundError(f"no group named {name!r}")

    def erase_member(self, name: str, code: str) -> int:
        check_member_code(code)
        if not isinstance(name, str):
            raise ct.GroupNotFoundError(f"no group named {name!r}")
        t = self._tables
        versions = t.group_versions
        with self._failures(), self._writing() as conn:
            rows = conn.execute(
                sa.select(versions.c.version, versions.c.document)
                .where(versions.c.name == name)
                .with_for_update()
            ).all()
            if not rows:
                raise ct.GroupNotFoundError(f"no group named {name!r}")
            rewritten = 0
            for row in rows:
                erased = erased_member_text(row.document, code, self.url, name, row.version)
                if erased is not None:
                    conn.execute(
                        versions.update()
                        .where(versions.c.name == name, versions.c.version == row.version)
                        .values(document=erased)
                    )
                    rewritten += 1
            digest = member_digest(name, code)
            known = conn.execute(
                sa.select(t.group_erased.c.digest).where(
                    t.group_erased.c.name == name, t.group_erased.c.digest == digest
                )
            ).first()
            if rewritten and known is None:  # so a record loaded before cannot bring them back
                conn.execute(t.group_erased.insert().values(name=name, digest=digest))
        return rewritten

    def close(self) -> None:
        super().close()  # first: a call from another thread then meets "closed", not None
        with self._lock:
            if self._access is not None:
                self._access.close()
                self._access = None


def _erased_of(conn: sa.Connection, t: Tables, digests: list[str]) -> set[str]:
    found = conn.execute(sa.select(t.erased.c.digest).where(t.erased.c.digest.in_(digests)))
    return set(found.scalars())


def _map_columns(t: Tables) -> tuple[sa.Column[Any], ...]:
    maps = t.maps
    return (
        maps.c.generation,
        maps.c.latest,
        maps.c.next_node_position,
        maps.c.next_link_position,
        maps.c.next_evidence_position,
    )


def _rows_of_version(
    conn: sa.Connection, table: sa.Table, keys: tuple[str, str], name: str, version: int
) -> Sequence[Any]:
    """The rows of ``table`` that make up ``version`` of a map, in position order:
    ``keys`` (id and type, source and target, or section and key), then body and position."""
    columns = [table.c[k] for k in keys] + [table.c.body, table.c.position]
    return conn.execute(
        sa.select(*columns)
        .where(table.c.map == name, table.c.valid_to > version, table.c.valid_from <= version)
        .order_by(table.c.position)
    ).all()


class _LostRace(Exception):
    """Another writer saved between our read and our write; ``latest`` is at least this."""

    def __init__(self, latest: int) -> None:
        super().__init__(latest)
        self.latest = latest


def _is_lock_conflict(exc: sa.exc.OperationalError) -> bool:
    """A deadlock or lock wait the database broke (MariaDB 1205/1213, or 1305 when the
    savepoint went with the transaction it ended; PostgreSQL 40P01, 40001)."""
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "args", [None])[0] if orig is not None else None
    sqlstate = getattr(orig, "sqlstate", None)
    return code in (1205, 1213, 1305) or sqlstate in ("40P01", "40001")


def _write_rows(conn: sa.Connection, t: Tables, name: str, version: int, changes: Any) -> None:
    nodes, links = t.nodes, t.links
    if changes.closed_nodes:
        for table in (nodes, t.node_refs):  # a node's references close with its row
            conn.execute(
                table.update()
                .where(
                    table.c.map == name,
                    table.c.id == sa.bindparam("node_id"),
                    table.c.valid_to == CURRENT,
                )
                .values(valid_to=version),
                [{"node_id": node_id} for node_id in changes.closed_nodes],
            )
    if changes.new_nodes:
        conn.execute(
            nodes.insert(),
            [
                {
                    "map": name,
                    "id": r.id,
                    "valid_to": CURRENT,
                    "valid_from": version,
                    "type": r.type,
                    "body": r.body,
                    "position": r.position,
                }
                for r in changes.new_nodes
            ],
        )
        refs = [
            _ref_row(name, r.id, version, CURRENT, ref, indicator)
            for r in changes.new_nodes
            for ref, indicator in node_refs_of(r.body)
        ]
        if refs:
            conn.execute(t.node_refs.insert(), refs)
    if changes.closed_links:
        conn.execute(
            links.update()
            .where(
                links.c.map == name,
                links.c.source == sa.bindparam("link_source"),
                links.c.target == sa.bindparam("link_target"),
                links.c.valid_to == CURRENT,
            )
            .values(valid_to=version),
            [{"link_source": s, "link_target": t} for s, t in changes.closed_links],
        )
    if changes.new_links:
        conn.execute(
            links.insert(),
            [
                {
                    "map": name,
                    "source": r.source,
                    "target": r.target,
                    "valid_to": CURRENT,
                    "valid_from": version,
                    "body": r.body,
                    "position": r.position,
                }
                for r in changes.new_links
            ],
        )


def _write_evidence(conn: sa.Connection, t: Tables, name: str, version: int, changes: Any) -> None:
    evidence = t.evidence
    if changes.closed_evidence:
        conn.execute(
            evidence.update()
            .where(
                evidence.c.map == name,
                evidence.c.section == sa.bindparam("evidence_section"),
                evidence.c.key == sa.bindparam("evidence_key"),
                evidence.c.valid_to == CURRENT,
            )
            .values(valid_to=version),
            [{"evidence_section": s, "evidence_key": k} for s, k in changes.closed_evidence],
        )
    if changes.new_evidence:
        conn.execute(
            evidence.insert(),
            [
                {
                    "map": name,
                    "section": r.section,
                    "key": r.key,
                    "valid_to": CURRENT,
                    "valid_from": version,
                    "body": r.body,
                    "position": r.position,
                    "external_ref": external_ref_of(r.body),
                }
                for r in changes.new_evidence
            ],
        )


@contextmanager
def _schema_lock(conn: sa.Connection) -> Iterator[None]:
    """Only one process creates or migrates the tables at a time."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(741100)"))  # released at commit
        yield
    elif dialect in ("mysql", "mariadb"):
        conn.execute(sa.text("SELECT GET_LOCK('coprod_toc_schema', 60)"))
        try:
            yield
        finally:
            conn.execute(sa.text("SELECT RELEASE_LOCK('coprod_toc_schema')"))
    else:
        yield


# --------------------------------------------------------------------------- hooks

#: What ``ct.open_store`` may pass to this store, beside or instead of a URL.
OPTIONS = ("engine", "connection", "session", "schema", "table_prefix")
_DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite")


def open_sql_store(url: str | None, options: Mapping[str, Any] | None = None) -> Store:
    """A store on the database at ``url``, or on a host's SQLAlchemy ``engine``,
    ``connection`` or ``session`` (one of the four), with its tables in ``schema``
    (PostgreSQL) and named with ``table_prefix``."""
    options = dict(options or {})
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ct.StoreError(
            f"the SQL store takes no option {', '.join(f'{n}=' for n in unknown)} "
            f"(it takes {', '.join(f'{n}=' for n in OPTIONS)})"
        )
    given = [name for name in ("engine", "connection", "session") if options.get(name) is not None]
    if len(given) + (url is not None) != 1:
        raise ct.StoreError(
            "give the SQL store one of a URL, engine=, connection= or session=, not "
            + (
                " and ".join(([] if url is None else ["a URL"]) + [f"{n}=" for n in given])
                or "none"
            )
        )
    access = _access(url, given[0] if given else None, options)
    dialect = access.engine.dialect.name
    if dialect not in _DIALECTS:
        access.close()
        raise ct.StoreError(
            f"the SQL store works with PostgreSQL, MariaDB/MySQL and SQLite, not {dialect}"
        )
    schema = options.get("schema")
    if schema is not None and dialect != "postgresql":
        access.close()
        raise ct.StoreError(
            f"schema= is for PostgreSQL; on {dialect} name the database in the URL instead"
        )
    tables = Tables(schema, options.get("table_prefix"))
    where = _safe(access.engine.url.render_as_string(hide_password=False))
    return SQLStore(where, access=access, tables=tables)


def _access(url: str | None, given: str | None, options: Mapping[str, Any]) -> _Access:
    if url is not None:
        return _Access(_engine(url))
    value = options[given or ""]
    if given == "engine":
        if not isinstance(value, sa.Engine):
            raise ct.StoreError(f"engine= takes a SQLAlchemy Engine, not {type(value).__name__}")
        return _Access(value, owned=False)
    if given == "connection":
        if not isinstance(value, sa.Connection):
            raise ct.StoreError(
                f"connection= takes a SQLAlchemy Connection, not {type(value).__name__}"
            )
        return _HostConnection(value)
    from sqlalchemy.orm import Session, scoped_session  # only for a host that uses the ORM

    if not isinstance(value, (Session, scoped_session)):  # Flask-SQLAlchemy's is scoped
        raise ct.StoreError(f"session= takes a SQLAlchemy Session, not {type(value).__name__}")
    try:
        return _HostSession(value)
    except sa.exc.SQLAlchemyError as exc:  # a session bound to no engine, say
        raise ct.StoreError(f"session= cannot reach a database: {exc}") from None


def _engine(url: str) -> sa.Engine:
    scheme = url.split("://", 1)[0]
    if scheme.split("+", 1)[0] == "postgres":  # Heroku's and others' name for PostgreSQL
        url = "postgresql" + url[len("postgres") :]
    try:
        engine = sa.create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        extra = "postgresql" if scheme.startswith("postgres") else "mysql"
        raise ct.StoreError(
            f"the database driver for {scheme}:// is not installed ({exc.name}); "
            f"pip install 'coprod-toc-sql[{extra}]'"
        ) from None
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError) as exc:
        raise ct.StoreError(
            f"{_safe(url)!r} is not a database URL SQLAlchemy knows: {exc}"
        ) from None
    if engine.dialect.name == "sqlite":
        if engine.url.database in (None, "", ":memory:"):
            engine.dispose()
            raise ct.StoreError(
                f"{url!r} is an in-memory SQLite database, which each thread sees empty: "
                "give a file (sqlite+pysqlite:///maps.db), or use the built-in memory:// store"
            )
        _sqlite_transactions(engine)
    return engine


def _sqlite_transactions(engine: sa.Engine) -> None:
    """SQLite with real transactions and savepoints: SQLAlchemy begins them itself, where
    Python's sqlite3 driver would begin late and commit on its own."""

    @sa.event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _safe(url: str) -> str:
    """The URL with any password hidden, for messages and ``store.url``."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url.split("://", 1)[0] + "://…"
