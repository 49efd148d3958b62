"""Serving: the health check, and `liaison serve` running gunicorn for real."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from liaison import create_app


def test_healthz_reports_a_working_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database_as_503(tmp_path):
    # Nothing listens on port 1: the connection is refused at once.
    app = create_app(
        {"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none", "SECRET_KEY": "x", "TESTING": True,
         "LIAISON_INDEX_PATH": str(tmp_path / "index")}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "unavailable"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_liaison_serve_runs_gunicorn_workers(database_url, tmp_path):
    port = _free_port()
    liaison = Path(sys.executable).with_name("liaison")
    env = os.environ | {"DATABASE_URL": database_url, "SECRET_KEY": "serve-test", "LIAISON_INDEX_PATH": str(tmp_path / "i")}
    process = subprocess.Popen(
        [str(liaison), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)
        # A password-reset link carries its token in the path: the access log must not keep it.
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/reset/s3cret-reset-token", timeout=5).close()
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode()
    assert "GET /healthz" in output
    # The index is loaded once, before the workers fork (they share it), not by each worker.
    assert re.search(r"similarity index: \d+ items ready in [\d.]+ s\n.*liaison on http://", output, re.S)
    assert "s3cret-reset-token" not in output and "/reset/[redacted]" in output

