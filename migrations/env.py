"""Alembic environment: migrates the database named by the caller, or DATABASE_URL, or the dev default."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from liaison.db import make_engine
from liaison.models import Base
from liaison.models.base import UTCDateTime

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    # Run as plain `alembic ...`: take the URL the app would use.
    from liaison import create_app

    return create_app().config["DATABASE_URL"]


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    # Migrations must not import the app's column types: they would break when the types move.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=_render_item,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    """Print SQL instead of running it (``alembic upgrade --sql``)."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against a live connection: the caller's if it gave one (tests), else a new one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                _sqlite_foreign_keys(connection, on=False)
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)
    finally:
        engine.dispose()


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """Switch SQLite's foreign keys around a migration (Alembic's advice for batch mode).

    Batch mode copies a table and drops the old one; with foreign keys on, that DROP cascades and
    deletes every row that pointed at it (API tokens and memberships when ``users`` is copied).
    The pragma only works outside a transaction, so it goes to the driver directly; turning it
    back on checks that the migration left no dangling reference.
    """
    raw = connection.connection.driver_connection
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    if on:
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left rows pointing at missing rows: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
