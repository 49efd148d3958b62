"""The directory endpoints: groups (with contacts) and bodies."""

from __future__ import annotations

from sqlalchemy import event

from liaison.db import database
from liaison.organisation.operations import add_contact
from tests.web.api.helpers import assert_problem


def test_groups_with_their_body_parent_and_contacts(api, db, factory):
    q6 = factory.group("ITU-T/SG17/Q6", name="Security aspects of child online protection", kind="question")
    add_contact(db, None, q6, {"name": "Rita Rapporteur", "role": "Rapporteur", "email": "rita@example.org"})
    factory.group("UNICEF/COP")
    body = api.get("/groups").get_json()
    assert [g["code"] for g in body["items"]] == ["ITU-T/SG17", "ITU-T/SG17/Q6", "UNICEF/COP"]
    assert body["total"] == 3
    group = body["items"][1]
    assert group["body"] == "ITU-T" and group["parent"] == "ITU-T/SG17" and group["kind"] == "question"
    assert group["contacts"] == [
        {"name": "Rita Rapporteur", "role": "Rapporteur", "organization": "", "email": "rita@example.org", "phone": ""}
    ]
    assert body["items"][0]["parent"] is None and body["items"][0]["contacts"] == []


def test_groups_filtered_by_body_and_paged(api, factory):
    for code in ("ITU-T/SG17", "ITU-T/SG5", "ITU-D/SG2", "ITU-D/SG1"):
        factory.group(code)
    assert [g["code"] for g in api.get("/groups?body=ITU-D").get_json()["items"]] == ["ITU-D/SG1", "ITU-D/SG2"]
    assert api.get("/groups?body=NOBODY").get_json() | {"items": []} == {
        "items": [], "page": 1, "per_page": 25, "total": 0, "pages": 1
    }
    page = api.get("/groups?per_page=3&page=2")
    assert [g["code"] for g in page.get_json()["items"]] == ["ITU-T/SG5"]
    assert 'rel="prev"' in page.headers["Link"]


def test_group_by_code_with_slashes(api, factory):
    factory.group("ITU-T/SG17/Q6", name="Question 6")
    assert api.get("/groups/ITU-T/SG17/Q6").get_json()["name"] == "Question 6"
    assert api.get("/groups/ITU-T%2FSG17%2FQ6").get_json()["code"] == "ITU-T/SG17/Q6"
    assert "ITU-T/SG99" in assert_problem(api.get("/groups/ITU-T/SG99"), 404)["detail"]
    assert_problem(api.get("/groups/ITU-T%00"), 404)


def test_bad_group_query_is_a_bad_request(api):
    assert "kind" in assert_problem(api.get("/groups?kind=question"), 400)["errors"]
    assert "per_page" in assert_problem(api.get("/bodies?per_page=0"), 400)["errors"]
    errors = assert_problem(api.get("/groups?page=x&body=a&body=b&per_page=%203&zzz=1"), 400)["errors"]
    assert errors == {
        "page": "must be a whole number from 1 to 10000000 (got 'x')",
        "body": "give this parameter once",
        "zzz": "unknown parameter",
    }
    assert assert_problem(api.get("/groups?body=" + "x" * 201), 400)["errors"] == {"body": "at most 200 characters"}
    documented = api.get("/openapi.json").get_json()["paths"]["/groups"]["get"]["parameters"]
    assert {"$ref": "#/components/parameters/per_page"} in documented
    assert {"name": "body", "in": "query", "required": False, "description": "Only the groups of this body (code).",
            "schema": {"type": "string", "maxLength": 200}} in documented


def test_bodies_with_group_counts(api, db, factory):
    for code in ("ITU-T/SG17", "ITU-T/SG17/Q6", "ITU-D/SG2"):
        factory.group(code)
    factory.group("OECD/DIGITAL").body.url = "https://www.oecd.org/"
    db.flush()
    bodies = {b["code"]: b for b in api.get("/bodies").get_json()["items"]}
    assert {code: b["group_count"] for code, b in bodies.items()} == {"ITU-D": 1, "ITU-T": 2, "OECD": 1}
    assert bodies["ITU-T"]["kind"] == "itu" and bodies["OECD"]["kind"] == "external"
    assert bodies["OECD"]["url"] == "https://www.oecd.org/"


def test_directory_lists_take_a_fixed_number_of_queries(api, app, db, factory):
    for number in range(8):
        group = factory.group(f"BODY{number % 3}/G{number}")
        add_contact(db, None, group, {"name": f"Contact {number}"})
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert len(api.get("/groups").get_json()["items"]) == 8
        assert len(api.get("/bodies").get_json()["items"]) == 3
    finally:
        event.remove(engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # groups: count, page (with body and parent joined), contacts; bodies: count, page, group counts
    assert len(selects) <= 6, selects
