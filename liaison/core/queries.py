"""Small helpers for SQLAlchemy that every layer may use."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, Result


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched (``Session.execute`` is typed as answering rows, not a cursor)."""
    return cast(CursorResult[Any], result).rowcount


def escape_like(text: str) -> str:
    """``text`` for a LIKE pattern with ``\\`` as escape: its ``%`` and ``_`` match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(text: str) -> str:
    """A LIKE pattern (with ``\\`` as escape) matching values that contain ``text`` literally."""
    return f"%{escape_like(text)}%"


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight UTC of ``day``: date filters compare stored times with it."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.timezone.utc)
