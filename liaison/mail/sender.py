"""Delivering the outbox over SMTP: claim, send, record; retry with backoff; never twice on its own.

Each delivery goes through three short transactions, none of them open while SMTP talks:

1. claim: ``queued`` -> ``sending`` in one UPDATE that only one sender can win (the row is picked with
   ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite the UPDATE takes the database's write lock first),
   the Message-ID is made and stored, the attempt counted, and all of it committed;
2. send: one SMTP transaction to the delivery's one address;
3. record: ``sent``, or back to ``queued`` with the error and a later ``next_attempt_at``, or ``failed``.

A sender that dies between 2 and 3 leaves the delivery ``sending``. The next pass does not resend it: once
its claim is older than the lease it becomes ``uncertain`` and waits for a person. That makes delivery
at-most-once per claim; the Message-ID kept across retries lets a receiver that deduplicates drop the copy
an admin's retry might make. SMTP offers no way to ask whether a message was delivered, so nothing better
is possible without the receiving side.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
import threading
import uuid
from dataclasses import dataclass
from types import TracebackType
from typing import Callable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from liaison.core.queries import rowcount
from liaison.mail.message import build_message, make_message_id
from liaison.mail.settings import MailSettings
from liaison.models import Delivery, OutboxMessage, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    """A delivery this sender owns until it records the result."""

    delivery_id: int
    token: str
    address: str
    attempts: int
    message_id: str
    data: bytes


#: Called after the SMTP server accepted a delivery and before the result is recorded (tests simulate
#: a crash there).
AfterAccept = Callable[[Claim], None]


@dataclass
class PassReport:
    """What one pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    uncertain: int = 0

    @property
    def attempted(self) -> int:
        """Deliveries this pass tried to send."""
        return self.sent + self.retrying + self.failed


class SmtpTransport:
    """One SMTP connection, opened on first use and reopened after any error."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.close()

    def send(self, sender: str, recipient: str, data: bytes) -> None:
        """Send ``data`` to ``recipient``; raises ``smtplib.SMTPException`` or ``OSError`` if not accepted."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.sendmail(sender, [recipient], data)
        except BaseException:
            # The connection's state is unknown after an error: start the next delivery afresh.
            self.close()
            raise

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.use_ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                s.server, s.port, timeout=s.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(s.server, s.port, timeout=s.timeout)
        try:
            if s.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        """Say goodbye to the server, or just drop the connection if it is already broken."""
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None


def send_pending(
    sessions: sessionmaker[Session],
    settings: MailSettings,
    *,
    now: dt.datetime | None = None,
    limit: int | None = None,
    stop: threading.Event | None = None,
    after_accept: AfterAccept | None = None,
) -> PassReport:
    """One pass over the outbox: deliver everything due at ``now`` (default: the clock), up to ``limit``.

    ``stop`` ends the pass after the delivery in progress (the worker's graceful shutdown).
    """
    clock = (lambda: now) if now is not None else utcnow
    report = PassReport()
    with sessions() as session:
        report.uncertain = mark_stale_claims(session, settings, clock())
        session.commit()
    with SmtpTransport(settings) as transport:
        while (limit is None or report.attempted < limit) and not (stop is not None and stop.is_set()):
            with sessions() as session:
                claim = claim_next(session, settings, clock())
                session.commit()
            if claim is None:
                break
            try:
                transport.send(settings.envelope_sender, claim.address, claim.data)
            except (smtplib.SMTPException, OSError) as exc:
                error = describe_error(exc)
                with sessions() as session:
                    status = record_failure(session, settings, claim, error, clock())
                    session.commit()
                log.warning("delivery %s to %s: %s (%s)", claim.delivery_id, claim.address, error, status)
                if status == "failed":
                    report.failed += 1
                else:
                    report.retrying += 1
                continue
            if after_accept is not None:
                after_accept(claim)
            with sessions() as session:
                record_success(session, claim, clock())
                session.commit()
            log.info("delivery %s to %s sent as %s", claim.delivery_id, claim.address, claim.message_id)
            report.sent += 1
    return report


def mark_stale_claims(session: Session, settings: MailSettings, now: dt.datetime) -> int:
    """Turn claims older than the lease into ``uncertain`` (their sender died); returns how many."""
    cutoff = now - dt.timedelta(seconds=settings.claim_lease)
    result = session.execute(
        update(Delivery)
        .where(Delivery.status == "sending", Delivery.claimed_at < cutoff)
        .values(
            status="uncertain",
            last_error=(
                "the sender stopped before recording whether the SMTP server accepted this; it may have been "
                "delivered: check the mail server's log, then retry it or leave it"
            ),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)


def claim_next(session: Session, settings: MailSettings, now: dt.datetime) -> Claim | None:
    """Claim the oldest due delivery for this sender and build its bytes, or None when nothing is due."""
    candidate = (
        select(Delivery.id)
        .where(Delivery.status == "queued", Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    token = uuid.uuid4().hex
    claimed = session.execute(
        update(Delivery)
        .where(Delivery.id == candidate, Delivery.status == "queued")
        .values(
            status="sending",
            claim_token=token,
            claimed_at=now,
            attempts=Delivery.attempts + 1,
            # Made once and kept: every retry carries the same Message-ID.
            message_id=func.coalesce(Delivery.message_id, make_message_id(settings)),
            updated_at=now,
        )
        .returning(Delivery.id, Delivery.message_id)
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is None:
        return None
    delivery_id, message_id = claimed
    # The claim set it (coalesce with a fresh id): a claimed delivery always has one.
    assert message_id is not None
    delivery = session.scalars(
        select(Delivery)
        .where(Delivery.id == delivery_id)
        .options(selectinload(Delivery.message).selectinload(OutboxMessage.attachments))
    ).one()
    mail = build_message(delivery.message, message_id, settings, now)
    return Claim(delivery.id, token, delivery.address, delivery.attempts, message_id, mail.as_bytes())


def record_success(session: Session, claim: Claim, now: dt.datetime) -> None:
    """The server accepted ``claim``: it is sent."""
    session.execute(
        update(Delivery)
        .where(Delivery.id == claim.delivery_id, Delivery.claim_token == claim.token)
        .values(status="sent", sent_at=now, last_error="", claim_token=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def record_failure(session: Session, settings: MailSettings, claim: Claim, error: str, now: dt.datetime) -> str:
    """The attempt failed: queue it again after the backoff, or give up after ``max_attempts``."""
    status = "failed" if claim.attempts >= settings.max_attempts else "queued"
    session.execute(
        update(Delivery)
        .where(Delivery.id == claim.delivery_id, Delivery.claim_token == claim.token)
        .values(
            status=status,
            last_error=error[:2000],
            next_attempt_at=now + dt.timedelta(seconds=settings.backoff(claim.attempts)),
            claim_token=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return status


def describe_error(exc: BaseException) -> str:
    """The SMTP server's reply (code and text), or what went wrong on the way to it."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def run_worker(
    sessions: sessionmaker[Session],
    settings: MailSettings,
    *,
    interval: float,
    stop: threading.Event,
    on_pass: Callable[[PassReport], None] | None = None,
) -> None:
    """Pass over the outbox every ``interval`` seconds until ``stop`` is set.

    A pass that fails (the database is away, say) is logged and the worker carries on: what it
    claimed stays claimed and becomes ``uncertain`` after the lease, never sent twice.
    """
    while not stop.is_set():
        try:
            report = send_pending(sessions, settings, stop=stop)
        except Exception:
            log.exception("outbox pass failed; trying again in %s s", interval)
        else:
            if on_pass is not None:
                on_pass(report)
        stop.wait(interval)
