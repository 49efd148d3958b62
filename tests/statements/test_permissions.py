"""Who may do each step, for every role: nobody logged in, an officer of another group, the source group's
officer and chair, an admin, and (where it matters) the officer of the group the statement went to."""

from __future__ import annotations

import pytest

from liaison.core.errors import NotFound, PermissionDenied
from liaison.statements.attachments import add_attachment
from liaison.statements.operations import (
    create_statement,
    draft_reply,
    draft_statement_from_alert,
    get_statement,
    update_statement,
)
from liaison.statements.workflow import (
    approve_statement,
    close_statement,
    mark_action_taken,
    record_prior_approval,
    send_statement,
    submit_for_approval,
    withdraw_statement,
)
from tests.statements.helpers import alert_between, approved_statement, in_days, ls_data, sent_statement

ROLES = ("anonymous", "stranger", "officer", "chair", "admin", "sg2_officer")
SOURCE_GROUP = {"officer", "chair", "admin"}


def actor(world, role):
    return None if role == "anonymous" else getattr(world, role)


def _check(allowed: bool, action) -> None:
    if allowed:
        action()
    else:
        with pytest.raises(PermissionDenied):
            action()


@pytest.mark.parametrize("role", ROLES)
def test_drafting_an_outgoing_statement(db, world, role):
    _check(role in SOURCE_GROUP, lambda: create_statement(db, actor(world, role), ls_data()))


@pytest.mark.parametrize("role", ROLES)
def test_editing_a_draft(db, world, role):
    ls = create_statement(db, world.officer, ls_data())
    _check(role in SOURCE_GROUP, lambda: update_statement(db, actor(world, role), ls, {"title": "New"}, ls.version))
    assert ls.title == ("New" if role in SOURCE_GROUP else "LS on age assurance guidelines")


@pytest.mark.parametrize("role", ROLES)
def test_submitting_for_approval(db, world, role):
    ls = create_statement(db, world.officer, ls_data())
    _check(role in SOURCE_GROUP, lambda: submit_for_approval(db, actor(world, role), ls))
    assert ls.state == ("pending_approval" if role in SOURCE_GROUP else "draft")


@pytest.mark.parametrize("role", ROLES)
def test_approving_takes_a_chair_of_the_source_group_or_an_admin(db, world, role):
    ls = create_statement(db, world.officer, ls_data())
    submit_for_approval(db, world.officer, ls)
    _check(role in {"chair", "admin"}, lambda: approve_statement(db, actor(world, role), ls))
    assert ls.state == ("approved" if role in {"chair", "admin"} else "pending_approval")


@pytest.mark.parametrize("role", ROLES)
def test_recording_an_approval_obtained_elsewhere_takes_a_chair_or_an_admin(db, world, role):
    ls = create_statement(db, world.officer, ls_data())
    _check(
        role in {"chair", "admin"},
        lambda: record_prior_approval(db, actor(world, role), ls, "Approved by SG17 plenary, TD 123 (Geneva)"),
    )
    assert ls.state == ("approved" if role in {"chair", "admin"} else "draft")


@pytest.mark.parametrize("role", ROLES)
def test_sending(db, world, role, upload_dir):
    ls = approved_statement(db, world)
    _check(role in SOURCE_GROUP, lambda: send_statement(db, actor(world, role), ls, upload_dir=upload_dir))
    assert ls.state == ("sent" if role in SOURCE_GROUP else "approved")
    assert (ls.reference is not None) == (role in SOURCE_GROUP)


@pytest.mark.parametrize("role", ROLES)
def test_withdrawing(db, world, role):
    ls = approved_statement(db, world)
    _check(role in SOURCE_GROUP, lambda: withdraw_statement(db, actor(world, role), ls))


@pytest.mark.parametrize("role", ROLES)
def test_closing(db, world, role, upload_dir):
    ls = sent_statement(db, world, upload_dir)
    _check(role in SOURCE_GROUP, lambda: close_statement(db, actor(world, role), ls))


@pytest.mark.parametrize("role", ROLES)
def test_marking_an_action_taken_is_for_the_group_asked_or_the_sender(db, world, role, upload_dir):
    ls = sent_statement(db, world, upload_dir)
    sg2 = ls.recipients[0]
    _check(role in SOURCE_GROUP | {"sg2_officer"}, lambda: mark_action_taken(db, actor(world, role), sg2, "done"))


@pytest.mark.parametrize("role", ROLES)
def test_replying_is_for_the_groups_addressed(db, world, role, upload_dir):
    ls = sent_statement(db, world, upload_dir)
    _check(role in {"sg2_officer", "admin"}, lambda: draft_reply(db, actor(world, role), ls))


@pytest.mark.parametrize("role", ROLES)
def test_drafting_from_an_alert_needs_a_role_in_either_items_group(db, world, factory, role):
    a = factory.item("X.age", group="ITU-T/SG17", title="Age assurance")
    b = factory.item("D.age", group="ITU-D/SG2", title="Age assurance for developing countries")
    alert = alert_between(db, a, b)
    _check(role != "anonymous" and role != "stranger", lambda: draft_statement_from_alert(db, actor(world, role), alert))


@pytest.mark.parametrize("role", ROLES)
def test_attaching_a_file(db, world, role, upload_dir):
    ls = create_statement(db, world.officer, ls_data())
    _check(
        role in SOURCE_GROUP,
        lambda: add_attachment(
            db, actor(world, role), ls, upload_dir, filename="a.txt", data=b"notes", expected_version=ls.version
        ),
    )


@pytest.mark.parametrize("role", ROLES)
def test_logging_an_incoming_statement_is_for_the_groups_addressed(db, world, role):
    data = ls_data(
        direction="incoming",
        source_group=None,
        source_text="IETF",
        recipients=[{"group": "ITU-D/SG2", "purpose": "action", "deadline": in_days(30)}],
    )
    _check(role in {"sg2_officer", "admin"}, lambda: create_statement(db, actor(world, role), data))


@pytest.mark.parametrize("role", ROLES)
def test_drafts_are_hidden_from_other_groups_and_sent_ones_are_public(db, world, role, upload_dir):
    draft = create_statement(db, world.officer, ls_data())
    sent = sent_statement(db, world, upload_dir)
    assert get_statement(db, actor(world, role), sent.id) is sent
    if role in SOURCE_GROUP:
        assert get_statement(db, actor(world, role), draft.id) is draft
    else:
        with pytest.raises(NotFound):
            get_statement(db, actor(world, role), draft.id)


def test_an_inactive_account_may_do_nothing(db, world):
    ls = create_statement(db, world.officer, ls_data())
    world.officer.is_active = False
    with pytest.raises(PermissionDenied):
        update_statement(db, world.officer, ls, {"title": "New"}, ls.version)
