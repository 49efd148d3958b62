"""Sending statements through the outbox to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest

from liaison.core.errors import PermissionDenied
from liaison.mail.sender import send_pending
from liaison.models import Delivery, utcnow
from liaison.statements.deliveries import retry_delivery
from liaison.statements.operations import get_statement, statement_as_dict
from liaison.statements.workflow import send_statement
from tests.statements.docx_reading import docx_fields, docx_paragraphs
from tests.statements.helpers import approved_statement

TO = {"rita@sg2.example", "victor@sg2.example", "liaisons@ietf.example"}
CC = {"olga@sg17.example", "tsbsg17@itu.example"}


def _send_with_empty_outbox(db, world, sessions, settings, smtp_server, upload_dir):
    """Send a statement after delivering the approval request, so the outbox holds only the statement."""
    ls = approved_statement(db, world)
    assert send_pending(sessions, settings).sent == 1
    smtp_server.received.clear()
    return send_statement(db, world.officer, ls, upload_dir=upload_dir)


def _deliveries(db, ls) -> dict[str, dict]:
    db.expire_all()
    return {d["address"]: d for d in statement_as_dict(get_statement(db, None, ls.id))["deliveries"]}


def test_a_sent_statement_reaches_every_address_once_with_the_docx_attached(
    db, world, sessions, mail_settings, smtp_server, upload_dir
):
    ls = send_statement(db, world.officer, approved_statement(db, world), upload_dir=upload_dir)
    assert re.fullmatch(r"SG17-LS\d+", ls.reference)
    queued = _deliveries(db, ls)
    assert set(queued) == TO | CC
    assert {a for a, d in queued.items() if d["role"] == "to"} == TO
    assert all(d["status"] == "queued" and d["attempts"] == 0 for d in queued.values())

    report = send_pending(sessions, mail_settings)

    assert (report.sent, report.retrying, report.failed) == (6, 0, 0)
    (approval,) = smtp_server.to("chen@sg17.example")
    assert approval.message["Subject"] == "Approval requested: LS on age assurance guidelines"
    assert approval.message["Auto-Submitted"] == "auto-generated"
    smtp_server.received.remove(approval)
    assert sorted(a for r in smtp_server.received for a in r.rcpt_tos) == sorted(TO | CC)
    assert all(len(r.rcpt_tos) == 1 and r.mail_from == "liaison@cop.example" for r in smtp_server.received)
    message = smtp_server.to("rita@sg2.example")[0].message
    assert message["Subject"] == f"{ls.reference}: LS on age assurance guidelines"
    assert message["From"] == "COP liaison <liaison@cop.example>"
    assert all(address in message["To"] for address in TO)
    assert all(address in message["Cc"] for address in CC)
    assert message["Reply-To"] == "olga@sg17.example"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "LIAISON STATEMENT" in text and "For action to:       ITU-D/SG2" in text
    assert "<h1 class=\"ls-banner\">LIAISON STATEMENT</h1>" in html

    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == ls.reference.replace("/", "-") + ".docx"
    fields = docx_fields(attachment.get_content())
    assert fields["Question(s):"] == "Q6/17"
    assert fields["Study Group:"] == "SG17"
    assert fields["Working Party:"] == "WP2/17"
    assert fields["Meeting, date:"] == "Geneva, 20-29 January 2026"
    assert fields["Source:"] == "ITU-T/SG17"
    assert fields["Title:"] == "LS on age assurance guidelines"
    assert fields["For action to:"] == "ITU-D/SG2"
    assert fields["For comment to:"] == ""
    assert fields["For information to:"] == "IETF liaison manager <liaisons@ietf.example>"
    assert fields["Approval:"].startswith("Agreed at study group level; approved by Chen Chair on ")
    assert fields["Deadline:"] == f"{ls.recipients[0].deadline.isoformat()} (ITU-D/SG2)"
    assert fields["Contact:"].splitlines() == [
        "Olga Officer",
        "ITU / Switzerland",
        "Tel: +41 22 730 5111",
        "E-mail: olga@sg17.example",
    ]
    paragraphs = docx_paragraphs(attachment.get_content())
    assert "LIAISON STATEMENT" in [c.text for row in docx.Document(io.BytesIO(attachment.get_content())).tables[1].rows for c in row.cells]
    assert "We would welcome SG2's views on its scope." in paragraphs

    after = _deliveries(db, ls)
    assert all(d["status"] == "sent" and d["attempts"] == 1 and d["sent_at"] for d in after.values())
    ids = {d["message_id"] for d in after.values()}
    assert len(ids) == 5, "each delivery carries its own Message-ID"
    assert after["rita@sg2.example"]["message_id"] == message["Message-ID"]
    assert send_pending(sessions, mail_settings).attempted == 0
    assert len(smtp_server.received) == 5
    assert "Auto-Submitted" not in message, "the statement itself is written by people"


def test_server_down_keeps_deliveries_queued_with_the_error_and_retries_after_the_backoff(
    db, world, sessions, mail_settings, smtp_server, upload_dir
):
    ls = _send_with_empty_outbox(db, world, sessions, mail_settings, smtp_server, upload_dir)
    smtp_server.stop()
    start = utcnow() + dt.timedelta(seconds=1)

    report = send_pending(sessions, mail_settings, now=start)

    assert (report.sent, report.retrying) == (0, 5)
    db.expire_all()
    state = statement_as_dict(get_statement(db, None, ls.id))
    assert state["state"] == "sent", "the statement is sent; its deliveries are what is pending"
    for delivery in state["deliveries"]:
        assert delivery["status"] == "queued" and delivery["attempts"] == 1
        assert "refused" in delivery["last_error"].lower()
        assert delivery["next_attempt_at"] == (start + dt.timedelta(seconds=60)).isoformat()

    smtp_server.start()
    assert send_pending(sessions, mail_settings, now=start + dt.timedelta(seconds=30)).attempted == 0
    report = send_pending(sessions, mail_settings, now=start + dt.timedelta(seconds=61))
    assert report.sent == 5
    assert sorted(a for r in smtp_server.received for a in r.rcpt_tos) == sorted(TO | CC)
    assert {d["status"] for d in _deliveries(db, ls).values()} == {"sent"}
    assert all(d["attempts"] == 2 and d["last_error"] == "" for d in _deliveries(db, ls).values())


def test_refused_deliveries_back_off_then_fail_and_an_admin_can_queue_them_again(
    db, world, sessions, mail_settings, smtp_server, upload_dir
):
    ls = _send_with_empty_outbox(db, world, sessions, mail_settings, smtp_server, upload_dir)
    smtp_server.handler.refuse = "550 5.1.1 Mailbox unavailable"
    now = utcnow() + dt.timedelta(seconds=1)

    first = send_pending(sessions, mail_settings, now=now)
    assert first.retrying == 5
    delivery = _deliveries(db, ls)["rita@sg2.example"]
    assert "550 5.1.1 Mailbox unavailable" in delivery["last_error"]
    assert delivery["next_attempt_at"] == (now + dt.timedelta(seconds=60)).isoformat()

    now += dt.timedelta(seconds=61)
    assert send_pending(sessions, mail_settings, now=now).retrying == 5
    delivery = _deliveries(db, ls)["rita@sg2.example"]
    assert delivery["attempts"] == 2
    assert delivery["next_attempt_at"] == (now + dt.timedelta(seconds=120)).isoformat(), "the wait doubles"

    now += dt.timedelta(seconds=121)
    assert send_pending(sessions, mail_settings, now=now).failed == 5
    assert {d["status"] for d in _deliveries(db, ls).values()} == {"failed"}
    assert send_pending(sessions, mail_settings, now=now + dt.timedelta(days=1)).attempted == 0
    assert smtp_server.received == []

    failed = db.query(Delivery).filter_by(address="rita@sg2.example").one()
    with pytest.raises(PermissionDenied):
        retry_delivery(db, world.officer, failed)
    retry_delivery(db, world.admin, failed)
    smtp_server.handler.refuse = None
    assert send_pending(sessions, mail_settings).sent == 1
    assert [r.rcpt_tos for r in smtp_server.received] == [["rita@sg2.example"]]
    assert _deliveries(db, ls)["rita@sg2.example"]["status"] == "sent"


class Crash(Exception):
    """The sender dies right after the SMTP server accepted a message."""


def test_a_crash_between_acceptance_and_recording_never_sends_twice(
    db, world, sessions, mail_settings, smtp_server, upload_dir
):
    ls = _send_with_empty_outbox(db, world, sessions, mail_settings, smtp_server, upload_dir)

    def crash(_claim):
        raise Crash

    with pytest.raises(Crash):
        send_pending(sessions, mail_settings, after_accept=crash)
    assert len(smtp_server.received) == 1
    (crashed,) = smtp_server.received[0].rcpt_tos
    assert _deliveries(db, ls)[crashed]["status"] == "sending"

    report = send_pending(sessions, mail_settings)
    assert (report.sent, report.uncertain) == (4, 0), "a fresh claim may belong to a live sender: left alone"
    assert len(smtp_server.to(crashed)) == 1

    later = utcnow() + dt.timedelta(seconds=mail_settings.claim_lease + 1)
    report = send_pending(sessions, mail_settings, now=later)
    assert (report.uncertain, report.attempted) == (1, 0)
    delivery = _deliveries(db, ls)[crashed]
    assert delivery["status"] == "uncertain" and "may have been delivered" in delivery["last_error"]
    assert send_pending(sessions, mail_settings, now=later + dt.timedelta(days=1)).attempted == 0
    assert len(smtp_server.to(crashed)) == 1, "an uncertain delivery is never resent on its own"

    retry_delivery(db, world.admin, db.query(Delivery).filter_by(address=crashed).one())
    assert send_pending(sessions, mail_settings).sent == 1
    first, second = smtp_server.to(crashed)
    assert first.message["Message-ID"] == second.message["Message-ID"], "the receiver can drop the copy"
