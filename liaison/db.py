"""The database connection: one SQLAlchemy engine per app, one session per request or command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from liaison.core.errors import Conflict

EXTENSION = "liaison.db"
#: Connections each process keeps open to PostgreSQL: at least ``liaison serve --threads``.
POOL_SIZE = 16
#: The execution option that marks the connections of a unit of work that will write.
WRITES_OPTION = "liaison_writes"
#: What every door (pages, API, command line) says when a write loses a race to another writer: the
#: same reference registered at the same moment, a row changed under a version check.
CONFLICT_MESSAGE = "this change clashes with one saved by someone else at the same moment; reload and try again"
#: The errors a commit or flush raises for such a race.
WRITE_CLASHES = (IntegrityError, StaleDataError)


@dataclass
class Database:
    """What the app keeps of its database: the engine and the factory of sessions."""

    engine: Engine
    sessionmaker: sessionmaker[Session]
    #: The same engine and pool; its connections begin as writers (see :func:`expect_writes`).
    writer: Engine


def normalise_url(url: str) -> str:
    """Let people write ``postgresql://`` (as libpq does) and still get psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **options: Any) -> Engine:
    """An engine with the settings each backend needs to behave like a real database."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    options.setdefault("pool_pre_ping", True)
    # Each thread of a worker holds a connection while it answers. Connections beyond the pool are
    # closed as soon as they are returned, so a pool smaller than the threads (SQLAlchemy's default
    # is 5) opens a new PostgreSQL backend on every busy moment: keep up to POOL_SIZE of them open.
    options.setdefault("pool_size", POOL_SIZE)
    return create_engine(url, **options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite opens transactions on its own and never for SELECT, which breaks SAVEPOINTs and
    # repeatable reads; SQLAlchemy's documented fix is to switch that off and BEGIN ourselves.
    dbapi_connection.isolation_level = None
    # SQLite ignores foreign keys unless asked, and WAL lets readers go on while a writer commits.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # In WAL mode a transaction that has read cannot start writing once another connection has
    # committed since: SQLite fails it at once ("database is locked") instead of waiting. Units of
    # work that said they will write (:func:`expect_writes`) take the write lock as they begin, so
    # concurrent writers wait their turn and see each other's changes.
    writes = connection.get_execution_options().get(WRITES_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def init_app(app: Flask) -> None:
    """Create the engine for ``DATABASE_URL`` and close each request's session at its end."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[EXTENSION] = Database(
        engine, sessionmaker(engine, expire_on_commit=False), engine.execution_options(**{WRITES_OPTION: True})
    )
    # Closed at the end of each request and of each app context (commands): a test that keeps an
    # app context open still gets a fresh session per request, as production does.
    app.teardown_request(_close_session)
    app.teardown_appcontext(_close_session)


def database(app: Flask | None = None) -> Database:
    """The app's :class:`Database`."""
    return (app or current_app).extensions[EXTENSION]


def expect_writes() -> None:
    """Say, before the first query, that the current request or command will write.

    On SQLite its transactions then take the write lock as they begin; elsewhere nothing changes.
    """
    g.db_writes = True


def get_session() -> Session:
    """The session of the current request or command, opened on first use."""
    if "db_session" not in g:
        db = database()
        # Bound elsewhere (the tests bind it to one connection), the binding is kept as it is.
        if g.get("db_writes") and db.sessionmaker.kw.get("bind") is db.engine:
            g.db_session = db.sessionmaker(bind=db.writer)
        else:
            g.db_session = db.sessionmaker()
    return g.db_session


def commit() -> None:
    """Commit the unit of work of the current request or command (the one place that does).

    Losing a race to another writer rolls back and becomes a :class:`Conflict` (409), never a 500.
    """
    session = g.get("db_session")
    if session is None:
        return
    try:
        session.commit()
    except WRITE_CLASHES as exc:
        session.rollback()
        raise Conflict(CONFLICT_MESSAGE) from exc


def rollback() -> None:
    """Undo the unit of work of the current request or command; the session stays usable."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
