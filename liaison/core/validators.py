"""Rules on single values that forms, API, import, services and mail share: each is written once, here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from email_validator import EmailNotValidError, validate_email

from liaison.models.base import MAX_ID

#: RFC 5321's limit on a forward path, which every stored address must meet to be mailed.
MAX_EMAIL_LENGTH = 254
_URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)


def is_email(value: str) -> bool:
    """Whether ``value`` is one address mail can be sent to (no list, no display name, no quoting).

    Checked by the ``email-validator`` package, without asking DNS: ``first,second@example.org``
    and ``a b@example.org`` are refused, as the outbox would refuse them at every send.
    """
    if len(value) > MAX_EMAIL_LENGTH:
        return False
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def email_error(value: str) -> str | None:
    """What is wrong with ``value`` as an e-mail address, or None when it is one."""
    return None if is_email(value) else f"{value!r} is not an e-mail address"


def is_web_address(value: str) -> bool:
    """Whether ``value`` is an ``http://`` or ``https://`` address."""
    return bool(_URL.match(value))


def has_nul(value: Any) -> bool:
    """Whether a NUL character is anywhere in ``value`` (text, or lists and mappings of it).

    No text liaison keeps may hold one: PostgreSQL refuses it, so it is refused at the door instead.
    """
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_nul(v) for v in value)
    return False


def any_nul(values: Iterable[str]) -> bool:
    """Whether any of ``values`` holds a NUL character."""
    return any("\x00" in value for value in values)


def parse_number(raw: Any) -> int | None:
    """An id or a version (a whole number from 1 to :data:`MAX_ID`, as text or a number), or None.

    Ids and versions are the same integer in the schema: a larger number names no row, and would
    overflow a query. Signs, spaces inside, decimals and booleans are not numbers here.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 1 <= raw <= MAX_ID else None
    if isinstance(raw, str):
        text = raw.strip()
        if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID)) and 1 <= int(text) <= MAX_ID:
            return int(text)
    return None


def parse_version(raw: str | None) -> int | None:
    """The version a form says it showed (its hidden field), or None when it sent none.

    Any digits count, 0 included: a version no row has then conflicts, as a stale one does,
    instead of passing for "no version given" (which some steps accept while nothing changed).
    """
    text = (raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
