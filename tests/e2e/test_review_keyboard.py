"""A chair works through the review queue with the keyboard, in a real browser (CSP on, script from a file)."""

from __future__ import annotations

import re

from sqlalchemy import select

from liaison.accounts import operations as accounts
from liaison.items import operations as work_items
from liaison.models import OverlapAlert, WorkItem
from liaison.organisation import operations as organisation
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD

TEXTS = [
    ("ITU-T/SG17", "Age assurance systems framework for online services",
     "A framework for age assurance: age verification and age estimation methods that online services use."),
    ("ITU-D/SG2", "Framework for age assurance systems in online services",
     "Age verification and age estimation methods for online services protecting children."),
    ("ITU-T/SG13", "Age verification of children on online services",
     "How online services check the age of children with age verification."),
]


def test_chair_moves_through_the_queue_and_decides_with_the_keyboard(live_server, page):
    # Script errors and CSP refusals show in the console; failed loads of the page's own resources
    # are counted from the responses (the browser's own favicon request is neither).
    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(message.text)
        if message.type == "error" and not message.text.startswith("Failed to load resource")
        else None,
    )
    failed: list[str] = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    with live_server.session() as session:
        chair = accounts.create_user(session, None, "chair.review.e2e@example.org", "Rae Reviewer", PASSWORD)
        accounts.grant_role(session, None, chair, organisation.ensure_group(session, None, "ITU-T/SG17"), "chair")
        for number, (group, title, summary) in enumerate(TEXTS):
            organisation.ensure_group(session, None, group)
            work_items.create_work_item(
                session, None,
                {"reference": f"R.kbd-{number}", "title": title, "summary": summary, "group": group,
                 "keywords": ["age verification"]},
            )
    log_in(page, live_server.url, "chair.review.e2e@example.org")
    page.goto(live_server.url + "/review/?mine=y")
    page.keyboard.press("j")
    first = page.locator("[data-queue-link]").first
    assert first.evaluate("link => link === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/review/\d+\?mine=y"))
    first_url = page.url
    assert page.evaluate("document.activeElement.id") == "alert-heading"

    page.keyboard.press("j")
    page.wait_for_url(lambda url: url != first_url)
    page.keyboard.press("k")
    page.wait_for_url(first_url)

    page.keyboard.press("d")
    assert page.evaluate("document.activeElement.name") == "decision"
    page.get_by_label("Related").check()
    page.get_by_role("button", name="Save the decision").click()
    page.get_by_text("Decided:").wait_for()
    assert errors == [] and failed == [], (errors, failed)
    with live_server.session() as session:
        ids = session.scalars(select(WorkItem.id).where(WorkItem.reference.like("R.kbd-%"))).all()
        states = session.scalars(
            select(OverlapAlert.state).where(OverlapAlert.item_a_id.in_(ids), OverlapAlert.item_b_id.in_(ids))
        ).all()
        assert sorted(states).count("related") == 1
