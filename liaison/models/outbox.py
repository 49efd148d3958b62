"""The outbox: every mail liaison sends is first a row here, written in the transaction that decided to send it.

A sender (``liaison outbox send`` / ``worker``) delivers the rows after commit, so a rolled-back
transaction sends nothing and a committed one is never lost. Any kind of mail goes through it:
liaison statements, approval requests, deadline reminders, and later alert digests or password resets.

A delivery's states:

* ``queued``: waiting for its ``next_attempt_at``;
* ``sending``: claimed by a sender (committed before it talks to SMTP);
* ``sent``: the SMTP server accepted it;
* ``failed``: refused ``max_attempts`` times; an admin may queue it again;
* ``uncertain``: a sender claimed it and never came back (it crashed, or lost the database, after
  talking to SMTP or before). SMTP cannot be asked whether a message went through, so it is not resent
  on its own: an admin looks at the server's log and either retries it (same Message-ID, so a receiver
  that deduplicates drops a copy) or leaves it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.models.base import Base, TimestampMixin, created_at, enum_check, intpk, text, utcnow

DELIVERY_STATUSES = ("queued", "sending", "sent", "failed", "uncertain")
DELIVERY_ROLES = ("to", "cc")


class OutboxMessage(Base):
    """One mail: its headers, text and HTML bodies and attachments, for one or more addresses.

    ``kind`` says what it is for (``ls``, ``ls_approval``, ``ls_action``, ``ls_reminder``...); it is free
    text so that new kinds of mail need no migration.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    to_addrs: Mapped[list[str]] = mapped_column(default=list)
    cc_addrs: Mapped[list[str]] = mapped_column(default=list)
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    text_body: Mapped[text]
    html_body: Mapped[text]
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("liaison_statements.id"), index=True)
    created_at: Mapped[created_at]

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="OutboxAttachment.id"
    )
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="Delivery.id"
    )


class OutboxAttachment(Base):
    """A file attached to a message, kept as bytes: the mail must not change after it was queued."""

    __tablename__ = "outbox_attachments"

    id: Mapped[intpk]
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")


class Delivery(TimestampMixin, Base):
    """Sending one message to one address: one SMTP transaction, tried until it succeeds or gives up."""

    __tablename__ = "outbox_deliveries"
    __table_args__ = (
        # Never twice to one address: a message has one delivery per address.
        UniqueConstraint("outbox_message_id", "address"),
        CheckConstraint(enum_check("status", DELIVERY_STATUSES), name="status"),
        CheckConstraint(enum_check("role", DELIVERY_ROLES), name="role"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_outbox_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[intpk]
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(2), default="to")
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[dt.datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[text]
    #: The Message-ID header, made when the delivery is first claimed and kept for every retry.
    message_id: Mapped[str | None] = mapped_column(String(250), unique=True)
    sent_at: Mapped[dt.datetime | None]
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("liaison_statements.id"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("ls_recipients.id", ondelete="SET NULL"), index=True)

    message: Mapped[OutboxMessage] = relationship(back_populates="deliveries")
