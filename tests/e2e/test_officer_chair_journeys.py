"""Officers and chairs in a real browser: registering and seeing what it raised, a bulk decision that
fails and recovers, Arabic work read right to left, and the item list on a phone."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from liaison.accounts import operations as accounts
from liaison.items import operations as work_items
from liaison.models import AuditEvent, OverlapAlert, User
from liaison.organisation import operations as organisation
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD

# Groups and subjects no other browser test uses: the live server's database is shared by them all.
OFFICER_GROUP, SUB_GROUP, OTHER_GROUP = "ITU-T/SG9", "ITU-T/SG9/Q4", "IEEE SA/P2089"
STREAMING = {
    "title": "Age appropriate design of live streaming services for children",
    "summary": "Design requirements that make live streaming services age appropriate for children: "
    "default privacy, moderation of live chat and limits on contact by strangers.",
    "keywords": ["live streaming", "age appropriate design"],
}


def _seed_streaming(live_server) -> None:
    with live_server.session() as session:
        officer = accounts.create_user(session, None, "olga.officer@sg9.example", "Olga Officer", PASSWORD)
        accounts.grant_role(session, None, officer, organisation.ensure_group(session, None, OFFICER_GROUP), "officer")
        organisation.ensure_group(session, None, SUB_GROUP)
        organisation.ensure_group(session, None, OTHER_GROUP)
        work_items.create_work_item(session, None, {"reference": "IEEE 2089.9", "group": OTHER_GROUP, **STREAMING})


def test_an_officer_registers_in_a_sub_group_and_sees_the_overlaps_it_raised(live_server, page):
    _seed_streaming(live_server)
    log_in(page, live_server.url, "olga.officer@sg9.example")
    page.goto(live_server.url + "/items/new")
    page.get_by_label("Reference").fill("J.stream-cop")
    page.get_by_label("Title").fill("Live streaming services: age appropriate design for children")
    page.get_by_label("Summary and scope").fill(
        "Requirements for live streaming services used by children: privacy by default, live chat moderation, "
        "limits on contact by strangers."
    )
    page.locator("#similar-results").get_by_role("link", name="IEEE 2089.9").wait_for()
    page.get_by_label("Group").select_option(SUB_GROUP)  # the officer's group's sub-group
    page.get_by_role("button", name="Register").click()

    message = page.get_by_role("status").filter(has_text="Registered J.stream-cop.")
    message.wait_for()
    assert "It may overlap 1 item: IEEE 2089.9 (score " in message.inner_text()
    message.get_by_role("link", name="See its overlaps").click()
    section = page.locator("#overlaps")
    expect(section.get_by_role("link", name="IEEE 2089.9")).to_be_visible()
    assert "Not decided yet" in section.inner_text()


BULLYING = {
    "title": "Safety of children in online multiplayer games voice chat",
    "summary": "Moderation of voice chat in online multiplayer games played by children, reporting of abuse "
    "and parental controls for voice chat.",
    "keywords": ["voice chat", "online games"],
}


def _seed_queue(live_server) -> tuple[int, list[int]]:
    """A CWG-COP chair (no role in the items' groups) and two open alerts among three alike items."""
    with live_server.session() as session:
        chair = accounts.create_user(session, None, "cleo.chair@cwg.example", "Cleo Chair", PASSWORD)
        cwg = live_server.app.config["LIAISON_COORDINATION_GROUP"]
        accounts.grant_role(session, None, chair, organisation.ensure_group(session, None, cwg), "chair")
        ids = []
        for reference, group in (("F.voice-chat", "ITU-T/SG16/Q28"), ("UNICEF-voice", "UNICEF/Innocenti")):
            organisation.ensure_group(session, None, group)
            ids.append(work_items.create_work_item(session, None, {"reference": reference, "group": group, **BULLYING}).id)
        alerts = session.scalars(
            select(OverlapAlert.id).where(OverlapAlert.item_a_id.in_(ids), OverlapAlert.item_b_id.in_(ids))
        ).all()
        assert len(alerts) == 1
        return chair.id, list(alerts)


def test_a_chair_bulk_decides_fails_without_a_note_and_recovers(live_server, page):
    chair_id, alert_ids = _seed_queue(live_server)
    log_in(page, live_server.url, "cleo.chair@cwg.example")
    page.goto(live_server.url + "/review/?group=UNICEF/Innocenti")
    box = page.get_by_label("Select the alert on F.voice-chat and UNICEF-voice").or_(
        page.get_by_label("Select the alert on UNICEF-voice and F.voice-chat")
    )
    box.check()
    page.get_by_label("Decision for the selected alerts").select_option("duplicate")
    page.get_by_role("button", name="Decide").click()

    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    # The page's script focuses the summary once it runs, which may be after the element is attached:
    # expect() waits for it, where a one-off evaluate() raced it on a loaded machine.
    expect(summary, "the summary takes the focus").to_be_focused()
    assert box.is_checked(), "the ticked alert stays ticked"
    summary.get_by_role("link").click()
    expect(page.locator("#note")).to_be_focused()
    page.keyboard.type("The same guidance: UNICEF leads, SG16 refers to it.")
    page.get_by_role("button", name="Decide").click()
    page.get_by_role("status").filter(has_text="Decided 1 alert").wait_for()

    with live_server.session() as session:
        assert session.get(OverlapAlert, alert_ids[0]).state == "duplicate"
        actors = session.scalars(
            select(AuditEvent.actor_id).where(AuditEvent.action.in_(("overlap_alert.decide", "item_link.save")),
                                              AuditEvent.summary.contains("voice"))
        ).all()
        assert actors and set(actors) == {chair_id}, "the chair, never the system"
        assert session.get(User, chair_id).name == "Cleo Chair"


ARABIC_TITLE = "حماية الأطفال على الإنترنت في ألعاب الفيديو"


def test_an_arabic_item_reads_right_to_left_on_its_page_and_in_the_list(live_server, page):
    with live_server.session() as session:
        organisation.ensure_group(session, None, "ITU-D/SG2/Q3")
        item = work_items.create_work_item(session, None, {
            "reference": "ITU-D-Q3-ar", "group": "ITU-D/SG2/Q3", "language": "ar", "title": ARABIC_TITLE,
            "summary": "إرشادات لحماية الأطفال في الألعاب على الإنترنت",
        })
        item_id = item.id
    page.goto(f"{live_server.url}/items/{item_id}")
    title = page.get_by_text(ARABIC_TITLE).first
    assert title.get_attribute("lang") == "ar" and title.get_attribute("dir") == "rtl"
    assert title.evaluate("node => getComputedStyle(node).direction") == "rtl"
    assert page.locator("dd", has_text="Arabic").count() == 1, "the language by name, not code"
    page.goto(f"{live_server.url}/items/?q=ITU-D-Q3-ar")
    cell = page.locator("td", has_text=ARABIC_TITLE)
    assert cell.evaluate("node => getComputedStyle(node).direction") == "rtl"


def test_on_a_phone_the_item_list_shows_cards_without_sideways_scrolling(live_server, browser):
    with live_server.session() as session:
        organisation.ensure_group(session, None, "ITU-T/SG17/Q15-mobile")
        work_items.create_work_item(session, None, {
            "reference": "X.mobile-cards", "group": "ITU-T/SG17/Q15-mobile",
            "title": "A work item with a rather long title that has to wrap on a narrow phone screen",
        })
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/items/?q=X.mobile-cards")
        row = page.locator("tr", has_text="X.mobile-cards")
        assert row.evaluate("node => getComputedStyle(node).display") == "block"
        for text in ("A work item with a rather long title", "ITU-T/SG17/Q15-mobile", "Proposed"):
            assert row.get_by_text(text).first.is_visible()
        box = row.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # The group code wraps only between words: it sits on one line.
        code = row.get_by_role("link", name="ITU-T/SG17/Q15-mobile")
        assert code.evaluate("node => node.getClientRects().length") == 1
    finally:
        context.close()
