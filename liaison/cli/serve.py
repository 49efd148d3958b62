"""``liaison serve``: production serving with gunicorn, behind a reverse proxy."""

from __future__ import annotations

import os
import re
import time
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo, pass_script_info
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from liaison.db import database
from liaison.indexing import current_index


class GunicornApplication(BaseApplication):
    """gunicorn serving one Flask app, with its settings given in Python rather than argv."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.app, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Forwarding headers are believed only from LIAISON_TRUSTED_PROXIES hops (see liaison.web.addresses).
        return self.app


#: Paths that carry a secret: the e-mailed password-reset link holds its single-use token.
_SECRET_PATH = re.compile(r"(/reset/)[^/?\s]+")


class RedactingLogger(Logger):
    """gunicorn's logger, with the tokens of reset links blanked out of the access log."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "{raw_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = _SECRET_PATH.sub(r"\1[redacted]", atoms[key])
        return atoms


def _post_fork(_server: Any, _worker: Any, app: Flask) -> None:
    # Connections opened before the fork must not be shared between workers.
    database(app).engine.dispose(close=False)


def _load_index(app: Flask) -> tuple[int, float]:
    """Load (or build) the similarity index in the master process, before the workers fork.

    The workers then share its memory pages, copy-on-write, instead of each reading the index
    (about 850 MB at 100,000 items) into memory of its own, and none starts with a load of seconds.
    """
    started = time.perf_counter()
    with app.app_context():
        session = database(app).sessionmaker()
        try:
            index = current_index()
            index.refresh(session)
            items = len(index.engine) if index.engine is not None else 0
        finally:
            session.close()
            # The workers open connections of their own: the master keeps none.
            database(app).engine.dispose()
    return items, time.perf_counter() - started


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@click.command()
@click.option("--bind", "-b", default=lambda: os.environ.get("LIAISON_BIND", "127.0.0.1:8000"),
              show_default="$LIAISON_BIND or 127.0.0.1:8000")
@click.option("--workers", "-w", type=click.IntRange(1, 64), default=lambda: _env_int("LIAISON_WORKERS", 2),
              show_default="$LIAISON_WORKERS or 2")
@click.option("--threads", type=click.IntRange(1, 64), default=lambda: _env_int("LIAISON_THREADS", 4),
              show_default="$LIAISON_THREADS or 4")
@click.option("--timeout", type=click.IntRange(5, 3600), default=60, show_default=True)
@pass_script_info
def serve(info: ScriptInfo, bind: str, workers: int, threads: int, timeout: int) -> None:
    """Serve the app with gunicorn (put a reverse proxy that terminates TLS in front)."""
    app = info.load_app()
    items, seconds = _load_index(app)
    click.echo(f"similarity index: {items:,} items ready in {seconds:.1f} s")
    click.echo(f"liaison on http://{bind} with {workers} workers x {threads} threads")
    GunicornApplication(
        app,
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "timeout": timeout,
            "accesslog": "-",
            "logger_class": RedactingLogger,
            "post_fork": lambda server, worker: _post_fork(server, worker, app),
        },
    ).run()
