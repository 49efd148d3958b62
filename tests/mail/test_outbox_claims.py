"""The outbox without SMTP: queueing rules, settings, and claims that concurrent senders never share."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import sessionmaker

from liaison.db import make_engine
from liaison.mail import MailAddress, MailSettings, queue_mail
from liaison.mail.sender import claim_next
from liaison.models import OutboxMessage, utcnow


def test_queue_mail_writes_to_each_address_once(db):
    message = queue_mail(
        db,
        [MailAddress("a@example.org", "Ann"), "B@example.org", "a@EXAMPLE.org"],
        ["b@example.org", MailAddress("c@example.org", "Cy"), "c@example.org"],
        subject="Hello\r\nBcc: injected@example.org",
        text="Body",
        attachments=[("notes.txt", "text/plain", b"notes")],
        kind="test",
    )
    assert [(d.address, d.role, d.status) for d in message.deliveries] == [
        ("a@example.org", "to", "queued"),
        ("B@example.org", "to", "queued"),
        ("c@example.org", "cc", "queued"),
    ]
    assert message.to_addrs == ["Ann <a@example.org>", "B@example.org"]
    assert message.subject == "Hello Bcc: injected@example.org", "no header can be smuggled in"
    assert [a.filename for a in message.attachments] == ["notes.txt"]


def test_queue_mail_refuses_what_no_one_would_receive(db):
    with pytest.raises(ValueError, match="at least one To address"):
        queue_mail(db, [], ["cc@example.org"], subject="x", text="y")
    with pytest.raises(ValueError, match="not a single e-mail address"):
        queue_mail(db, ["a@example.org, b@example.org"], subject="x", text="y")


def test_settings_read_flask_mails_names():
    settings = MailSettings.from_config(
        {
            "MAIL_SERVER": "smtp.itu.example",
            "MAIL_PORT": 587,
            "MAIL_USE_TLS": True,
            "MAIL_USERNAME": "liaison",
            "MAIL_PASSWORD": "secret",
            "MAIL_DEFAULT_SENDER": ("COP liaison", "liaison@itu.example"),
            "MAIL_TIMEOUT": 10.0,
            "LIAISON_MAIL_MAX_ATTEMPTS": 5,
        }
    )
    assert (settings.server, settings.port, settings.use_tls, settings.use_ssl) == ("smtp.itu.example", 587, True, False)
    assert (settings.username, settings.password, settings.timeout, settings.max_attempts) == ("liaison", "secret", 10.0, 5)
    assert settings.default_sender == "COP liaison <liaison@itu.example>"
    assert (settings.envelope_sender, settings.message_id_domain) == ("liaison@itu.example", "itu.example")
    assert [settings.backoff(n) for n in (1, 2, 3)] == [60.0, 120.0, 240.0]
    assert settings.backoff(30) == settings.backoff_max


def test_concurrent_senders_never_claim_the_same_delivery(database_url):
    """Real concurrency: four senders on their own connections drain 40 committed deliveries."""
    engine = make_engine(database_url)
    sessions = sessionmaker(engine)
    settings = MailSettings(default_sender="liaison@cop.example")
    with sessions() as session:
        message = queue_mail(session, [f"r{i}@example.org" for i in range(40)], subject="Load", text="x", kind="test")
        expected = sorted(d.id for d in message.deliveries)
        message_id = message.id
        session.commit()
    claimed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def sender() -> None:
        try:
            while True:
                with sessions() as session:
                    claim = claim_next(session, settings, utcnow())
                    session.commit()
                if claim is None:
                    return
                with lock:
                    claimed.append(claim.delivery_id)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        assert sorted(claimed) == expected, "every delivery claimed exactly once"
    finally:
        with sessions() as session:
            session.execute(delete(OutboxMessage).where(OutboxMessage.id == message_id))
            session.commit()
        engine.dispose()
