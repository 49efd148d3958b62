"""Fault tests: each runs the app on a database of its own (committed data, real connections), so
that breaking the database, the mail server or a process never touches the other tests' data."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from liaison.db import database
from tests.conftest import app_on_own_database


@dataclass
class OwnApp:
    """An app on a freshly migrated database named ``name`` (a file in ``directory`` on SQLite)."""

    app: Flask
    url: str
    directory: Path

    def session(self) -> Session:
        """A plain session on the app's database: what it commits, every request sees."""
        return database(self.app).sessionmaker()


@pytest.fixture()
def own_app(tmp_path: Path) -> Iterator[Callable[..., OwnApp]]:
    """Makes apps on databases of their own (dropped afterwards), configured as in production but for
    cheap settings; ``overrides`` change the config."""
    with ExitStack() as stack:

        def make(name: str, **overrides: object) -> OwnApp:
            config = {"WTF_CSRF_ENABLED": False} | overrides
            app = stack.enter_context(app_on_own_database(f"liaison_fault_{name}", tmp_path, **config))
            return OwnApp(app, app.config["DATABASE_URL"], tmp_path)

        yield make


@dataclass
class Served:
    """An app answering HTTP on ``url`` from real threads (werkzeug's threaded server)."""

    own: OwnApp
    url: str


@pytest.fixture()
def serve() -> Iterator[Callable[[OwnApp], Served]]:
    """Serves an :class:`OwnApp` on a free loopback port until the test ends."""
    servers = []

    def start(own: OwnApp) -> Served:
        server = make_server("127.0.0.1", 0, own.app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return Served(own, f"http://127.0.0.1:{server.server_port}")

    yield start
    for server in servers:
        server.shutdown()
