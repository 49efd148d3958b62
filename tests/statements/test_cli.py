"""``liaison outbox`` and ``liaison reminders`` against the SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading

from liaison.models import Delivery
from tests.statements.helpers import sent_statement


def test_outbox_send_delivers_what_is_queued(mail_app, db, world, smtp_server, upload_dir):
    ls = sent_statement(db, world, upload_dir)
    result = mail_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Sent 6, to retry later 0, failed 0, found uncertain 0."
    assert len(smtp_server.to("rita@sg2.example")) == 1
    assert smtp_server.to("rita@sg2.example")[0].message["Subject"].startswith(ls.reference)
    again = mail_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert again.output.strip() == "Sent 0, to retry later 0, failed 0, found uncertain 0."


def test_outbox_send_with_the_server_down_keeps_everything_for_later(mail_app, db, world, smtp_server, upload_dir):
    sent_statement(db, world, upload_dir)
    smtp_server.stop()
    result = mail_app.test_cli_runner().invoke(args=["outbox", "send", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Sent 0, to retry later 2, failed 0, found uncertain 0."
    db.expire_all()
    assert sorted(d.status for d in db.query(Delivery)) == ["queued"] * 6
    listed = mail_app.test_cli_runner().invoke(args=["outbox", "list", "--status", "queued"])
    assert listed.output.count("\tqueued\t") == 6 and "Connection refused" in listed.output


def test_outbox_retry_requeues_a_failed_delivery(mail_app, db, world, smtp_server, upload_dir):
    sent_statement(db, world, upload_dir)
    delivery = db.query(Delivery).filter_by(address="rita@sg2.example").one()
    delivery.status = "failed"
    db.flush()
    refused = mail_app.test_cli_runner().invoke(args=["outbox", "retry", str(delivery.id + 1000)])
    assert refused.exit_code == 1 and f"no delivery with id {delivery.id + 1000}" in refused.output
    result = mail_app.test_cli_runner().invoke(args=["outbox", "retry", str(delivery.id)])
    assert result.exit_code == 0, result.output
    db.refresh(delivery)
    assert delivery.status == "queued"


def test_reminders_send_mails_the_action_holders_once_a_day(mail_app, db, world, smtp_server, upload_dir):
    ls = sent_statement(db, world, upload_dir)
    day = (ls.recipients[0].deadline - dt.timedelta(days=7)).isoformat()
    runner = mail_app.test_cli_runner()
    runner.invoke(args=["outbox", "send"])
    smtp_server.received.clear()

    result = runner.invoke(args=["reminders", "send", "--today", day])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Queued 1 reminder for {day}.",
        "Sent 4, to retry later 0, failed 0, found uncertain 0.",
    ]
    assert sorted(a for r in smtp_server.received for a in r.rcpt_tos) == [
        "carla@sg2.example",
        "omar@sg2.example",
        "rita@sg2.example",
        "victor@sg2.example",
    ]
    assert smtp_server.subjects()[0].startswith("Reminder: action due in 7 days")
    again = runner.invoke(args=["reminders", "send", "--today", day])
    assert again.output.splitlines()[0] == f"Queued 0 reminders for {day}."
    assert len(smtp_server.received) == 4
    bad = runner.invoke(args=["reminders", "send", "--today", "next week"])
    assert bad.exit_code == 2 and "'next week' does not match the format '%Y-%m-%d'" in bad.output


def test_the_worker_delivers_and_stops_gracefully_on_sigterm(mail_app, db, world, smtp_server, upload_dir):
    sent_statement(db, world, upload_dir)
    before = signal.getsignal(signal.SIGTERM)
    done = threading.Event()

    def stop_when_delivered() -> None:
        # Signal once the worker has installed its handler and delivered all six, however slow the machine:
        # a fixed delay could fire before the handler (killing the test process) or mid-pass.
        while not done.wait(0.05):
            if signal.getsignal(signal.SIGTERM) is not before and len(smtp_server.received) >= 6:
                os.kill(os.getpid(), signal.SIGTERM)
                return

    stopper = threading.Thread(target=stop_when_delivered, daemon=True)
    stopper.start()
    try:
        result = mail_app.test_cli_runner().invoke(args=["outbox", "worker", "--interval", "0.1"])
    finally:
        done.set()
        stopper.join()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Outbox worker started: a pass every 0.1 s."
    assert "Sent 6, to retry later 0, failed 0, found uncertain 0." in lines
    assert lines[-1] == "Outbox worker stopped."
    assert len(smtp_server.received) == 6
    assert signal.getsignal(signal.SIGTERM) is before, "the previous handler is back"
