"""Fault tests: each runs the app on a database of its own (committed data, real connections), so
that breaking the database, the mail server or a process never touches the other tests' data."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from liaison import create_app, migrate
from liaison.db import database
from tests.conftest import _worker_suffix, drop_database, fresh_database_url


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
    made: list[OwnApp] = []

    def make(name: str, **overrides: object) -> OwnApp:
        url = fresh_database_url(f"liaison_fault_{name}_{_worker_suffix()}", tmp_path)
        migrate.upgrade(url)
        config = {
            "DATABASE_URL": url,
            "SECRET_KEY": "fault-secret",
            "LIAISON_INDEX_PATH": str(tmp_path / f"{name}.index"),
            "LIAISON_UPLOAD_DIR": str(tmp_path / "uploads"),
            "WTF_CSRF_ENABLED": False,
        } | overrides
        own = OwnApp(create_app(config), url, tmp_path)
        made.append(own)
        return own

    yield make
    for own in made:
        database(own.app).engine.dispose()
        drop_database(own.url)


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
