"""Queueing mail: an :class:`OutboxMessage` and one :class:`Delivery` per address, in the caller's transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import formataddr
from typing import Iterable, Sequence

from sqlalchemy.orm import Session

from liaison.core.validators import is_email
from liaison.models import Delivery, OutboxAttachment, OutboxMessage, utcnow

#: (file name, MIME type, bytes)
Attachment = tuple[str, str, bytes]

_BLANKS = re.compile(r"\s+")


@dataclass(frozen=True)
class MailAddress:
    """An address to write to; ``recipient_id`` links it to the LS recipient it stands for, if any."""

    email: str
    name: str = ""
    recipient_id: int | None = None
    #: The language the reader chose (an account's or a contact's), None when unknown.
    language: str | None = None

    def formatted(self) -> str:
        """``Name <address>`` as it goes into a header."""
        return formataddr((self.name, self.email))


def readers_language(addresses: Iterable[MailAddress], fallback: str) -> str:
    """The language to write to ``addresses`` in: the one every reader chose, if they all chose the same
    one; otherwise ``fallback`` (the sending group's language). One message goes to all of them."""
    chosen = {address.language for address in addresses}
    only = chosen.pop() if len(chosen) == 1 else None
    return only if only is not None else fallback


def queue_mail(
    session: Session,
    to: Iterable[MailAddress | str],
    cc: Iterable[MailAddress | str] = (),
    *,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    kind: str = "other",
    statement_id: int | None = None,
    reply_to: str = "",
) -> OutboxMessage:
    """Queue one mail; the sender delivers it after the caller commits.

    Each address gets a delivery of its own (an SMTP transaction with that one envelope recipient),
    so that one refusing address neither blocks nor repeats the others. An address given twice, or in
    both ``to`` and ``cc``, is written to once. Raises ValueError for a message nobody would receive or an
    address that could smuggle headers: callers validate what people typed before they get here.
    """
    to_list = _unique(to, set())
    cc_list = _unique(cc, {a.email.lower() for a in to_list})
    if not to_list:
        raise ValueError("a mail needs at least one To address")
    message = OutboxMessage(
        kind=kind,
        subject=_one_line(subject)[:500],
        to_addrs=[a.formatted() for a in to_list],
        cc_addrs=[a.formatted() for a in cc_list],
        reply_to=_checked(reply_to) if reply_to else "",
        text_body=text,
        html_body=html or "",
        statement_id=statement_id,
    )
    message.attachments = [
        OutboxAttachment(filename=_one_line(name), content_type=mimetype, content=content)
        for name, mimetype, content in attachments
    ]
    now = utcnow()
    message.deliveries = [
        Delivery(
            address=address.email,
            role=role,
            status="queued",
            attempts=0,
            next_attempt_at=now,
            statement_id=statement_id,
            recipient_id=address.recipient_id,
        )
        for role, addresses in (("to", to_list), ("cc", cc_list))
        for address in addresses
    ]
    session.add(message)
    session.flush()
    return message


def _unique(addresses: Iterable[MailAddress | str], seen: set[str]) -> list[MailAddress]:
    result = []
    for item in addresses:
        address = item if isinstance(item, MailAddress) else MailAddress(item)
        address = MailAddress(_checked(address.email), _one_line(address.name), address.recipient_id)
        key = address.email.lower()
        if key not in seen:
            seen.add(key)
            result.append(address)
    return result


def _checked(email: str) -> str:
    email = email.strip()
    if not is_email(email):
        raise ValueError(f"{email!r} is not a single e-mail address")
    return email


def _one_line(value: str) -> str:
    return _BLANKS.sub(" ", value or "").strip()
