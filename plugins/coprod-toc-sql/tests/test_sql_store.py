"""The SQL store on PostgreSQL and MariaDB: the conformance kit, and what only a shared
database server can show."""

from __future__ import annotations

from collections.abc import Iterator

import coprod_toc_sql
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import PEOPLE, maps_with_evidence

import coprod_toc as ct
from conftest import SERVERS, empty_database
from coprod_toc.evidence import Participant
from coprod_toc.storage import Store
from coprod_toc.testing import StoreContract, check_concurrent_saves, sample_maps


class TestSQLStore(StoreContract):
    @pytest.fixture
    def store(self, server_url: str) -> Iterator[Store]:
        with ct.open_store(server_url) as store:
            yield store


def test_ids_differing_only_in_case_are_two_nodes(server_url: str) -> None:
    """Ids are case-sensitive even where the server compares text case-blind by default."""
    toc = ct.TheoryOfChange(title="Case")
    toc.add_impact("lower", kind="project", id="i1")
    toc.add_impact("upper", kind="project", id="I1")
    with ct.open_store(server_url) as store:
        store.save("case", toc)
        assert store.load("case") == toc


def test_a_second_store_sees_the_first_ones_saves(server_url: str) -> None:
    """Two stores on one database (two app servers) share maps and detect each other's saves."""
    with ct.open_store(server_url) as first, ct.open_store(server_url) as second:
        toc = sample_maps()["full"]
        first.save("shared", toc)
        second.load("shared")
        first.save("shared", toc, expected_version=1)
        with pytest.raises(ct.ConflictError):
            second.save("shared", toc, expected_version=1)
        toc.update("O5", statement="Changed elsewhere.")
        second.save("shared", toc, expected_version=2)
        assert first.load("shared").get("O5").text == "Changed elsewhere."


def test_a_small_edit_writes_few_rows(server_url: str) -> None:
    """After a one-node edit only that node's row is closed and one row is added."""
    with ct.open_store(server_url) as store:
        toc = ct.example()
        store.save("map", toc)
        toc.update("O1", statement="A co-production group, trained and ready.")
        store.save("map", toc, expected_version=1)
        engine = sa.create_engine(server_url)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(sa.func.count()).where(coprod_toc_sql.nodes.c.valid_from == 2)
            ).scalar()
        engine.dispose()
        assert rows == 1


def test_the_url_in_messages_hides_the_password() -> None:
    """A password in the URL never appears in store.url or in an error."""
    with pytest.raises(ct.StoreError) as caught:
        ct.open_store("postgresql+psycopg://someone:s3cret@127.0.0.1:1/none")
    assert "s3cret" not in str(caught.value)


def test_other_schemes_are_left_to_other_plugins() -> None:
    """The plugin answers only database URLs (the built-in store keeps plain sqlite://), or
    a host's engine, connection or session; the rest go to the next plugin."""
    assert coprod_toc_sql.open_store("memory://", {}) is None
    assert coprod_toc_sql.open_store("sqlite:///x.db", {}) is None
    assert coprod_toc_sql.open_store(None, {"colour": "red"}) is None


def test_concurrent_saves_commit_or_conflict(server_url: str) -> None:
    """4 processes each save 100 times with expected versions: every save commits or gets a
    ConflictError, and the history accounts for every committed save."""
    committed, conflicts = check_concurrent_saves(server_url, processes=4, saves=100)
    assert committed >= 100
    assert committed + conflicts == 400


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=maps_with_evidence(), person=st.sampled_from(PEOPLE))
def test_erasing_through_the_server_equals_erasing_in_memory(
    first: ct.TheoryOfChange, person: str
) -> None:
    """Two versions saved on each server, a person erased: each version loads equal to the
    map erased in memory."""
    second = first.copy()
    second.evidence.add(Participant(id="R-00000000000000ff"))
    expected = [first.copy(), second.copy()]
    for toc in expected:
        toc.erase_participant(person)
    for url in SERVERS.values():
        empty_database(url)
        with ct.open_store(url) as store:
            store.save("map", first)
            store.save("map", second)
            store.erase_participant(person)
            for version, erased in enumerate(expected, start=1):
                assert store.load("map", version) == erased, (url, version)


def test_loading_the_plugin_does_not_import_sqlalchemy() -> None:
    """Every coprod-toc command loads the installed plugins: this one imports SQLAlchemy
    only when a database URL is opened, so commands that use no database do not pay for it."""
    import subprocess
    import sys

    code = (
        "import sys; from coprod_toc.plugins import get_plugin_manager; get_plugin_manager(); "
        "assert 'coprod_toc_sql' in sys.modules; print('sqlalchemy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
