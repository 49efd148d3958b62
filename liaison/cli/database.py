"""``liaison db``: the schema, through Alembic."""

from __future__ import annotations

import click
from flask import current_app

from liaison import migrate
from liaison.db import database


@click.group()
def db() -> None:
    """Migrate the database schema (Alembic)."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: the newest)."""
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {_current()}.")


@db.command()
@click.argument("revision", default="-1")
def downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION (default: one step back)."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {_current()}.")


@db.command()
def current() -> None:
    """Show the revision the database is at, and whether it is the newest."""
    revision = _current()
    heads = migrate.head_revisions()
    state = "up to date" if revision in heads else f"behind: run `liaison db upgrade` (newest is {', '.join(heads)})"
    click.echo(f"{revision} ({state})")


def _current() -> str:
    with database().engine.connect() as connection:
        return migrate.current_revision(connection) or "empty (no revision)"
