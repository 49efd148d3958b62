"""Officers see what their work raised: the message after saving, and the item page's Overlaps section."""

from __future__ import annotations

from liaison.overlaps import operations as overlaps
from liaison.overlaps import review
from tests.factories import login
from tests.items.test_item_overlaps_form import _draft
from tests.overlaps.test_alerts import AGE_A, AGE_B, UNRELATED


def test_registering_says_how_many_overlaps_it_raised_with_links(client, db, factory):
    other = factory.item("ISO/IEC 27566-1", group="ISO-IEC JTC 1/SC 27", **AGE_A)
    login(client, factory.user(officer_of=("ITU-T/SG17",)))

    page = client.post("/items/new", data=_draft("X.AA-COP", AGE_B) | {"save_anyway": "1"}, follow_redirects=True)

    html = page.get_data(as_text=True)
    assert "Registered X.AA-COP. It may overlap 1 item: " in html
    assert f'<a href="/items/{other.id}">ISO/IEC 27566-1</a> (score ' in html
    assert "See its overlaps" in html


def test_registering_work_like_nothing_says_only_that_it_was_registered(client, db, factory):
    factory.item("ISO/IEC 27566-1", group="ISO-IEC JTC 1/SC 27", **AGE_A)
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    html = client.post("/items/new", data=_draft("Y.slice", UNRELATED), follow_redirects=True).get_data(as_text=True)
    assert "Registered Y.slice." in html and "It may overlap" not in html


def test_an_item_page_lists_its_open_and_decided_overlaps(client, db, factory):
    ours = factory.item("X.age", **AGE_B)
    other = factory.item("ISO/IEC 27566-1", group="ISO-IEC JTC 1/SC 27", **AGE_A)
    login(client, factory.user(officer_of=("ITU-T/SG17",)))

    html = client.get(f"/items/{ours.id}").get_data(as_text=True)
    section = html[html.index('id="overlaps"'):html.index('id="history-heading"')]
    assert "ISO/IEC 27566-1" in section and "Open" in section and "Not decided yet" in section
    assert f"/items/{other.id}" in section


def test_visitors_see_decisions_and_notes_but_never_a_private_other_item(client, db, factory, app):
    chair = factory.user(admin=True, name="Chair Person")
    ours = factory.item("X.age", **AGE_B)
    public = factory.item("ISO/IEC 27566-1", group="ISO-IEC JTC 1/SC 27", **AGE_A)
    private = factory.item("X.secret", group="ITU-T/SG17", is_public=False, **AGE_A)
    coordination = app.config["LIAISON_COORDINATION_GROUP"]
    found = overlaps.overlaps_of_item(db, ours, chair)
    assert {entry.other.reference for entry in found} == {"ISO/IEC 27566-1", "X.secret"}
    for alert in [entry.alert for entry in found]:
        review.decide_alert(db, chair, alert, "overlap", "Coordinate on the age levels", alert.version,
                            coordination_group=coordination)
    db.flush()

    html = client.get(f"/items/{ours.id}").get_data(as_text=True)
    section = html[html.index('id="overlaps"'):html.index('id="history-heading"')]
    assert "ISO/IEC 27566-1" in section and "Coordinate on the age levels" in section and "Chair Person" in section
    assert "X.secret" not in section and f"/items/{private.id}" not in section
    assert "/overlaps/" in section and f"/items/{public.id}" in section


def test_an_officer_of_a_group_registers_items_in_its_sub_groups_only(client, db, factory):
    factory.group("ITU-T/SG17/Q1")
    factory.group("ITU-T/SG17/CG-COP")
    factory.group("ITU-T/SG13")
    factory.group("ITU-T/SG170")
    login(client, factory.user(officer_of=("ITU-T/SG17",)))

    form = client.get("/items/new").get_data(as_text=True)
    for code in ("ITU-T/SG17", "ITU-T/SG17/Q1", "ITU-T/SG17/CG-COP"):
        assert f'value="{code}"' in form
    assert 'value="ITU-T/SG13"' not in form and 'value="ITU-T/SG170"' not in form

    draft = _draft("Q1.new", UNRELATED)
    assert client.post("/items/new", data=draft | {"group": "ITU-T/SG17/Q1"}).status_code == 302
    refused = client.post("/items/new", data=_draft("X.170", UNRELATED) | {"group": "ITU-T/SG170", "save_anyway": "1"})
    assert refused.status_code in (403, 422)


def test_equivalent_numbers_link_to_registered_items_the_viewer_may_see(client, db, factory):
    iso = factory.item("ISO/IEC 27566-1", group="ISO-IEC JTC 1/SC 27", title="Age assurance")
    factory.item("ISO/IEC 29115", group="ISO-IEC JTC 1/SC 27", title="Entity authentication", is_public=False)
    ours = factory.item("X.age-eq", equivalents=["ISO/IEC 27566-1", "ISO/IEC 29115", "IEEE 2089"], title="Age assurance")
    html = client.get(f"/items/{ours.id}").get_data(as_text=True)
    assert f'<a class="text-nowrap" href="/items/{iso.id}">ISO/IEC 27566-1</a>' in html
    assert '<span class="text-nowrap">ISO/IEC 29115</span>' in html, "a private item is not linked for visitors"
    assert '<span class="text-nowrap">IEEE 2089</span>' in html


def test_an_items_language_is_named_and_marks_its_text(client, db, factory):
    item = factory.item("D.ar", language="ar", title="حماية الأطفال على الإنترنت", summary="نص")
    html = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert '<p class="lead mb-0" lang="ar" dir="rtl">حماية الأطفال على الإنترنت</p>' in html
    assert ">Arabic</dd>" in html
    listed = client.get("/items/?q=D.ar").get_data(as_text=True)
    assert 'lang="ar" dir="rtl">حماية الأطفال على الإنترنت</td>' in listed
