"""The main pages in a real browser: axe-core (vendored from the npm registry) finds no serious or
critical violation, no id repeats, the skip link shows when focused, the admin's menu and the
dashboard's tables fit their screens, and the API page renders under the site's CSP."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from liaison.accounts import operations as accounts
from liaison.items import operations as work_items
from liaison.models import OverlapAlert
from liaison.organisation import operations as organisation
from tests.e2e.helpers import log_in
from tests.factories import PASSWORD

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
ADMIN, CHAIR = "ada.admin@a11y.example", "chen.chair@a11y.example"
ITEM = {
    "title": "Accessible reporting tools for children with disabilities",
    "summary": "Reporting tools that children with disabilities can use: screen readers, captions, plain language.",
    "keywords": ["accessible reporting", "disabilities"],
}


@pytest.fixture(scope="module")
def world(live_server) -> dict[str, int]:
    """An admin, a chair of the items' group, two alike items with an open alert, one in Arabic."""
    with live_server.session() as session:
        group = organisation.ensure_group(session, None, "ITU-T/SG20/Q-a11y")
        admin = accounts.create_user(session, None, ADMIN, "Ada Admin-Lovelace", PASSWORD, is_admin=True)
        chair = accounts.create_user(session, None, CHAIR, "Chen Chair", PASSWORD)
        accounts.grant_role(session, None, chair, group, "chair")
        accounts.grant_role(session, None, admin, group, "officer")
        organisation.ensure_group(session, None, "UNICEF/a11y")
        first = work_items.create_work_item(session, None, {"reference": "Y.a11y", "group": group.code, **ITEM})
        second = work_items.create_work_item(session, None, {"reference": "UNICEF-a11y", "group": "UNICEF/a11y", **ITEM})
        arabic = work_items.create_work_item(session, None, {
            "reference": "Y.a11y-ar", "group": group.code, "language": "ar", "title": "أدوات الإبلاغ للأطفال",
        })
        alert = session.scalar(select(OverlapAlert.id).where(
            OverlapAlert.item_a_id == min(first.id, second.id), OverlapAlert.item_b_id == max(first.id, second.id)
        ))
        return {"item": first.id, "arabic": arabic.id, "alert": alert, "group": group.id}


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _repeated_ids(page) -> list[str]:
    return page.evaluate(
        "() => { const seen = {}; for (const e of document.querySelectorAll('[id]')) seen[e.id] = (seen[e.id] || 0) + 1;"
        " return Object.keys(seen).filter(k => seen[k] > 1); }"
    )


PUBLIC_PAGES = ["/", "/items/", "/items/{item}", "/items/{arabic}", "/groups/", "/overlaps/", "/dashboard/",
                "/report/", "/statements/", "/login", "/api/"]
SIGNED_IN_PAGES = ["/items/new", "/items/import", "/review/", "/review/{alert}", "/admin/", "/admin/users", "/account/",
                   "/items/{item}/edit"]


@pytest.fixture()
def axe_page(browser):
    # axe is injected as a script the page did not ship: the test's own context lets it past the CSP.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def test_public_pages_have_no_serious_violations_nor_repeated_ids(live_server, world, axe_page):
    found = {}
    for path in PUBLIC_PAGES:
        axe_page.goto(live_server.url + path.format(**world))
        if path == "/api/":
            axe_page.locator(".opblock").first.wait_for()
        problems = _violations(axe_page) + [f"repeated id {i}" for i in _repeated_ids(axe_page)]
        if problems:
            found[path] = problems
    assert not found, "\n".join(f"{path}: {p}" for path, problems in found.items() for p in problems)


def test_signed_in_pages_have_no_serious_violations_nor_repeated_ids(live_server, world, axe_page):
    log_in(axe_page, live_server.url, ADMIN)
    found = {}
    for path in SIGNED_IN_PAGES:
        axe_page.goto(live_server.url + path.format(**world))
        problems = _violations(axe_page) + [f"repeated id {i}" for i in _repeated_ids(axe_page)]
        if problems:
            found[path] = problems
    assert not found, "\n".join(f"{path}: {p}" for path, problems in found.items() for p in problems)


def test_the_skip_link_shows_when_focused(live_server, page):
    page.goto(live_server.url + "/items/")
    page.keyboard.press("Tab")
    link = page.get_by_role("link", name="Skip to content")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    box = link.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 20 and box["y"] >= 0
    top = page.evaluate(
        "(() => { const r = document.activeElement.getBoundingClientRect();"
        " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === document.activeElement; })()"
    )
    assert top, "nothing covers the focused skip link"


def test_the_admin_menu_fits_one_line_at_1280_px(live_server, world, page):
    log_in(page, live_server.url, ADMIN)
    page.goto(live_server.url + "/admin/")
    tops = page.evaluate("[...document.querySelectorAll('.navbar .nav-item')].map(e => Math.round(e.getBoundingClientRect().top))")
    assert len(tops) >= 9 and max(tops) - min(tops) < 20, tops
    assert page.locator(".navbar-toggler").is_hidden()


def test_dashboard_tables_are_not_clipped_at_1366_px(live_server, world, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/dashboard/")
        clipped = page.evaluate(
            "[...document.querySelectorAll('main table')].filter(t => {"
            " const box = t.parentElement; return t.scrollWidth > box.clientWidth + 1; }).map(t => t.id || t.caption?.textContent)"
        )
        assert clipped == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    finally:
        context.close()


def test_the_api_page_renders_the_openapi_document_under_the_sites_csp(live_server, page):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="JSON API").click()
    page.locator(".opblock").first.wait_for()
    assert page.get_by_text("/work-items", exact=True).first.is_visible()
    assert "script-src 'self'" in (page.evaluate("document.contentType") and
                                   page.request.get(live_server.url + "/api/").headers["content-security-policy"])
    assert not [p for p in problems if "Content Security Policy" in p], problems
