"""Deadline reminders: the action holders of a statement hear about its deadline until they act.

Run once a day (``liaison reminders send``). A recipient asked for action or comment, whose action is
not taken and whose statement is still open (sent or received), is reminded 14, 7, 3 and 1 days before
its deadline, on the day, and every day for 14 days after it. Each reminder is recorded, one per
recipient per day, so a second run on the same day sends nothing new.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from liaison.models import LiaisonStatement, StatementRecipient, StatementReminder
from liaison.models.statements import ACTION_PURPOSES
from liaison.statements.mail import action_holder_addresses, queue_reminder
from liaison.statements.permissions import may_mail_recipient

log = logging.getLogger(__name__)

DAYS_BEFORE = (14, 7, 3, 1, 0)
DAYS_AFTER = 14


def reminder_due(deadline: dt.date, today: dt.date) -> bool:
    """Whether a deadline of ``deadline`` calls for a reminder on ``today``."""
    days = (deadline - today).days
    return days in DAYS_BEFORE or -DAYS_AFTER <= days < 0


def send_reminders(session: Session, today: dt.date) -> list[StatementReminder]:
    """Queue today's reminders and record them; returns the reminders made (none if already run today)."""
    candidates = session.scalars(
        select(StatementRecipient)
        .join(LiaisonStatement, StatementRecipient.statement_id == LiaisonStatement.id)
        .where(
            LiaisonStatement.state.in_(("sent", "received")),
            StatementRecipient.purpose.in_(ACTION_PURPOSES),
            StatementRecipient.action_taken_at.is_(None),
            StatementRecipient.deadline.between(
                today - dt.timedelta(days=DAYS_AFTER), today + dt.timedelta(days=max(DAYS_BEFORE))
            ),
        )
        .options(
            joinedload(StatementRecipient.statement).joinedload(LiaisonStatement.created_by),
            joinedload(StatementRecipient.group),
        )
        .order_by(StatementRecipient.deadline, StatementRecipient.id)
    ).all()
    done = set(session.scalars(select(StatementReminder.recipient_id).where(StatementReminder.sent_on == today)))
    made = []
    for recipient in candidates:
        assert recipient.deadline is not None  # selected by its deadline above
        if recipient.id in done or not reminder_due(recipient.deadline, today):
            continue
        if not may_mail_recipient(recipient.statement, recipient):
            continue
        addresses = action_holder_addresses(session, recipient)
        if not addresses:
            log.warning("no address to remind %s of statement %s", recipient.label, recipient.statement_id)
            continue
        reminder = StatementReminder(
            recipient_id=recipient.id, sent_on=today, days_to_deadline=(recipient.deadline - today).days
        )
        try:
            # Another run of the same day may have got here first: its row wins, ours is dropped.
            with session.begin_nested():
                session.add(reminder)
        except IntegrityError:
            continue
        reminder.outbox_message_id = queue_reminder(session, recipient, addresses, today).id
        made.append(reminder)
    session.flush()
    return made
