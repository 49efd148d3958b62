"""The database goes away while the app serves: answers are a clean 503 (page, problem document,
health check), never a traceback, and the app serves again as soon as the database is back.

Each backend gets the fault it can really have. PostgreSQL restarts: its connections are terminated
(``pg_terminate_backend``, what a restart does to them) and, while it is down, new ones are refused
(``ALLOW_CONNECTIONS false``). An SQLite file becomes unavailable: it is moved away and something that
cannot be opened takes its place.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from liaison.accounts import operations as accounts
from liaison.db import database
from liaison.items import operations as work_items
from liaison.organisation.operations import ensure_group
from tests.factories import PASSWORD
from tests.faults.conftest import OwnApp


def _admin_engine(url: str):
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def terminate_connections(url: str) -> int:
    """What a PostgreSQL restart does to the app's open connections; returns how many were killed."""
    name = make_url(url).database
    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            return len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                ).all()
            )
    finally:
        admin.dispose()


def is_postgres(own: OwnApp) -> bool:
    return make_url(own.url).drivername.startswith("postgresql")


@contextmanager
def database_down(own: OwnApp) -> Iterator[None]:
    """The app's database is unavailable inside the block, and back (same data) after it."""
    url = make_url(own.url)
    if is_postgres(own):
        admin = _admin_engine(own.url)
        try:
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{url.database}" WITH ALLOW_CONNECTIONS false'))
            terminate_connections(own.url)
            yield
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{url.database}" WITH ALLOW_CONNECTIONS true'))
            admin.dispose()
        return
    path = Path(url.database)
    # The pool's connections keep the old file open; losing the file closes them, so close them.
    database(own.app).engine.dispose()
    files = [f for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if f.exists()]
    for f in files:
        f.rename(f.with_name(f.name + ".away"))
    path.mkdir()  # a directory where the file was: "unable to open database file"
    try:
        yield
    finally:
        path.rmdir()
        for f in files:
            f.with_name(f.name + ".away").rename(f)


@pytest.fixture()
def world(own_app):
    own = own_app("restart")
    with own.session() as session:
        officer = accounts.create_user(session, None, "olga@sg17.example", "Olga Officer", PASSWORD)
        accounts.grant_role(session, None, officer, ensure_group(session, None, "ITU-T/SG17"), "officer")
        item = work_items.create_work_item(
            session, None, {"reference": "X.restart", "title": "Guidelines for parents", "group": "ITU-T/SG17"}
        )
        _, token = accounts.create_api_token(session, None, officer, "fault test")
        session.commit()
        ids = officer.id, item.id
    return own, ids, {"Authorization": f"Bearer {token}"}


def _browser(own: OwnApp, user_id: int) -> FlaskClient:
    client = own.app.test_client()
    with client.session_transaction() as cookie:
        cookie["user_id"] = user_id
    return client


def _new_item(reference: str) -> dict[str, str]:
    return {"reference": reference, "title": "Parental controls guide", "group": "ITU-T/SG17"}


def test_the_database_restarting_answers_a_clean_503_meanwhile_and_the_app_recovers(world):
    own, (officer_id, item_id), token = world
    visitor, officer = own.app.test_client(), _browser(own, officer_id)
    assert visitor.get(f"/items/{item_id}").status_code == 200
    assert officer.get("/items/new").status_code == 200

    if is_postgres(own):
        # A quick restart: every pooled connection is dead, yet no request sees it (pool_pre_ping).
        assert terminate_connections(own.url) >= 1
        assert officer.get(f"/items/{item_id}").status_code == 200
        assert visitor.post("/api/v1/work-items", json=_new_item("X.quick"), headers=token).status_code == 201

    with database_down(own):
        page = visitor.get(f"/items/{item_id}")
        assert page.status_code == 503 and page.mimetype == "text/html"
        html = page.get_data(as_text=True)
        assert "Temporarily unavailable" in html and "try again in a minute" in html
        assert "Traceback" not in html and "OperationalError" not in html
        assert page.headers["Retry-After"] == "30"

        # Logged in: the user is looked up before anything else, and that fails cleanly too.
        assert officer.get("/items/new").status_code == 503

        api = visitor.get("/api/v1/work-items")
        assert api.status_code == 503 and api.mimetype == "application/problem+json"
        assert api.get_json()["status"] == 503 and "try again" in api.get_json()["detail"]
        write = visitor.post("/api/v1/work-items", json=_new_item("X.during"), headers=token)
        assert write.status_code == 503 and write.mimetype == "application/problem+json"

        health = visitor.get("/healthz")
        assert health.status_code == 503 and health.get_json()["status"] == "unavailable"

    assert visitor.get("/healthz").status_code == 200
    assert visitor.get(f"/items/{item_id}").status_code == 200
    assert officer.get("/items/new").status_code == 200
    created = visitor.post("/api/v1/work-items", json=_new_item("X.after"), headers=token)
    assert created.status_code == 201, created.get_data(as_text=True)
    references = {i["reference"] for i in visitor.get("/api/v1/work-items").get_json()["items"]}
    assert "X.after" in references and "X.during" not in references
