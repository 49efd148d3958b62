"""The annual report as HTML: a page of the site, or a standalone document to save and send."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup, escape

from liaison.reporting.annual import text
from liaison.reporting.annual.data import AnnualReport
from liaison.reporting.annual.figures import report_charts

HTML_MIMETYPE = "text/html; charset=utf-8"


def render_html(report: AnnualReport, standalone: bool = True) -> str:
    """The report as a whole HTML document (``standalone``) or as a page of the site (needs a request)."""
    charts = {name: chart.svg(f"report-{name}") for name, chart in report_charts(report).items()}
    template = "report/document.html" if standalone else "report/view.html"
    return render_template(template, report=report, charts=charts, text=text, cell=html_cell)


def html_cell(value: text.Cell) -> Markup:
    """A table cell's content: escaped text, or a link (a Python function: a report has thousands of cells)."""
    if isinstance(value, text.Link) and value.url:
        return Markup('<a href="{}">{}</a>').format(value.url, value.text)
    return escape(str(value))
