"""URL converters, registered on the app by :func:`register_converters`."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from liaison.models.base import MAX_ID


def numbers_up_to(limit: int) -> str:
    """A regular expression that matches the decimal numbers 1 to ``limit`` (leading zeros allowed)."""
    digits = str(limit)
    shorter = [rf"[1-9]\d{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    same_length = []
    for position, digit in enumerate(digits):
        lowest = 1 if position == 0 else 0
        if int(digit) > lowest:
            rest = len(digits) - position - 1
            same_length.append(f"{digits[:position]}[{lowest}-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    return "0*(?:" + "|".join([*shorter, *same_length, digits]) + ")"


class IdConverter(IntegerConverter):
    """``<id:name>``: a row id, 1 to :data:`MAX_ID`.

    Larger numbers name no row: they do not match the route (404), where they used to overflow the
    database's integer in a query (a 500 on PostgreSQL from 2**31, on SQLite from 2**63). The range
    is in the pattern, not only checked after it matched: a path that matched and then failed its
    check would answer 405 for the methods of the route's other rules.
    """

    regex = numbers_up_to(MAX_ID)


def register_converters(app: Flask) -> None:
    """Every route with a row id in its path names it ``<id:...>``."""
    app.url_map.converters["id"] = IdConverter
