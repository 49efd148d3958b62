"""Error pages speak the reader's language: the title, Werkzeug's own reasons (English only) and the
reasons the views give."""

from __future__ import annotations

import re

import pytest

from liaison.languages import DEFAULT_LANGUAGE, INTERFACE_LANGUAGES
from tests.factories import login

TRANSLATED = sorted(code for code in INTERFACE_LANGUAGES if code != DEFAULT_LANGUAGE)


def lead(html: str) -> str:
    found = re.search(r'<p class="lead">(.*?)</p>', html, re.S)
    assert found is not None
    return found.group(1).strip()


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_missing_page_says_why_in_the_readers_language(client, code):
    english = client.get("/no-such-page?lang=en")
    assert english.status_code == 404 and "There is no such page" in lead(english.get_data(as_text=True))
    response = client.get(f"/no-such-page?lang={code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and f'<html lang="{code}"' in html
    assert lead(html) != lead(english.get_data(as_text=True)) and "requested URL" not in html
    client.get("/?lang=en")


def test_a_views_own_reason_is_translated_too(client, factory):
    officer = factory.user(name="Ana Officer", officer_of=("ITU-T/SG17",))
    login(client, officer)
    response = client.get("/statements/new?alert=abc&lang=ru")
    assert response.status_code == 400
    message = lead(response.get_data(as_text=True))
    assert "abc" in message and not re.search(r"[A-Za-z]{3,}", message.replace("abc", "").replace("alert", ""))
    client.get("/?lang=en")


@pytest.mark.parametrize("code", TRANSLATED)
def test_an_api_problems_title_is_in_the_callers_language(client, code):
    """The API's problem documents name the problem in the caller's language; the detail stays English."""
    english = client.get("/api/v1/no-such-thing").get_json()
    answer = client.get("/api/v1/no-such-thing", headers={"Accept-Language": code})
    problem = answer.get_json()
    assert answer.status_code == 404 and english["title"] == "Not Found"
    assert problem["title"] and problem["title"] != english["title"] and problem["detail"] == english["detail"]
