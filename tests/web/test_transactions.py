"""One transaction per request and per command: committed or rolled back in one place, and a write
that loses a race to another writer answers the same 409 on every door."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

import liaison
from liaison import db as db_module
from liaison.db import CONFLICT_MESSAGE, WRITES_OPTION, database, get_session
from liaison.models import WorkItem
from tests.factories import login

PACKAGE = Path(liaison.__file__).parent
#: The only modules that commit: the database, the request's and the command's runners, and the outbox worker.
COMMITTERS = {"db.py", "web/transaction.py", "cli/common.py", "mail/sender.py"}


@contextmanager
def taken_at_the_last_moment(app: Any, other: WorkItem, reference: str) -> Iterator[None]:
    """Another writer takes ``reference`` between the app's check that it is free and its INSERT.

    Right before the app flushes a new item with that reference, ``other`` is renamed to it on the
    same connection: the INSERT then breaks the unique constraint, as a concurrent commit would.
    """

    def rename(session: Session, *_args: Any) -> None:
        if any(isinstance(obj, WorkItem) and obj.reference == reference for obj in session.new):
            session.connection().execute(
                update(WorkItem.__table__).where(WorkItem.__table__.c.id == other.id).values(reference=reference)
            )

    sessions = database(app).sessionmaker
    event.listen(sessions, "before_flush", rename)
    try:
        yield
    finally:
        event.remove(sessions, "before_flush", rename)


def _references(db: Session, reference: str) -> list[int]:
    return list(db.scalars(select(WorkItem.id).where(WorkItem.reference == reference)))


def test_a_race_on_a_taken_reference_through_the_form_is_a_409_page(app, client, factory, db):
    officer = factory.user("race@example.org", officer_of=("ITU-T/SG17",))
    other = factory.item("X.other")
    login(client, officer)
    form = {"reference": "X.race", "title": "Raced", "type": "recommendation", "status": "proposed",
            "group": "ITU-T/SG17", "language": "en", "save_anyway": "1"}
    with taken_at_the_last_moment(app, other, "X.race"):
        response = client.post("/items/new", data=form)
    assert response.status_code == 409
    assert CONFLICT_MESSAGE in response.get_data(as_text=True)
    db.expire_all()
    assert _references(db, "X.race") == [], "the rename of the other writer was rolled back with the request"
    # Nothing of the failed request lingers: the next one works as usual.
    assert client.get("/items/").status_code == 200
    assert client.post("/items/new", data=form).status_code == 302
    assert len(_references(db, "X.race")) == 1


def test_the_same_race_through_the_api_has_the_same_message(app, client, factory, db):
    officer = factory.user("api-race@example.org", officer_of=("ITU-T/SG17",))
    other = factory.item("X.other-api")
    headers = factory.token(officer)
    body = {"reference": "X.race-api", "title": "Raced", "group": "ITU-T/SG17"}
    with taken_at_the_last_moment(app, other, "X.race-api"):
        response = client.post("/api/v1/work-items", json=body, headers=headers)
    assert response.status_code == 409
    assert response.get_json()["detail"] == CONFLICT_MESSAGE


def test_a_refused_request_keeps_nothing_it_changed(client, factory, db):
    """A 4xx answer rolls back even what the view wrote before it refused (here: nothing half-linked)."""
    officer = factory.user("refused@example.org", officer_of=("ITU-T/SG17",))
    item = factory.item("X.refused")
    login(client, officer)
    response = client.post(f"/items/{item.id}/edit", data={"reference": "", "title": "", "version": "1"})
    assert response.status_code == 422
    db.expire_all()
    assert db.get(WorkItem, item.id).version == 1


def test_sessions_of_writing_requests_take_the_write_lock_first(app):
    with app.test_request_context("/items/new", method="POST"):
        app.preprocess_request()
        writer = get_session().connection()
    with app.test_request_context("/items/"):
        app.preprocess_request()
        reader = get_session().connection()
    assert writer.get_execution_options().get(WRITES_OPTION) is True
    assert WRITES_OPTION not in reader.get_execution_options()


def test_only_the_request_the_command_and_the_outbox_worker_commit():
    committing = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "commit(" in path.read_text(encoding="utf-8").replace("never ``commit()``", "")
    }
    assert committing <= COMMITTERS, committing - COMMITTERS


def test_the_database_module_does_not_read_the_request():
    tree = ast.parse(Path(db_module.__file__).read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert not names & {"request", "has_request_context"}
