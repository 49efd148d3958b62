"""What a typed-in statement may set off: replies close only the actions their writer may close, incoming
statements mail only the logger's groups (unless an admin logged them), show who logged them, and cannot be
dated long before they were logged without an admin."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core.errors import PermissionDenied, ValidationError
from liaison.models import LiaisonStatement, OutboxMessage, User, utcnow
from liaison.organisation import operations as organisation
from liaison.statements.operations import create_statement, statement_as_dict, update_statement
from liaison.statements.reminders import send_reminders
from tests.factories import Factory
from tests.statements.helpers import in_days, ls_data, sent_statement
from tests.web.api.helpers import ApiClient, assert_problem


def _mail(db: Session, kind: str) -> list[OutboxMessage]:
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def _incoming(**overrides: Any) -> dict[str, Any]:
    """An incoming statement from ITU-D/SG2, as someone logs it."""
    return ls_data(
        direction="incoming", source_group="ITU-D/SG2", title="SG2 answers", approval_level="",
        recipients=[{"group": "ITU-T/SG20", "purpose": "information"}], sent_at=in_days(-2),
    ) | overrides


@pytest.fixture()
def api(app: Flask, client: FlaskClient) -> ApiClient:
    return ApiClient(app, client)


@pytest.fixture()
def original(db: Session, world: SimpleNamespace, upload_dir: str) -> LiaisonStatement:
    """SG17's sent statement, for action to ITU-D/SG2 and to ITU-T/SG20."""
    organisation.add_contact(db, None, Factory(db).group("ITU-T/SG20"), {"name": "Sue SG20", "email": "tsbsg20@itu.example"})
    recipients = [
        {"group": "ITU-D/SG2", "purpose": "action", "deadline": in_days(30)},
        {"group": "ITU-T/SG20", "purpose": "action", "deadline": in_days(30)},
    ]
    return sent_statement(db, world, upload_dir, recipients=recipients)


# --- item 4: forged replies -------------------------------------------------------------------------


def test_a_third_party_cannot_log_a_reply_that_closes_another_groups_action(db, world, original):
    third = _third_party(db, world)
    for forged in (_incoming(in_reply_to=original.id, recipients=[{"group": "ITU-T/SG16", "purpose": "information"}]),
                   ls_data(source_group="ITU-T/SG16", in_reply_to=original.id)):
        with pytest.raises(PermissionDenied, match="may answer it"):
            create_statement(db, third, forged)
    logged = create_statement(db, third, _incoming(recipients=[{"group": "ITU-T/SG16", "purpose": "information"}]))
    with pytest.raises(PermissionDenied):
        update_statement(db, third, logged, {"in_reply_to": original.id}, logged.version)
    assert original.state == "sent" and all(r.action_taken_at is None for r in original.recipients)


def test_a_typed_in_source_group_closes_only_the_loggers_own_action(db, world, original):
    """An officer of SG2 (a recipient) logs an answer "from SG20": SG20's action stays open."""
    sg2_officer: User = world.sg2_officer
    create_statement(
        db, sg2_officer,
        _incoming(source_group="ITU-T/SG20", in_reply_to=original.id,
                  recipients=[{"group": "ITU-D/SG2", "purpose": "information"}]),
    )
    assert [r.action_taken_at for r in original.recipients] == [None, None]
    assert original.state == "sent"


def test_the_recipients_and_the_sender_still_record_real_answers(db, world, original, upload_dir):
    sg20_officer = world.stranger
    create_statement(
        db, sg20_officer,
        _incoming(source_group="ITU-D/SG2", in_reply_to=original.id,
                  recipients=[{"group": "ITU-T/SG20", "purpose": "information"}]),
    )
    assert [r.action_taken_at is None for r in original.recipients] == [True, True], "SG20 may not close SG2's"
    create_statement(
        db, world.officer,
        _incoming(source_group="ITU-D/SG2", in_reply_to=original.id,
                  recipients=[{"group": "ITU-T/SG17", "purpose": "information"}]),
    )
    assert original.recipients[0].action_taken_at is not None, "the sender records the answer it received"
    assert original.recipients[1].action_taken_at is None and original.state == "answered"


def test_the_api_refuses_a_forged_reply(api: ApiClient, db, factory, world, original):
    third = _third_party(db, world)
    body = _incoming(in_reply_to=original.id, recipients=[{"group": "ITU-T/SG16", "purpose": "information"}])
    assert_problem(api.post("/liaison-statements", headers=factory.token(third), json=body), 403)
    db.expire_all()
    assert db.get(LiaisonStatement, original.id).state == "sent"


def _third_party(db: Session, world: SimpleNamespace) -> User:
    """An officer of ITU-T/SG16, which the original was not addressed to."""
    factory = Factory(db)
    factory.group("ITU-T/SG16")
    return factory.user("tess@sg16.example", name="Tess Third", officer_of=("ITU-T/SG16",))


# --- item 5: spoofed incoming statements -----------------------------------------------------------


def test_an_incoming_statement_mails_only_the_loggers_groups(db, world):
    spoof = _incoming(
        source_group=None, source_text="ITU Secretary-General",
        recipients=[{"group": "ITU-T/SG20", "purpose": "action", "deadline": in_days(14)},
                    {"group": "ITU-D/SG2", "purpose": "action", "deadline": in_days(14)}],
    )
    ls = create_statement(db, world.stranger, spoof)
    assert [sorted(d.address for d in m.deliveries) for m in _mail(db, "ls_action")] == [["sten@sg20.example"]]
    reminded = send_reminders(db, utcnow().date() + dt.timedelta(days=7))
    assert [r.recipient_id for r in reminded] == [ls.recipients[0].id], "no reminder to SG2 either"

    create_statement(db, world.admin, spoof | {"title": "Logged by the secretariat"})
    assert sorted(d.address for d in _mail(db, "ls_action")[-1].deliveries) == ["carla@sg2.example", "omar@sg2.example"]


def test_an_incoming_statement_says_who_logged_it(db, client, world):
    ls = create_statement(db, world.stranger, _incoming())
    assert statement_as_dict(ls)["logged_by"] == {"id": world.stranger.id, "name": "Sten Stranger"}
    page = client.get(f"/statements/{ls.id}").get_data(as_text=True)
    assert "Logged by</dt>" in page and "Sten Stranger" in page
    assert statement_as_dict(create_statement(db, world.officer, ls_data()))["logged_by"] is None


def test_an_incoming_statement_cannot_be_backdated_without_an_admin(db, world):
    with pytest.raises(ValidationError) as refused:
        create_statement(db, world.stranger, _incoming(sent_at=in_days(-31)))
    assert "ask an admin" in refused.value.errors["sent_at"]
    ls = create_statement(db, world.stranger, _incoming(sent_at=in_days(-29)))
    with pytest.raises(ValidationError):
        update_statement(db, world.stranger, ls, {"sent_at": "2020-01-01"}, ls.version)
    assert create_statement(db, world.stranger, _incoming(sent_at=in_days(-59)), backdate_days=60).state == "received"
    old = create_statement(db, world.admin, _incoming(sent_at="2020-01-01"))
    assert old.sent_at.date() == dt.date(2020, 1, 1)


def test_the_window_is_a_setting_of_the_api_and_the_form(app: Flask, api: ApiClient, client, factory, world, monkeypatch):
    token = factory.token(world.stranger)
    problem = assert_problem(api.post("/liaison-statements", headers=token, json=_incoming(sent_at=in_days(-40))), 422)
    assert "sent_at" in problem["errors"]
    monkeypatch.setitem(app.config, "LIAISON_INCOMING_BACKDATE_DAYS", 60)
    assert api.post("/liaison-statements", headers=token, json=_incoming(sent_at=in_days(-40))).status_code == 201
