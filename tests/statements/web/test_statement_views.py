"""The rules the statement pages ask without HTTP: the steps a person may take now, the tabs worth showing,
lookups by what people type, the feed's query, what the API hides, and retrying a statement's mail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from liaison.core.errors import NotFound, PermissionDenied
from liaison.models import Delivery
from liaison.organisation import operations as organisation
from liaison.organisation.operations import group_by_code
from liaison.statements.presentation import (
    find_statement,
    open_actions_for,
    retry_statement_delivery,
    sent_statements,
    statement_actions,
    statement_as_dict_for,
    tabs_for,
    work_item_ids,
)
from tests.statements.helpers import sent_statement

STEPS = ("edit", "submit", "approve", "record_approval", "send", "withdraw", "close", "reply")


def _steps(actions) -> set[str]:
    return {step for step in STEPS if getattr(actions, step)}


@pytest.mark.parametrize(
    ("state", "role", "steps"),
    [
        ("draft", "officer", {"edit", "submit", "withdraw"}),
        ("draft", "chair", {"edit", "submit", "record_approval", "withdraw"}),
        ("draft", "stranger", set()),
        ("draft", None, set()),
        ("pending", "officer", {"edit", "withdraw"}),
        ("pending", "chair", {"edit", "approve", "record_approval", "withdraw"}),
        ("approved", "officer", {"edit", "send", "withdraw"}),
        ("sent", "officer", {"close"}),
        ("sent", "sg2_officer", {"reply"}),
        ("sent", "admin", {"close", "reply"}),
        ("sent", "stranger", set()),
        ("withdrawn", "officer", set()),
    ],
)
def test_the_steps_offered_follow_the_state_and_the_role(statements, world, state, role, steps):
    viewer = getattr(world, role) if role else None
    assert _steps(statement_actions(viewer, getattr(statements, state))) == steps


def test_only_those_who_handle_a_statement_see_its_mail(statements, world):
    assert statement_actions(world.officer, statements.sent).see_deliveries
    assert not statement_actions(world.sg2_officer, statements.sent).see_deliveries
    assert statement_as_dict_for(world.officer, statements.sent)["deliveries"]
    assert statement_as_dict_for(None, statements.sent)["deliveries"] == []
    assert statement_as_dict_for(world.sg2_officer, statements.sent)["deliveries"] == []


def test_open_actions_are_those_the_viewer_may_mark(statements, world):
    sg2 = statements.sent.recipients[0]
    assert open_actions_for(world.sg2_officer, statements.sent) == {sg2.id}
    assert open_actions_for(world.stranger, statements.sent) == set()
    assert open_actions_for(world.officer, statements.draft) == set()


def test_tabs_worth_showing(world, factory):
    assert tabs_for(None) == ("all", "sent", "incoming", "overdue")
    assert "pending" not in tabs_for(world.officer) and "drafts" in tabs_for(world.officer)
    assert "pending" in tabs_for(world.chair)
    assert tabs_for(factory.user(name="No role")) == ("all", "sent", "incoming", "overdue")
    assert "pending" in tabs_for(world.admin)


def test_finding_a_statement_as_people_write_it(db, statements, world):
    sent = statements.sent
    assert find_statement(db, world.officer, sent.reference.lower()) is sent
    assert find_statement(db, world.officer, f"#{sent.id}") is sent
    assert find_statement(db, world.officer, str(sent.id)) is sent
    assert find_statement(db, None, f"#{statements.draft.id}") is None  # a draft is not public
    assert find_statement(db, world.officer, "LS/1999/0001") is None
    assert find_statement(db, world.officer, "99999999999") is None


def test_work_items_by_reference(db, factory):
    a, b = factory.item("X.a"), factory.item("X.b")
    assert work_item_ids(db, ["X.b", "X.nope", "X.a", "X.b"]) == ([b.id, a.id], ["X.nope"])


def test_the_feed_holds_sent_statements_from_or_to_a_group_and_its_sub_groups(
    db, statements, factory, world, upload_dir
):
    q3 = factory.group("ITU-D/SG2/Q3")
    organisation.add_contact(db, None, q3, {"name": "Quentin", "email": "q3@sg2.example"})
    recipients = [{"group": q3.code, "purpose": "information"}]
    sent_statement(db, world, upload_dir, title="To Question 3", recipients=recipients)
    assert [ls.title for ls in sent_statements(db)] == ["To Question 3", "Sent on age assurance"]
    assert [ls.title for ls in sent_statements(db, group_by_code(db, "ITU-D/SG2"))] == [
        "To Question 3", "Sent on age assurance"]
    assert [ls.title for ls in sent_statements(db, q3)] == ["To Question 3"]
    assert sent_statements(db, group_by_code(db, "ITU-T/SG20")) == []
    with pytest.raises(NotFound):
        group_by_code(db, "ITU-X/SG99")


def _delivery(db, statements, status):
    delivery = db.scalars(select(Delivery).where(Delivery.statement_id == statements.sent.id)).first()
    delivery.status = status
    db.flush()
    return delivery


def test_officers_retry_failed_mail_of_their_statements(db, statements, world):
    delivery = _delivery(db, statements, "failed")
    with pytest.raises(PermissionDenied):
        retry_statement_delivery(db, world.sg2_officer, statements.sent, delivery.id)
    retry_statement_delivery(db, world.officer, statements.sent, delivery.id)
    assert (delivery.status, delivery.attempts) == ("queued", 0)
    with pytest.raises(NotFound):
        retry_statement_delivery(db, world.officer, statements.draft, delivery.id)


def test_uncertain_mail_is_for_an_admin_to_retry(db, statements, world):
    delivery = _delivery(db, statements, "uncertain")
    with pytest.raises(PermissionDenied):
        retry_statement_delivery(db, world.officer, statements.sent, delivery.id)
    retry_statement_delivery(db, world.admin, statements.sent, delivery.id)
    assert delivery.status == "queued"
