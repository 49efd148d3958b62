"""Registering an item shows possible overlaps before saving, with or without JavaScript."""

from __future__ import annotations

from sqlalchemy import func, select

from liaison.models import OverlapAlert, WorkItem
from tests.factories import login
from tests.overlaps.test_alerts import AGE_A, AGE_B, UNRELATED


def _draft(reference: str, fields: dict) -> dict:
    return {
        "reference": reference,
        "title": fields["title"],
        "summary": fields["summary"],
        "keywords": ", ".join(fields["keywords"]),
        "group": "ITU-T/SG17",
        "type": "recommendation",
        "status": "proposed",
        "language": "en",
        "is_public": "y",
    }


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_without_javascript_overlaps_are_shown_before_anything_is_saved(client, db, factory):
    factory.item("ISO/IEC 27566-1", group="ISO-IEC JTC 1/SC 27", **AGE_A)
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    items_before = _count(db, WorkItem)

    shown = client.post("/items/new", data=_draft("X.age", AGE_B))
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert "This may overlap with work already registered" in html and "ISO/IEC 27566-1" in html and "Save anyway" in html
    assert 'value="X.age"' in html  # what was typed is still in the form
    assert _count(db, WorkItem) == items_before

    saved = client.post("/items/new", data=_draft("X.age", AGE_B) | {"save_anyway": "1"})
    assert saved.status_code == 302
    assert _count(db, WorkItem) == items_before + 1
    assert _count(db, OverlapAlert) == 1


def test_overlaps_seen_while_typing_do_not_stop_the_save(client, db, factory):
    factory.item("ISO/IEC 27566-1", group="ISO-IEC JTC 1/SC 27", **AGE_A)
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    assert client.post("/items/new", data=_draft("X.age", AGE_B) | {"overlaps_seen": "1"}).status_code == 302


def test_a_draft_like_nothing_is_saved_at_once(client, db, factory):
    factory.item("ISO/IEC 27566-1", group="ISO-IEC JTC 1/SC 27", **AGE_A)
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    assert client.post("/items/new", data=_draft("Y.slice", UNRELATED)).status_code == 302


def test_an_invalid_draft_gets_its_errors_not_the_overlaps(client, db, factory):
    factory.item("ISO/IEC 27566-1", group="ISO-IEC JTC 1/SC 27", **AGE_A)
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    response = client.post("/items/new", data=_draft("", AGE_B))
    assert response.status_code == 422
    assert "This may overlap with work already registered" not in response.get_data(as_text=True)


def test_the_form_carries_the_hooks_of_the_live_check(client, factory):
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    html = client.get("/items/new").get_data(as_text=True)
    assert 'data-similar-url="/api/v1/similar"' in html and 'id="similar-results"' in html
    assert "js/similar.js" in html
