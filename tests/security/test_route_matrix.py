"""Every route and API endpoint, requested as every role, answers as the table below says.

The table names every (endpoint, method) of the app. A route added without a line here fails
:func:`test_every_route_has_an_expectation`: whoever adds a route states who may use it.

Roles, around the group ITU-T/SG17 whose objects fill the URLs:

* ``anonymous``: nobody logged in, no token;
* ``stranger``: an officer of another group (ITU-T/SG20);
* ``officer``: an officer of ITU-T/SG17;
* ``chair``: a chair of ITU-T/SG17;
* ``admin``: the secretariat.

Answers are classes: ``OK`` (the guard let the role through: any answer below 500 that is not
401, 403, 404 or a trip to the login page; an empty form may well be a 422), ``LOGIN`` (a redirect
to the login page), ``DENIED`` (403), ``HIDDEN`` (404: the role may not even know it exists) and
``UNAUTHORIZED`` (401, the API without a token). Pages get the browser session of the role, the
API its bearer token. Writes that need a body to get past validation to the permission check have
one in ``BODIES``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.security.routes import ROLES, Fixtures, RoleClient, build_fixtures, routes
from tests.statements.helpers import ls_data

OK, LOGIN, DENIED, HIDDEN, UNAUTHORIZED = "ok", "login", 403, 404, 401
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def roles(anonymous: Any, stranger: Any, officer: Any, chair: Any, admin: Any) -> dict[str, Any]:
    return dict(zip(ROLES, (anonymous, stranger, officer, chair, admin)))


PUBLIC = roles(OK, OK, OK, OK, OK)
#: Anyone logged in (their own account, or anything a person with a role in some group may start).
MEMBERS = roles(LOGIN, OK, OK, OK, OK)
ADMINS = roles(LOGIN, DENIED, DENIED, DENIED, OK)
#: The people of ITU-T/SG17 (officers and chairs) and admins; an officer of another group gets 403.
GROUP = roles(LOGIN, DENIED, OK, OK, OK)
#: Like GROUP, on a draft statement of ITU-T/SG17, which others may not even see.
GROUP_DRAFT = roles(LOGIN, HIDDEN, OK, OK, OK)
#: Chairs (here of ITU-T/SG17, one of the alert's groups) and admins.
CHAIRS = roles(LOGIN, DENIED, DENIED, OK, OK)
#: A draft statement read without logging in first: 404 for whoever may not see it.
DRAFT_READ = roles(HIDDEN, HIDDEN, OK, OK, OK)
API_WRITE = roles(UNAUTHORIZED, OK, OK, OK, OK)
API_GROUP = roles(UNAUTHORIZED, DENIED, OK, OK, OK)
API_GROUP_DRAFT = roles(UNAUTHORIZED, HIDDEN, OK, OK, OK)
API_CHAIRS = roles(UNAUTHORIZED, DENIED, DENIED, OK, OK)

EXPECTED: dict[tuple[str, str], dict[str, Any]] = {
    # Public pages (Resolution 1306 resolves 5: no password protection).
    ("home.index", "GET"): PUBLIC,
    ("home.api_docs", "GET"): PUBLIC,
    ("health.healthz", "GET"): PUBLIC,
    ("static", "GET"): PUBLIC,
    ("bootstrap.static", "GET"): PUBLIC,
    ("items.index", "GET"): PUBLIC,
    ("items.detail", "GET"): PUBLIC,
    ("groups.index", "GET"): PUBLIC,
    ("groups.detail", "GET"): PUBLIC,
    ("groups.body", "GET"): PUBLIC,
    ("public.overlaps", "GET"): PUBLIC,
    ("public.overlap", "GET"): PUBLIC,
    ("dashboard.index", "GET"): PUBLIC,
    ("report.index", "GET"): PUBLIC,
    ("feeds.index", "GET"): PUBLIC,
    ("feeds.items", "GET"): PUBLIC,
    ("exports.index", "GET"): PUBLIC,
    ("exports.items_csv", "GET"): PUBLIC,
    ("exports.items_jsonl", "GET"): PUBLIC,
    ("exports.overlaps_csv", "GET"): PUBLIC,
    ("exports.overlaps_jsonl", "GET"): PUBLIC,
    ("exports.statements_csv", "GET"): PUBLIC,
    ("exports.statements_jsonl", "GET"): PUBLIC,
    ("statements.index", "GET"): PUBLIC,
    ("statements.feed", "GET"): PUBLIC,
    # Logging in and out, and the forgotten password: for everyone by nature.
    ("auth.login", "GET"): PUBLIC,
    ("auth.login", "POST"): PUBLIC,
    ("auth.logout", "POST"): PUBLIC,
    ("auth.forgot", "GET"): PUBLIC,
    ("auth.forgot", "POST"): PUBLIC,
    ("auth.reset_link", "GET"): PUBLIC,
    # Without a valid token in the session, the reset page explains and refuses (400) whoever asks.
    ("auth.reset", "GET"): roles(400, 400, 400, 400, 400),
    ("auth.reset", "POST"): roles(400, 400, 400, 400, 400),
    # The person's own account.
    ("account.index", "GET"): MEMBERS,
    ("account.password", "POST"): MEMBERS,
    ("account.language", "POST"): MEMBERS,
    ("account.end_sessions", "POST"): MEMBERS,
    ("account.create_token", "POST"): MEMBERS,
    # The URL names the officer's token: its owner and admins revoke it, others do not see it.
    ("account.revoke_token", "POST"): roles(LOGIN, HIDDEN, OK, HIDDEN, OK),
    ("account.admin_tokens", "GET"): ADMINS,
    ("review.settings", "GET"): MEMBERS,
    ("review.settings", "POST"): MEMBERS,
    # The secretariat's pages.
    ("admin.index", "GET"): ADMINS,
    ("admin.audit", "GET"): ADMINS,
    ("admin.bodies", "GET"): ADMINS,
    ("admin.bodies", "POST"): ADMINS,
    ("admin.edit_body", "GET"): ADMINS,
    ("admin.edit_body", "POST"): ADMINS,
    ("admin.groups", "GET"): ADMINS,
    ("admin.new_group", "GET"): ADMINS,
    ("admin.new_group", "POST"): ADMINS,
    ("admin.edit_group", "GET"): ADMINS,
    ("admin.edit_group", "POST"): ADMINS,
    ("admin.add_contact", "POST"): ADMINS,
    ("admin.edit_contact", "GET"): ADMINS,
    ("admin.edit_contact", "POST"): ADMINS,
    ("admin.remove_contact", "POST"): ADMINS,
    ("admin.users", "GET"): ADMINS,
    ("admin.new_user", "GET"): ADMINS,
    ("admin.new_user", "POST"): ADMINS,
    ("admin.user", "GET"): ADMINS,
    ("admin.set_active", "POST"): ADMINS,
    ("admin.grant_role", "POST"): ADMINS,
    ("admin.revoke_role", "POST"): ADMINS,
    ("review.model", "GET"): ADMINS,
    ("review.model", "POST"): ADMINS,
    # Work items of ITU-T/SG17: its people and admins change them; anyone with a role registers items.
    ("items.import_items", "GET"): MEMBERS,
    ("items.import_items", "POST"): MEMBERS,
    ("items.import_template_file", "GET"): MEMBERS,
    ("items.create", "GET"): MEMBERS,
    ("items.create", "POST"): MEMBERS,
    ("items.edit", "GET"): GROUP,
    ("items.edit", "POST"): GROUP,
    ("items.withdraw", "GET"): GROUP,
    ("items.withdraw", "POST"): GROUP,
    ("items.restore", "POST"): GROUP,
    ("items.add_link", "POST"): GROUP,
    ("items.remove_link", "POST"): GROUP,
    # The review of overlap alerts: chairs (of one of the alert's groups, for decisions) and admins.
    ("review.queue", "GET"): CHAIRS,
    ("review.alert", "GET"): CHAIRS,
    ("review.decide", "POST"): CHAIRS,
    ("review.reopen", "POST"): CHAIRS,
    ("review.bulk", "POST"): CHAIRS,
    # Liaison statements: the URL names a draft of ITU-T/SG17 unless routes.py says otherwise.
    ("statements.detail", "GET"): DRAFT_READ,
    ("statements.document", "GET"): DRAFT_READ,
    ("statements.printable", "GET"): DRAFT_READ,
    ("statements.attachment", "GET"): DRAFT_READ,
    ("statements.create", "GET"): MEMBERS,
    ("statements.create", "POST"): MEMBERS,
    ("statements.log_incoming", "GET"): MEMBERS,
    ("statements.log_incoming", "POST"): MEMBERS,
    ("statements.edit", "GET"): GROUP_DRAFT,
    ("statements.edit", "POST"): GROUP_DRAFT,
    ("statements.submit", "POST"): GROUP_DRAFT,
    ("statements.withdraw", "POST"): GROUP_DRAFT,
    ("statements.close", "POST"): GROUP_DRAFT,
    ("statements.send", "GET"): GROUP_DRAFT,
    ("statements.send", "POST"): GROUP_DRAFT,
    ("statements.remove", "POST"): GROUP_DRAFT,
    ("statements.action_taken", "POST"): GROUP_DRAFT,
    # Only a chair of the source group (or an admin) approves, or records an approval given elsewhere.
    ("statements.approve", "POST"): roles(LOGIN, HIDDEN, DENIED, OK, OK),
    ("statements.record_approval", "POST"): roles(LOGIN, HIDDEN, DENIED, OK, OK),
    # A sent statement's failed mail: its senders and admins queue it again.
    ("statements.retry", "POST"): GROUP,
    # The reply to a sent statement of ITU-T/SG17 comes from the groups it was sent to (ITU-D/SG2), or an admin.
    ("statements.reply", "GET"): roles(LOGIN, DENIED, DENIED, DENIED, OK),
    ("statements.reply", "POST"): roles(LOGIN, DENIED, DENIED, DENIED, OK),
    ("statements.draft_from_alert", "POST"): GROUP,
    # The JSON API: reads are open (each sees what they may), writes need a token.
    ("api.openapi_json", "GET"): PUBLIC,
    ("api.list_bodies", "GET"): PUBLIC,
    ("api.list_groups", "GET"): PUBLIC,
    ("api.get_group", "GET"): PUBLIC,
    ("api.list_work_items", "GET"): PUBLIC,
    ("api.get_item", "GET"): PUBLIC,
    ("api.item_history", "GET"): PUBLIC,
    ("api.item_links", "GET"): PUBLIC,
    ("api.item_similar", "GET"): PUBLIC,
    # A query sent as POST (the draft's text is too long for a URL); it changes nothing.
    ("api.similar", "POST"): PUBLIC,
    ("api.alerts", "GET"): PUBLIC,
    # An open alert is for people who log in; the public sees decided ones.
    ("api.alert", "GET"): roles(HIDDEN, OK, OK, OK, OK),
    ("api.list_statements", "GET"): PUBLIC,
    ("api.get_statement_view", "GET"): DRAFT_READ,
    ("api.statement_document", "GET"): PUBLIC,
    ("api.create_item", "POST"): API_GROUP,
    ("api.update_item", "PATCH"): API_GROUP,
    ("api.withdraw_item", "DELETE"): API_GROUP,
    ("api.link_item", "POST"): API_GROUP,
    ("api.decide_alert", "POST"): API_CHAIRS,
    ("api.reopen_alert", "POST"): API_CHAIRS,
    ("api.create_statement_view", "POST"): API_GROUP,
    ("api.update_statement_view", "PATCH"): API_GROUP_DRAFT,
    ("api.submit_statement", "POST"): API_GROUP_DRAFT,
    ("api.withdraw_statement", "POST"): API_GROUP_DRAFT,
    ("api.send_statement", "POST"): API_GROUP_DRAFT,
    ("api.approve_statement", "POST"): roles(UNAUTHORIZED, HIDDEN, DENIED, OK, OK),
}

#: Anonymous writes that may succeed: logging in and out, asking for a reset link, and a read sent as POST.
ANONYMOUS_WRITES = {
    ("auth.login", "POST"),
    ("auth.logout", "POST"),
    ("auth.forgot", "POST"),
    ("auth.reset", "POST"),
    ("api.similar", "POST"),
}

#: Bodies that get a write past validation to its permission check (otherwise all would answer 422).
BODIES: dict[tuple[str, str], Callable[[Fixtures], dict[str, Any]]] = {
    ("items.add_link", "POST"): lambda fx: {"link-target": "D.matrix-d", "link-type": "related"},
    ("review.decide", "POST"): lambda fx: {"decision": "related", "note": "", "version": fx.versions["alert"]},
    ("api.create_item", "POST"): lambda fx: {"reference": "X.matrix-new", "title": "New", "group": "ITU-T/SG17"},
    ("api.update_item", "PATCH"): lambda fx: {"title": "Changed title", "version": fx.versions["item"]},
    ("api.link_item", "POST"): lambda fx: {"target": "D.matrix-d", "type": "related"},
    ("api.decide_alert", "POST"): lambda fx: {"decision": "related", "version": fx.versions["alert"]},
    ("api.reopen_alert", "POST"): lambda fx: {"version": fx.versions["decided"]},
    ("api.create_statement_view", "POST"): lambda fx: ls_data(title="Created through the matrix"),
    ("api.update_statement_view", "PATCH"): lambda fx: {"title": "Changed", "version": fx.versions["statement"]},
    ("api.similar", "POST"): lambda fx: {"title": "Age assurance", "summary": "age verification"},
}


def answer_class(response: TestResponse) -> Any:
    """What kind of answer ``response`` is, in the table's terms."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308) and "/login" in (response.location or ""):
        return LOGIN
    if status in (DENIED, HIDDEN, UNAUTHORIZED):
        return status
    return OK if status < 500 else status


def matches(expected: Any, response: TestResponse) -> bool:
    if isinstance(expected, int) and expected not in (DENIED, HIDDEN, UNAUTHORIZED):
        return response.status_code == expected
    return answer_class(response) == expected


@pytest.fixture()
def fixtures(app: Flask, db, factory, world, monkeypatch) -> Fixtures:
    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 0)
    built = build_fixtures(db, factory, world, app.config["LIAISON_UPLOAD_DIR"])
    db.commit()
    return built


def test_every_route_has_an_expectation(app):
    found = {(rule.endpoint, method) for rule, method in routes(app)}
    missing = sorted(found - set(EXPECTED))
    assert not missing, f"routes nobody said who may use (add them to EXPECTED): {missing}"
    assert not sorted(set(EXPECTED) - found), "expectations for routes that no longer exist"
    assert set(BODIES) <= found and found >= ANONYMOUS_WRITES


def test_admin_pages_are_for_admins_only(app):
    for rule, method in routes(app):
        if rule.rule.startswith("/admin") or "/admin/" in rule.rule:
            assert EXPECTED[(rule.endpoint, method)] == ADMINS, f"{method} {rule.rule} is under /admin but not admins-only"


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_as_expected(app, db, fixtures, role):
    client = RoleClient(app, db.get_bind(), fixtures, role)
    wrong = []
    for rule, method in routes(app):
        key = (rule.endpoint, method)
        body = BODIES[key](fixtures) if key in BODIES else None
        response = client.call(rule, method, body)
        expected = EXPECTED[key][role]
        if response.status_code >= 500:
            wrong.append(f"{method} {rule.rule}: {response.status_code} (a server error)")
        elif not matches(expected, response):
            wrong.append(f"{method} {rule.rule}: expected {expected}, got {response.status_code} {response.location or ''}")
        elif role == "anonymous" and method in WRITES and key not in ANONYMOUS_WRITES and response.status_code < 300:
            wrong.append(f"{method} {rule.rule}: an anonymous write succeeded ({response.status_code})")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
