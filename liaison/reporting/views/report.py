"""The annual report to Council, made on demand: a form with the period and the format.

The HTML version is shown as a page of the site; .docx, standalone HTML and CSV are downloaded.
Anybody may make it: it is built from public data only (see :mod:`liaison.reporting.annual.data`). A built
report is kept per process for ``LIAISON_REPORT_CACHE_SECONDS`` (300 s), a few periods at a time:
everybody reading this year's report costs one build every few minutes, not one each.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, Form, SelectField

from liaison.core.errors import ValidationError
from liaison.core.timed_cache import TimedCache
from liaison.db import get_session
from liaison.reporting.annual import (
    FORMATS,
    AnnualReport,
    Period,
    build_annual_report,
    council_header,
    make_report,
    parse_period,
)
from liaison.reporting.annual.html import render_html
from liaison.reporting.links import site_linker
from liaison.web.forms import choices

bp = Blueprint("report", __name__, url_prefix="/report")

CACHE = "liaison.report_cache"
#: Reports kept at once per process (one of a large registry's years is a few megabytes).
CACHED_REPORTS = 4

FORMAT_LABELS = {
    "html": _l("Web page (HTML), to read here"),
    "docx": _l("Word document (.docx), to edit and submit"),
    "csv": _l("Spreadsheet (CSV), every table and all items"),
}


class ReportForm(Form):
    """The period and format of a report, read from the query string (GET: making a report changes nothing)."""

    date_from = DateField(_l("From"), name="from")
    date_to = DateField(_l("To (included)"), name="to")
    format = SelectField(_l("Format"), choices=choices((f, FORMAT_LABELS[f]) for f in ("html", "docx", "csv")), default="html")


@bp.route("/")
def index() -> Any:
    """The form; with a period given, the report itself."""
    form = ReportForm(request.args)
    if "from" not in request.args and "to" not in request.args:
        year = dt.datetime.now(dt.timezone.utc).year
        form.date_from.data, form.date_to.data = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return render_template("report/index.html", form=form)
    try:
        period = parse_period(request.args.get("from"), request.args.get("to"))
    except ValidationError as exc:
        form.date_from.errors = [exc.errors["from"]] if "from" in exc.errors else []
        form.date_to.errors = [exc.errors["to"]] if "to" in exc.errors else []
        return render_template("report/index.html", form=form), 422
    fmt = request.args.get("format", "html")
    if fmt not in FORMATS:
        form.format.errors = [_("choose one of: %(value)s", value=", ".join(FORMATS))]
        return render_template("report/index.html", form=form), 422
    report = _report_of(period)
    if fmt == "html" and not request.args.get("download"):
        return render_html(report, standalone=False)
    header = council_header(current_app.config, period.end, dt.datetime.now(dt.timezone.utc).date())
    rendered = make_report(get_session(), period, fmt, site_linker(), report=report, header=header)
    response = Response(rendered.content, mimetype=rendered.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response


def _report_of(period: Period) -> AnnualReport:
    """The report of ``period``, built at most once per cache period in this process."""
    cache = current_app.extensions.setdefault(CACHE, TimedCache(max_entries=CACHED_REPORTS))
    ttl = current_app.config["LIAISON_REPORT_CACHE_SECONDS"]
    # Links in the report are absolute, on LIAISON_BASE_URL whatever address the site was asked by.
    return cache.get(period, ttl, lambda: build_annual_report(get_session(), period, site_linker()))
