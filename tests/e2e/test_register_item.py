"""An officer registers a work item and sees possible overlaps appear while typing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from liaison.accounts import operations as accounts
from liaison.demo import load_demo
from liaison.items import operations as work_items
from liaison.models import OverlapAlert, WorkItem
from liaison.organisation import operations as organisation
from tests.conftest import app_on_own_database
from tests.e2e.conftest import LiveServer, serving
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD


def test_officer_sees_overlaps_while_typing_then_registers(live_server, page):
    with live_server.session() as session:
        officer = accounts.create_user(session, None, "officer.e2e@example.org", "Olu Officer", PASSWORD)
        accounts.grant_role(session, None, officer, organisation.ensure_group(session, None, "ITU-T/SG17/Q6"), "officer")
        organisation.ensure_group(session, None, "ISO-IEC JTC 1/SC 27")
        work_items.create_work_item(
            session,
            None,
            {
                "reference": "ISO/IEC 27566-1",
                "title": "Age assurance systems framework",
                "summary": "Framework for age assurance: age verification and age estimation for online services.",
                "keywords": ["age assurance", "age verification"],
                "group": "ISO-IEC JTC 1/SC 27",
            },
        )
    log_in(page, live_server.url, "officer.e2e@example.org")
    page.goto(live_server.url + "/items/new")
    page.get_by_label("Reference").fill("X.age-e2e")
    page.get_by_label("Title").fill("Framework for age assurance systems")
    page.get_by_label("Summary and scope").fill("Age verification and age estimation for online services.")
    panel = page.locator("#similar-results")
    panel.get_by_role("link", name="ISO/IEC 27566-1").wait_for()
    assert "%" in panel.inner_text()

    page.get_by_label("Group").select_option("ITU-T/SG17/Q6")
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="X.age-e2e").first.wait_for()
    with live_server.session() as session:
        item = session.scalar(select(WorkItem).where(WorkItem.reference == "X.age-e2e"))
        assert item is not None
        alerts = session.scalars(
            select(OverlapAlert).where((OverlapAlert.item_a_id == item.id) | (OverlapAlert.item_b_id == item.id))
        ).all()
        # The live server is shared by the session's browser tests, some of which register age-assurance
        # items of their own: the alert asked for is the one with the ISO item, whatever else it raised.
        iso = session.scalar(select(WorkItem.id).where(WorkItem.reference == "ISO/IEC 27566-1"))
        assert frozenset((item.id, iso)) in {frozenset((a.item_a_id, a.item_b_id)) for a in alerts}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo data served with sentence embeddings on (the shared live server has them off, for speed)."""
    directory = tmp_path_factory.mktemp("e2e-demo")
    with app_on_own_database("liaison_e2e_demo", directory, LIAISON_EMBEDDINGS=True) as app, serving(app) as server:
        with server.session() as session:
            load_demo(session, upload_dir=str(directory / "uploads"), coordination_group=app.config["LIAISON_COORDINATION_GROUP"])
            officer = accounts.create_user(session, None, "officer.demo.e2e@example.org", "Ana Officer", PASSWORD)
            accounts.grant_role(session, None, officer, organisation.ensure_group(session, None, "ITU-T/SG17/Q6"), "officer")
        yield server


def test_a_title_restated_in_spanish_shows_the_english_item_and_an_unrelated_one_shows_nothing(demo_server, page):
    """Issue #13: the restatement scores far below an alert; the panel shows it, worded as a possibility."""
    log_in(page, demo_server.url, "officer.demo.e2e@example.org")
    page.goto(demo_server.url + "/items/new")
    panel = page.locator("#similar-results")
    page.get_by_label("Title").fill("Directrices para la industria sobre la protección de la infancia en línea")
    panel.get_by_role("link", name="Guidelines for industry on Child Online Protection").first.wait_for()
    assert "possible overlap" in panel.inner_text()

    page.get_by_label("Title").fill("Energy efficiency of data centres")
    panel.get_by_text("No similar work items found so far.").wait_for()
    assert panel.get_by_role("link").count() == 0
