"""Fixtures of the statement pages and API: the statement tests' world of groups and people, and the app's
own upload directory (pages and API store attachments where the app is configured to)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from liaison.models import LiaisonStatement
from liaison.statements.operations import create_statement
from liaison.statements.workflow import submit_for_approval, withdraw_statement
from tests.factories import login
from tests.statements.helpers import approved_statement, ls_data, sent_statement


@pytest.fixture()
def upload_dir(app: Flask) -> str:
    return app.config["LIAISON_UPLOAD_DIR"]


@pytest.fixture()
def as_user(client: FlaskClient, world: SimpleNamespace):
    """The client logged in as one of the world's people, by role name (``None``: logged out)."""

    def log_in(role: str | None) -> FlaskClient:
        if role is None:
            with client.session_transaction() as session:
                session.clear()
        else:
            login(client, getattr(world, role))
        return client

    return log_in


@pytest.fixture()
def statements(db: Session, world: SimpleNamespace, upload_dir: str) -> SimpleNamespace:
    """One statement in each state that matters to the pages, all from ITU-T/SG17 to ITU-D/SG2."""
    draft = create_statement(db, world.officer, ls_data(title="Draft on grooming"))
    pending = create_statement(db, world.officer, ls_data(title="Pending on hotlines"))
    submit_for_approval(db, world.officer, pending)
    approved = approved_statement(db, world, title="Approved on reporting")
    withdrawn = create_statement(db, world.officer, ls_data(title="Withdrawn on filters"))
    withdraw_statement(db, world.officer, withdrawn)
    sent = sent_statement(db, world, upload_dir, title="Sent on age assurance")
    return SimpleNamespace(draft=draft, pending=pending, approved=approved, withdrawn=withdrawn, sent=sent)


def reload(db: Session, ls: LiaisonStatement) -> LiaisonStatement:
    """``ls`` as the database now holds it (a view committed in its own session)."""
    db.expire_all()
    return db.get(LiaisonStatement, ls.id)
