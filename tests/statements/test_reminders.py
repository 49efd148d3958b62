"""Deadline reminders: 14, 7, 3, 1 and 0 days before, daily for 14 days after, until the action is taken."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from liaison.models import OutboxMessage, StatementReminder
from liaison.statements.operations import create_statement
from liaison.statements.reminders import send_reminders
from liaison.statements.workflow import close_statement, mark_action_taken
from tests.statements.helpers import in_days, ls_data, sent_statement


def _days_with_reminders(db, deadline: dt.date, span: range) -> list[int]:
    days = []
    for offset in span:
        if send_reminders(db, deadline - dt.timedelta(days=offset)):
            days.append(offset)
    return days


def test_the_schedule_before_on_and_after_the_deadline(db, world, upload_dir):
    ls = sent_statement(db, world, upload_dir)
    deadline = ls.recipients[0].deadline
    assert _days_with_reminders(db, deadline, range(20, -20, -1)) == [14, 7, 3, 1, 0] + list(range(-1, -15, -1))
    reminders = db.scalars(select(StatementReminder).order_by(StatementReminder.sent_on)).all()
    assert [r.days_to_deadline for r in reminders][:6] == [14, 7, 3, 1, 0, -1]
    assert {r.recipient_id for r in reminders} == {ls.recipients[0].id}, "the IETF got it for information only"


def test_a_reminder_goes_to_the_groups_contacts_and_officers(db, world, upload_dir):
    ls = sent_statement(db, world, upload_dir)
    deadline = ls.recipients[0].deadline
    (reminder,) = send_reminders(db, deadline - dt.timedelta(days=7))
    message = db.get(OutboxMessage, reminder.outbox_message_id)
    assert message.kind == "ls_reminder"
    assert sorted(d.address for d in message.deliveries) == [
        "carla@sg2.example",
        "omar@sg2.example",
        "rita@sg2.example",
        "victor@sg2.example",
    ]
    assert message.subject == (
        f"Reminder: action due in 7 days, on {deadline.isoformat()}: LS on age assurance guidelines"
    )
    (overdue,) = send_reminders(db, deadline + dt.timedelta(days=2))
    assert "overdue by 2 days" in db.get(OutboxMessage, overdue.outbox_message_id).subject


def test_running_twice_on_one_day_sends_nothing_new(db, world, upload_dir):
    ls = sent_statement(db, world, upload_dir)
    day = ls.recipients[0].deadline - dt.timedelta(days=3)
    assert len(send_reminders(db, day)) == 1
    count = db.scalar(select(func.count(OutboxMessage.id)))
    assert send_reminders(db, day) == []
    assert db.scalar(select(func.count(OutboxMessage.id))) == count


def test_no_reminder_once_the_action_is_taken_or_the_statement_closed(db, world, upload_dir):
    taken = sent_statement(db, world, upload_dir)
    closed = sent_statement(db, world, upload_dir, title="Another LS")
    deadline = taken.recipients[0].deadline
    mark_action_taken(db, world.sg2_officer, taken.recipients[0], "answered by e-mail")
    close_statement(db, world.officer, closed)
    assert send_reminders(db, deadline) == []
    assert send_reminders(db, deadline + dt.timedelta(days=5)) == []


def test_incoming_statements_remind_our_own_group(db, world):
    ls = create_statement(
        db,
        world.sg2_officer,
        ls_data(
            direction="incoming",
            source_group=None,
            source_text="OECD",
            recipients=[{"group": "ITU-D/SG2", "purpose": "comment", "deadline": in_days(10)}],
        ),
    )
    (reminder,) = send_reminders(db, ls.recipients[0].deadline - dt.timedelta(days=1))
    message = db.get(OutboxMessage, reminder.outbox_message_id)
    assert "omar@sg2.example" in {d.address for d in message.deliveries}
    assert message.subject.startswith("Reminder: comment due in 1 day, on ")
