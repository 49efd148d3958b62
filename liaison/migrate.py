"""Alembic, driven from Python: the schema only ever comes from the migrations in ``migrations/``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic config for ``url`` (or an open ``connection``), without needing alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str | None = None, revision: str = "head", connection: Connection | None = None) -> None:
    """Bring the schema up to ``revision``."""
    command.upgrade(alembic_config(url, connection), revision)


def downgrade(url: str | None = None, revision: str = "-1", connection: Connection | None = None) -> None:
    """Take the schema down to ``revision`` (one step by default)."""
    command.downgrade(alembic_config(url, connection), revision)


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or None for an empty database."""
    return MigrationContext.configure(connection).get_current_revision()


def head_revisions() -> tuple[str, ...]:
    """The heads of the migration scripts (exactly one when the history is linear)."""
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())
