"""The work-item endpoints of the JSON API: CRUD, versions, permissions, errors, links and history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from liaison.accounts.operations import revoke_api_token
from liaison.items.queries import SORTS, visible_history
from liaison.models import ITEM_STATUSES, ApiToken, OverlapAlert
from tests.factories import login
from tests.web.api.helpers import assert_problem

SG17 = "ITU-T/SG17"
Q6 = "ITU-T/SG17/Q6"


@pytest.fixture()
def officer(factory):
    """An officer of SG17 and the headers of their token."""
    user = factory.user("officer@example.org", name="Olga Officer", officer_of=(SG17,))
    return user, factory.token(user)


def new_item(**fields):
    return {"reference": "X.cop-api", "title": "Child online protection for API tests", "group": SG17} | fields


# --- create, read, change, withdraw ---------------------------------------------------------------


def test_create_read_change_withdraw_and_restore(api, officer):
    _, token = officer
    created = api.post(
        "/work-items",
        headers=token,
        json=new_item(keywords=["COP", "age assurance"], editors=[{"name": "Ann Editor", "affiliation": "ITU"}]),
    )
    assert created.status_code == 201, created.get_json()
    item = created.get_json()
    assert created.headers["Location"] == f"/api/v1/work-items/{item['id']}"
    assert created.headers["ETag"] == '"1"'
    assert item["reference"] == "X.cop-api" and item["group"] == SG17 and item["body"] == "ITU-T"
    assert item["status"] == "proposed" and item["version"] == 1
    assert item["editors"] == [{"name": "Ann Editor", "affiliation": "ITU", "email": ""}]

    read = api.get(created.headers["Location"])
    assert read.status_code == 200 and read.get_json() == item
    assert read.headers["ETag"] == '"1"'

    changed = api.patch(
        f"/work-items/{item['id']}", headers=token | {"If-Match": read.headers["ETag"]}, json={"title": "New title"}
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["title"] == "New title"
    assert changed.get_json()["keywords"] == ["COP", "age assurance"], "fields not sent stay as they were"
    assert changed.headers["ETag"] == '"2"'

    withdrawn = api.delete(f"/work-items/{item['id']}", headers=token)
    assert withdrawn.status_code == 200
    assert withdrawn.get_json()["status"] == "withdrawn" and withdrawn.get_json()["title"] == "New title"
    assert api.get(f"/work-items/{item['id']}").get_json()["status"] == "withdrawn", "withdrawn, not deleted"

    restored = api.patch(f"/work-items/{item['id']}", headers=token, json={"status": "active", "version": 3})
    assert restored.status_code == 200 and restored.get_json()["status"] == "active"


def test_an_item_read_can_be_sent_back_whole(api, officer, factory):
    _, token = officer
    item = api.get(f"/work-items/{factory.item('X.whole', group=SG17).id}").get_json()
    changed = api.patch(f"/work-items/{item['id']}", headers=token, json=item | {"title": "Sent back whole"})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["title"] == "Sent back whole" and changed.get_json()["body"] == "ITU-T"


def test_patch_moves_an_item_between_groups_of_the_caller(api, factory):
    user = factory.user(officer_of=(SG17, Q6))
    item = factory.item("X.move", group=SG17)
    moved = api.patch(f"/work-items/{item.id}", headers=factory.token(user) | {"If-Match": '"1"'}, json={"group": Q6})
    assert moved.status_code == 200 and moved.get_json()["group"] == Q6


# --- who may write ---------------------------------------------------------------------------------


def test_anonymous_callers_cannot_write(api, factory):
    item = factory.item(group=SG17)
    for response in (
        api.post("/work-items", json=new_item()),
        api.patch(f"/work-items/{item.id}", json={"title": "x", "version": 1}),
        api.delete(f"/work-items/{item.id}"),
        api.post(f"/work-items/{item.id}/links", json={"target": item.id, "type": "related"}),
    ):
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_logged_in_browser_cannot_write_without_a_token(api, client, factory):
    login(client, factory.user(admin=True))
    assert_problem(api.post("/work-items", json=new_item()), 401)


def test_officer_of_another_group_is_refused(api, factory):
    stranger = factory.user(officer_of=("ITU-D/SG2",))
    token = factory.token(stranger)
    item = factory.item("X.theirs", group=SG17)
    assert_problem(api.post("/work-items", headers=token, json=new_item()), 403)
    assert_problem(api.patch(f"/work-items/{item.id}", headers=token, json={"title": "x", "version": 1}), 403)
    assert_problem(api.delete(f"/work-items/{item.id}", headers=token), 403)
    assert api.get(f"/work-items/{item.id}").get_json()["title"] == item.title


def test_officer_cannot_move_an_item_to_a_group_of_others(api, officer, factory):
    _, token = officer
    factory.group("ITU-D/SG2")
    item = factory.item("X.stay", group=SG17)
    assert_problem(api.patch(f"/work-items/{item.id}", headers=token, json={"group": "ITU-D/SG2", "version": 1}), 403)


def test_admin_may_write_anywhere(api, factory):
    admin = factory.user(admin=True)
    token = factory.token(admin)
    factory.group("UNICEF/COP")
    created = api.post("/work-items", headers=token, json=new_item(group="UNICEF/COP"))
    assert created.status_code == 201 and created.get_json()["body"] == "UNICEF"
    item = factory.item("X.other", group=SG17)
    assert api.patch(f"/work-items/{item.id}", headers=token, json={"title": "By admin", "version": 1}).status_code == 200


def test_revoked_token_is_refused(api, db, factory, officer):
    user, token = officer
    assert api.post("/work-items", headers=token, json=new_item()).status_code == 201
    revoke_api_token(db, None, db.scalar(select(ApiToken).where(ApiToken.user_id == user.id)))
    db.flush()
    problem = assert_problem(api.post("/work-items", headers=token, json=new_item(reference="X.two")), 401)
    assert "revoked" in problem["detail"]
    assert_problem(api.get("/work-items", headers=token), 401)


def test_malformed_authorization_header_is_refused(api):
    assert_problem(api.get("/work-items", headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401)
    assert_problem(api.get("/work-items", headers={"Authorization": "Bearer "}), 401)


# --- versions ----------------------------------------------------------------------------------


def test_stale_patch_is_a_conflict_and_changes_nothing(api, officer, factory):
    _, token = officer
    item = factory.item("X.stale", group=SG17, title="Original title")
    path = f"/work-items/{item.id}"
    assert api.patch(path, headers=token | {"If-Match": '"1"'}, json={"summary": "First edit"}).status_code == 200
    problem = assert_problem(api.patch(path, headers=token | {"If-Match": '"1"'}, json={"title": "Lost edit"}), 409)
    assert "version 1" in problem["detail"] and "version 2" in problem["detail"]
    stored = api.get(path).get_json()
    assert stored["title"] == "Original title" and stored["summary"] == "First edit" and stored["version"] == 2


@pytest.mark.parametrize("if_match", ['"1"', "1", 'W/"1"', ' "1" '])
def test_if_match_forms(api, officer, factory, if_match):
    _, token = officer
    item = factory.item(group=SG17)
    response = api.patch(f"/work-items/{item.id}", headers=token | {"If-Match": if_match}, json={"title": "Matched"})
    assert response.status_code == 200 and response.get_json()["version"] == 2


@pytest.mark.parametrize("if_match", ['"abc"', "*", '"1", "2"', '"0"'])
def test_malformed_if_match_is_a_bad_request(api, officer, factory, if_match):
    _, token = officer
    item = factory.item(group=SG17)
    assert_problem(api.patch(f"/work-items/{item.id}", headers=token | {"If-Match": if_match}, json={"title": "x"}), 400)


def test_version_in_the_body_and_in_if_match_must_agree(api, officer, factory):
    _, token = officer
    item = factory.item(group=SG17)
    response = api.patch(f"/work-items/{item.id}", headers=token | {"If-Match": '"1"'}, json={"title": "x", "version": 2})
    assert "If-Match" in assert_problem(response, 400)["detail"]


def test_version_field_must_be_a_number(api, officer, factory):
    _, token = officer
    item = factory.item(group=SG17)
    problem = assert_problem(api.patch(f"/work-items/{item.id}", headers=token, json={"version": "1"}), 422)
    assert "version" in problem["errors"]


def test_patch_without_a_version_is_precondition_required(api, officer, factory):
    _, token = officer
    item = factory.item(group=SG17, title="Kept")
    problem = assert_problem(api.patch(f"/work-items/{item.id}", headers=token, json={"title": "Blind"}), 428)
    assert "If-Match" in problem["detail"]
    assert api.get(f"/work-items/{item.id}").get_json()["title"] == "Kept"


def test_delete_honours_if_match(api, officer, factory):
    _, token = officer
    item = factory.item(group=SG17)
    path = f"/work-items/{item.id}"
    api.patch(path, headers=token | {"If-Match": '"1"'}, json={"title": "Now version 2"})
    assert_problem(api.delete(path, headers=token | {"If-Match": '"1"'}), 409)
    assert api.get(path).get_json()["status"] == "proposed"
    assert api.delete(path, headers=token | {"If-Match": '"2"'}).get_json()["status"] == "withdrawn"
    assert "already withdrawn" in assert_problem(api.delete(path, headers=token), 409)["detail"]


# --- bad input -----------------------------------------------------------------------------------


def test_invalid_fields_are_listed_one_by_one(api, officer):
    _, token = officer
    response = api.post(
        "/work-items",
        headers=token,
        json=new_item(titel="typo", status="finished", start_date="2026-13-01", reference="", url="ftp://x"),
    )
    problem = assert_problem(response, 422)
    assert problem["errors"]["titel"] == "unknown field"
    assert set(problem["errors"]) == {"titel", "status", "start_date", "reference", "url"}


def test_unknown_group_and_duplicate_reference_are_invalid(api, officer, factory):
    _, token = officer
    factory.item("X.taken", group=SG17)
    assert "group" in assert_problem(api.post("/work-items", headers=token, json=new_item(group="NO/SUCH")), 422)["errors"]
    problem = assert_problem(api.post("/work-items", headers=token, json=new_item(reference="X.taken")), 422)
    assert "already used" in problem["errors"]["reference"]


def test_patch_refuses_unknown_fields(api, officer, factory):
    _, token = officer
    item = factory.item(group=SG17)
    problem = assert_problem(api.patch(f"/work-items/{item.id}", headers=token, json={"version": 1, "colour": "red"}), 422)
    assert problem["errors"] == {"colour": "unknown field"}


@pytest.mark.parametrize(
    "data, detail",
    [
        (b'{"title": "unterminated', "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[1, 2]", "not an array"),
        (b'"text"', "not a string"),
        (b"\xff\xfe", "not valid JSON"),
        (b'{"title": "nul \\u0000 inside"}', "NUL"),
        (b"[" * 100_000 + b"]" * 100_000, "too deeply"),
    ],
)
def test_malformed_json_is_a_bad_request(api, officer, data, detail):
    _, token = officer
    response = api.post("/work-items", headers=token | {"Content-Type": "application/json"}, data=data)
    assert detail in assert_problem(response, 400)["detail"]


def test_body_must_be_sent_as_json(api, officer, factory):
    _, token = officer
    item = factory.item(group=SG17)
    assert_problem(api.post("/work-items", headers=token, data={"reference": "X.form"}), 415)
    assert_problem(
        api.patch(f"/work-items/{item.id}", headers=token | {"Content-Type": "text/plain"}, data='{"version": 1}'), 415
    )
    sent_as_problem_json = api.post(
        "/work-items", headers=token | {"Content-Type": "application/merge-patch+json"}, data=b'{"reference": ""}'
    )
    assert sent_as_problem_json.status_code == 422, "a +json media type is JSON"


# --- reading -------------------------------------------------------------------------------------


def test_missing_and_private_items_are_not_found(api, factory, officer):
    _, token = officer
    private = factory.item("X.private", group=SG17, is_public=False)
    for path in ("/work-items/999999", f"/work-items/{private.id}",
                 f"/work-items/{private.id}/links", f"/work-items/{private.id}/history"):
        assert "no work item" in assert_problem(api.get(path), 404)["detail"]
    # An id no row can have matches no route at all.
    assert_problem(api.get("/work-items/99999999999999999999999"), 404)
    assert api.get(f"/work-items/{private.id}", headers=token).status_code == 200


def test_unknown_routes_and_methods_are_problems(api, factory):
    item = factory.item(group=SG17)
    assert_problem(api.get("/no-such-thing"), 404)
    assert_problem(api.get("/work-items/abc"), 404)
    assert_problem(api.request("PUT", f"/work-items/{item.id}", json={}), 405)


def test_list_pages_with_totals_and_links(api, factory):
    for number in range(5):
        factory.item(f"X.page-{number}", group=SG17)
    first = api.get("/work-items?per_page=2&sort=reference")
    body = first.get_json()
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 2, 5, 3)
    assert [i["reference"] for i in body["items"]] == ["X.page-0", "X.page-1"]
    assert '</api/v1/work-items?per_page=2&sort=reference&page=2>; rel="next"' in first.headers["Link"]
    assert 'rel="prev"' not in first.headers["Link"]
    last = api.get("/work-items?per_page=2&sort=reference&page=3")
    assert [i["reference"] for i in last.get_json()["items"]] == ["X.page-4"]
    assert 'page=2>; rel="prev"' in last.headers["Link"] and 'rel="next"' not in last.headers["Link"]
    beyond = api.get("/work-items?per_page=2&page=9").get_json()
    assert beyond["items"] == [] and beyond["total"] == 5


def test_list_filters(api, factory):
    factory.item("X.a", group=Q6, status="active", type="recommendation", title="Age assurance")
    factory.item("X.b", group=SG17, status="approved", type="technical_report", keywords=["grooming"])
    factory.item("D.c", group="ITU-D/SG2", status="active", type="guideline")

    def references(query):
        response = api.get(f"/work-items?{query}")
        assert response.status_code == 200, response.get_json()
        return sorted(item["reference"] for item in response.get_json()["items"])

    assert references("status=active") == ["D.c", "X.a"]
    assert references("status=active&status=approved") == ["D.c", "X.a", "X.b"]
    assert references("status=approved,active") == ["D.c", "X.a", "X.b"]
    assert references("type=guideline,recommendation") == ["D.c", "X.a"]
    assert references(f"group={SG17}") == ["X.a", "X.b"], "a group's list includes its sub-groups"
    assert references(f"group={Q6}") == ["X.a"]
    assert references("body=ITU-D") == ["D.c"]
    assert references("q=age+assurance") == ["X.a"]
    assert references("q=GROOMING") == ["X.b"]
    assert references("updated_from=2000-01-01&updated_to=2999-12-31") == ["D.c", "X.a", "X.b"]
    assert references("updated_to=2000-01-01") == []
    assert [i["reference"] for i in api.get("/work-items?sort=-reference").get_json()["items"]] == ["X.b", "X.a", "D.c"]


def test_bad_item_filters_are_named_together(api):
    errors = assert_problem(api.get("/work-items?updated_from=2026-03-02&updated_to=2026-03-01&status=bogus&sort=zz"), 400)
    assert errors["errors"] == {
        "status": "unknown value 'bogus'; use one of: " + ", ".join(ITEM_STATUSES),
        "updated_to": "must not be before updated_from",
        "sort": "unknown value 'zz'; use one of: " + ", ".join(SORTS),
    }
    day = assert_problem(api.get("/work-items?updated_from=2026-13-01"), 400)["errors"]
    assert day == {"updated_from": "must be a date as YYYY-MM-DD (got '2026-13-01')"}


def test_anonymous_callers_see_public_items_only(api, client, factory, officer):
    _, token = officer
    factory.item("X.public", group=SG17)
    factory.item("X.private", group=SG17, is_public=False)
    anonymous = api.get("/work-items").get_json()
    assert [i["reference"] for i in anonymous["items"]] == ["X.public"] and anonymous["total"] == 1
    assert api.get("/work-items", headers=token).get_json()["total"] == 2
    login(client, factory.user())
    assert api.get("/work-items").get_json()["total"] == 2, "the browser's session counts for reads"


@pytest.mark.parametrize(
    "query, name",
    [
        ("page=abc", "page"),
        ("page=0", "page"),
        ("per_page=0", "per_page"),
        ("per_page=201", "per_page"),
        ("per_page=-1", "per_page"),
        ("page=1&page=2", "page"),
        ("status=finished", "status"),
        ("type=novel", "type"),
        ("sort=colour", "sort"),
        ("updated_from=yesterday", "updated_from"),
        ("updated_from=2026-02-30", "updated_from"),
        ("updated_from=2026-03-01&updated_to=2026-02-01", "updated_to"),
        ("stauts=active", "stauts"),
        ("q=%00", "q"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_query_parameters_are_a_bad_request(api, query, name):
    problem = assert_problem(api.get(f"/work-items?{query}"), 400)
    assert name in problem["errors"] and name in problem["detail"]


def test_per_page_maximum_follows_the_setting(api, app, monkeypatch, factory):
    factory.item(group=SG17)
    monkeypatch.setitem(app.config, "API_MAX_PER_PAGE", 300)
    assert api.get("/work-items?per_page=300").get_json()["per_page"] == 300
    monkeypatch.setitem(app.config, "API_MAX_PER_PAGE", 10)
    assert_problem(api.get("/work-items?per_page=11"), 400)


def test_list_loads_groups_without_a_query_per_item(api, app, factory):
    from sqlalchemy import event

    from liaison.db import database

    for number in range(6):
        factory.item(f"X.n{number}", group=(SG17, Q6, "UNICEF/COP")[number % 3])
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert len(api.get("/work-items").get_json()["items"]) == 6
    finally:
        event.remove(engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 3, selects


# --- links and history ------------------------------------------------------------------------------


def test_links_both_ways(api, officer, factory):
    user, token = officer
    guide = factory.item("X.guide", group=SG17, title="Guide")
    old = factory.item("X.old", group="ITU-D/SG2", title="Old guide")
    made = api.post(f"/work-items/{guide.id}/links", headers=token, json={"target": "X.old", "type": "supersedes", "note": "replaces it"})
    assert made.status_code == 201, made.get_json()
    link = made.get_json()
    assert link["direction"] == "outgoing" and link["other"] == {"id": old.id, "reference": "X.old", "title": "Old guide"}
    assert link["created_by"] == user.name and link["note"] == "replaces it"

    from_old = api.get(f"/work-items/{old.id}/links").get_json()["items"]
    assert [(link["type"], link["direction"], link["other"]["reference"]) for link in from_old] == [("supersedes", "incoming", "X.guide")]
    from_guide = api.get(f"/work-items/{guide.id}/links").get_json()["items"]
    assert [(link["type"], link["direction"], link["other"]["id"]) for link in from_guide] == [("supersedes", "outgoing", old.id)]

    retyped = api.post(f"/work-items/{guide.id}/links", headers=token, json={"target": old.id, "type": "overlaps"})
    assert retyped.status_code == 200 and retyped.get_json()["type"] == "overlaps"
    assert len(api.get(f"/work-items/{old.id}/links").get_json()["items"]) == 1


def test_links_to_private_items_are_hidden_from_anonymous_callers(api, officer, factory):
    _, token = officer
    public = factory.item("X.pub", group=SG17)
    private = factory.item("X.priv", group=SG17, is_public=False)
    assert api.post(f"/work-items/{public.id}/links", headers=token, json={"target": private.id, "type": "related"}).status_code == 201
    assert api.get(f"/work-items/{public.id}/links").get_json()["items"] == []
    assert len(api.get(f"/work-items/{public.id}/links", headers=token).get_json()["items"]) == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"target": "X.none", "type": "related"}, "target"),
        ({"target": 99999999999, "type": "related"}, "target"),
        ({"target": True, "type": "related"}, "target"),
        ({"type": "related"}, "target"),
        ({"target": "X.other", "type": "cousin"}, "type"),
        ({"target": "X.other"}, "type"),
        ({"target": "X.other", "type": "related", "note": 5}, "note"),
        ({"target": "X.other", "type": "related", "why": "x"}, "why"),
        ({"target": "X.self", "type": "related"}, "target"),
    ],
)
def test_invalid_links_are_refused(api, officer, factory, body, field):
    _, token = officer
    item = factory.item("X.self", group=SG17)
    factory.item("X.other", group=SG17)
    assert field in assert_problem(api.post(f"/work-items/{item.id}/links", headers=token, json=body), 422)["errors"]


def test_linking_needs_a_role_in_one_of_the_groups(api, factory):
    stranger = factory.user(officer_of=("UNICEF/COP",))
    first, second = factory.item("X.l1", group=SG17), factory.item("X.l2", group=Q6)
    response = api.post(f"/work-items/{first.id}/links", headers=factory.token(stranger), json={"target": second.id, "type": "related"})
    assert_problem(response, 403)


def test_history_after_changes(api, officer, factory):
    user, token = officer
    created = api.post("/work-items", headers=token, json=new_item(title="First title")).get_json()
    path = f"/work-items/{created['id']}"
    api.patch(path, headers=token | {"If-Match": '"1"'}, json={"title": "Second title"})
    events = api.get(f"{path}/history").get_json()["items"]
    assert [e["action"] for e in events] == ["work_item.update", "work_item.create"]
    assert events[0]["changes"] == {"title": ["First title", "Second title"]}
    assert events[0]["actor"] == user.name == events[1]["actor"]
    assert events[0]["created_at"]


def test_history_shows_anonymous_callers_only_what_the_item_page_shows(api, factory, db):
    """An officer of SG2 links their private item to a public one with a note and a chair decides the pair:
    the public item's history, anonymous, names neither the private item nor the note nor the decision's."""
    sg2_officer = factory.user("omar@sg2.example", officer_of=("ITU-D/SG2",))
    chair = factory.user("chen@sg17.example", chair_of=(SG17,))
    public = factory.item("X.pub-history", group=SG17, title="Public guide")
    private = factory.item("D.zzhidden", group="ITU-D/SG2", title="Hidden draft", is_public=False)
    linked = api.post(
        f"/work-items/{private.id}/links", headers=factory.token(sg2_officer),
        json={"target": public.id, "type": "related", "note": "Qqlinknote on our draft"},
    )
    assert linked.status_code == 201, linked.get_json()
    low, high = sorted((public.id, private.id))
    alert = OverlapAlert(item_a_id=low, item_b_id=high, score=0.9, state="open", reasons=["shared terms: guide"])
    db.add(alert)
    db.flush()
    decided = api.post(
        f"/alerts/{alert.id}/decision", headers=factory.token(chair),
        json={"decision": "overlap", "note": "Qqdecisionnote fold it in", "version": alert.version},
    )
    assert decided.status_code == 200, decided.get_json()

    signed_in = api.get(f"/work-items/{public.id}/history", headers=factory.token(chair)).get_data(as_text=True)
    assert "D.zzhidden" in signed_in and "Qqdecisionnote" in signed_in, "the events exist, for those who may read them"
    anonymous = api.get(f"/work-items/{public.id}/history")
    assert anonymous.status_code == 200
    for secret in ("D.zzhidden", "Qqlinknote", "Qqdecisionnote"):
        assert secret not in anonymous.get_data(as_text=True)
    page_events = {event.id for event in visible_history(db, public, None)}
    assert {event["id"] for event in anonymous.get_json()["items"]} == page_events
