"""Small helpers for SQLAlchemy that every layer may use."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched (``Session.execute`` is typed as answering rows, not a cursor)."""
    return cast(CursorResult[Any], result).rowcount
