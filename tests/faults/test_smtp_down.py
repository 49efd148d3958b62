"""The mail server is down for an hour while a statement's mail waits in the outbox: the sender
retries with growing pauses, loses nothing, and once the server is back each address gets its
message exactly once.

The sender runs as ``liaison outbox worker`` does (a pass every 30 s, production retry policy), on
a clock the test moves, against a real SMTP server on loopback (aiosmtpd) that is stopped, then started.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from liaison.mail import MailSettings
from liaison.mail.sender import send_pending
from liaison.models import Delivery, utcnow
from liaison.statements.workflow import send_statement
from tests.plugins.mail import SmtpServer
from tests.statements.helpers import approved_statement

WORKER_INTERVAL = dt.timedelta(seconds=30)
OUTAGE = dt.timedelta(hours=1)


@pytest.fixture()
def stopped_smtp_server():
    server = SmtpServer()
    try:
        yield server
    finally:
        server.stop()


def test_an_hour_without_smtp_loses_and_doubles_nothing(db, world, sessions, upload_dir, stopped_smtp_server):
    server = stopped_smtp_server
    # The production retry policy (MailSettings' defaults), pointed at the loopback server.
    settings = MailSettings.from_config(
        {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_TIMEOUT": 5, "MAIL_DEFAULT_SENDER": "liaison@cop.example"}
    )
    ls = send_statement(db, world.officer, approved_statement(db, world), upload_dir=upload_dir)
    db.commit()
    deliveries = db.scalars(select(Delivery).where(Delivery.statement_id == ls.id)).all()
    addresses = sorted(d.address for d in deliveries)
    assert len(addresses) == 5
    # Besides the statement, the outbox holds the approval request sent to the chair on submission.
    everyone = sorted(db.scalars(select(Delivery.address)).all())

    start = utcnow() + dt.timedelta(seconds=1)
    attempts_at: list[int] = []
    now = start
    while now - start < OUTAGE:
        report = send_pending(sessions, settings, now=now)
        assert report.sent == 0 and report.failed == 0, "nothing gives up within an hour"
        if report.retrying:
            assert report.retrying == len(everyone), "every delivery is tried at the same moments"
            attempts_at.append(int((now - start).total_seconds()))
        now += WORKER_INTERVAL
    # Tried at once, then after 1, 2, 4, 8 and 16 minutes: six attempts in the hour, not 120.
    assert attempts_at == [0, 60, 180, 420, 900, 1860]
    db.expire_all()
    for delivery in db.scalars(select(Delivery)):
        assert (delivery.status, delivery.attempts) == ("queued", 6)
        assert "refused" in delivery.last_error.lower()
        assert delivery.next_attempt_at == start + dt.timedelta(seconds=1860 + 1920)
    assert server.received == []

    server.start()
    sent = 0
    while now - start < OUTAGE + dt.timedelta(hours=1):
        sent += send_pending(sessions, settings, now=now).sent
        now += WORKER_INTERVAL
    assert sent == len(everyone)

    received = sorted(address for message in server.received for address in message.rcpt_tos)
    assert received == everyone, "each address got exactly one message"
    for address in addresses:
        (message,) = server.to(address)
        assert message.message["Subject"] == f"{ls.reference}: {ls.title}"
        (attachment,) = list(message.message.iter_attachments())
        assert attachment.get_filename().endswith(".docx")
    db.expire_all()
    for delivery in db.scalars(select(Delivery)):
        assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 7, "")
        assert server.to(delivery.address)[0].message["Message-ID"] == delivery.message_id
