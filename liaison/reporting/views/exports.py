"""Downloads of the public data as CSV and JSON Lines, streamed so that a large registry never sits in memory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Blueprint, Response, render_template, stream_with_context
from sqlalchemy.orm import Session

from liaison.db import database
from liaison.reporting.public_data import (
    ITEM_EXPORT_FIELDS,
    OVERLAP_EXPORT_FIELDS,
    STATEMENT_EXPORT_FIELDS,
    iter_decided_overlaps,
    iter_public_items,
    iter_public_statements,
)

bp = Blueprint("exports", __name__, url_prefix="/exports")

CSV_MIMETYPE = "text/csv; charset=utf-8"
JSONL_MIMETYPE = "application/jsonl; charset=utf-8"
#: Rows written to the network at a time: small enough to start at once, large enough to be cheap.
ROWS_PER_CHUNK = 500
#: A spreadsheet runs a cell starting with these as a formula; exported text must never do that.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@bp.route("/")
def index() -> Any:
    """What can be downloaded, in which formats."""
    return render_template("public/exports.html")


def _export(name: str, fields: tuple[str, ...], rows: Callable[[Session], Iterable[dict[str, Any]]]) -> None:
    """Register the CSV and the JSON Lines routes of one data set."""

    def as_csv() -> Response:
        return _download(f"{name}.csv", CSV_MIMETYPE, _streamed(lambda session: csv_lines(fields, rows(session))))

    def as_jsonl() -> Response:
        return _download(f"{name}.jsonl", JSONL_MIMETYPE, _streamed(lambda session: jsonl_lines(rows(session))))

    as_csv.__doc__ = f"Public {name} as CSV (one row each; lists joined with '; ')."
    as_jsonl.__doc__ = f"Public {name} as JSON Lines (one JSON object per line)."
    bp.add_url_rule(f"/{name}.csv", f"{name}_csv", as_csv)
    bp.add_url_rule(f"/{name}.jsonl", f"{name}_jsonl", as_jsonl)


_export("items", ITEM_EXPORT_FIELDS, iter_public_items)
_export("overlaps", OVERLAP_EXPORT_FIELDS, iter_decided_overlaps)
_export("statements", STATEMENT_EXPORT_FIELDS, iter_public_statements)


def _streamed(produce: Callable[[Session], Iterator[str]]) -> Iterator[str]:
    """Run ``produce`` on a session of its own, closed when the download ends.

    The request's session is closed when the view returns, before a streamed body is read; using
    it afterwards would reopen a transaction that nothing ends.
    """
    session = database().sessionmaker()
    try:
        yield from produce(session)
    finally:
        session.close()


def _download(filename: str, mimetype: str, chunks: Iterator[str]) -> Response:
    stem, _, extension = filename.rpartition(".")
    day = dt.datetime.now(dt.timezone.utc).date().isoformat()
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="liaison-{stem}-{day}.{extension}"'
    return response


def csv_lines(fields: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV text in chunks: a header, then one line per row (lists joined with ``; ``, no formulas)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for number, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(row.get(name)) for name in fields])
        if number % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def csv_cell(value: Any) -> str:
    """One value as CSV text: lists and editors flattened, text that a spreadsheet would run made inert."""
    if type(value) is str:
        return "'" + value if value.startswith(_FORMULA_START) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return csv_cell(", ".join(str(v) for v in value.values() if v))
    if isinstance(value, (list, tuple)):
        return csv_cell("; ".join(csv_cell(v).lstrip("'") for v in value if v not in (None, "")))
    return csv_cell(str(value))


def jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """JSON Lines in chunks: one object per line, UTF-8 as it is."""
    lines: list[str] = []
    for row in rows:
        lines.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        if len(lines) >= ROWS_PER_CHUNK:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
