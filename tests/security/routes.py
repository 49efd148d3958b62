"""Requesting every route of the app as one role: the objects that fill the URLs, and the calls themselves.

Shared by the role matrix and the XSS crawl. Each request runs inside a SAVEPOINT that is rolled back
afterwards, so that one route's POST (deactivating a user, withdrawing an item...) never changes what
the next route sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from liaison.items.operations import link_items
from liaison.models import ApiToken, ItemLink, Membership
from liaison.organisation import operations as organisation
from liaison.overlaps import review
from liaison.statements.attachments import add_attachment
from liaison.statements.operations import create_statement
from tests.factories import Factory, login
from tests.statements.helpers import alert_between, ls_data, sent_statement

ROLES = ("anonymous", "stranger", "officer", "chair", "admin")
#: Methods a route answers that say nothing about who may use it.
IGNORED_METHODS = {"HEAD", "OPTIONS"}
CWG = "ITU Council/CWG-COP"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@dataclass
class Fixtures:
    """Ids of objects around ITU-T/SG17 (the officer's and chair's group), by URL argument name."""

    values: dict[str, Any]
    #: Per endpoint, values that replace the defaults (e.g. a sent statement where a draft would not do).
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    #: Versions of the objects, for bodies that must name the version they change.
    versions: dict[str, int] = field(default_factory=dict)

    def url_values(self, rule: Rule) -> dict[str, Any]:
        """The arguments of ``rule``, filled in; a rule with an argument nobody planned for fails here."""
        values = self.values | self.overrides.get(rule.endpoint, {})
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.rule}: no fixture value for {sorted(missing)}; add one to tests/security/routes.py"
        return {name: values[name] for name in rule.arguments}


def build_fixtures(
    db: Session, factory: Factory, world: SimpleNamespace, upload_dir: str, text: Callable[[str], str] = str
) -> Fixtures:
    """An item of SG17 linked to one of ITU-D/SG2 with an alert between them, a decided alert, a draft
    statement with an attachment, a sent statement with its mail, a contact, roles and API tokens.

    Every text a person could have typed goes through ``text`` (the XSS tests add their payloads there).
    """
    for person in (world.officer, world.chair, world.stranger, world.admin, world.sg2_officer):
        person.name = text(person.name)
    sg17 = world.sg17
    organisation.update_group(db, None, sg17, {
        "code": sg17.code, "name": text("Security study group"), "kind": sg17.kind, "body_id": sg17.body_id,
        "parent_id": sg17.parent_id, "mandate": text("Child online protection and security"), "url": sg17.url,
    })
    contact = organisation.add_contact(db, None, sg17, {
        "name": text("Mia Matrix"), "role": text("Liaison officer"), "organization": text("ITU"), "email": "mia@itu.example",
    })

    def item_fields(title: str) -> dict[str, Any]:
        return {
            "title": text(title),
            "summary": text("Scope: how services check a user's age."),
            "question": text("Q6/17"),
            "editors": [{"name": text("Eda Editor"), "affiliation": text("ITU"), "email": "eda@itu.example"}],
            "keywords": [text("age assurance")],
            "equivalents": [text("ISO/IEC 27566")],
            "base_text": text("TD 1234"),
        }

    item = factory.item("X.matrix-a", group="ITU-T/SG17", actor=world.officer, **item_fields("Age assurance for online services"))
    other = factory.item("D.matrix-b", group="ITU-D/SG2", actor=world.sg2_officer, **item_fields("Age verification online"))
    alert = alert_between(db, item, other)
    decided = alert_between(db, factory.item("X.matrix-c", group="ITU-T/SG17", actor=world.officer, **item_fields("Age checks")), other)
    review.decide_alert(db, world.chair, decided, "related", text("decided for the matrix"), decided.version, coordination_group=CWG)
    factory.item("D.matrix-d", group="ITU-D/SG2", actor=world.sg2_officer, title="Another item to link to")
    link_items(db, world.officer, item, other, "related", text("same topic"))
    link = db.scalar(select(ItemLink).where(ItemLink.source_id == item.id, ItemLink.target_id == other.id))

    def statement(title: str) -> dict[str, Any]:
        data = ls_data(title=text(title), abstract=text("What we ask."), body=text("The body of the statement."))
        data["meeting_place"] = text(data["meeting_place"])
        data["recipients"][1]["name"] = text(data["recipients"][1]["name"])
        data["contacts"][0] |= {"name": text("Olga Officer"), "organization": text("ITU"), "country": text("Switzerland")}
        return data

    draft = create_statement(db, world.officer, statement("Draft for the matrix"))
    attachment = add_attachment(
        db, world.officer, draft, upload_dir, filename="annex.pdf", data=PDF, title=text("Annex"), expected_version=draft.version
    )
    sent = sent_statement(db, world, upload_dir, **statement("Sent for the matrix"))
    delivery = sent.deliveries[0]
    delivery.status = "failed"
    membership = db.scalar(select(Membership).where(Membership.user_id == world.officer.id))
    people = {"stranger": world.stranger, "officer": world.officer, "chair": world.chair, "admin": world.admin}
    tokens = {role: factory.token(user)["Authorization"] for role, user in people.items()}
    officer_token = db.scalar(select(ApiToken).where(ApiToken.user_id == world.officer.id))
    db.flush()
    return Fixtures(
        values={
            "item_id": item.id,
            "fmt": "csv",
            "link_id": link.id,
            "alert_id": alert.id,
            "statement_id": draft.id,
            "attachment_id": attachment.id,
            "recipient_id": draft.recipients[0].id,
            "delivery_id": delivery.id,
            "body_id": world.sg17.body_id,
            "group_id": world.sg17.id,
            "contact_id": contact.id,
            "user_id": world.officer.id,
            "membership_id": membership.id,
            "token_id": officer_token.id,
            "code": world.sg17.code,
            "filename": "app.css",
            "token": "not-a-real-reset-token",
        },
        versions={"alert": alert.version, "decided": decided.version, "item": item.version, "statement": draft.version},
        overrides={
            "bootstrap.static": {"filename": "css/bootstrap.min.css"},
            "public.overlap": {"alert_id": decided.id},
            "api.reopen_alert": {"alert_id": decided.id},
            "review.reopen": {"alert_id": decided.id},
            "statements.retry": {"statement_id": sent.id},
            "statements.reply": {"statement_id": sent.id},
            "api.statement_document": {"statement_id": sent.id},
        },
        tokens=tokens,
        users={role: user.id for role, user in people.items()},
    )


def routes(app: Flask) -> list[tuple[Rule, str]]:
    """Every (rule, method) of the app, in a stable order."""
    found = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - IGNORED_METHODS)
    ]
    return sorted(found, key=lambda pair: (pair[0].rule, pair[1]))


class RoleClient:
    """Calls routes as one role: a logged-in browser for pages, its bearer token for the API."""

    def __init__(self, app: Flask, connection: Connection, fixtures: Fixtures, role: str) -> None:
        self.app = app
        self.connection = connection
        self.fixtures = fixtures
        self.role = role

    def browser(self) -> FlaskClient:
        """A browser with this role's fresh session (a route such as logout must not change the next one's)."""
        client = self.app.test_client()
        if self.role != "anonymous":
            login(client, SimpleNamespace(id=self.fixtures.users[self.role]))  # type: ignore[arg-type]
        return client

    def call(self, rule: Rule, method: str, body: dict[str, Any] | None = None) -> TestResponse:
        """One request to ``rule`` with ``method`` and ``body`` (JSON for the API, a form otherwise), undone afterwards."""
        with self.app.test_request_context():
            url = url_for(rule.endpoint, **self.fixtures.url_values(rule))
        headers = {}
        kwargs: dict[str, Any] = {}
        if url.startswith("/api/"):
            if self.role != "anonymous":
                headers["Authorization"] = self.fixtures.tokens[self.role]
            if method in ("POST", "PATCH", "PUT"):
                kwargs["json"] = body or {}
        elif body is not None:
            kwargs["data"] = body
        savepoint = self.connection.begin_nested()
        try:
            return self.browser().open(url, method=method, headers=headers, buffered=True, **kwargs)
        finally:
            # A streamed export reads with the request's session after the request's teardown closed
            # it, so that session's SAVEPOINT stays open: undo it along with ours.
            while (nested := self.connection.get_nested_transaction()) is not savepoint:
                assert nested is not None
                nested.rollback()
            savepoint.rollback()
