"""A chair decides an overlap alert in a real browser: from the login form to the queue, the two items
side by side, the decision with its note, and the link the decision made between the items."""

from __future__ import annotations

import re

from sqlalchemy import select

from liaison.accounts import operations as accounts
from liaison.items import operations as work_items
from liaison.models import ItemLink, OverlapAlert, WorkItem
from liaison.organisation import operations as organisation
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD

# Two groups and a subject no other browser test uses: the live server's database is shared by them all.
OURS, THEIRS = "ITU-T/SG16", "OECD/DPC"
OUR_ITEM = {
    "reference": "F.cyberbullying",
    "title": "Cyberbullying reporting mechanisms for social media platforms",
    "summary": "Requirements for reporting mechanisms that let children report cyberbullying on social media "
    "platforms, and how platforms respond to the reports.",
    "keywords": ["cyberbullying", "reporting mechanisms"],
    "group": OURS,
}
THEIR_ITEM = {
    "reference": "OECD-DPC-bullying",
    "title": "Reporting mechanisms for cyberbullying on social media platforms",
    "summary": "How social media platforms offer children reporting mechanisms for cyberbullying and respond "
    "to the reports they receive.",
    "keywords": ["cyberbullying", "reporting"],
    "group": THEIRS,
}
NOTE = "Both texts specify reporting flows: SG16 and the DPC should exchange drafts before the next meeting."


def seed_overlap(live_server, chair_email: str) -> int:
    """The two items (saving the second raises the alert) and a chair of SG16; returns the alert's id."""
    with live_server.session() as session:
        chair = accounts.create_user(session, None, chair_email, "Chidi Chair", PASSWORD)
        accounts.grant_role(session, None, chair, organisation.ensure_group(session, None, OURS), "chair")
        organisation.ensure_group(session, None, THEIRS)
        ours = work_items.create_work_item(session, None, OUR_ITEM)
        theirs = work_items.create_work_item(session, None, THEIR_ITEM)
        alert = session.scalar(
            select(OverlapAlert).where(
                OverlapAlert.item_a_id == min(ours.id, theirs.id), OverlapAlert.item_b_id == max(ours.id, theirs.id)
            )
        )
        assert alert is not None and alert.state == "open", "saving the second item raises the alert"
        return alert.id


def test_a_chair_decides_an_overlap_side_by_side_and_the_items_get_linked(live_server, page):
    alert_id = seed_overlap(live_server, "chidi.chair@sg16.example")
    log_in(page, live_server.url, "chidi.chair@sg16.example")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review").click()
    page.get_by_label("Only alerts involving my groups").check()
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=f"{OUR_ITEM['reference']} and {THEIR_ITEM['reference']}").or_(
        page.get_by_role("link", name=f"{THEIR_ITEM['reference']} and {OUR_ITEM['reference']}")
    ).click()
    page.wait_for_url(re.compile(rf"/review/{alert_id}\b"))

    # Side by side: one card per item, the shared words marked in both.
    for item in (OUR_ITEM, THEIR_ITEM):
        card = page.get_by_role("region", name=item["reference"])
        assert card.get_by_text(item["group"]).first.is_visible()
        assert card.locator("mark", has_text=re.compile("cyberbullying", re.I)).count() >= 1
    assert page.get_by_role("heading", name="Why the engine raised it").is_visible()

    page.get_by_label("Overlap: both continue and coordinate").check()
    page.get_by_label("Note").fill(NOTE)
    page.get_by_role("button", name="Save the decision").click()
    page.get_by_text(re.compile(r"Decided: .*, Overlap\.")).wait_for()

    page.goto(f"{live_server.url}/review/{alert_id}")
    status = page.get_by_role("status").filter(has_text="Decided")
    assert "Overlap" in status.inner_text() and "Chidi Chair" in status.inner_text() and NOTE in status.inner_text()
    ours = page.get_by_role("region", name=OUR_ITEM["reference"])
    assert ours.get_by_role("listitem").filter(has_text="overlaps").get_by_role(
        "link", name=THEIR_ITEM["reference"]
    ).is_visible()
    with live_server.session() as session:
        alert = session.get(OverlapAlert, alert_id)
        assert (alert.state, alert.decision_note, alert.decided_by.name) == ("overlap", NOTE, "Chidi Chair")
        ids = {alert.item_a_id, alert.item_b_id}
        links = session.scalars(select(ItemLink).where(ItemLink.source_id.in_(ids), ItemLink.target_id.in_(ids))).all()
        assert [link.type for link in links] == ["overlaps"]
        assert session.scalar(select(WorkItem.id).where(WorkItem.reference == OUR_ITEM["reference"])) in ids
