"""The workflow buttons of the statement page, per role: each POST runs its service, flashes the result, and a
refusal answers with the service's message and status (403, 404, 409, 422), never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from liaison.models import Delivery
from liaison.statements.operations import create_statement
from liaison.statements.workflow import submit_for_approval
from tests.statements.web.conftest import reload

#: The answer each role gets, and the state the statement is in afterwards.
LOGIN, SHOWN_GONE, REFUSED, DONE = "login", 404, 403, "done"


SENDERS = {"officer": "olga@sg17.example", "chair": "chen@sg17.example", "admin": "ada@itu.example"}


def _outcome(response):
    if response.status_code == 302:
        return LOGIN if "/login" in response.headers["Location"] else DONE
    return response.status_code


def _post(client, path, data=None):
    return _outcome(client.post(path, data=data or {}))


@pytest.mark.parametrize(
    ("role", "outcome"),
    [(None, LOGIN), ("stranger", SHOWN_GONE), ("officer", DONE), ("chair", DONE), ("admin", DONE)],
)
def test_submitting_a_draft(db, as_user, statements, role, outcome):
    ls = statements.draft
    assert _post(as_user(role), f"/statements/{ls.id}/submit", {"version": str(ls.version)}) == outcome
    assert reload(db, ls).state == ("pending_approval" if outcome == DONE else "draft")


@pytest.mark.parametrize(
    ("role", "outcome"),
    [(None, LOGIN), ("stranger", SHOWN_GONE), ("officer", REFUSED), ("chair", DONE), ("admin", DONE)],
)
def test_approving(db, as_user, statements, role, outcome):
    ls = statements.pending
    client = as_user(role)
    response = client.post(f"/statements/{ls.id}/approve")
    assert _outcome(response) == outcome
    if outcome == REFUSED:
        assert "only a chair of the source group" in response.get_data(as_text=True)
    assert reload(db, ls).state == ("approved" if outcome == DONE else "pending_approval")


@pytest.mark.parametrize(
    ("role", "outcome"),
    [(None, LOGIN), ("stranger", SHOWN_GONE), ("officer", DONE), ("chair", DONE), ("admin", DONE)],
)
def test_sending_numbers_the_statement_and_queues_a_delivery_per_address(db, as_user, statements, role, outcome):
    ls = statements.approved
    assert _post(as_user(role), f"/statements/{ls.id}/send", {"confirmed": "yes"}) == outcome
    sent = reload(db, ls)
    assert (sent.state == "sent") == (outcome == DONE)
    deliveries = db.scalars(select(Delivery).where(Delivery.statement_id == ls.id)).all()
    if outcome == DONE:
        assert sent.reference.startswith("SG17-LS")
        assert {d.status for d in deliveries} == {"queued"}
        assert {d.address for d in deliveries if d.role == "to"} == {
            "rita@sg2.example", "victor@sg2.example", "liaisons@ietf.example"}
        assert {d.address for d in deliveries if d.role == "cc"} == {SENDERS[role], "tsbsg17@itu.example"}
    else:
        assert deliveries == []


def test_send_now_asks_for_confirmation_first(db, as_user, statements):
    ls = statements.approved
    client = as_user("officer")
    page = client.get(f"/statements/{ls.id}")
    assert f'href="/statements/{ls.id}/send"' in page.get_data(as_text=True)  # a link to the question, not a POST
    for response in (client.get(f"/statements/{ls.id}/send"), client.post(f"/statements/{ls.id}/send")):
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Send this statement?" in html and "Sending cannot be undone" in html
        assert "rita@sg2.example, victor@sg2.example" in html and "liaisons@ietf.example" in html
        assert 'name="confirmed" value="yes"' in html
    assert reload(db, ls).state == "approved"
    assert db.scalars(select(Delivery).where(Delivery.statement_id == ls.id)).all() == []
    # A statement that is not approved has nothing to confirm: its page says why.
    refused = client.get(f"/statements/{statements.draft.id}/send")
    assert refused.status_code == 409 and "cannot be sent now" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "outcome"),
    [(None, LOGIN), ("stranger", SHOWN_GONE), ("officer", DONE), ("chair", DONE), ("admin", DONE)],
)
def test_withdrawing(db, as_user, statements, role, outcome):
    ls = statements.approved
    assert _post(as_user(role), f"/statements/{ls.id}/withdraw") == outcome
    assert reload(db, ls).state == ("withdrawn" if outcome == DONE else "approved")


@pytest.mark.parametrize(
    ("role", "outcome"),
    [
        (None, LOGIN),
        ("stranger", REFUSED),
        ("sg2_officer", REFUSED),
        ("officer", DONE),
        ("chair", DONE),
        ("admin", DONE),
    ],
)
def test_closing_a_sent_statement(db, as_user, statements, role, outcome):
    ls = statements.sent
    assert _post(as_user(role), f"/statements/{ls.id}/close") == outcome
    assert reload(db, ls).state == ("closed" if outcome == DONE else "sent")


@pytest.mark.parametrize(
    ("role", "outcome"),
    [(None, LOGIN), ("stranger", REFUSED), ("sg2_officer", DONE), ("officer", DONE), ("admin", DONE)],
)
def test_marking_the_action_of_a_recipient_taken(db, as_user, statements, role, outcome):
    ls = statements.sent
    sg2 = ls.recipients[0]
    assert _post(as_user(role), f"/statements/{ls.id}/recipients/{sg2.id}/action-taken", {"note": "Agreed"}) == outcome
    taken = reload(db, ls).recipients[0]
    assert (taken.action_taken_at is not None) == (outcome == DONE)
    if outcome == DONE:
        assert taken.action_note == "Agreed"


def test_a_transition_refused_by_its_state_is_409_with_the_services_message(as_user, statements):
    response = as_user("officer").post(f"/statements/{statements.sent.id}/withdraw")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "cannot be withdrawn; close it instead" in html
    assert "SG17-LS" in html  # the statement's own page, not a bare error page


def test_a_stale_button_is_409(db, as_user, statements, world):
    ls = statements.draft
    stale = str(ls.version)
    submit_for_approval(db, world.chair, ls)
    response = as_user("officer").post(f"/statements/{ls.id}/withdraw", data={"version": stale})
    assert response.status_code == 409
    assert "changed by someone else" in response.get_data(as_text=True)
    assert reload(db, ls).state == "pending_approval"


def test_submitting_an_incomplete_draft_lists_what_is_missing(db, as_user, world):
    ls = create_statement(db, world.officer, {"title": "Bare", "source_group": "ITU-T/SG17"})
    response = as_user("officer").post(f"/statements/{ls.id}/submit")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "an abstract is required" in html and "add at least one recipient" in html
    assert "Edit the statement" in html


def test_recording_an_approval_obtained_at_a_meeting(db, as_user, statements):
    ls = statements.draft
    refused = as_user("officer").post(
        f"/statements/{ls.id}/record-approval", data={"evidence": "We said so", "version": str(ls.version)}
    )
    assert refused.status_code == 403 and reload(db, ls).state == "draft"
    assert "Record an approval" not in as_user("officer").get(f"/statements/{ls.id}").get_data(as_text=True)
    officer = as_user("chair")
    missing = officer.post(f"/statements/{ls.id}/record-approval", data={"evidence": " ", "version": str(ls.version)})
    assert missing.status_code == 422
    assert "say where and when it was approved" in missing.get_data(as_text=True)
    bad_date = officer.post(
        f"/statements/{ls.id}/record-approval", data={"evidence": "SG17 plenary", "approved_on": "soon"}
    )
    assert bad_date.status_code == 422
    assert "is not a date" in bad_date.get_data(as_text=True)
    done = officer.post(
        f"/statements/{ls.id}/record-approval",
        data={
            "evidence": "Approved by the SG17 plenary, TD 123",
            "approved_on": "2026-01-29",
            "version": str(ls.version),
        },
    )
    assert done.status_code == 302
    approved = reload(db, ls)
    assert (approved.state, approved.approval_evidence) == ("approved", "Approved by the SG17 plenary, TD 123")
    assert approved.approved_at.date().isoformat() == "2026-01-29"
    page = officer.get(f"/statements/{ls.id}").get_data(as_text=True)
    assert "Recorded approval: Approved by the SG17 plenary, TD 123 (" in page and "recorded by Chen Chair)" in page


@pytest.mark.parametrize(
    ("role", "status", "outcome"),
    [
        ("officer", "failed", DONE),
        ("stranger", "failed", REFUSED),
        ("officer", "uncertain", REFUSED),
        ("admin", "uncertain", DONE),
        ("officer", "sent", 409),
    ],
)
def test_retrying_a_delivery(db, as_user, statements, role, status, outcome):
    delivery = db.scalars(select(Delivery).where(Delivery.statement_id == statements.sent.id)).first()
    delivery.status, delivery.attempts, delivery.last_error = status, 3, "550 mailbox unavailable"
    db.flush()
    client = as_user(role)
    if role == "officer" and status == "failed":
        assert "Retry now" in client.get(f"/statements/{statements.sent.id}").get_data(as_text=True)
    assert _post(client, f"/statements/{statements.sent.id}/deliveries/{delivery.id}/retry") == outcome
    db.expire_all()
    assert (db.get(Delivery, delivery.id).status == "queued") == (outcome == DONE)


def test_the_buttons_shown_are_the_steps_allowed(as_user, statements):
    draft = as_user("chair").get(f"/statements/{statements.draft.id}").get_data(as_text=True)
    assert "Submit for approval" in draft and "Record an approval already obtained" in draft
    assert ">Approve<" not in draft
    pending = as_user("chair").get(f"/statements/{statements.pending.id}").get_data(as_text=True)
    assert ">Approve<" in pending
    public = as_user(None).get(f"/statements/{statements.sent.id}").get_data(as_text=True)
    assert "/close" not in public and "Mark action taken" not in public and "csrf_token" not in public


def test_buttons_need_the_csrf_token(app, monkeypatch, as_user, statements):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = as_user("officer").post(f"/statements/{statements.draft.id}/submit")
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)


def test_a_statement_id_out_of_range_is_not_found(as_user):
    assert as_user("officer").post("/statements/99999999999/submit").status_code == 404
    assert as_user("officer").get("/statements/99999999999").status_code == 404


def test_a_withdrawn_statement_is_hidden_from_people_outside_its_group(as_user, statements, world):
    assert as_user("sg2_officer").get(f"/statements/{statements.withdrawn.id}").status_code == 404
    assert as_user("officer").get(f"/statements/{statements.withdrawn.id}").status_code == 200
