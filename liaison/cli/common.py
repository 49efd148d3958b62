"""What the commands share: one transaction per command, and service refusals as clean errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from liaison import db
from liaison.core.errors import ServiceError


@contextmanager
def run_service() -> Iterator[Session]:
    """Commit what the block did, or roll it back and exit with the service's message.

    A write that loses a race to another writer is refused with the same message as on the web.
    """
    session = db.get_session()
    try:
        yield session
        db.commit()
    except ServiceError as exc:
        db.rollback()
        raise click.ClickException(exc.message) from exc
    except BaseException:
        db.rollback()
        raise


def checkpoint() -> None:
    """Keep what a long command has done so far (an import's finished batches) before it goes on."""
    db.commit()
