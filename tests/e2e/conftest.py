"""End-to-end fixtures: the real app served on loopback, driven by Debian's chromium through Playwright.

The app gets a database of its own (committed data, real threads), not the rolled-back
transaction of the other tests. A failing test leaves a screenshot in ``tests/artifacts/``.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from liaison.db import database
from tests.conftest import app_on_own_database

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The machine has no network: without these, chromium tries to reach Google's services at start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LiveServer:
    """The app serving on ``url``; ``session()`` gives a committed-data session for setting up."""

    app: Flask
    url: str

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.app.app_context():
            session = database(self.app).sessionmaker()
            try:
                yield session
                session.commit()
            finally:
                session.close()


@contextmanager
def serving(app: Flask) -> Iterator[LiveServer]:
    """``app`` served on a free loopback port until the block ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a free loopback port, with CSRF on, as a browser meets it."""
    with app_on_own_database("liaison_e2e", tmp_path_factory.mktemp("e2e")) as app, serving(app) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian chromium (Playwright downloads no browser of its own here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[object]:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture()
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh browser context and page; a screenshot is saved if the test fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    # Generous: a loaded 2-core CI machine can take seconds to fit the similarity index on first use.
    context.set_default_timeout(30_000)
    page_ = context.new_page()
    try:
        yield page_
    finally:
        if request.node.stash.get(_FAILED, False):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page_.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        context.close()
