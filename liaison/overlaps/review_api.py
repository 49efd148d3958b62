"""API: chairs' decisions on overlap alerts, and undoing them.

A decision names the alert version it was taken on (``version`` in the body, or ``If-Match``);
if the alert changed since, the answer is 409 with the alert as it now is (``current``), and
nothing is stored. Without a version, a decision is accepted only while the alert is still open.
"""

from __future__ import annotations

from flask import Response, current_app, request

from liaison.core.schemas import read
from liaison.db import get_session
from liaison.models import OverlapAlert
from liaison.overlaps import review
from liaison.overlaps.operations import get_alert
from liaison.overlaps.schemas import Alert, DecisionInput, ReopenInput
from liaison.web.api import bp
from liaison.web.api.auth import token_required, token_user
from liaison.web.api.params import expected_version, json_object, schema_response
from liaison.web.api.problems import problem


@bp.post("/alerts/<id:alert_id>/decision")
@token_required
def decide_alert(alert_id: int) -> Response:
    """Decide an alert: duplicate, overlap, related or not_overlap (a note is required for the first two)."""
    body = json_object()
    decision = read(DecisionInput, body)
    version = expected_version(body, required=False)
    session = get_session()
    user = token_user()
    alert = get_alert(session, alert_id, user)
    review.decide_alert(
        session, user, alert, decision.decision, decision.note or "", version,
        coordination_group=current_app.config["LIAISON_COORDINATION_GROUP"],
    )
    return _alert_response(alert)


@bp.post("/alerts/<id:alert_id>/reopen")
@token_required
def reopen_alert(alert_id: int) -> Response:
    """Undo the decision on an alert (it is open again; a link the decision made is taken back)."""
    body = json_object() if request.get_data(cache=True) else {}
    read(ReopenInput, body)
    version = expected_version(body, required=True)
    session = get_session()
    user = token_user()
    alert = get_alert(session, alert_id, user)
    review.reopen_alert(
        session, user, alert, version, coordination_group=current_app.config["LIAISON_COORDINATION_GROUP"]
    )
    return _alert_response(alert)


@bp.errorhandler(review.DecisionConflict)
def _conflict(exc: review.DecisionConflict) -> Response:
    # The request's transaction was rolled back, which expired the alert: reading it now shows the
    # decision that won.
    return problem(409, detail=exc.message, current=Alert.of(exc.alert).model_dump(mode="json"))


def _alert_response(alert: OverlapAlert) -> Response:
    response = schema_response(Alert.of(alert))
    response.headers["ETag"] = f'"{alert.version}"'
    return response
