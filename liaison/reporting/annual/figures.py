"""The charts of the annual report, the same in the .docx (as PNG) and in HTML (as SVG)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from liaison.reporting.annual.data import AnnualReport
from liaison.reporting.charts import BarChart, HeatMap, grouped_by_body, overlap_heatmap, single_series
from liaison.reporting.public_data import DECISION_LABELS

ACTIVITY_KEYS = ("registered", "decisions", "statements_sent", "statements_received")
ACTIVITY_LABELS = {
    "registered": _l("Items registered"),
    "changed": _l("Items changed"),
    "decisions": _l("Overlaps decided"),
    "statements_sent": _l("Statements sent"),
    "statements_received": _l("Statements received"),
}


def report_charts(report: AnnualReport) -> dict[str, HeatMap | BarChart]:
    """The report's charts by name; a chart with nothing to show is left out."""
    charts: dict[str, HeatMap | BarChart] = {}
    totals = report.body_totals()
    if totals:
        charts["activity"] = grouped_by_body(
            _("Activity per body in the period"),
            _("For each body, bars for the work items its groups registered, the overlaps involving its items that "
              "chairs decided, and the liaison statements its groups sent and received."),
            totals,
            ACTIVITY_KEYS,
            ACTIVITY_LABELS,
        )
    if report.overlap_pairs:
        charts["overlaps"] = overlap_heatmap(
            _("Possible overlaps found in the period, between bodies"), report.bodies, report.overlap_pairs, DECISION_LABELS
        )
    if any(report.decisions_made.values()):
        charts["decisions"] = single_series(
            _("Decisions taken in the period"),
            _("One bar per kind of decision the chairs took on possible overlaps."),
            {str(DECISION_LABELS[k]): v for k, v in report.decisions_made.items()},
            _("Decisions"),
        )
    return charts
