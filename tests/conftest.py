"""Fixtures: a database migrated once per run, one SAVEPOINT-wrapped transaction per test.

The suite runs on SQLite by default and on PostgreSQL with
``LIAISON_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/liaison_test``.
Each pytest-xdist worker gets a database of its own.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from liaison import create_app, indexing, migrate
from liaison.accounts import operations as accounts
from liaison.db import database, normalise_url
from tests.factories import Factory
from tests.web.api.helpers import ApiClient

TEST_DATABASE_URL = os.environ.get("LIAISON_TEST_DATABASE_URL", "")
#: Embedding every item a test saves made the tests of items, alerts and imports half as slow again
#: (measured: 109 tests in 198 s with, 127 s without): the tests of the embedding itself turn it on
#: (tests/overlaps/test_multilingual.py); LIAISON_TEST_EMBEDDINGS=1 turns it on for every test.
EMBEDDINGS = os.environ.get("LIAISON_TEST_EMBEDDINGS", "") in ("1", "true", "yes")
# Commands the tests run in a process of their own (a killed import) follow the same choice.
os.environ.setdefault("LIAISON_EMBEDDINGS", "true" if EMBEDDINGS else "false")

# The SMTP server and the people of statements, used by several folders of tests.
pytest_plugins = ("tests.plugins.mail", "tests.plugins.statement_world")


def fresh_database_url(name: str, tmp_dir: Path) -> str:
    """An empty database named ``name``: a new SQLite file, or a recreated PostgreSQL database."""
    if not TEST_DATABASE_URL or TEST_DATABASE_URL.startswith("sqlite"):
        path = tmp_dir / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = make_url(normalise_url(TEST_DATABASE_URL)).set(database=name)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Remove a PostgreSQL database made by :func:`fresh_database_url` (SQLite files go with tmp)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def app_on_own_database(name: str, directory: Path, **config: object) -> Iterator[Flask]:
    """An app on a freshly migrated database of its own, dropped afterwards; its files go in ``directory``.

    For tests that need committed data and real connections (a live server, fuzzing, faults)
    without touching the SAVEPOINT-wrapped database of the others. ``config`` adds to or overrides
    the settings.
    """
    url = fresh_database_url(f"{name}_{_worker_suffix()}", directory)
    migrate.upgrade(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": f"{name}-secret",
            "LIAISON_INDEX_PATH": str(directory / f"{name}.index"),
            "LIAISON_UPLOAD_DIR": str(directory / "uploads"),
            "LIAISON_EMBEDDINGS": EMBEDDINGS,
        }
        | config
    )
    try:
        yield app
    finally:
        database(app).engine.dispose()
        drop_database(url)


def _worker_suffix() -> str:
    # The process id keeps concurrent runs on one server (two developers, two CI jobs) apart.
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests make many accounts; scrypt's deliberate slowness (~0.15 s a hash) would only cost time.

    The hash is still a real one that ``check_password_hash`` verifies, so logins work as in production.
    """
    monkeypatch.setattr(
        accounts, "generate_password_hash", functools.partial(generate_password_hash, method="pbkdf2:sha256:1")
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test database, migrated to head by Alembic (never by ``create_all``)."""
    base = make_url(normalise_url(TEST_DATABASE_URL)).database if TEST_DATABASE_URL else "liaison_test"
    url = fresh_database_url(f"{base}_{_worker_suffix()}", tmp_path_factory.mktemp("db"))
    migrate.upgrade(url)
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One application for the run; tests change its config with ``monkeypatch.setitem``."""
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "LIAISON_INDEX_PATH": str(instance / "similarity.index"),
            "LIAISON_UPLOAD_DIR": str(instance / "uploads"),
            "LIAISON_DEMO_LOGINS": str(instance / "demo-logins.txt"),
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": 1,
            # Absolute links start from here (never from the request's Host): the test client's own address.
            "LIAISON_BASE_URL": "http://localhost",
            # Each test sees its own data: a report built in one test must not be served in another.
            "LIAISON_REPORT_CACHE_SECONDS": 0,
            "LIAISON_EMBEDDINGS": EMBEDDINGS,
        }
    )
    yield application
    database(application).engine.dispose()


@pytest.fixture()
def db(app: Flask) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test.

    The app's own sessions join the same connection with SAVEPOINTs, so a view's
    ``commit()`` is visible to the test and still undone at the end (Warehouse's pattern).
    """
    db_ = database(app)
    connection = db_.engine.connect()
    transaction = connection.begin()
    db_.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")
    # The similarity index would otherwise remember the items of earlier, rolled-back tests.
    indexing.reset(app, None)
    session = db_.sessionmaker()
    try:
        with app.app_context():
            yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()
        db_.sessionmaker.configure(bind=db_.engine, join_transaction_mode="conditional_savepoint")


@pytest.fixture()
def client(app: Flask, db: Session) -> FlaskClient:
    """A browser without cookies, talking to the app inside the test's transaction."""
    return app.test_client()


@pytest.fixture()
def factory(db: Session) -> Factory:
    """Makes bodies, groups, users and items through the services, as the app would."""
    return Factory(db)


@pytest.fixture()
def api(app: Flask, client: FlaskClient) -> ApiClient:
    """Calls /api/v1 with a database session per request, as another process would."""
    return ApiClient(app, client)
