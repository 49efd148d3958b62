"""An anonymous visitor reads the public pages in a real browser."""

from __future__ import annotations

from playwright.sync_api import expect

from liaison.items import operations as work_items
from liaison.organisation import operations as organisation


def test_anonymous_visitor_reads_items_and_groups_without_logging_in(live_server, page):
    with live_server.session() as session:
        group = organisation.ensure_group(session, None, "UNICEF/Industry")
        organisation.add_contact(session, None, group, {"name": "Pat Liaison", "email": "pat@example.org"})
        work_items.create_work_item(
            session,
            None,
            {
                "reference": "UNICEF-COP-IND",
                "title": "Child online protection guidance for industry",
                "summary": "How companies can protect children's rights online.",
                "group": "UNICEF/Industry",
            },
        )
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Work items").click()
    page.get_by_role("link", name="UNICEF-COP-IND").first.click()
    # expect() waits for the page the click loads; is_visible() reads whatever page is there now.
    expect(page.get_by_text("How companies can protect children's rights online.")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Groups").click()
    page.get_by_role("link", name="UNICEF/Industry").first.click()
    expect(page.get_by_text("Pat Liaison")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
