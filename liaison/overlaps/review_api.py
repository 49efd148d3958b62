"""API: chairs' decisions on overlap alerts, and undoing them.

A decision names the alert version it was taken on (``version`` in the body, or ``If-Match``);
if the alert changed since, the answer is 409 with the alert as it now is (``current``), and
nothing is stored. Without a version, a decision is accepted only while the alert is still open.
"""

from __future__ import annotations

from typing import Any, Mapping

from flask import Response, current_app, jsonify, request

from liaison.db import get_session
from liaison.models import OverlapAlert
from liaison.overlaps import review
from liaison.core.errors import ValidationError
from liaison.overlaps.operations import alert_as_dict, get_alert
from liaison.web.api import bp
from liaison.web.api.auth import token_required, token_user
from liaison.web.api.params import expected_version, json_object
from liaison.web.api.problems import problem

DECISION_FIELDS = frozenset({"decision", "note", "version"})
REOPEN_FIELDS = frozenset({"version"})


@bp.post("/alerts/<id:alert_id>/decision")
@token_required
def decide_alert(alert_id: int) -> Response:
    """Decide an alert: duplicate, overlap, related or not_overlap (a note is required for the first two)."""
    body = json_object()
    _known(body, DECISION_FIELDS)
    errors = {
        name: "must be text"
        for name in ("decision", "note")
        if body.get(name) is not None and not isinstance(body[name], str)
    }
    if body.get("decision") is None:
        errors["decision"] = f"required: one of {', '.join(review.DECISION_LABELS)}"
    if errors:
        raise ValidationError(errors)
    version = expected_version(body, required=False)
    session = get_session()
    user = token_user()
    alert = get_alert(session, alert_id, user)
    review.decide_alert(
        session, user, alert, body["decision"], body.get("note") or "", version,
        coordination_group=current_app.config["LIAISON_COORDINATION_GROUP"],
    )
    return _alert_response(alert)


@bp.post("/alerts/<id:alert_id>/reopen")
@token_required
def reopen_alert(alert_id: int) -> Response:
    """Undo the decision on an alert (it is open again; a link the decision made is taken back)."""
    body = json_object() if request.get_data(cache=True) else {}
    _known(body, REOPEN_FIELDS)
    version = expected_version(body, required=True)
    session = get_session()
    user = token_user()
    alert = get_alert(session, alert_id, user)
    review.reopen_alert(
        session, user, alert, version, coordination_group=current_app.config["LIAISON_COORDINATION_GROUP"]
    )
    return _alert_response(alert)


def _known(body: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ValidationError({name: f"unknown field; send only {', '.join(sorted(allowed))}" for name in unknown})


@bp.errorhandler(review.DecisionConflict)
def _conflict(exc: review.DecisionConflict) -> Response:
    # The request's transaction was rolled back, which expired the alert: reading it now shows the
    # decision that won.
    return problem(409, detail=exc.message, current=alert_as_dict(exc.alert))


def _alert_response(alert: OverlapAlert) -> Response:
    response = jsonify(alert_as_dict(alert))
    response.headers["ETag"] = f'"{alert.version}"'
    return response
