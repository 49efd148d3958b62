"""The public list and pages of decided overlaps, and the home page's news."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from liaison.core.errors import NotFound
from liaison.db import database
from liaison.items.operations import update_work_item
from liaison.reporting.public_data import OverlapFilters, get_decided_overlap, search_decided_overlaps
from tests.reporting.conftest import alert_between


def test_the_list_shows_decided_overlaps_with_both_items_and_the_chairs_note(client, populated):
    page = client.get("/overlaps/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "X.age-assurance" in html and "D.age-assurance" in html
    assert "SG2 to contribute to X.age-assurance rather than start its own text." in html
    assert "Duplicate" in html and "Related" in html
    assert "2 decided overlaps" in html


def test_open_and_undone_alerts_are_not_listed(db, client, populated):
    items = populated.items
    open_alert = alert_between(db, items["X.reporting"], items["D.helplines"])
    assert open_alert.state == "open"
    html = client.get("/overlaps/").get_data(as_text=True)
    assert f"/overlaps/{open_alert.id}\"" not in html
    assert client.get(f"/overlaps/{open_alert.id}").status_code == 404
    with pytest.raises(NotFound):
        get_decided_overlap(db, open_alert.id)


def test_a_decision_involving_a_private_item_stays_private(db, populated):
    secret = populated.factory.item("X.hidden", title="Age assurance for online services, draft", is_public=False)
    alert = populated.decided(populated.items["X.age-assurance"], secret, "overlap", "merge them")
    with pytest.raises(NotFound):
        get_decided_overlap(db, alert.id)
    assert alert.id not in [a.id for a in search_decided_overlaps(db, OverlapFilters()).items]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"body": "UNICEF"}, {"U.digital-play"}),
        ({"decision": "duplicate"}, {"X.age-assurance"}),
        ({"body": "ITU-D", "decision": "related"}, set()),
        ({}, {"X.age-assurance", "U.digital-play"}),
    ],
)
def test_filters_by_body_and_decision(db, populated, query, expected):
    page = search_decided_overlaps(db, OverlapFilters(**query))
    found = {a.item_a.reference for a in page.items} | {a.item_b.reference for a in page.items}
    assert expected <= found
    if not expected:
        assert page.total == 0


def test_filtered_page_says_when_nothing_matches(client, populated):
    html = client.get("/overlaps/?body=ITU-D&decision=related").get_data(as_text=True)
    assert "No decided overlaps match these filters." in html


def test_an_unknown_filter_value_is_a_400_with_the_form_again(client, populated):
    page = client.get("/overlaps/?decision=maybe&body=NOPE")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "Not a valid choice" in html and "Some filters are not valid" in html


def test_pages_of_the_list(app, client, populated, monkeypatch):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 1)
    first = client.get("/overlaps/").get_data(as_text=True)
    second = client.get("/overlaps/?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    # Newest decision first: the "related" pair was decided after the duplicate.
    assert "U.digital-play" in first and "X.age-assurance" in second
    beyond = client.get("/overlaps/?page=9")
    assert beyond.status_code == 200 and "There is no page 9" in beyond.get_data(as_text=True)


def test_the_empty_list_explains_itself(client, world):
    html = client.get("/overlaps/").get_data(as_text=True)
    assert "No overlap has been decided yet." in html


def test_the_detail_page_shows_the_decision_the_note_and_what_was_done(db, client, populated):
    items = populated.items
    alert = alert_between(db, items["X.age-assurance"], items["D.age-assurance"])
    page = client.get(f"/overlaps/{alert.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Duplicate" in html and "Ada Admin" in html
    assert "SG2 to contribute to X.age-assurance rather than start its own text." in html
    # Deciding "duplicate" linked the two items: the page says so.
    assert re.search(r"X\.age-assurance\s*<strong>duplicates</strong>\s*D\.age-assurance", html)
    assert f'href="/items/{items["X.age-assurance"].id}"' in html


def test_home_page_shows_what_is_new(client, populated):
    html = client.get("/").get_data(as_text=True)
    assert "Resolution 1306" in html
    assert "X.age-assurance" in html and "U.digital-play" in html
    assert "LS on age assurance coordination" in html
    assert "Duplicate" in html
    assert 'href="/overlaps/"' in html and 'href="/dashboard/"' in html and 'href="/report/"' in html


def test_home_page_of_an_empty_tracker(client, world):
    html = client.get("/").get_data(as_text=True)
    assert "No work items are registered yet." in html
    assert "No overlap has been decided yet." in html
    assert "No liaison statement has been sent or received yet." in html


def test_a_statement_about_the_decision_is_listed_and_linked(db, client, populated, upload_dir):
    items = populated.items
    alert = alert_between(db, items["X.age-assurance"], items["D.age-assurance"])
    ls = populated.sent(upload_dir, title="LS on the duplicate age assurance work", alerts=[alert.id])
    html = client.get(f"/overlaps/{alert.id}").get_data(as_text=True)
    assert f'<a href="/statements/{ls.id}">{ls.reference}: LS on the duplicate age assurance work</a>' in html
    home = client.get("/").get_data(as_text=True)
    assert f'href="/statements/{ls.id}"' in home and 'href="/statements/?tab=sent"' in home


def test_home_page_lists_changed_items_apart_from_new_ones(db, client, populated):
    html = client.get("/").get_data(as_text=True)
    assert "No work item has been changed in the last three months." in html
    item = populated.items["D.helplines"]
    update_work_item(db, None, item, {"status": "active"}, item.version)
    changed = client.get("/").get_data(as_text=True).split('id="changed-items"')[1].split("</section>")[0]
    assert "D.helplines" in changed and "X.age-assurance" not in changed


@pytest.mark.parametrize("path", ["/overlaps/?page=99999999999999999999", "/overlaps/?page=-3&decision=related"])
def test_any_page_number_gets_a_page(client, populated, path):
    assert client.get(path).status_code == 200


def test_an_id_beyond_any_row_is_not_found(client, populated):
    assert client.get("/overlaps/99999999999999999999").status_code == 404


def count_queries(app, client, path):
    statements = []
    engine = database(app).engine

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])


@pytest.mark.parametrize("path", ["/", "/overlaps/"])
def test_lists_cost_the_same_queries_whatever_their_length(app, db, client, populated, path):
    before = count_queries(app, client, path)
    assert before > 2
    items = populated.items
    for number in range(4):
        extra = populated.item(f"X.extra-{number}", "UNICEF/Innocenti", title=f"Extra item {number}")
        populated.decided(extra, items["D.helplines"], "related", f"note {number}")
    assert count_queries(app, client, path) == before
