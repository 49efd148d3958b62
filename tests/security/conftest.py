"""Fixtures of the security tests: a real SMTP server (the statements tests' aiosmtpd), fresh browsers,
and a second app on the same database to play another gunicorn worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from liaison import create_app
from liaison.db import database

#: What a client sends as its address unless a test says otherwise (TEST-NET-3, RFC 5737).
CLIENT_ADDRESS = "203.0.113.7"


@pytest.fixture()
def browser(app: Flask, db: Session) -> Callable[..., FlaskClient]:
    """Makes browsers without cookies, each from its own client address (``address=``) if asked."""

    def make(address: str = CLIENT_ADDRESS) -> FlaskClient:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    return make


def app_on_test_connection(db: Session, overrides: dict[str, Any]) -> Iterator[Flask]:
    """Another application on the test's connection (inside its rolled-back transaction)."""
    other = create_app(overrides)
    database(other).sessionmaker.configure(bind=db.connection(), join_transaction_mode="create_savepoint")
    try:
        yield other
    finally:
        database(other).engine.dispose()


@pytest.fixture()
def second_worker(app: Flask, db: Session) -> Iterator[Flask]:
    """The same app built again, as another gunicorn worker (another process) would build it."""
    yield from app_on_test_connection(db, dict(app.config))


@pytest.fixture()
def production_app(app: Flask, db: Session) -> Iterator[Flask]:
    """The app as production configures it (LIAISON_ENV=production, a SECRET_KEY of its own)."""
    overrides = dict(app.config) | {"LIAISON_ENV": "production", "SECRET_KEY": "a long production secret"}
    yield from app_on_test_connection(db, overrides)
