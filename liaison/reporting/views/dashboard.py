"""The dashboard: overlaps between bodies as a heat map, items per body and status, statements, delays.

Anybody sees the public figures. Chairs and admins see the full figures (private items, drafts
and open alerts between any items included) and may switch to the public view to check what
everybody else sees. Figures are cached per process for ``DASHBOARD_CACHE_SECONDS`` (60 s; ``LIAISON_DASHBOARD_CACHE_SECONDS``).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from liaison.core.timed_cache import TimedCache
from liaison.db import get_session
from liaison.items.forms import STATUS_LABELS
from liaison.models import ITEM_STATUSES, User
from liaison.reporting.charts import grouped_by_body, overlap_heatmap, stacked_by_body
from liaison.reporting.dashboard import OVERLAP_STATES, DashboardStats, Scope, compute_dashboard
from liaison.reporting.public_data import DECISION_LABELS
from liaison.web.session_auth import current_user

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

CACHE = "liaison.dashboard_cache"
STATEMENT_KINDS = ("sent", "received", "answered", "overdue")
STATEMENT_LABELS = {
    "sent": _l("Sent"),
    "received": _l("Received"),
    "answered": _l("Answered"),
    "overdue": _l("Overdue"),
    "in_preparation": _l("In preparation"),
}


def may_see_full(user: User | None) -> bool:
    """Chairs (of any group) and admins see the full figures."""
    return user is not None and user.is_active and (user.is_admin or bool(user.group_ids("chair")))


def cached_stats(scope: Scope) -> DashboardStats:
    """The figures of ``scope``, computed at most once per cache period in this process."""
    cache = current_app.extensions.setdefault(CACHE, TimedCache())
    ttl = current_app.config["DASHBOARD_CACHE_SECONDS"]
    return cache.get(scope, ttl, lambda: compute_dashboard(get_session(), scope))


@bp.route("/")
def index() -> Any:
    """The dashboard in the scope the visitor may see (``?view=public`` shows chairs the public one)."""
    full = may_see_full(current_user()) and request.args.get("view") != "public"
    stats = cached_stats("full" if full else "public")
    return render_template(
        "dashboard/index.html",
        stats=stats,
        charts=dashboard_charts(stats),
        can_see_full=may_see_full(current_user()),
        overlap_states=OVERLAP_STATES,
        statement_kinds=STATEMENT_KINDS + (("in_preparation",) if full else ()),
        statement_labels=STATEMENT_LABELS,
        status_labels=STATUS_LABELS,
    )


def dashboard_charts(stats: DashboardStats) -> dict[str, Any]:
    """The SVG charts of the dashboard."""
    statements = {body: asdict(counts) for body, counts in stats.statements_by_body.items()}
    return {
        "overlaps": overlap_heatmap(
            _("Possible overlaps found between bodies"), stats.bodies, stats.overlaps, DECISION_LABELS
        ).svg("chart-overlaps"),
        "items": stacked_by_body(
            _("Work items per body and status"),
            _("One bar per body, divided by status; the total is printed at the end of each bar."),
            stats.items_by_body,
            ITEM_STATUSES,
            STATUS_LABELS,
        ).svg("chart-items"),
        "statements": grouped_by_body(
            _("Liaison statements per body"),
            _("For each body, bars for the statements its groups sent and received, those answered and those overdue."),
            statements,
            STATEMENT_KINDS,
            STATEMENT_LABELS,
        ).svg("chart-statements"),
    }
