"""Casework: a small case-management web application that keeps each service's Theory of
Change in its own database, in its own transactions.

The application owns three tables (services, people and sessions). Each service has a map
in the same database (the SQL store's tables, named ``toc_*``). Every change a member of
staff makes writes the host's rows and a new version of the map in one transaction: both
are saved, or neither. A change made from a page that shows an older version of the map is
refused with HTTP 409, and nothing of it is kept.

    python examples/casework/run.py        # http://127.0.0.1:8000

``CASEWORK_DATABASE_URL`` names the database (PostgreSQL, say
``postgresql+psycopg://user@host/casework``); without it, a SQLite file ``casework.db`` in
the working folder. ``CASEWORK_PSEUDONYM_KEY`` (hex) is the key survey respondents are
pseudonymised with; keep it apart from the data (without it, one is made per process).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path as FilePath
from typing import Annotated, Any

import jinja2
import sqlalchemy as sa
from fastapi import FastAPI, File, Form, Path, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

import coprod_toc as ct
from coprod_toc.evidence import EvidenceItem, Participant

__all__ = ["TABLE_PREFIX", "create_app", "host", "map_name", "people", "services", "sessions"]

HERE = FilePath(__file__).resolve().parent
#: The map a new service starts from, and the mapping of the survey it collects.
TEMPLATE_MAP = HERE.parent.parent / "day-centre.toml"
SURVEY_MAPPING = HERE.parent.parent / "survey" / "after.toml"
#: The store's tables sit beside the application's own, named toc_maps, toc_nodes…
TABLE_PREFIX = "toc_"

host = sa.MetaData()
services = sa.Table(
    "casework_services",
    host,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
)
people = sa.Table(
    "casework_people",
    host,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("service_id", sa.ForeignKey("casework_services.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),  # stays here: the map never holds it
    sa.Column("role", sa.String(40), nullable=False),
)
sessions = sa.Table(
    "casework_sessions",
    host,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("service_id", sa.ForeignKey("casework_services.id"), nullable=False),
    sa.Column("activity", sa.String(64), nullable=False),  # the map's activity it delivers
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("held_on", sa.Date, nullable=False),
)

ROLES = ("lived_experience", "unpaid_carer", "staff", "partner")
#: A service id as the database holds them (anything else is a 422 from FastAPI).
ServiceId = Annotated[int, Path(ge=1, le=2_147_483_647)]
#: The largest survey upload taken, in bytes.
MAX_UPLOAD = 5_000_000


def map_name(service_id: int) -> str:
    return f"service-{service_id}"


class BadForm(ValueError):
    """A form field the application does not take; the page says which."""


def _expect_version(store: Any, service_id: int, version: int) -> None:
    """Refuse a change made from a page that showed another version of the map than the
    stored one (ConflictError), or for no such service (MapNotFoundError)."""
    latest = int(store.history(map_name(service_id))[-1].version)
    if version != latest:
        raise ct.ConflictError(map_name(service_id), version, latest)


def _text(value: str, what: str, longest: int = 200) -> str:
    """A form's text as the tables take it: not empty, not too long, no control character."""
    text = value.strip()
    if not text:
        raise BadForm(f"{what} is empty.")
    if len(text) > longest:
        raise BadForm(f"{what} is longer than {longest} characters.")
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise BadForm(f"{what} holds a control character.")
    return text


def create_app(database_url: str | None = None, *, pseudonym_key: bytes | None = None) -> FastAPI:
    """The application, on ``database_url`` (else ``CASEWORK_DATABASE_URL``, else SQLite)."""
    url = database_url or os.environ.get("CASEWORK_DATABASE_URL")
    engine = sa.create_engine(url or f"sqlite+pysqlite:///{FilePath.cwd() / 'casework.db'}")
    host.create_all(engine)
    ct.open_store(engine=engine, table_prefix=TABLE_PREFIX).close()  # the store's tables
    key = pseudonym_key or bytes.fromhex(
        os.environ.get("CASEWORK_PSEUDONYM_KEY") or secrets.token_hex(32)
    )
    pages = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    app = FastAPI(title="Casework")
    app.state.engine = engine

    def page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
        return HTMLResponse(pages.get_template(name).render(**values), status_code=status)

    @contextmanager
    def unit_of_work() -> Iterator[tuple[sa.Connection, Any]]:
        """One transaction for the host's rows and the map: committed at the end of the
        block, rolled back (both) if anything in it fails."""
        with engine.connect() as conn:
            store = ct.open_store(connection=conn, table_prefix=TABLE_PREFIX)
            try:
                yield conn, store
                conn.commit()
            except BaseException:
                conn.rollback()
                raise

    def change_map(
        service_id: int, version: int, change: Callable[[sa.Connection, ct.TheoryOfChange], str]
    ) -> HTMLResponse | RedirectResponse:
        """Apply ``change`` (which writes host rows and edits the map) and save the map as
        the version after ``version``, all in one transaction; 409 if someone saved first."""
        try:
            with unit_of_work() as (conn, store):
                _expect_version(store, service_id, version)
                toc = store.load(map_name(service_id), version)
                message = change(conn, toc)
                store.save(map_name(service_id), toc, expected_version=version, message=message)
        except ct.ConflictError as conflict:
            return conflict_page(service_id, conflict)
        except ct.MapNotFoundError:
            return page("missing.html", status=404, what=f"service {service_id}")
        except (ct.ModelError, ct.NodeNotFoundError, BadForm) as error:
            return page("bad.html", status=400, service_id=service_id, reason=str(error))
        return RedirectResponse(f"/services/{service_id}", status_code=303)

    def conflict_page(service_id: int, conflict: ct.ConflictError) -> HTMLResponse:
        return page(
            "conflict.html",
            status=409,
            service_id=service_id,
            yours=conflict.expected,
            theirs=conflict.actual,
        )

    @app.get("/", response_class=HTMLResponse)
    def home() -> HTMLResponse:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(services).order_by(services.c.id)).all()
        return page("home.html", services=rows)

    @app.post("/services", response_model=None)
    def create_service(name: Annotated[str, Form()]) -> HTMLResponse | RedirectResponse:
        try:
            name = _text(name, "The name")
        except BadForm as error:
            return page("bad.html", status=400, service_id="", reason=str(error))
        with unit_of_work() as (conn, store):
            service_id = conn.execute(services.insert().values(name=name)).inserted_primary_key[0]
            toc = ct.load(TEMPLATE_MAP)
            toc.title = name
            for node in toc.activities():  # each box links back to the service's records
                toc.update(node.id, external_ref=f"services/{service_id}/activities/{node.id}")
            store.save(map_name(service_id), toc, expected_version=0, message="from the template")
        return RedirectResponse(f"/services/{service_id}", status_code=303)

    @app.get("/services/{service_id}", response_class=HTMLResponse)
    def service(service_id: ServiceId) -> HTMLResponse:
        with unit_of_work() as (conn, store):
            row = conn.execute(sa.select(services).where(services.c.id == service_id)).first()
            if row is None:
                return page("missing.html", status=404, what=f"service {service_id}")
            version = store.history(map_name(service_id))[-1].version
            toc = store.load(map_name(service_id), version)
            staff = conn.execute(
                sa.select(people).where(people.c.service_id == service_id).order_by(people.c.id)
            ).all()
            held = conn.execute(
                sa.select(sessions)
                .where(sessions.c.service_id == service_id)
                .order_by(sessions.c.held_on, sessions.c.id)
            ).all()
        report = ct.render(
            toc,
            "html",
            fragment=True,
            id_prefix="map-",
            node_href=lambda node: (
                f"/services/{service_id}/activities/{node.id}"
                if node.node_type.value == "activity"
                else None
            ),
        )
        return page(
            "service.html",
            service=row,
            version=version,
            toc=toc,
            people=staff,
            sessions=held,
            roles=ROLES,
            report=report,
        )

    @app.get("/services/{service_id}/activities/{activity}", response_class=HTMLResponse)
    def activity(service_id: ServiceId, activity: str) -> HTMLResponse:
        with unit_of_work() as (conn, store):
            if map_name(service_id) not in store.list():
                return page("missing.html", status=404, what=f"service {service_id}")
            toc = store.load(map_name(service_id))
            if activity not in toc or toc[activity].node_type.value != "activity":
                return page("missing.html", status=404, what=f"activity {activity}")
            held = conn.execute(
                sa.select(sessions)
                .where(sessions.c.service_id == service_id, sessions.c.activity == activity)
                .order_by(sessions.c.held_on)
            ).all()
        return page("activity.html", service_id=service_id, node=toc[activity], sessions=held)

    @app.post("/services/{service_id}/sessions", response_model=None)
    def record_session(
        service_id: ServiceId,
        version: Annotated[int, Form()],
        activity: Annotated[str, Form()],
        title: Annotated[str, Form()],
        held_on: Annotated[dt.date, Form()],
    ) -> HTMLResponse | RedirectResponse:
        def change(conn: sa.Connection, toc: ct.TheoryOfChange) -> str:
            if activity not in toc or toc[activity].node_type.value != "activity":
                raise BadForm(f"{activity!r} is not one of the map's activities.")
            session_title = _text(title, "What happened")
            session_id = conn.execute(
                sessions.insert().values(
                    service_id=service_id, activity=activity, title=session_title, held_on=held_on
                )
            ).inserted_primary_key[0]
            toc.evidence.add(
                EvidenceItem(
                    id=f"session-{session_id}",
                    type="document",
                    date=held_on,
                    nodes=(activity,),
                    content=session_title,
                    external_ref=f"sessions/{session_id}",
                )
            )
            if toc.activity(activity).status.value == "planned":
                toc.update(activity, status="in_progress")
            return f"session {session_id}: {session_title}"

        return change_map(service_id, version, change)

    @app.post("/services/{service_id}/people", response_model=None)
    def add_person(
        service_id: ServiceId,
        version: Annotated[int, Form()],
        name: Annotated[str, Form()],
        role: Annotated[str, Form()],
    ) -> HTMLResponse | RedirectResponse:
        def change(conn: sa.Connection, toc: ct.TheoryOfChange) -> str:
            if role not in ROLES:
                raise BadForm(f"{role!r} is not a role here ({', '.join(ROLES)}).")
            person_id = conn.execute(
                people.insert().values(service_id=service_id, name=_text(name, "Name"), role=role)
            ).inserted_primary_key[0]
            # The map knows the person by a code and the host's id, never by name.
            toc.evidence.add(
                Participant(id=f"M{person_id:03d}", role=role, external_ref=f"people/{person_id}")
            )
            return f"person {person_id} joined"

        return change_map(service_id, version, change)

    @app.post("/services/{service_id}/survey", response_class=HTMLResponse)
    def upload_survey(
        service_id: ServiceId,
        version: Annotated[int, Form()],
        survey: Annotated[UploadFile, File()],
    ) -> HTMLResponse:
        data = survey.file.read(MAX_UPLOAD + 1)  # the upload itself: no temporary file
        if len(data) > MAX_UPLOAD:
            reason = f"The file is larger than {MAX_UPLOAD // 1_000_000} MB."
            return page("survey.html", status=413, service_id=service_id, error=reason)
        try:
            with unit_of_work() as (_conn, store):
                _expect_version(store, service_id, version)
                result = ct.import_survey_evidence(
                    data,
                    SURVEY_MAPPING,
                    into=store,
                    name=map_name(service_id),
                    survey_name=survey.filename or "upload",
                    pseudonym_key=key,
                )
        except ct.ConflictError as conflict:
            return conflict_page(service_id, conflict)
        except ct.MapNotFoundError:
            return page("missing.html", status=404, what=f"service {service_id}")
        except ct.FormatError as error:
            # The library names the file it read; the page names only the upload.
            reason = str(error).replace(str(SURVEY_MAPPING), "the survey's mapping")
            return page("survey.html", status=400, service_id=service_id, error=reason)
        return page("survey.html", service_id=service_id, result=result)

    return app
