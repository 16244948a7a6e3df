"""The Casework example, run as its users would: a real server (uvicorn) on the real
PostgreSQL server (and on SQLite), driven in Chromium, checked in the database and with
axe-core on every page."""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import uvicorn  # noqa: E402
from casework import TABLE_PREFIX, create_app, host, map_name  # noqa: E402
from tests.test_browser import _axe, chromium  # noqa: E402

import coprod_toc as ct  # noqa: E402

SURVEY = HERE.parents[1] / "survey" / "after.csv"
POSTGRESQL = os.environ.get(
    "COPROD_TOC_TEST_POSTGRESQL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
KEY = bytes(range(32))  # the tests' pseudonym key


def _empty(url: str) -> None:
    """Drop the application's tables and its maps' tables, so each run starts afresh."""
    import coprod_toc_sql

    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            host.drop_all(conn)
            coprod_toc_sql.tables_metadata(table_prefix=TABLE_PREFIX).drop_all(conn)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, sa.Engine]]:
    """The application on PostgreSQL, served by uvicorn on a free port: its address, and an
    engine to look in its database."""
    _empty(POSTGRESQL)
    app = create_app(POSTGRESQL, pseudonym_key=KEY)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    served = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    for _ in range(200):
        if served.started:
            break
        time.sleep(0.05)
    engine = sa.create_engine(POSTGRESQL)
    yield f"http://127.0.0.1:{port}", engine
    served.should_exit = True
    thread.join(10)
    engine.dispose()
    app.state.engine.dispose()
    _empty(POSTGRESQL)  # leave the shared test database as it was


def _post(url: str, fields: dict[str, str]) -> int:
    """A form posted as a colleague's browser would; the HTTP status."""
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return int(opener.open(request).status)
    except urllib.error.HTTPError as error:
        return int(error.code)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None


def _count(engine: sa.Engine, sql: str, **values: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(sql), values).scalar() or 0)


def _latest(engine: sa.Engine, service_id: int = 1) -> int:
    sql = f"SELECT latest FROM {TABLE_PREFIX}maps WHERE name = :name"
    return _count(engine, sql, name=map_name(service_id))


def _submit(browser: Any, form: str, **fields: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for name, value in fields.items():
        element = browser.find_element(By.CSS_SELECTOR, f"{form} [name={name}]")
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        elif element.get_attribute("type") == "date":
            browser.execute_script("arguments[0].value = arguments[1]", element, value)
        else:
            element.clear()
            element.send_keys(value)
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f"{form} button[type=submit]"))


def _click_and_wait(browser: Any, element: Any) -> None:
    """Click, then wait until the next page has replaced this one."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    element.click()

    def replaced(_: Any) -> bool:
        # Chromium reports a page's element that is gone as stale, or, caught mid-swap,
        # as "does not belong to the document": either way the next page has come.
        try:
            page.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(browser, 20).until(replaced)


def _page_is_clean(browser: Any) -> None:
    violations = _axe(browser)
    assert violations == [], [v.get("id") for v in violations]


def test_staff_work_through_a_service_in_the_browser(browser: Any, server: Any) -> None:
    """Create a service, add a person, record a session, follow a box to the host's record,
    upload a survey: every page passes axe-core, and the database holds each step."""
    from selenium.webdriver.common.by import By

    base, engine = server
    browser.get(base + "/")
    _page_is_clean(browser)
    _submit(browser, "form[action='/services']", name="Day centre North")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Day centre North"
    _page_is_clean(browser)
    assert _latest(engine) == 1

    _submit(browser, "form[action$='/people']", name="Sam Example", role="lived_experience")
    assert _count(engine, "SELECT count(*) FROM casework_people") == 1
    assert _latest(engine) == 2
    # The person is in the map by code and the host's id; their name stays in the host's table.
    assert (
        _count(
            engine,
            f"SELECT count(*) FROM {TABLE_PREFIX}evidence WHERE external_ref = 'people/1'",
        )
        == 1
    )
    for table, column in (("evidence", "body"), ("nodes", "body"), ("versions", "header")):
        sql = f"SELECT count(*) FROM {TABLE_PREFIX}{table} WHERE {column} LIKE '%Sam Example%'"
        assert _count(engine, sql) == 0

    _submit(
        browser,
        "form[action$='/sessions']",
        activity="K4",
        title="Planning meeting with the group",
        held_on="2026-11-02",
    )
    assert _count(engine, "SELECT count(*) FROM casework_sessions") == 1
    assert (
        _count(
            engine, f"SELECT count(*) FROM {TABLE_PREFIX}evidence WHERE external_ref = 'sessions/1'"
        )
        == 1
    )
    _page_is_clean(browser)

    _click_and_wait(
        browser, browser.find_element(By.CSS_SELECTOR, "a.box-link[href$='/activities/K4']")
    )
    assert "Planning meeting with the group" in browser.find_element(By.TAG_NAME, "main").text
    _page_is_clean(browser)

    browser.get(base + "/services/1")
    before = _latest(engine)
    browser.find_element(By.ID, "survey").send_keys(str(SURVEY))
    upload = browser.find_element(By.CSS_SELECTOR, "form[action$='/survey'] button")
    _click_and_wait(browser, upload)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Survey imported"
    _page_is_clean(browser)
    assert _latest(engine) == before + 1
    with ct.open_store(engine=engine, table_prefix=TABLE_PREFIX) as store:
        toc = store.load(map_name(1))
    assert toc.evidence.measures and toc.evidence.consents


def test_a_stale_page_gets_a_conflict_and_nothing_of_it_is_kept(browser: Any, server: Any) -> None:
    """Two people at once: a colleague saves first; the change made from the older page is
    answered with 409 and rolled back whole, the host's row with the map's version."""
    from selenium.webdriver.common.by import By

    base, engine = server
    browser.get(base + "/")
    _submit(browser, "form[action='/services']", name="Lunch club")
    service = int(browser.current_url.rstrip("/").rsplit("/", 1)[1])
    shown = _latest(engine, service)
    colleague = _post(
        f"{base}/services/{service}/sessions",
        {
            "version": str(shown),
            "activity": "A1",
            "title": "Menu planning",
            "held_on": "2026-11-03",
        },
    )
    assert colleague == 303
    _submit(browser, "form[action$='/people']", name="Alex Stale", role="staff")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Someone else changed this map"
    _page_is_clean(browser)
    assert _count(engine, "SELECT count(*) FROM casework_people WHERE name = 'Alex Stale'") == 0
    assert _latest(engine, service) == shown + 1
    stale = _post(
        f"{base}/services/{service}/people",
        {"version": str(shown), "name": "Alex Stale", "role": "staff"},
    )
    assert stale == 409
    assert _count(engine, "SELECT count(*) FROM casework_people WHERE name = 'Alex Stale'") == 0


def test_without_a_database_url_it_runs_on_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CASEWORK_DATABASE_URL", raising=False)
    app = create_app(pseudonym_key=KEY)
    try:
        assert app.state.engine.dialect.name == "sqlite"
        assert (tmp_path / "casework.db").exists()
    finally:
        app.state.engine.dispose()


@pytest.mark.parametrize(
    ("path", "fields", "status"),
    [
        ("/services/999/people", {"version": "1", "name": "A", "role": "staff"}, 404),
        ("/services/1/people", {"version": "1", "name": "A", "role": "wizard"}, 400),
        ("/services/1/people", {"version": "1", "name": "   ", "role": "staff"}, 400),
        ("/services/1/people", {"version": "1", "name": "A" * 201, "role": "staff"}, 400),
        ("/services/1/people", {"version": "1", "name": "A\x00B", "role": "staff"}, 400),
        ("/services/99999999999999999999/people", {"version": "1", "name": "A"}, 422),
        (
            "/services/1/sessions",
            {"version": "1", "activity": "O1", "title": "T", "held_on": "2026-01-01"},
            400,
        ),
        (
            "/services/1/sessions",
            {"version": "1", "activity": "A1", "title": "T\x01", "held_on": "2026-01-01"},
            400,
        ),
        ("/services", {"name": "\x01"}, 400),
    ],
)
def test_bad_form_input_is_refused_and_nothing_is_kept(
    server: Any, path: str, fields: dict[str, str], status: int
) -> None:
    base, engine = server
    with engine.connect() as conn:
        service = conn.execute(
            sa.select(sa.func.min(sa.text("id"))).select_from(sa.text("casework_services"))
        ).scalar()
    if service is None:
        assert _post(f"{base}/services", {"name": "For bad input"}) == 303
        service = 1
    path = path.replace("/services/1/", f"/services/{service}/")
    if "version" in fields and fields["version"] == "1":
        fields = fields | {"version": str(_latest(engine, service))}
    before = (_count(engine, "SELECT count(*) FROM casework_people"), _latest(engine, service))
    assert _post(base + path, fields) == status
    after = (_count(engine, "SELECT count(*) FROM casework_people"), _latest(engine, service))
    assert after == before
