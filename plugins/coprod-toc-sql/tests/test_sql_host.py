"""The SQL store inside a host application's database and transaction: on the real
PostgreSQL and MariaDB servers, and on SQLite through SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import coprod_toc_sql
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import coprod_toc as ct
from conftest import SERVERS, empty_database

#: The host's own table, beside the store's.
host = sa.MetaData()
services = sa.Table(
    "host_services",
    host,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(100), nullable=False),
)


@pytest.fixture(params=[*sorted(SERVERS), "sqlite"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """The host's engine on each database, with the host's table and the store's made."""
    if request.param == "sqlite":
        url = f"sqlite+pysqlite:///{tmp_path / 'host.db'}"
    else:
        url = SERVERS[request.param]
        empty_database(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        host.drop_all(conn)
        host.create_all(conn)
    with ct.open_store(engine=engine):
        pass  # makes the store's tables, as a host's start-up (or its migrations) would
    yield engine
    with engine.begin() as conn:
        host.drop_all(conn)
    engine.dispose()


def _services(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(services.c.name)).scalars())


def _titled(title: str) -> ct.TheoryOfChange:
    toc = ct.example()
    toc.title = title
    return toc


def _latest(engine: sa.Engine, name: str = "day-centre") -> int:
    with ct.open_store(engine=engine) as store:
        return store.history(name)[-1].version if name in store.list() else 0


@pytest.mark.parametrize("host_wrote_first", [True, False])
def test_a_host_rollback_takes_the_new_version_with_it(
    engine: sa.Engine, host_wrote_first: bool
) -> None:
    """Saved through the host's connection, the version goes when the host rolls back (also
    when the save is the transaction's first write); the next edit then starts from the
    version before, with no conflict."""
    with engine.connect() as conn:
        store = ct.open_store(connection=conn)
        if host_wrote_first:
            conn.execute(services.insert().values(id=1, name="Day centre"))
        assert store.shares_host_transaction
        assert store.save("day-centre", ct.example(), expected_version=0) == 1
        assert store.load("day-centre") == ct.example()  # the host sees its own work
        conn.rollback()
    assert _services(engine) == []
    assert _latest(engine) == 0
    with ct.open_store(engine=engine) as store:
        assert store.save("day-centre", ct.example(), expected_version=0) == 1


def test_a_host_commit_keeps_both(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        conn.execute(services.insert().values(id=1, name="Day centre"))
        ct.open_store(connection=conn).save("day-centre", ct.example())
        conn.commit()
    assert _services(engine) == ["Day centre"]
    assert _latest(engine) == 1


def test_a_session_save_joins_the_sessions_transaction(engine: sa.Engine) -> None:
    with Session(engine) as session:
        session.execute(services.insert().values(id=1, name="Day centre"))
        ct.open_store(session=session).save("day-centre", ct.example())
        session.rollback()
    assert (_services(engine), _latest(engine)) == ([], 0)
    with Session(engine) as session, session.begin():
        session.execute(services.insert().values(id=1, name="Day centre"))
        ct.open_store(session=session).save("day-centre", ct.example())
    assert (_services(engine), _latest(engine)) == (["Day centre"], 1)


def test_a_conflict_in_a_host_transaction_leaves_the_hosts_work_usable(
    engine: sa.Engine,
) -> None:
    """Another editor saved first: the save raises ConflictError, the store's part is undone
    (its savepoint), and the host can still write and commit its own rows."""
    with ct.open_store(engine=engine) as store:
        store.save("day-centre", ct.example())
        store.save("day-centre", _titled("Someone else's edit"))
    edited = _titled("Mine")
    with engine.connect() as conn:
        conn.execute(services.insert().values(id=1, name="Day centre"))
        store = ct.open_store(connection=conn)
        with pytest.raises(ct.ConflictError) as raised:
            store.save("day-centre", edited, expected_version=1)
        assert raised.value.actual == 2
        conn.execute(services.insert().values(id=2, name="Lunch club"))
        conn.commit()
    assert sorted(_services(engine)) == ["Day centre", "Lunch club"]
    with ct.open_store(engine=engine) as store:
        assert store.load("day-centre").title == "Someone else's edit"


def test_closing_a_host_store_leaves_the_hosts_connection_open(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        with ct.open_store(connection=conn) as store:
            store.save("day-centre", ct.example())
        assert not conn.closed
        conn.commit()
    assert _latest(engine) == 1


def test_a_table_prefix_keeps_a_second_set_of_maps(engine: sa.Engine) -> None:
    with ct.open_store(engine=engine, table_prefix="impact_") as store:
        store.save("day-centre", ct.example())
        assert "impact_maps" in sa.inspect(engine).get_table_names()
        assert {t.name for t in store.metadata.sorted_tables} >= {"impact_maps", "impact_nodes"}
    assert _latest(engine) == 0  # the default tables hold no map of that name
    with engine.begin() as conn:
        coprod_toc_sql.tables_metadata(table_prefix="impact_").drop_all(conn)


def test_a_schema_on_postgresql_holds_the_tables() -> None:
    url = SERVERS["postgresql"]
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS impact_test CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA impact_test"))
        with ct.open_store(url, schema="impact_test") as store:
            store.save("day-centre", ct.example())
        assert "coprod_toc_maps" in sa.inspect(engine).get_table_names(schema="impact_test")
        with ct.open_store(engine=engine, schema="impact_test") as store:
            assert store.load("day-centre") == ct.example()
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS impact_test CASCADE"))
        engine.dispose()


def test_postgres_urls_are_postgresql() -> None:
    url = SERVERS["postgresql"].replace("postgresql+psycopg://", "postgres+psycopg://", 1)
    empty_database(SERVERS["postgresql"])
    with ct.open_store(url) as store:
        assert store.url.startswith("postgresql+psycopg://")
        assert store.list() == []


def test_alembic_autogenerate_leaves_the_stores_tables_alone(engine: sa.Engine) -> None:
    """The docs' recipe: with the store's MetaData beside the host's in target_metadata,
    autogenerate proposes no change; without it, it would drop the store's tables."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        context = MigrationContext.configure(conn)
        alone = compare_metadata(context, host)
        together = compare_metadata(context, [host, coprod_toc_sql.tables_metadata()])
    dropped = {diff[1].name for diff in alone if diff[0] == "remove_table"}
    assert "coprod_toc_maps" in dropped
    # Only the host's and the store's tables count: a shared test database holds others.
    assert [diff for diff in together if _about_ours(diff)] == []


def _about_ours(diff: object) -> bool:
    """Whether an autogenerate difference concerns the host's table or the store's."""
    names = []
    for part in diff if isinstance(diff, (list, tuple)) else (diff,):
        table = getattr(part, "table", None)
        names.append(getattr(part, "name", None) if table is None else table.name)
        if isinstance(part, str):
            names.append(part)
    return any(
        isinstance(name, str) and (name.startswith("coprod_toc_") or name == "host_services")
        for name in names
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"engine": "postgresql://"}, "engine= takes a SQLAlchemy Engine, not str"),
        ({"connection": 1}, "connection= takes a SQLAlchemy Connection"),
        ({"session": object()}, "session= takes a SQLAlchemy Session"),
    ],
)
def test_a_host_option_of_the_wrong_kind_is_named(options: dict[str, object], message: str) -> None:
    with pytest.raises(ct.StoreError, match=message):
        ct.open_store(**options)


def test_an_unknown_option_is_named() -> None:
    with pytest.raises(ct.StoreError, match="takes no option colour="):
        ct.open_store(SERVERS["postgresql"], colour="red")


def test_a_url_and_an_engine_together_are_refused() -> None:
    engine = sa.create_engine(SERVERS["postgresql"])
    try:
        with pytest.raises(ct.StoreError, match="not a URL and engine="):
            ct.open_store(SERVERS["postgresql"], engine=engine)
    finally:
        engine.dispose()


def test_a_schema_elsewhere_than_postgresql_is_refused() -> None:
    with pytest.raises(ct.StoreError, match="schema= is for PostgreSQL"):
        ct.open_store(SERVERS["mariadb"], schema="impact")


@pytest.mark.parametrize("prefix", ["", "1x_", "drop table;", "x" * 41, 7])
def test_a_table_prefix_must_be_a_plain_name(prefix: object) -> None:
    with pytest.raises(ct.StoreError, match="table_prefix="):
        ct.open_store(SERVERS["postgresql"], table_prefix=prefix)


def _map_with_refs() -> ct.TheoryOfChange:
    from coprod_toc.evidence import EvidenceItem, Participant
    from coprod_toc.model import Indicator

    toc = ct.example()
    toc.update("O1", external_ref="service/7")
    toc.update("C1", indicators=[Indicator(id="N1", description="Decisions", external_ref="kpi/3")])
    toc.evidence.add(Participant(id="P-1", external_ref="person/88"))
    toc.evidence.add(EvidenceItem(id="E1", type="document", external_ref="service/7"))
    return toc


def _mentions(engine: sa.Engine, ref: str) -> list[tuple[str, str]]:
    """Which maps' latest versions mention a host record, asked in SQL as a host would."""
    from coprod_toc.storage.rows import CURRENT

    t = coprod_toc_sql.store.DEFAULT_TABLES
    with engine.connect() as conn:
        nodes = conn.execute(
            sa.select(t.node_refs.c.map, t.node_refs.c.id).where(
                t.node_refs.c.external_ref == ref, t.node_refs.c.valid_to == CURRENT
            )
        ).all()
        evidence = conn.execute(
            sa.select(t.evidence.c.map, t.evidence.c.key).where(
                t.evidence.c.external_ref == ref, t.evidence.c.valid_to == CURRENT
            )
        ).all()
    return sorted((row[0], row[1]) for row in [*nodes, *evidence])


def test_a_host_asks_in_sql_where_its_record_appears(engine: sa.Engine) -> None:
    with ct.open_store(engine=engine) as store:
        store.save("day-centre", _map_with_refs())
        assert _mentions(engine, "service/7") == [("day-centre", "E1"), ("day-centre", "O1")]
        assert _mentions(engine, "person/88") == [("day-centre", "P-1")]
        assert _mentions(engine, "kpi/3") == [("day-centre", "C1")]  # by its indicator
        store.erase_participant("P-1")
        assert _mentions(engine, "person/88") == []
        edited = _map_with_refs()
        edited.erase_participant("P-1")  # as the store now holds it
        edited.update("O1", external_ref="service/8")
        store.save("day-centre", edited)
    assert ("day-centre", "O1") not in _mentions(engine, "service/7")
    assert _mentions(engine, "service/8") == [("day-centre", "O1")]


def test_an_older_store_gets_its_reference_columns_filled(engine: sa.Engine) -> None:
    """A store from before schema 3: the columns are added and filled from stored rows."""
    t = coprod_toc_sql.store.DEFAULT_TABLES
    with ct.open_store(engine=engine) as store:
        store.save("day-centre", _map_with_refs())
    with engine.begin() as conn:
        t.node_refs.drop(conn)
        for index in t.evidence.indexes:
            if index.name.endswith("_by_ref"):
                index.drop(conn)
        conn.execute(sa.text(f"ALTER TABLE {t.evidence.name} DROP COLUMN external_ref"))
        conn.execute(t.schema_version.update().values(version=2))
    with ct.open_store(engine=engine) as store:
        assert store.load("day-centre") == _map_with_refs()
    assert _mentions(engine, "service/7") == [("day-centre", "E1"), ("day-centre", "O1")]
    assert _mentions(engine, "kpi/3") == [("day-centre", "C1")]


def test_an_autocommit_connection_is_refused_before_anything_is_written(
    engine: sa.Engine,
) -> None:
    """It has no transaction to share: a save on it could be half written."""
    with ct.open_store(engine=engine) as store:
        store.save("day-centre", ct.example())
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        with pytest.raises(ct.StoreError, match="an AUTOCOMMIT connection has none"):
            # Refused on opening (SQLite checks its tables there) or on saving.
            ct.open_store(connection=conn).save(
                "day-centre", _titled("Half written?"), expected_version=1
            )
    assert _latest(engine) == 1


def test_a_second_host_saving_at_once_waits_then_meets_a_conflict(engine: sa.Engine) -> None:
    """Two hosts' transactions save from the same version: the second waits for the first
    to commit, then gets ConflictError (on SQLite too, not "database is locked")."""
    import threading

    with ct.open_store(engine=engine) as store:
        store.save("day-centre", ct.example())
    first_saved = threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        with engine.connect() as conn:
            ct.open_store(connection=conn).save("day-centre", _titled("First"), expected_version=1)
            first_saved.set()
            threading.Event().wait(1.0)  # holds its transaction a while
            conn.commit()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_saved.wait(20)
    with engine.connect() as conn:
        try:
            ct.open_store(connection=conn).save("day-centre", _titled("Second"), expected_version=1)
        except ct.ConflictError as conflict:
            outcome["conflict"] = conflict.actual
        conn.rollback()
    thread.join(20)
    assert outcome == {"conflict": 2}
    with ct.open_store(engine=engine) as store:
        assert store.load("day-centre").title == "First"


def test_a_reference_too_long_for_sql_is_kept_in_the_map_only(engine: sa.Engine) -> None:
    toc = ct.example()
    toc.update("A1", external_ref="x" * 300)
    with ct.open_store(engine=engine) as store:
        store.save("day-centre", toc)
        assert store.load("day-centre").get("A1").external_ref == "x" * 300
    assert _mentions(engine, "x" * 300) == []


def test_no_table_prefix_means_the_default_one(engine: sa.Engine) -> None:
    with ct.open_store(engine=engine, table_prefix=None) as store:
        assert {t.name for t in store.metadata.sorted_tables} >= {"coprod_toc_maps"}
    assert "coprod_toc_maps" in coprod_toc_sql.tables_metadata(table_prefix=None).tables


@pytest.mark.parametrize("url", ["sqlite+pysqlite://", "sqlite+pysqlite:///:memory:"])
def test_an_in_memory_sqlite_url_is_refused(url: str) -> None:
    with pytest.raises(ct.StoreError, match="in-memory SQLite database"):
        ct.open_store(url)


def test_a_scoped_session_is_a_session(engine: sa.Engine) -> None:
    """As Flask-SQLAlchemy's db.session is."""
    from sqlalchemy.orm import scoped_session, sessionmaker

    scoped = scoped_session(sessionmaker(engine))
    try:
        ct.open_store(session=scoped).save("day-centre", ct.example())
        scoped.commit()
    finally:
        scoped.remove()
    assert _latest(engine) == 1


def test_a_session_bound_to_nothing_is_a_store_error() -> None:
    from sqlalchemy.orm import Session

    with pytest.raises(ct.StoreError, match="session= cannot reach a database"):
        ct.open_store(session=Session())


def test_a_save_after_the_hosts_first_read_sees_a_later_save(engine: sa.Engine) -> None:
    """MariaDB fixes a transaction's view at its first plain read: a save in the host's
    transaction still compares against the latest rows, so the map stored is the one given."""
    with ct.open_store(engine=engine) as store:
        store.save("day-centre", ct.example())
    mine = ct.example()
    mine.update("A1", description="The host's edit")
    another_process = (
        "import coprod_toc as ct, sys\n"
        "theirs = ct.example()\n"
        "theirs.add_activity('Another activity', kind='project', id='A6')\n"
        "theirs.link('A6', 'O1')\n"
        "with ct.open_store(sys.argv[1]) as other:\n"
        "    other.save('day-centre', theirs)\n"
    )
    with engine.connect() as conn:
        conn.execute(sa.select(services.c.id)).all()  # the host's own first read
        # Another process saves meanwhile (in this one, what the store remembers would hide it).
        url = engine.url.render_as_string(hide_password=False)
        subprocess.run([sys.executable, "-c", another_process, url], check=True)
        ct.open_store(connection=conn).save("day-centre", mine)
        conn.commit()
    with ct.open_store(engine=engine) as store:
        assert store.load("day-centre") == mine
