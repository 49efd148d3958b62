"""The annual report to Council (Resolution 1306 resolves 1.3) and the charts of the dashboard.

:mod:`~liaison.reporting.annual.data` gathers the figures of a period from public data, :mod:`~liaison.reporting.annual.text`
words them, and the writers render them as .docx (:mod:`~liaison.reporting.annual.docx_writer`), HTML
(:mod:`~liaison.reporting.annual.html`) or CSV (:mod:`~liaison.reporting.annual.csv_writer`); :mod:`~liaison.reporting.charts`
draws charts as SVG and PNG.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from liaison.reporting.annual.csv_writer import CSV_MIMETYPE, render_csv
from liaison.reporting.annual.data import (
    AnnualReport,
    Linker,
    Period,
    build_annual_report,
    iter_registered_items,
    parse_period,
)
from liaison.reporting.annual.docx_writer import DOCX_MIMETYPE, CouncilHeader, council_header, render_docx
from liaison.reporting.annual.html import HTML_MIMETYPE, render_html

FORMATS = ("docx", "html", "csv")

__all__ = [
    "FORMATS",
    "AnnualReport",
    "CouncilHeader",
    "Period",
    "RenderedReport",
    "build_annual_report",
    "council_header",
    "make_report",
    "parse_period",
]


@dataclass(frozen=True)
class RenderedReport:
    """A report as a file: its bytes, media type and a file name."""

    content: bytes
    mimetype: str
    filename: str


def make_report(
    session: Session, period: Period, fmt: str, link: Linker, today: dt.date | None = None,
    report: AnnualReport | None = None, header: CouncilHeader | None = None,
) -> RenderedReport:
    """Build the report of ``period`` (unless ``report`` is it, built already) and write it in ``fmt``
    (one of :data:`FORMATS`); the .docx is headed by ``header`` (see :func:`council_header`).

    HTML is rendered with the app's templates: call it inside an application context.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}: one of {', '.join(FORMATS)}")
    if report is None:
        report = build_annual_report(session, period, link, today)
    filename = f"liaison-report-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
    if fmt == "docx":
        return RenderedReport(render_docx(report, header), DOCX_MIMETYPE, filename)
    if fmt == "csv":
        return RenderedReport(render_csv(report, iter_registered_items(session, period, link)), CSV_MIMETYPE, filename)
    return RenderedReport(render_html(report).encode("utf-8"), HTML_MIMETYPE, filename)
