"""Liaison statements (LS): the ITU LS form, its recipients, contacts and attachments, and what it refers to.

States, and who moves a statement between them (the rules live in ``liaison/statements/workflow.py``):

* outgoing: ``draft`` -> ``pending_approval`` -> ``approved`` -> ``sent`` -> ``answered`` / ``closed``;
  ``withdrawn`` from any state before ``sent``. Editing a statement that is pending approval or approved
  takes it back to ``draft`` (the approval was given to other words).
* incoming (logged by an officer when another body writes to us): ``received`` -> ``answered`` / ``closed``,
  or ``withdrawn`` when it was logged by mistake. Incoming statements are never approved nor sent.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.languages import INTERFACE_LANGUAGES
from liaison.models.accounts import User
from liaison.models.alerts import OverlapAlert
from liaison.models.base import Base, TimestampMixin, bounded_list, bounded_text, created_at, enum_check, intpk, str200
from liaison.models.organisation import Group
from liaison.models.work_items import WorkItem

if TYPE_CHECKING:
    from liaison.models.outbox import Delivery

LS_DIRECTIONS = ("outgoing", "incoming")
LS_STATES = ("draft", "pending_approval", "approved", "sent", "received", "answered", "closed", "withdrawn")
OUTGOING_STATES = ("draft", "pending_approval", "approved", "sent", "answered", "closed", "withdrawn")
INCOMING_STATES = ("received", "answered", "closed", "withdrawn")
LS_PURPOSES = ("action", "comment", "information")
#: How many days before its logging an incoming statement may be dated without an admin (the
#: ``LIAISON_INCOMING_BACKDATE_DAYS`` setting): older dates would slip it into past annual reports.
INCOMING_BACKDATE_DAYS = 30
#: Purposes that give the recipient something to do by a deadline.
ACTION_PURPOSES = ("action", "comment")
#: ITU-T's study period at the time of writing (WTSA-24 to WTSA-28); the setting LIAISON_STUDY_PERIOD changes it.
DEFAULT_STUDY_PERIOD = "2025-2028"
#: The languages an ITU statement is written in (its "Original:" line): ITU's six.
LS_LANGUAGES = tuple(INTERFACE_LANGUAGES)
APPROVAL_LEVELS = ("", "study_group", "working_party", "rapporteur_meeting", "other")
APPROVAL_LEVEL_LABELS = {
    "": "",
    "study_group": _l("Study group"),
    "working_party": _l("Working party"),
    "rapporteur_meeting": _l("Rapporteur meeting"),
    "other": _l("Other"),
}
STATE_LABELS = {
    "draft": _l("Draft"),
    "pending_approval": _l("Pending approval"),
    "approved": _l("Approved"),
    "sent": _l("Sent"),
    "received": _l("Received"),
    "answered": _l("Answered"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"),
}

statement_work_items = Table(
    "ls_work_items",
    Base.metadata,
    Column("statement_id", ForeignKey("liaison_statements.id", ondelete="CASCADE"), primary_key=True),
    Column("work_item_id", ForeignKey("work_items.id", ondelete="CASCADE"), primary_key=True, index=True),
)

statement_alerts = Table(
    "ls_alerts",
    Base.metadata,
    Column("statement_id", ForeignKey("liaison_statements.id", ondelete="CASCADE"), primary_key=True),
    Column("alert_id", ForeignKey("overlap_alerts.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class LiaisonStatement(TimestampMixin, Base):
    """One liaison statement, outgoing (ours) or incoming (another body's, logged by an officer)."""

    __tablename__ = "liaison_statements"
    __table_args__ = (
        CheckConstraint(enum_check("direction", LS_DIRECTIONS), name="direction"),
        CheckConstraint(enum_check("state", LS_STATES), name="state"),
        CheckConstraint(
            f"(direction = 'outgoing' AND {enum_check('state', OUTGOING_STATES)})"
            f" OR (direction = 'incoming' AND {enum_check('state', INCOMING_STATES)})",
            name="state_direction",
        ),
        CheckConstraint(enum_check("approval_level", APPROVAL_LEVELS), name="approval_level"),
        CheckConstraint("in_reply_to_id IS NULL OR in_reply_to_id <> id", name="not_own_reply"),
        CheckConstraint(enum_check("language", LS_LANGUAGES), name="language"),
        # ITU numbers statements per source study group and study period (SG17-LS123): the triple is
        # unique, so two senders can never share a number even if the counter were bypassed.
        UniqueConstraint("reference_series", "reference_period", "reference_number"),
        Index("ix_liaison_statements_direction_state", "direction", "state"),
    )

    id: Mapped[intpk]
    #: As printed: ``SG17-LS123``. Numbers start again each study period, so only the triple below is unique.
    reference: Mapped[str | None] = mapped_column(String(140), index=True)
    #: Who numbers it (the code of the source's study group, e.g. ``ITU-T/SG17``) and in which study period.
    reference_series: Mapped[str | None] = mapped_column(String(120))
    reference_period: Mapped[str | None] = mapped_column(String(9))
    reference_number: Mapped[int | None]
    language: Mapped[str] = mapped_column(String(5), default="en")
    direction: Mapped[str] = mapped_column(String(10), default="outgoing")
    state: Mapped[str] = mapped_column(String(20), default="draft")
    source_group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    source_text: Mapped[str200] = mapped_column(default="")
    questions: Mapped[str200] = mapped_column(default="")
    study_group: Mapped[str200] = mapped_column(default="")
    working_party: Mapped[str200] = mapped_column(default="")
    meeting_place: Mapped[str200] = mapped_column(default="")
    meeting_dates: Mapped[str200] = mapped_column(default="")
    title: Mapped[str] = mapped_column(String(500))
    abstract: Mapped[str] = bounded_text(5000)
    body: Mapped[str] = bounded_text(100_000)
    approval_level: Mapped[str] = mapped_column(String(30), default="")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[dt.datetime | None]
    approval_evidence: Mapped[str] = bounded_text(2000)
    in_reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("liaison_statements.id"), index=True)
    external_references: Mapped[list[str]] = bounded_list(20, 100)
    submitted_at: Mapped[dt.datetime | None]
    #: When it was sent: by us (set on sending), or by the other body (given when an incoming one is logged).
    sent_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    source_group: Mapped[Group | None] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    in_reply_to: Mapped[LiaisonStatement | None] = relationship(remote_side="LiaisonStatement.id")
    recipients: Mapped[list[StatementRecipient]] = relationship(
        back_populates="statement",
        cascade="all, delete-orphan",
        order_by="StatementRecipient.position",
        foreign_keys="StatementRecipient.statement_id",
    )
    contacts: Mapped[list[StatementContact]] = relationship(
        back_populates="statement", cascade="all, delete-orphan", order_by="StatementContact.position"
    )
    attachments: Mapped[list[StatementAttachment]] = relationship(
        back_populates="statement", cascade="all, delete-orphan", order_by="StatementAttachment.position"
    )
    work_items: Mapped[list[WorkItem]] = relationship(secondary=statement_work_items, order_by=WorkItem.id)
    alerts: Mapped[list[OverlapAlert]] = relationship(secondary=statement_alerts, order_by=OverlapAlert.id)
    deliveries: Mapped[list[Delivery]] = relationship(
        viewonly=True, order_by="Delivery.id", primaryjoin="LiaisonStatement.id == Delivery.statement_id"
    )

    # As for work items: a concurrent change fails instead of silently overwriting the other one.
    __mapper_args__ = {"version_id_col": version}

    @property
    def state_label(self) -> str:
        """The state as a person reads it."""
        return str(STATE_LABELS.get(self.state, self.state))

    def __repr__(self) -> str:
        return f"<LiaisonStatement {self.id} {self.reference or self.state}>"


def numbering_group(group: Group) -> Group:
    """The group that numbers ``group``'s statements and heads its documents ("STUDY GROUP 17"): its nearest
    study group, else its top group (a Council working group, or a group of a body without study groups)."""
    current: Group | None = group
    top = group
    while current is not None:
        if current.kind == "study_group":
            return current
        top = current
        current = current.parent
    return top


class StatementRecipient(Base):
    """One addressee of a statement: a group we know (its contacts get the mail) or an outside address."""

    __tablename__ = "ls_recipients"
    __table_args__ = (
        CheckConstraint(enum_check("purpose", LS_PURPOSES), name="purpose"),
        CheckConstraint("(group_id IS NULL) <> (email = '')", name="group_or_email"),
        CheckConstraint("purpose = 'information' OR deadline IS NOT NULL", name="deadline"),
    )

    id: Mapped[intpk]
    statement_id: Mapped[int] = mapped_column(ForeignKey("liaison_statements.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    name: Mapped[str200] = mapped_column(default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    purpose: Mapped[str] = mapped_column(String(20))
    deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    action_taken_at: Mapped[dt.datetime | None]
    action_taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action_note: Mapped[str] = bounded_text(2000)
    #: The reply that took the action, when it was a reply.
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("liaison_statements.id", ondelete="SET NULL"))

    statement: Mapped[LiaisonStatement] = relationship(back_populates="recipients", foreign_keys=[statement_id])
    group: Mapped[Group | None] = relationship()
    answered_by: Mapped[LiaisonStatement | None] = relationship(foreign_keys=[answered_by_id])

    @property
    def label(self) -> str:
        """How the recipient reads in the form and the mail: the group's code, or name and address."""
        if self.group is not None:
            return self.group.code if self.group.name == self.group.code else f"{self.group.code} ({self.group.name})"
        return f"{self.name} <{self.email}>" if self.name else self.email

    @property
    def public_label(self) -> str:
        """How the recipient reads for those outside the statement's group: an outside addressee's e-mail
        address was given for delivery, not for publication, so only the name shows."""
        if self.group is not None:
            return self.group.code
        return self.name or "an outside addressee"


class StatementContact(Base):
    """A person to ask about the statement (the "Contact:" rows of the LS form)."""

    __tablename__ = "ls_contacts"

    id: Mapped[intpk]
    statement_id: Mapped[int] = mapped_column(ForeignKey("liaison_statements.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str200]
    organization: Mapped[str200] = mapped_column(default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(254), default="")

    statement: Mapped[LiaisonStatement] = relationship(back_populates="contacts")


class StatementAttachment(Base):
    """A file sent with the statement. The bytes live under the upload directory, named by their SHA-256."""

    __tablename__ = "ls_attachments"
    __table_args__ = (CheckConstraint("size >= 0", name="size"),)

    id: Mapped[intpk]
    statement_id: Mapped[int] = mapped_column(ForeignKey("liaison_statements.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    statement: Mapped[LiaisonStatement] = relationship(back_populates="attachments")

    @property
    def storage_name(self) -> str:
        """The file's path relative to the upload directory."""
        return f"ls/{self.sha256[:2]}/{self.sha256}"


class ReferenceCounter(Base):
    """The last number a series gave out in a study period; its row is the lock that keeps numbers unique."""

    __tablename__ = "ls_reference_counters"

    series: Mapped[str] = mapped_column(String(120), primary_key=True)
    period: Mapped[str] = mapped_column(String(9), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class StatementReminder(Base):
    """A deadline reminder mailed to one action holder on one day: at most one per day, ever."""

    __tablename__ = "ls_reminders"
    __table_args__ = (UniqueConstraint("recipient_id", "sent_on"),)

    id: Mapped[intpk]
    recipient_id: Mapped[int] = mapped_column(ForeignKey("ls_recipients.id", ondelete="CASCADE"), index=True)
    sent_on: Mapped[dt.date] = mapped_column(Date)
    days_to_deadline: Mapped[int]
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    recipient: Mapped[StatementRecipient] = relationship()
