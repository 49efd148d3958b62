"""Public pages of decided overlaps: what chairs found and decided about similar work of two bodies."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectField

from liaison.db import get_session
from liaison.organisation.operations import all_bodies
from liaison.reporting.links import public_url
from liaison.reporting.public_data import (
    DECISION_LABELS,
    PUBLIC_DECISIONS,
    OverlapFilters,
    get_decided_overlap,
    links_between,
    search_decided_overlaps,
    statements_about_alert,
)
from liaison.web.forms import choices

bp = Blueprint("public", __name__)


class OverlapFilterForm(Form):
    """The filters of the list of decided overlaps, read from the query string (GET, no CSRF)."""

    body = SelectField(_l("Body"), choices=choices([("", _l("Any body"))]), default="")
    decision = SelectField(
        _l("Decision"),
        choices=choices([("", _l("Any decision"))] + [(d, DECISION_LABELS[d]) for d in PUBLIC_DECISIONS]),
        default="",
    )


@bp.route("/overlaps/")
def overlaps() -> Any:
    """Decided overlaps between public items, newest decision first, filtered by body and decision."""
    db = get_session()
    form = OverlapFilterForm(request.args)
    form.body.choices = choices([("", _("Any body"))] + [(b.code, b.code) for b in all_bodies(db)])
    if not form.validate():
        return render_template("public/overlaps.html", form=form, page=None, args={}), 400
    filters = OverlapFilters(body=form.body.data or "", decision=form.decision.data or "")
    page = search_decided_overlaps(db, filters, request.args.get("page", 1, type=int), current_app.config["ITEMS_PER_PAGE"])
    args = {key: value for key, value in (("body", filters.body), ("decision", filters.decision)) if value}
    return render_template("public/overlaps.html", form=form, page=page, args=args)


@bp.route("/overlaps/<id:alert_id>")
def overlap(alert_id: int) -> Any:
    """One decided overlap: both items side by side, the decision, the chair's note and what followed."""
    db = get_session()
    alert = get_decided_overlap(db, alert_id)
    return render_template(
        "public/overlap.html",
        alert=alert,
        links=links_between(db, alert.item_a_id, alert.item_b_id),
        statements=statements_about_alert(db, alert.id),
    )


@bp.app_template_global("statement_url")
def statement_url(statement_id: int) -> str:
    """The public page of a liaison statement (served by the statements pages), or "" if there is none."""
    return public_url("statement", statement_id)


@bp.app_template_global("decision_label")
def decision_label(state: str) -> str:
    """A decision (an alert's state) as a person reads it."""
    return str(DECISION_LABELS.get(state, state))
