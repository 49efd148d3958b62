"""Turning a queued message into the bytes one delivery sends."""

from __future__ import annotations

import datetime as dt
import uuid
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from liaison.mail.settings import MailSettings
from liaison.models import OutboxMessage

#: Kinds of mail that a program writes on its own (RFC 3834): auto-responders must not answer them.
AUTOMATIC_KINDS = frozenset({"ls_approval", "ls_action", "ls_reminder"})


def make_message_id(settings: MailSettings) -> str:
    """A new, globally unique Message-ID in the sender's domain."""
    return f"<{uuid.uuid4().hex}.liaison@{settings.message_id_domain}>"


def build_message(message: OutboxMessage, message_id: str, settings: MailSettings, date: dt.datetime) -> EmailMessage:
    """The MIME message: headers for everyone it is addressed to, text and HTML bodies, attachments."""
    mail = EmailMessage(policy=SMTP)
    mail["From"] = settings.default_sender
    mail["To"] = ", ".join(message.to_addrs)
    if message.cc_addrs:
        mail["Cc"] = ", ".join(message.cc_addrs)
    if message.reply_to:
        mail["Reply-To"] = message.reply_to
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(date)
    mail["Message-ID"] = message_id
    if message.kind in AUTOMATIC_KINDS:
        mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.text_body)
    if message.html_body:
        mail.add_alternative(message.html_body, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        mail.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return mail
