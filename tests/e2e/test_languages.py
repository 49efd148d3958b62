"""The tracker in ITU's six languages, in a real browser: the public pages and an officer's registration
in each, a screenshot of the item page and of the dashboard per language, Arabic laid out right to left,
and the switcher on the home page keeping the chosen language from page to page."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from liaison.accounts import operations as accounts
from liaison.items import operations as work_items
from liaison.languages import INTERFACE_LANGUAGES, text_direction
from liaison.models import WorkItem
from liaison.organisation import operations as organisation
from tests.factories import PASSWORD

GROUP = "ITU-T/SG17/Q6"
#: Unrelated work per language, so that no registration is held back as a possible overlap of another.
WORK = {
    "ar": ("Quantum key distribution networks", "Key management for quantum key distribution."),
    "zh": ("Smart grid metering security", "Protecting meter data in electricity networks."),
    "en": ("Satellite broadband for rural schools", "Connecting remote schools by satellite links."),
    "fr": ("Digital identity wallets", "Wallets holding verified credentials on phones."),
    "ru": ("Energy efficiency of data centres", "Measuring power use of server rooms."),
    "es": ("Emergency alerting over cell broadcast", "Public warnings sent to every phone in an area."),
}


def translated(live_server, code: str, message: str, **values: object) -> str:
    """``message`` as the app's catalog for ``code`` writes it."""
    with live_server.app.test_request_context(), force_locale(code):
        return gettext(message, **values)


def assert_laid_out(page, code: str) -> None:
    """<html lang dir> follow the language, and so does the layout: the brand sits at the start of the line."""
    assert page.evaluate("document.documentElement.lang") == code
    direction = text_direction(code)
    assert page.evaluate("document.documentElement.dir") == direction
    assert page.evaluate("getComputedStyle(document.body).direction") == direction
    brand = page.locator(".navbar-brand").bounding_box()
    width = page.viewport_size["width"]
    if direction == "rtl":
        assert brand["x"] > width / 2
        assert page.locator('link[href*="bootstrap.rtl.min.css"]').count() == 1
    else:
        assert brand["x"] + brand["width"] < width / 2
        assert page.locator('link[href*="bootstrap.rtl.min.css"]').count() == 0


@pytest.mark.browser
@pytest.mark.parametrize("code", list(INTERFACE_LANGUAGES))
def test_public_pages_and_registration_in_each_language(live_server, page, code, tmp_path):
    email = f"officer.{code}@example.org"
    reference = f"X.lang-{code}"
    with live_server.session() as session:
        officer = accounts.create_user(session, None, email, f"Officer {code}", PASSWORD)
        accounts.grant_role(session, None, officer, organisation.ensure_group(session, None, GROUP), "officer")
        work_items.create_work_item(
            session,
            None,
            {
                "reference": f"COP-{code}",
                "title": "Guidelines for parents and educators on child online protection",
                "summary": "Advice for parents and educators.",
                "group": GROUP,
            },
        )

    # The public pages, by a visitor whose link says the language.
    page.goto(f"{live_server.url}/?lang={code}")
    assert_laid_out(page, code)
    main = page.get_by_role("navigation", name=translated(live_server, code, "Main"))
    with page.expect_navigation():
        main.get_by_role("link", name=translated(live_server, code, "Work items"), exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name=f"COP-{code}").first.click()
    assert_laid_out(page, code)  # kept from page to page without the parameter
    assert page.get_by_text("Advice for parents and educators.").is_visible()  # content is never translated
    page.screenshot(path=str(tmp_path / f"item-{code}.png"), full_page=True)
    with page.expect_navigation():
        main.get_by_role("link", name=translated(live_server, code, "Dashboard"), exact=True).click()
    page.get_by_role("heading", level=1).first.wait_for()
    assert_laid_out(page, code)
    page.screenshot(path=str(tmp_path / f"dashboard-{code}.png"), full_page=True)
    assert (tmp_path / f"item-{code}.png").stat().st_size > 0 and (tmp_path / f"dashboard-{code}.png").stat().st_size > 0

    # The officer logs in and registers an item, in the same language all along.
    page.goto(f"{live_server.url}/login?lang={code}")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name=translated(live_server, code, "Log in"), exact=True).click()
    page.get_by_role("button", name=translated(live_server, code, "Log out")).wait_for()
    page.goto(f"{live_server.url}/items/new")
    assert_laid_out(page, code)
    page.locator("#reference").fill(reference)
    title, summary = WORK[code]
    page.locator("#title").fill(title)
    page.locator("#summary").fill(summary)
    page.locator("#group").select_option(GROUP)
    with page.expect_navigation():
        page.get_by_role("button", name=translated(live_server, code, "Register"), exact=True).click()
    page.get_by_role("heading", name=reference).first.wait_for()
    assert_laid_out(page, code)
    registered = translated(live_server, code, "Registered %(reference)s.", reference=reference)
    assert registered in page.locator(".alert-success").first.inner_text()
    with live_server.session() as session:
        assert session.scalar(select(WorkItem.id).where(WorkItem.reference == reference)) is not None


@pytest.mark.browser
def test_a_newcomer_switches_language_on_the_home_page(live_server, page):
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.locator("#language-menu").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Français").click()
    assert page.url.endswith("/?lang=fr")
    assert page.evaluate("document.documentElement.lang") == "fr"
    with page.expect_navigation():
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Groupes", exact=True).click()
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert "lang=" not in page.url  # URLs stay as they were; the browser keeps the choice
    page.locator("#language-menu").click()
    with page.expect_navigation():
        page.get_by_role("link", name="العربية").click()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.url.endswith("/groups/?lang=ar")
