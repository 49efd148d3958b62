"""``liaison outbox`` (delivering queued mail) and ``liaison reminders`` (deadline reminders).

Run ``liaison outbox worker`` as a service, or ``liaison outbox send`` from cron every minute or so;
run ``liaison reminders send`` once a day.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
from types import FrameType

import click
from flask import current_app

from liaison.cli.common import run_service
from liaison.db import database, get_session
from liaison.mail import MailSettings
from liaison.mail.sender import PassReport, run_worker, send_pending
from liaison.models import DELIVERY_STATUSES, utcnow
from liaison.statements import deliveries as outbox_service
from liaison.statements.reminders import send_reminders


def _settings() -> MailSettings:
    return MailSettings.from_config(current_app.config)


def _summary(report: PassReport) -> str:
    return (
        f"Sent {report.sent}, to retry later {report.retrying}, failed {report.failed}, "
        f"found uncertain {report.uncertain}."
    )


@click.group()
def outbox() -> None:
    """Deliver queued mail over SMTP (MAIL_SERVER, MAIL_PORT...), and look after what failed."""


@outbox.command("send")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Stop after this many deliveries.")
def send(limit: int | None) -> None:
    """Deliver what is due, once, and exit."""
    report = send_pending(database().sessionmaker, _settings(), limit=limit)
    click.echo(_summary(report))


@outbox.command("worker")
@click.option(
    "--interval", type=click.FloatRange(min=0.01), default=30.0, show_default=True, help="Seconds between passes."
)
def worker(interval: float) -> None:
    """Deliver what is due every INTERVAL seconds until stopped (SIGTERM or Ctrl-C finish the current mail)."""
    stop = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        # Set from another thread: the handler may interrupt this one inside Event.wait holding its lock.
        threading.Thread(target=stop.set, daemon=True).start()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"Outbox worker started: a pass every {interval:g} s.")
    try:
        run_worker(
            database().sessionmaker,
            _settings(),
            interval=interval,
            stop=stop,
            on_pass=lambda report: click.echo(_summary(report)) if report.attempted or report.uncertain else None,
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Outbox worker stopped.")


@outbox.command("list")
@click.option("--status", type=click.Choice(DELIVERY_STATUSES), default=None, help="Only deliveries in this state.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
def list_deliveries(status: str | None, limit: int) -> None:
    """Show the newest deliveries: id, status, attempts, address, subject and the last error."""
    page = outbox_service.list_deliveries(get_session(), status or "", per_page=limit)
    if not page.items:
        click.echo("No deliveries.")
    for d in page.items:
        error = f"  [{d.last_error}]" if d.last_error else ""
        click.echo(f"{d.id}\t{d.status}\t{d.attempts}\t{d.address}\t{d.message.subject}{error}")


@outbox.command("retry")
@click.argument("delivery_ids", nargs=-1, type=int, required=True)
def retry(delivery_ids: tuple[int, ...]) -> None:
    """Queue failed or uncertain deliveries again (check the mail server's log first for uncertain ones)."""
    with run_service() as session:
        for delivery_id in delivery_ids:
            outbox_service.retry_delivery(session, None, outbox_service.get_delivery(session, delivery_id))
    click.echo(f"Queued again: {', '.join(map(str, delivery_ids))}.")


@click.group()
def reminders() -> None:
    """Deadline reminders for liaison statements."""


@reminders.command("send")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Act as if today were YYYY-MM-DD."
)
@click.option("--queue-only", is_flag=True, help="Only queue the reminders; leave delivery to the outbox worker.")
def send_reminders_command(today: dt.datetime | None, queue_only: bool) -> None:
    """Queue today's reminders (once a day is enough; a second run sends nothing new), then deliver the outbox."""
    day = today.date() if today is not None else utcnow().date()
    with run_service() as session:
        made = send_reminders(session, day)
    click.echo(f"Queued {len(made)} reminder{'s' if len(made) != 1 else ''} for {day.isoformat()}.")
    if not queue_only:
        click.echo(_summary(send_pending(database().sessionmaker, _settings())))
