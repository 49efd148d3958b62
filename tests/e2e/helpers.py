"""Steps the browser journeys share."""

from __future__ import annotations

from tests.factories import PASSWORD


def log_in(page, base_url: str, email: str) -> None:
    """Log in through the form, as a person does."""
    page.goto(base_url + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()
