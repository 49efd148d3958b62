"""Script typed into any text field comes back escaped on every page, feed and export that shows it.

Every text of the route matrix's objects (work items, groups, contacts, statements with their
recipients and contacts, alert notes, link notes, people's names) carries two payloads; then every
GET route is requested as several roles, and a few pages that echo what was typed are sent it too.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from liaison.core.csv_cells import cell_value, inert_cell
from liaison.items.importing import export_items, import_records, read_rows
from tests.factories import login
from tests.security.routes import Fixtures, RoleClient, build_fixtures, routes

SCRIPT = '<script>alert("x")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
#: What would run if a payload reached a page unescaped.
RAW = ("<script>alert", "<img src=x")
#: How a payload reads once escaped (Jinja writes quotes as &#34;).
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1)")
#: Data a browser shows inline without running it; anything else that is not a page must be a download.
DATA_TYPES = ("application/json", "application/problem+json")


def poisoned(text: str) -> str:
    return f"{text} {SCRIPT} {ATTRIBUTE}"


@pytest.fixture()
def fixtures(app: Flask, db, factory, world, monkeypatch) -> Fixtures:
    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 0)
    built = build_fixtures(db, factory, world, app.config["LIAISON_UPLOAD_DIR"], text=poisoned)
    db.commit()
    return built


def assert_inert(response: TestResponse, where: str) -> None:
    """No payload runs in ``response``: HTML and Atom have them escaped; data is never served as HTML."""
    if response.mimetype in ("text/html", "application/atom+xml"):
        body = response.get_data(as_text=True)
        for raw in RAW:
            assert raw not in body, f"{where}: unescaped {raw!r}"
    else:
        download = response.headers.get("Content-Disposition", "").startswith("attachment")
        assert download or response.mimetype in DATA_TYPES, f"{where}: {response.mimetype} shown inline"
        assert response.headers.get("X-Content-Type-Options") == "nosniff", where


@pytest.mark.parametrize("role", ["anonymous", "officer", "chair", "admin"])
def test_every_page_shows_the_payloads_escaped(app, db, fixtures, role):
    client = RoleClient(app, db.get_bind(), fixtures, role)
    for rule, method in routes(app):
        if method == "GET" and rule.endpoint not in ("static", "bootstrap.static"):
            assert_inert(client.call(rule, method), f"GET {rule.rule} as {role}")


def test_the_payloads_do_reach_the_pages_escaped(app, db, fixtures):
    """The crawl above proves something only if the payloads are on the pages: check the main ones."""
    values = fixtures.values
    admin = RoleClient(app, db.get_bind(), fixtures, "admin").browser()
    pages = [
        f"/items/{values['item_id']}",
        "/items/",
        f"/groups/{values['group_id']}",
        f"/statements/{values['statement_id']}",
        f"/statements/{values['statement_id']}/print",
        f"/review/{values['alert_id']}",
        f"/overlaps/{fixtures.overrides['public.overlap']['alert_id']}",
        f"/admin/users/{values['user_id']}",
        f"/admin/groups/{values['group_id']}/edit",
        f"/items/{values['item_id']}/edit",
        f"/statements/{values['statement_id']}/edit",
        "/account/",
    ]
    for page in pages:
        response = admin.get(page)
        assert response.status_code == 200, page
        assert ESCAPED in response.get_data(as_text=True), f"{page} does not show the payload"


def test_what_people_type_into_searches_and_forms_comes_back_escaped(app, db, fixtures):
    admin = RoleClient(app, db.get_bind(), fixtures, "admin").browser()
    anonymous = app.test_client()
    queries = {"q": poisoned("age")}
    for client, path in [
        (anonymous, "/items/"),
        (anonymous, "/statements/"),
        (anonymous, "/overlaps/"),
        (admin, "/admin/users"),
        (admin, "/account/admin/tokens"),
        (admin, "/review/"),
    ]:
        assert_inert(client.get(path, query_string=queries), f"{path}?q=")
    for path, args in [
        ("/statements/", {"tab": SCRIPT}),
        ("/items/", {"sort": ATTRIBUTE, "updated_from": SCRIPT}),
        ("/feeds/items.atom", {"group": SCRIPT}),
        ("/report/", {"from": SCRIPT, "to": ATTRIBUTE}),
        ("/login", {"next": ATTRIBUTE}),
    ]:
        assert_inert(anonymous.get(path, query_string=args), f"{path} with {args}")
    for path in ("/login", "/forgot"):
        response = anonymous.post(path, data={"email": poisoned("x@example.org"), "password": "wrong"})
        assert_inert(response, f"POST {path}")
        assert "&lt;script&gt;" in response.get_data(as_text=True), path
    created = admin.post("/account/tokens", data={"token-name": poisoned("script")})
    assert_inert(created, "the new token's page")


def test_feeds_and_exports_carry_the_text_as_text(app, db, fixtures):
    anonymous = app.test_client()
    feed = anonymous.get("/feeds/items.atom")
    assert "&lt;script&gt;alert" in feed.get_data(as_text=True)
    exported = anonymous.get("/exports/items.jsonl")
    assert exported.mimetype == "application/jsonl" and exported.headers["Content-Disposition"].startswith("attachment")
    rows = [json.loads(line) for line in exported.get_data(as_text=True).splitlines()]
    assert any(SCRIPT in row["title"] for row in rows), "JSON keeps the text as it was typed"


@pytest.fixture()
def formula_items(factory, world):
    """Items whose every text column starts with what a spreadsheet would run."""
    for number, formula in enumerate(FORMULAS):
        factory.item(
            f"{formula}-{number}" if formula[0] != "@" else f"X.at-{number}",
            group="ITU-T/SG17",
            actor=world.officer,
            title=formula,
            summary=formula,
            question=formula,
            keywords=[formula],
            editors=[{"name": formula, "affiliation": "", "email": ""}],
        )


def formula_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row if cell.startswith(("=", "+", "-", "@"))]


def test_csv_downloads_never_start_a_cell_with_a_formula(app, formula_items):
    for path in ("/exports/items.csv", "/exports/overlaps.csv", "/exports/statements.csv"):
        response = app.test_client().get(path)
        assert response.status_code == 200
        assert formula_cells(response.get_data(as_text=True)) == [], path
    text = app.test_client().get("/exports/items.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text, "the text is kept, made inert"


def test_the_work_programme_export_never_starts_a_cell_with_a_formula(db, formula_items):
    out = io.StringIO()
    assert export_items(db, out, "csv") == len(FORMULAS)
    assert formula_cells(out.getvalue()) == []
    # Read back in, the file changes nothing: the apostrophes were only for spreadsheets.
    report = import_records(db, None, read_rows(io.StringIO(out.getvalue()), "csv"))
    assert (report.unchanged, report.rejected) == (len(FORMULAS), [])


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "'quoted", "'=1", "''", "plain", "", "a=b"])
def test_inert_cells_give_back_what_was_written(value):
    cell = inert_cell(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t"))
    assert cell_value(cell) == value


def test_cells_typed_by_hand_are_read_as_they_are():
    assert cell_value("'Twas brillig") == "'Twas brillig"


def test_the_account_name_in_the_menu_is_escaped(app, db, factory):
    person = factory.user("p@example.org", name=poisoned("Pat"))
    client = app.test_client()
    login(client, person)
    page = client.get("/")
    assert_inert(page, "home page of a person named with a payload")
    assert ESCAPED in page.get_data(as_text=True)
