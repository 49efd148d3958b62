"""An officer drafts, submits and a chair approves and sends a statement in a real browser: the forms work
without any script, with CSRF and the Content-Security-Policy on, as people meet them."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from liaison.accounts import operations as accounts
from liaison.models import utcnow
from liaison.organisation import operations as organisation
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD


def test_a_statement_goes_from_draft_to_sent_in_the_browser(live_server, page):
    failed: list[str] = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    with live_server.session() as session:
        sg17 = organisation.ensure_group(session, None, "ITU-T/SG17")
        sg2 = organisation.ensure_group(session, None, "ITU-D/SG2")
        organisation.add_contact(session, None, sg2, {"name": "Rita Rapporteur", "email": "rita@sg2.example"})
        officer = accounts.create_user(session, None, "olga.ls.e2e@example.org", "Olga Officer", PASSWORD)
        chair = accounts.create_user(session, None, "chen.ls.e2e@example.org", "Chen Chair", PASSWORD)
        accounts.grant_role(session, None, officer, sg17, "officer")
        accounts.grant_role(session, None, chair, sg17, "chair")
    deadline = (utcnow().date() + dt.timedelta(days=45)).isoformat()

    log_in(page, live_server.url, "olga.ls.e2e@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statements").click()
    page.get_by_role("link", name="Draft a liaison statement").first.click()
    # A role in SG17 covers its sub-groups too (other browser tests make some): the source is chosen.
    page.get_by_label("Source group").select_option("ITU-T/SG17")
    page.get_by_label("Title", exact=True).fill("LS on age assurance in the browser")
    page.get_by_label("Abstract").fill("SG17 asks SG2 to coordinate its work on age assurance.")
    page.locator("#recipients-0-group").select_option("ITU-D/SG2")
    page.locator("#recipients-0-deadline").fill(deadline)
    page.get_by_label("Approval level").select_option("study_group")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("button", name="Submit for approval").click()
    # expect() waits for the page the click loads; is_visible() reads whatever page is there now.
    expect(page.get_by_text("Submitted for approval")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, live_server.url, "chen.ls.e2e@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statements").click()
    page.get_by_role("link", name="Pending approval").click()
    page.get_by_role("link", name="LS on age assurance in the browser").click()
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("link", name="Send now…").click()
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_text("Sent as SG17-LS")).to_be_visible()
    deliveries = page.get_by_role("table").filter(has_text="rita@sg2.example")
    expect(deliveries.get_by_text("Queued").first).to_be_visible()
    assert failed == []
