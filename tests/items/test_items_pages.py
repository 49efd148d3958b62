"""The work-item pages: list, search, detail with history and links, create, edit, withdraw, restore."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select, update

from liaison.db import database
from liaison.items import operations as work_items
from liaison.models import ItemLink, WorkItem
from tests.factories import login
from tests.web import duplicate_ids


def _item_form(**overrides):
    data = {
        "reference": "X.cop-new",
        "title": "Guidelines on age assurance",
        "summary": "Scope of the work.",
        "type": "recommendation",
        "status": "proposed",
        "group": "ITU-T/SG17",
        "question": "Q6/17",
        "editors": "Ana Silva; ITU; ana@example.org\nBo Chen; UNICEF",
        "approval_process": "AAP",
        "start_date": "2026-01-15",
        "target_date": "2027-06",
        "keywords": "age assurance, parental controls",
        "equivalents": "ISO/IEC 27566-1",
        "base_text": "C-123",
        "url": "https://www.itu.int/x",
        "language": "en",
        "is_public": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@contextmanager
def count_queries(app):
    """Count the SQL statements the app sends while the block runs."""
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        # Savepoints belong to the test's transaction wrapping, not to the page.
        if not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


# List, search, filters, sorting, pagination -----------------------------------------------------


def test_list_searches_reference_title_summary_and_keywords(client, factory):
    factory.item("X.age", title="Age assurance", keywords=["verification"])
    factory.item("X.other", title="Smart cities", summary="Parental controls in homes")
    factory.item("Y.key", title="Unrelated", keywords=["grooming"])

    def refs(query):
        html = client.get("/items/", query_string=query).get_data(as_text=True)
        return set(re.findall(r'href="/items/\d+">([^<]+)</a>', html))

    assert refs({"q": "assurance"}) == {"X.age"}
    assert refs({"q": "parental"}) == {"X.other"}
    assert refs({"q": "grooming"}) == {"Y.key"}
    assert refs({"q": "X."}) == {"X.age", "X.other"}
    assert refs({"q": "nothing-like-this"}) == set()


def test_filters_by_body_group_status_type_and_date(client, factory, db):
    factory.item("A", group="ITU-T/SG17/Q6", status="active", type="recommendation")
    factory.item("B", group="ITU-T/SG2", status="approved", type="technical_report")
    factory.item("C", group="UNICEF/Industry", status="active", type="guideline")
    old = factory.item("D", group="ITU-T/SG17", status="withdrawn")
    db.execute(update(WorkItem).where(WorkItem.id == old.id).values(updated_at=dt.datetime(2020, 5, 1, tzinfo=dt.timezone.utc)))

    def refs(query):
        response = client.get("/items/", query_string=query)
        assert response.status_code == 200
        return set(re.findall(r'href="/items/\d+">([^<]+)</a>', response.get_data(as_text=True)))

    assert refs({"group": "ITU-T/SG17"}) == {"A", "D"}  # sub-groups' work included
    assert refs({"body": "UNICEF"}) == {"C"}
    assert refs({"status": ["active", "approved"]}) == {"A", "B", "C"}
    assert refs({"type": "technical_report"}) == {"B"}
    assert refs({"updated_to": "2020-12-31"}) == {"D"}
    assert refs({"updated_from": "2021-01-01", "group": "ITU-T/SG17"}) == {"A"}


def test_bad_filters_answer_400_with_a_message(client, factory):
    factory.item("A")
    response = client.get("/items/", query_string={"updated_from": "yesterday", "status": "lost"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Not a valid date value" in html and "is not a valid choice" in html
    reversed_range = client.get("/items/", query_string={"updated_from": "2026-02-01", "updated_to": "2026-01-01"})
    assert reversed_range.status_code == 400 and "must not be before" in reversed_range.get_data(as_text=True)


def test_sorting_and_pagination_keep_the_filters(client, factory, app, monkeypatch):
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 2)
    for ref in ("R-c", "R-a", "R-b", "R-d", "R-e"):
        factory.item(ref, status="active")
    factory.item("Other", status="proposed")
    first = client.get("/items/", query_string={"status": "active", "sort": "reference"}).get_data(as_text=True)
    assert re.findall(r'href="/items/\d+">([^<]+)</a>', first) == ["R-a", "R-b"]
    assert "Page 1 of 3" in first
    next_link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "status=active" in next_link and "sort=reference" in next_link and "page=2" in next_link
    second = client.get(next_link).get_data(as_text=True)
    assert re.findall(r'href="/items/\d+">([^<]+)</a>', second) == ["R-c", "R-d"]
    descending = client.get("/items/", query_string={"status": "active", "sort": "-reference"}).get_data(as_text=True)
    assert re.findall(r'href="/items/\d+">([^<]+)</a>', descending) == ["R-e", "R-d"]


def test_empty_registry_says_so(client):
    assert "No work items are registered yet" in client.get("/items/").get_data(as_text=True)


def test_empty_search_and_page_beyond_the_end(client, factory):
    factory.item("A")
    html = client.get("/items/", query_string={"q": "zzz"}).get_data(as_text=True)
    assert "No work items match your search" in html
    beyond = client.get("/items/", query_string={"page": 9}).get_data(as_text=True)
    assert "There is no page 9" in beyond


def test_private_items_are_hidden_from_anonymous_visitors(client, factory):
    private = factory.item("P.secret", is_public=False)
    factory.item("P.open")
    html = client.get("/items/").get_data(as_text=True)
    assert "P.open" in html and "P.secret" not in html
    assert client.get(f"/items/{private.id}").status_code == 404
    login(client, factory.user())
    assert "P.secret" in client.get("/items/").get_data(as_text=True)
    assert client.get(f"/items/{private.id}").status_code == 200


def test_list_page_query_count_does_not_grow_with_items(client, factory, app):
    officer = factory.user(officer_of=("ITU-T/SG17",))
    login(client, officer)
    for n in range(3):
        factory.item(f"Few-{n}", group=f"ITU-T/SG{n}/Q1")
    with count_queries(app) as few:
        assert client.get("/items/").status_code == 200
    for n in range(27):
        factory.item(f"Many-{n}", group=f"ITU-D/SG{n}/Q2")
    with count_queries(app) as many:
        assert client.get("/items/", query_string={"sort": "reference"}).status_code == 200
    assert len(few) == len(many), many


# Detail: all fields, history, links -------------------------------------------------------------


def test_detail_shows_every_field(client, factory):
    officer = factory.user(name="Ana Officer", officer_of=("ITU-T/SG17",))
    login(client, officer)
    response = client.post("/items/new", data=_item_form())
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    for text in ("X.cop-new", "Guidelines on age assurance", "Scope of the work.", "Recommendation", "Proposed",
                 "ITU-T/SG17", "Q6/17", "Ana Silva", "ana@example.org", "Bo Chen", "AAP", "2026-01-15",
                 "2027-06-01", "age assurance", "parental controls", "ISO/IEC 27566-1", "C-123",
                 "https://www.itu.int/x", "Public", "by Ana Officer", "Version"):
        assert text in html, text
    assert 'href="mailto:ana@example.org"' in html


def test_detail_shows_history_with_old_and_new_values(client, factory, db):
    officer = factory.user(name="Ana Officer", officer_of=("ITU-T/SG17",))
    item = factory.item("X.hist", title="First title", actor=officer)
    work_items.update_work_item(db, officer, item, {"title": "Second title", "keywords": ["a", "b"]}, item.version)
    html = client.get(f"/items/{item.id}").get_data(as_text=True)
    history = html[html.index("History"):]
    assert "Registered X.hist" in history and "Ana Officer" in history
    assert re.search(r'diff-old">First title<.*diff-new">Second title<', history, re.S)
    assert 'diff-new">a; b<' in history


def test_history_hides_links_to_private_items_from_anonymous_visitors(client, factory, db):
    reader = factory.user()
    public = factory.item("X.public")
    secret = factory.item("X.zzsecret", is_public=False)
    other = factory.item("X.other")
    link = work_items.link_items(db, None, public, secret, "related", "Qqsecretnote")
    work_items.unlink_items(db, None, link)
    work_items.link_items(db, None, public, secret, "overlaps", "Qqsecretnote again")
    work_items.link_items(db, None, public, other, "related", "shown note")
    db.flush()
    html = client.get(f"/items/{public.id}").get_data(as_text=True)
    assert "X.zzsecret" not in html and "Qqsecretnote" not in html
    assert "X.public related X.other" in html and "shown note" in html
    login(client, reader)
    html = client.get(f"/items/{public.id}").get_data(as_text=True)
    assert "X.public overlaps X.zzsecret" in html and "Qqsecretnote again" in html
    assert "no longer related X.zzsecret" in html


def test_links_show_on_both_items_and_can_be_added_and_removed(client, factory, db):
    officer = factory.user(name="Ana Officer", officer_of=("ITU-T/SG17",))
    mine = factory.item("X.mine", group="ITU-T/SG17")
    theirs = factory.item("Y.theirs", group="UNICEF/Industry")
    login(client, officer)
    response = client.post(f"/items/{mine.id}/links", data={"link-type": "superseded_by", "link-target": "Y.theirs", "link-note": "newer edition"})
    assert response.status_code == 302
    link = db.scalar(select(ItemLink))
    assert (link.source_id, link.target_id, link.type) == (theirs.id, mine.id, "supersedes")

    mine_html = client.get(f"/items/{mine.id}").get_data(as_text=True)
    theirs_html = client.get(f"/items/{theirs.id}").get_data(as_text=True)
    assert re.search(r"is superseded by</strong>\s*<a[^>]*>Y.theirs</a>", mine_html)
    assert re.search(r"supersedes</strong>\s*<a[^>]*>X.mine</a>", theirs_html)
    # The phrase is the reader's language's, both ways.
    assert re.search(r"est remplacé par</strong>\s*<a[^>]*>Y.theirs</a>", client.get(f"/items/{mine.id}?lang=fr").get_data(as_text=True))
    assert re.search(r"remplace</strong>\s*<a[^>]*>X.mine</a>", client.get(f"/items/{theirs.id}?lang=fr").get_data(as_text=True))
    client.get(f"/items/{mine.id}?lang=en")
    for html in (mine_html, theirs_html):
        assert "newer edition" in html and "by Ana Officer" in html

    response = client.post(f"/items/{theirs.id}/links/{link.id}/delete")
    assert response.status_code == 302
    assert db.scalar(select(ItemLink)) is None
    assert "No links yet" in client.get(f"/items/{mine.id}").get_data(as_text=True)


def test_bad_link_input_is_a_form_error(client, factory):
    officer = factory.user(officer_of=("ITU-T/SG17",))
    item = factory.item("X.one")
    factory.item("X.two")
    login(client, officer)
    response = client.post(f"/items/{item.id}/links", data={"link-type": "related", "link-target": "Nope"})
    assert response.status_code == 422
    assert "No work item has the reference “Nope”" in response.get_data(as_text=True)
    to_itself = client.post(f"/items/{item.id}/links", data={"link-type": "related", "link-target": "X.one"})
    assert to_itself.status_code == 422 and "cannot be linked to itself" in to_itself.get_data(as_text=True)
    long_note = client.post(f"/items/{item.id}/links", data={"link-type": "related", "link-target": "X.two", "link-note": "n" * 2001})
    assert long_note.status_code == 422 and "at most 2000 characters" in long_note.get_data(as_text=True)


# Create --------------------------------------------------------------------------------------------


def test_create_lists_only_the_groups_the_officer_may_edit(client, factory):
    factory.group("UNICEF/Industry")
    officer = factory.user(officer_of=("ITU-T/SG17",))
    login(client, officer)
    html = client.get("/items/new").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="([^"]*)"', html[html.index('name="group"'):html.index("</select>", html.index('name="group"'))])
    assert options == ["ITU-T/SG17"]


def test_create_valid_item(client, factory, db):
    officer = factory.user(officer_of=("ITU-T/SG17",))
    login(client, officer)
    response = client.post("/items/new", data=_item_form())
    assert response.status_code == 302
    item = db.scalar(select(WorkItem).where(WorkItem.reference == "X.cop-new"))
    assert item.editors == [
        {"name": "Ana Silva", "affiliation": "ITU", "email": "ana@example.org"},
        {"name": "Bo Chen", "affiliation": "UNICEF", "email": ""},
    ]
    assert item.keywords == ["age assurance", "parental controls"]
    assert item.target_date == dt.date(2027, 6, 1) and item.created_by_id == officer.id
    assert "Registered X.cop-new." in client.get(response.location).get_data(as_text=True)


def test_create_invalid_rerenders_with_field_errors_and_keeps_input(client, factory, db):
    factory.item("X.taken")
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    response = client.post(
        "/items/new",
        data=_item_form(reference="X.taken", title="", url="ftp://nope", start_date="2027-01-01", target_date="2026-01-01",
                        editors="Ana; ITU; not-an-email"),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for message in ("already used by another work item", "this field is required", "http:// or https://",
                    "target date is before the start date", "is not an e-mail address"):
        assert message in html, message
    assert 'value="X.taken"' in html and "Ana; ITU; not-an-email" in html and 'value="ftp://nope"' in html
    assert html.count("is-invalid") >= 5
    assert db.scalar(select(WorkItem).where(WorkItem.title == "")) is None


def test_title_with_markup_is_escaped(client, factory):
    item = factory.item("X.xss", title="<script>alert(1)</script>", summary="<img src=x onerror=alert(2)>")
    for path in ("/items/", f"/items/{item.id}", f"/groups/{item.group_id}"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Edit and optimistic locking ----------------------------------------------------------------------


def test_edit_form_is_filled_and_saves(client, factory, db):
    officer = factory.user(officer_of=("ITU-T/SG17",))
    item = factory.item("X.edit", editors=[{"name": "Ana", "affiliation": "ITU", "email": "a@example.org"}], keywords=["k1", "k2"])
    login(client, officer)
    html = client.get(f"/items/{item.id}/edit").get_data(as_text=True)
    assert "Ana; ITU; a@example.org" in html and 'value="k1, k2"' in html
    assert f'name="version" type="hidden" value="{item.version}"' in html
    response = client.post(f"/items/{item.id}/edit", data=_item_form(reference="X.edit", title="New title", version=str(item.version)))
    assert response.status_code == 302
    db.refresh(item)
    assert item.title == "New title" and item.version == 2 and item.updated_by_id == officer.id


def test_stale_edit_answers_409_keeps_both_changes_visible(client, factory, db):
    ana = factory.user(name="Ana Officer", officer_of=("ITU-T/SG17",))
    bo = factory.user(name="Bo Officer", officer_of=("ITU-T/SG17",))
    item = factory.item("X.race", title="Original title")
    seen_version = item.version
    work_items.update_work_item(db, bo, item, {"title": "Bo's title"}, seen_version)

    login(client, ana)
    response = client.post(
        f"/items/{item.id}/edit",
        data=_item_form(reference="X.race", title="Ana's title", summary="Ana's summary", version=str(seen_version)),
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Changed by Bo Officer meanwhile" in html
    assert "Bo&#39;s title" in html and 'value="Ana&#39;s title"' in html and "Ana&#39;s summary" in html
    assert f'name="version" type="hidden" value="{item.version}"' in html
    db.refresh(item)
    assert item.title == "Bo's title" and item.summary == ""

    # Sending the form again, after seeing Bo's change, is a deliberate overwrite.
    again = client.post(f"/items/{item.id}/edit", data=_item_form(reference="X.race", title="Ana's title", version=str(item.version)))
    assert again.status_code == 302
    db.refresh(item)
    assert item.title == "Ana's title"


def test_edit_with_invalid_input_is_422_and_changes_nothing(client, factory, db):
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    item = factory.item("X.bad", title="Kept")
    response = client.post(f"/items/{item.id}/edit", data=_item_form(reference="X.bad", title="", version=str(item.version)))
    assert response.status_code == 422 and "this field is required" in response.get_data(as_text=True)
    db.refresh(item)
    assert item.title == "Kept" and item.version == 1


# Withdraw and restore -------------------------------------------------------------------------------


def test_withdraw_asks_then_withdraws_and_restore_brings_the_status_back(client, factory, db):
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    item = factory.item("X.wd", status="active")
    confirm = client.get(f"/items/{item.id}/withdraw")
    assert confirm.status_code == 200 and "Withdraw X.wd?" in confirm.get_data(as_text=True)
    response = client.post(f"/items/{item.id}/withdraw", data={"version": str(item.version)})
    assert response.status_code == 302
    db.refresh(item)
    assert item.status == "withdrawn"
    html = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "This work item is <strong>withdrawn</strong>" in html
    assert re.search(r'<option selected value="active">', html)

    response = client.post(f"/items/{item.id}/restore", data={"version": str(item.version), "status": "active"})
    assert response.status_code == 302
    db.refresh(item)
    assert item.status == "active"
    assert client.post(f"/items/{item.id}/restore", data={"version": str(item.version), "status": "active"}).status_code == 409


def test_withdraw_with_a_stale_version_is_refused(client, factory, db):
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    item = factory.item("X.stale")
    response = client.post(f"/items/{item.id}/withdraw", data={"version": str(item.version + 5)})
    assert response.status_code == 409
    db.refresh(item)
    assert item.status == "proposed"


# Permissions and CSRF -----------------------------------------------------------------------------------


def _current_version(db, data):
    """``data`` with the version X.perm has now, as a browser that just loaded the form would send."""
    if data and "version" in data:
        data = data | {"version": str(db.scalar(select(WorkItem.version).where(WorkItem.reference == "X.perm")))}
    return data


@pytest.fixture()
def write_routes(factory):
    """Every write route of the item pages, for an item of ITU-T/SG17 with one link."""
    item = factory.item("X.perm", group="ITU-T/SG17")
    other = factory.item("Y.perm", group="ITU-T/SG17")
    link = work_items.link_items(factory.session, None, item, other, "related")
    version = "current"  # the tests put the item's version at the time of each request here
    return [
        ("GET", "/items/new", None),
        ("POST", "/items/new", _item_form(reference="X.perm2")),
        ("GET", f"/items/{item.id}/edit", None),
        ("POST", f"/items/{item.id}/edit", _item_form(reference="X.perm", version=version)),
        ("GET", f"/items/{item.id}/withdraw", None),
        ("POST", f"/items/{item.id}/withdraw", {"version": version}),
        ("POST", f"/items/{item.id}/restore", {"version": version, "status": "active"}),
        ("POST", f"/items/{item.id}/links", {"link-type": "related", "link-target": "Y.perm"}),
        ("POST", f"/items/{item.id}/links/{link.id}/delete", {}),
    ]


def test_anonymous_visitors_are_sent_to_log_in_on_every_write_route(client, write_routes, db):
    before = db.scalar(select(WorkItem.version).where(WorkItem.reference == "X.perm"))
    for method, path, data in write_routes:
        response = client.open(path, method=method, data=_current_version(db, data))
        assert response.status_code == 302 and "/login?next=" in response.location, (method, path)
    assert db.scalar(select(WorkItem.version).where(WorkItem.reference == "X.perm")) == before


def test_officers_of_another_group_get_403_on_every_write_route(client, factory, write_routes, db):
    login(client, factory.user(officer_of=("UNICEF/Industry",)))
    for method, path, data in write_routes:
        if path == "/items/new":
            data = data and _item_form(reference="X.perm2", group="ITU-T/SG17")
            if method == "GET":
                continue  # they may open the form for their own groups
        response = client.open(path, method=method, data=_current_version(db, data))
        assert response.status_code == 403, (method, path, response.status_code)
    assert db.scalar(select(WorkItem).where(WorkItem.reference == "X.perm2")) is None
    assert db.scalar(select(ItemLink)) is not None


def test_user_without_any_role_cannot_open_the_create_form(client, factory):
    login(client, factory.user())
    response = client.get("/items/new")
    assert response.status_code == 403 and "You hold no role in any group" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_officer_of_the_group_and_admin_may_use_every_write_route(client, factory, write_routes, who, db):
    user = factory.user(officer_of=("ITU-T/SG17",)) if who == "officer" else factory.user(admin=True)
    login(client, user)
    for method, path, data in write_routes:
        if path.endswith("/restore"):
            continue  # only for withdrawn items: exercised in the withdraw test
        response = client.open(path, method=method, data=_current_version(db, data))
        assert response.status_code in (200, 302), (method, path, response.status_code)


def test_withdraw_and_edit_buttons_only_for_those_who_may_edit(client, factory):
    item = factory.item("X.buttons")
    assert "Withdraw…" not in client.get(f"/items/{item.id}").get_data(as_text=True)
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    html = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Withdraw…" in html and "Add a link" in html


def test_csrf_is_enforced_on_item_forms(client, factory, app, monkeypatch, db):
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/items/new", data=_item_form())
    assert response.status_code == 400 and "The form expired" in response.get_data(as_text=True)
    assert db.scalar(select(WorkItem).where(WorkItem.reference == "X.cop-new")) is None
    html = client.get("/items/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert client.post("/items/new", data=_item_form(csrf_token=token)).status_code == 302


def test_pages_have_unique_ids(client, factory, db):
    officer = factory.user(officer_of=("ITU-T/SG17",))
    item = factory.item("X.ids", status="withdrawn")  # withdrawn: the restore and link forms share the page
    login(client, officer)
    for path in ("/items/", f"/items/{item.id}", f"/items/{item.id}/edit", "/items/new"):
        html = client.get(path).get_data(as_text=True)
        assert "Restore" in html or path != f"/items/{item.id}"
        assert duplicate_ids(html) == [], path


def test_a_search_with_very_many_results_counts_only_so_far(client, factory, app, monkeypatch):
    from liaison.items import views as items_view

    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 2)
    monkeypatch.setattr(items_view, "SEARCH_COUNT_LIMIT", 3)
    for n in range(7):
        factory.item(f"R-{n}", title=f"Protection number {n}", status="active")
    first = client.get("/items/", query_string={"q": "protection", "sort": "reference"}).get_data(as_text=True)
    assert "More than 3 work items match your search, page 1." in first
    assert "Page 1 of 2+" in first and 'rel="next"' in first
    # Counting starts again from each page, so the next pages stay reachable to the very last.
    third = client.get("/items/", query_string={"q": "protection", "sort": "reference", "page": 3}).get_data(as_text=True)
    assert re.findall(r'href="/items/\d+">([^<]+)</a>', third) == ["R-4", "R-5"]
    last = client.get("/items/", query_string={"q": "protection", "sort": "reference", "page": 4}).get_data(as_text=True)
    assert "7 work items match your search, page 4 of 4." in last
    assert re.findall(r'href="/items/\d+">([^<]+)</a>', last) == ["R-6"]


def test_a_search_longer_than_the_apis_limit_is_refused_with_a_reason(client):
    answer = client.get("/items/?q=" + "a" * 5000)
    assert answer.status_code == 400
    assert "200 characters" in answer.get_data(as_text=True)
