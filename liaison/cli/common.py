"""What the commands share: one transaction per command, and service refusals as clean errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from liaison.db import get_session
from liaison.services.errors import ServiceError


@contextmanager
def run_service() -> Iterator[Session]:
    """Commit what the block did, or roll it back and exit with the service's message."""
    session = get_session()
    try:
        yield session
        session.commit()
    except ServiceError as exc:
        session.rollback()
        raise click.ClickException(exc.message) from exc
    except Exception:
        session.rollback()
        raise
