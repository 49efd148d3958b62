"""The annual report as CSV: one section after another, each a title row, a header row and its rows.

A spreadsheet opens it as one sheet that reads top to bottom like the document. Rows whose cells
link to a page of the public site get that page's address in a last "Address" column, and text a
spreadsheet would run as a formula is made inert.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext as _

from liaison.reporting.annual import text
from liaison.reporting.annual.data import AnnualReport, ListedItem

CSV_MIMETYPE = "text/csv; charset=utf-8"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render_csv(report: AnnualReport, items: Iterable[ListedItem]) -> bytes:
    """The CSV bytes (UTF-8 with a byte-order mark, which spreadsheets need to read accents); ``items`` are all listed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([report.title])
    writer.writerow([_("Period: %(period)s", period=str(report.period))])
    writer.writerow([])
    sections: list[tuple[str, Sequence[Any], Iterable[Sequence[text.Cell]]]] = [
        (_("Summary"), text.SUMMARY_HEADERS, text.summary_rows(report)),
        (_("Activity by body"), text.BODY_ACTIVITY_HEADERS, text.body_activity_rows(report)),
        (_("Activity by group"), text.GROUP_ACTIVITY_HEADERS, text.group_activity_rows(report)),
        (_("Overlaps by outcome"), text.OVERLAP_HEADERS, text.overlap_rows(report)),
        (_("Overlaps by pair of bodies (alerts raised in the period)"), text.pair_headers(report), text.pair_rows(report)),
        (_("Duplicates and overlaps decided"), text.DECISION_HEADERS, text.decision_rows(report)),
        (_("Liaison statements sent and received"), text.STATEMENT_HEADERS, text.statement_rows(report)),
        (text.open_actions_title(report), text.OPEN_ACTION_HEADERS, text.open_action_rows(report)),
        (_("Work items registered in the period"), text.ITEM_HEADERS, text.item_rows(items)),
    ]
    for title, headers, rows in sections:
        rows = list(rows)
        linked = any(isinstance(cell, text.Link) and cell.url for row in rows for cell in row)
        writer.writerow([title])
        writer.writerow([str(header) for header in [*headers, text.ADDRESS_HEADER]] if linked else [str(h) for h in headers])
        for row in rows:
            cells = [_cell(str(cell)) for cell in row]
            if linked:
                cells.append(next((cell.url for cell in row if isinstance(cell, text.Link) and cell.url), ""))
            writer.writerow(cells)
        writer.writerow([])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value
