"""The chairs' review of overlap alerts: the queue, the side-by-side page, decisions (one or many),
the digest settings and, for admins, the model the engine learned from the decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, cast

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import BooleanField, DateField, FloatField, Form, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from liaison.core.audit import history
from liaison.core.errors import Conflict, ValidationError
from liaison.core.permissions import can_see_item
from liaison.core.queries import start_of_day
from liaison.core.validators import parse_number, parse_version
from liaison.db import get_session
from liaison.indexing import current_index
from liaison.items.operations import links_of
from liaison.models import ALERT_DIGEST_MODES, OverlapAlert, User, WorkItem
from liaison.organisation.operations import all_bodies, all_groups
from liaison.overlaps import calibration, review
from liaison.overlaps import operations as overlaps
from liaison.overlaps.digests import MODE_LABELS, set_alert_digest
from liaison.overlaps.evidence import score_breakdown, shared_words, word_spans
from liaison.overlaps.schemas import is_cross_language
from liaison.web.forms import ErrorEntry
from liaison.web.session_auth import admin_required, current_user, login_required
from liaison.web.transaction import refusal_undone

bp = Blueprint("review", __name__, url_prefix="/review")

STATE_LABELS = review.STATE_LABELS
#: What a decision means for the groups, beside its label where the chair chooses it.
DECISION_HINTS = {"overlap": "both continue and coordinate"}
ORDER_LABELS = {
    "score": _l("Most likely overlaps first (highest probability)"),
    "uncertain": _l("Most useful to decide next (the model is least sure)"),
    "newest": _l("Newest first"),
    "oldest": _l("Oldest first"),
}
FEATURE_LABELS = {
    "words": _l("Shared subject words (title, summary, keywords)"),
    "chars": _l("Title spelling (character n-grams)"),
    "title_fuzzy": _l("Titles alike"),
    "title_same": _l("Same title once series and body names are set aside"),
    "identifiers": _l("Identifiers quoted or shared"),
    "keywords": _l("Shared keywords"),
    "cites": _l("One cites the other"),
    "semantic": _l("Same meaning, in any language (sentence embedding)"),
    "semantic_across": _l("Same meaning across two languages (sentence embedding)"),
    "title_twin": _l("Titles name the same subject (a full match weighs most)"),
    "title_within": _l("One title's subject lies within the other's"),
    "revises": _l("One says it updates or replaces the other"),
}


@bp.app_template_global("cross_language")
def cross_language(alert: OverlapAlert) -> bool:
    """Whether an alert's two items are in different languages (the queue and the alert page mark it)."""
    return is_cross_language(alert)


def _choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class QueueFilterForm(Form):
    """The queue's filters and order, read from the query string (GET, no CSRF)."""

    state = SelectField(
        _l("State"), choices=_choices([*STATE_LABELS.items(), ("any", "Any state")]), default="open"
    )
    body = SelectField(_l("Body"), choices=_choices([("", _l("Any body"))]), default="")
    group = SelectField(_l("Group"), choices=_choices([("", _l("Any group"))]), default="")
    mine = BooleanField(_l("Only alerts involving my groups"))
    min_score = FloatField(_l("Score from"), validators=[Optional(), NumberRange(0, 1, "between 0 and 1")])
    max_score = FloatField(_l("Score up to"), validators=[Optional(), NumberRange(0, 1, "between 0 and 1")])
    created_from = DateField(_l("Raised on or after"), validators=[Optional()])
    created_to = DateField(_l("Raised on or before"), validators=[Optional()])
    order = SelectField(_l("Order"), choices=_choices(ORDER_LABELS.items()), default="score")

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        low, high = self.min_score.data, self.max_score.data
        if ok and low is not None and high is not None and high < low:
            self.max_score.errors = ["must not be below “score from”"]
            ok = False
        if ok and self.created_from.data and self.created_to.data and self.created_to.data < self.created_from.data:
            self.created_to.errors = ["must not be before “raised on or after”"]
            ok = False
        return ok


class DecisionForm(FlaskForm):
    """One decision on the alert of the page, taken on the version the chair saw."""

    decision = RadioField(
        _l("Decision"),
        choices=_choices(
            (value, f"{label}: {DECISION_HINTS[value]}" if value in DECISION_HINTS else label)
            for value, label in review.DECISION_LABELS.items()
        ),
    )
    note = TextAreaField(_l("Note"), render_kw={"maxlength": review.MAX_NOTE_LENGTH, "rows": 3})
    version = HiddenField()


class ReopenForm(FlaskForm):
    """Undo the decision on the alert of the page."""

    version = HiddenField()


class BulkForm(FlaskForm):
    """One decision and note for the alerts ticked in the queue (each ``id:version``)."""

    decision = SelectField(
        _l("Decision for the selected alerts"),
        choices=_choices([("", _l("Choose a decision…")), *review.DECISION_LABELS.items()]),
        default="",
    )
    note = TextAreaField(_l("Note for all of them"), render_kw={"maxlength": review.MAX_NOTE_LENGTH, "rows": 2})


class SettingsForm(FlaskForm):
    """How the person hears of new alerts."""

    alert_digest = RadioField(
        _l("Mail me new overlap alerts on the work of my groups"), choices=_choices((m, MODE_LABELS[m]) for m in ALERT_DIGEST_MODES)
    )


# --- helpers ------------------------------------------------------------------------------------


def _coordination_group() -> str:
    return current_app.config["LIAISON_COORDINATION_GROUP"]


def _reviewer() -> User:
    user = current_user()
    if not review.can_review(user):
        abort(403, _("The review of overlap alerts is for chairs and the secretariat."))
    assert user is not None
    return user


def _queue_args() -> dict[str, Any]:
    """The queue's filters as they came, without empty values or the page, to carry through links."""
    args = {key: [v for v in values if v] for key, values in request.args.lists() if key != "page"}
    return {key: values for key, values in args.items() if values}


def _queue(user: User) -> tuple[QueueFilterForm, overlaps.AlertFilters | None]:
    """The filter form of the query string and the filters it stands for (None when invalid)."""
    db = get_session()
    form = QueueFilterForm(request.args)
    form.body.choices = _choices([("", _("Any body"))] + [(b.code, b.code) for b in all_bodies(db)])
    form.group.choices = _choices([("", _("Any group"))] + [(g.code, g.code) for g in all_groups(db)])
    if not form.validate():
        return form, None
    state = form.state.data or "open"
    mine = tuple(sorted(m.group.code for m in user.memberships)) if form.mine.data else None
    return form, overlaps.AlertFilters(
        state=[] if state == "any" else [state],
        body=form.body.data or "",
        group=form.group.data or "",
        min_score=form.min_score.data,
        max_score=form.max_score.data,
        group_codes=mine,
        created_from=_day_start(form.created_from.data),
        created_to=_day_start(form.created_to.data, plus_days=1),
        order=form.order.data or "score",
    )


def _day_start(day: dt.date | None, plus_days: int = 0) -> dt.datetime | None:
    return None if day is None else start_of_day(day + dt.timedelta(days=plus_days))


def _alert(alert_id: int, user: User) -> OverlapAlert:
    return overlaps.get_alert(get_session(), alert_id, user)


def highlight(text: str, words: set[str]) -> Markup:
    """``text`` escaped, with the words in ``words`` (folded) marked: built from escaped pieces only."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(piece) if marked else escape(piece) for piece, marked in word_spans(text, words)
    )


def _item_text(item: WorkItem) -> str:
    return " ".join([item.title, item.summary or "", " ".join(item.keywords or [])])


def _side(item: WorkItem, alert: OverlapAlert, user: User, words: set[str]) -> dict[str, Any]:
    """What the side-by-side page shows of one item: highlighted text, its other alerts and links."""
    db = get_session()
    others = overlaps.other_alerts_of(db, item.id, user, besides=alert.id)
    links = []
    for link in links_of(db, item):
        other = link.target if link.source_id == item.id else link.source
        if can_see_item(user, other):
            links.append({"link": link, "other": other})
    return {
        "item": item,
        "title": highlight(item.title, words),
        "summary": highlight(item.summary or "", words),
        "keywords": [highlight(k, words) for k in item.keywords or []],
        "alerts": others,
        "links": links,
    }


def _breakdown(alert: OverlapAlert) -> list[dict[str, Any]]:
    weights = current_index().current_model(get_session()).weights
    return [
        {
            "name": share.name,
            "label": FEATURE_LABELS.get(share.name, share.name.replace("_", " ").capitalize()),
            "value": share.value,
            "weight": share.weight,
            "contribution": share.contribution,
        }
        for share in score_breakdown(alert.features, weights)
    ]


def _render_alert(
    alert: OverlapAlert,
    user: User,
    *,
    form: DecisionForm | None = None,
    problem: str | None = None,
    status: int = 200,
) -> Any:
    db = get_session()
    args = _queue_args()
    _, filters = _queue(user)
    previous, following = overlaps.alert_neighbours(db, filters, user, alert.id) if filters else (None, None)
    words = shared_words(_item_text(alert.item_a), _item_text(alert.item_b))
    may_decide = review.can_decide(user, alert, _coordination_group())
    if form is None and may_decide:
        form = DecisionForm(formdata=None, version=str(alert.version))
        if alert.state in review.DECISION_LABELS:
            form.decision.data, form.note.data = alert.state, alert.decision_note
    return render_template(
        "review/alert.html",
        alert=alert,
        sides=[_side(alert.item_a, alert, user, words), _side(alert.item_b, alert, user, words)],
        breakdown=_breakdown(alert),
        events=history(db, "overlap_alert", alert.id),
        form=form if may_decide and alert.state != "closed" else None,
        reopen_form=ReopenForm(formdata=None, version=str(alert.version)) if may_decide and alert.state != "open" else None,
        may_decide=may_decide,
        problem=problem,
        previous=previous,
        following=following,
        args=args,
        note_required=sorted(review.NOTE_REQUIRED),
        STATE_LABELS=STATE_LABELS,
    ), status


def _after_decision(alert: OverlapAlert, user: User) -> Any:
    """The next alert of the queue, or the queue when there is none."""
    _form, filters = _queue(user)
    following = overlaps.alert_neighbours(get_session(), filters, user, alert.id)[1] if filters else None
    if following is not None:
        return redirect(url_for(".alert", alert_id=following, **_queue_args()), 303)
    flash(_("That was the last alert of the queue."), "info")
    return redirect(url_for(".queue", **_queue_args()), 303)


# --- pages --------------------------------------------------------------------------------------


@bp.route("/")
@login_required
def queue() -> Any:
    """Alerts to decide, filtered and ordered (highest score, or most useful to decide next)."""
    user = _reviewer()
    return _render_queue(user, BulkForm(formdata=None))


def _render_queue(
    user: User, bulk: BulkForm, form_errors: list[ErrorEntry] | None = None, status: int = 200,
    selected: frozenset[int] = frozenset(),
) -> Any:
    """The queue; ``selected`` alerts stay ticked (a bulk decision that failed keeps the chair's choice)."""
    db = get_session()
    form, filters = _queue(user)
    args = _queue_args()
    if filters is None:
        return render_template(
            "review/queue.html", form=form, page=None, counts=None, args=args, bulk=bulk, STATE_LABELS=STATE_LABELS
        ), 400
    page = overlaps.search_alerts(
        db, filters, user, request.args.get("page", 1, type=int), current_app.config["ITEMS_PER_PAGE"]
    )
    decidable = {a.id for a in page.items if review.can_decide(user, a, _coordination_group())}
    return render_template(
        "review/queue.html",
        form=form,
        page=page,
        counts=overlaps.count_alerts_by_state(db, filters, user),
        args=args,
        state_args={k: v for k, v in args.items() if k != "state"},
        filtered=any(k not in ("state", "order") for k in args),
        bulk=bulk,
        decidable=decidable,
        form_errors=form_errors,
        selected=selected,
        STATE_LABELS=STATE_LABELS,
    ), status


@bp.route("/<id:alert_id>")
@login_required
def alert(alert_id: int) -> Any:
    """Both items side by side, the shared terms marked, the score explained, and the decision."""
    user = _reviewer()
    return _render_alert(_alert(alert_id, user), user)


@bp.post("/<id:alert_id>/decide")
@login_required
def decide(alert_id: int) -> Any:
    """Record a decision; a decision taken on an old version is refused (409) with the other one shown."""
    db = get_session()
    user = _reviewer()
    alert = _alert(alert_id, user)
    form = DecisionForm()
    try:
        with refusal_undone():
            review.decide_alert(
                db, user, alert, form.decision.data or "", form.note.data or "", parse_version(form.version.data),
                coordination_group=_coordination_group(),
            )
    except ValidationError as exc:
        for name, message in exc.errors.items():
            getattr(form, name).errors = [message]
        return _render_alert(alert, user, form=form, status=422)
    except Conflict as exc:
        # Their choice stays in the form, now on the version they have just been shown.
        form.version.data = str(alert.version)
        return _render_alert(alert, user, form=form, problem=exc.message, status=409)
    # The message carries an Undo button (base.html renders it): one click reopens the alert.
    # Flask types a flashed message as text; base.html reads this one as the mapping it is.
    flash(cast(str, {
        "text": f"Decided: {alert.item_a.reference} and {alert.item_b.reference}, {review.DECISION_LABELS[alert.state]}.",
        "undo": url_for(".reopen", alert_id=alert.id, **_queue_args()),
        "version": alert.version,
    }), "success")
    return _after_decision(alert, user)


@bp.post("/<id:alert_id>/reopen")
@login_required
def reopen(alert_id: int) -> Any:
    """Undo the decision: the alert is open again, the link as people had made it by hand."""
    db = get_session()
    user = _reviewer()
    alert = _alert(alert_id, user)
    form = ReopenForm()
    try:
        with refusal_undone():
            review.reopen_alert(db, user, alert, parse_version(form.version.data), coordination_group=_coordination_group())
    except Conflict as exc:
        return _render_alert(alert, user, problem=exc.message, status=409)
    flash(_("Reopened the alert on %(reference)s and %(reference2)s.", reference=alert.item_a.reference, reference2=alert.item_b.reference), "success")
    return redirect(url_for(".alert", alert_id=alert.id, **_queue_args()), 303)


@bp.post("/bulk")
@login_required
def bulk() -> Any:
    """One decision and note for every alert ticked in the queue, each checked on its own."""
    db = get_session()
    user = _reviewer()
    form = BulkForm()
    selection = []
    for value in request.form.getlist("alert"):
        raw_id, _colon, version = value.partition(":")
        alert_id = parse_number(raw_id)
        if alert_id is not None:
            selection.append((alert_id, parse_version(version)))
    try:
        with refusal_undone():
            outcomes = review.bulk_decide(
                db, user, selection, form.decision.data or "", form.note.data or "", coordination_group=_coordination_group()
            )
    except ValidationError as exc:
        leftover: list[ErrorEntry] = []
        for name, message in exc.errors.items():
            if name in ("decision", "note"):
                getattr(form, name).errors = [message]
            else:
                # "Select at least one alert" points at the list of alerts to tick.
                leftover.append(ErrorEntry(message, "review-queue"))
        return _render_queue(user, form, leftover, 422, frozenset(alert_id for alert_id, _version in selection))
    done = [o for o in outcomes if o.ok]
    if done:
        decided = "; ".join(o.message for o in done)
        flash(ngettext("Decided %(num)d alert: %(decided)s.", "Decided %(num)d alerts: %(decided)s.", len(done), decided=decided), "success")
    for outcome in outcomes:
        if not outcome.ok:
            flash(_("Alert %(alert_id)s was not decided: %(message)s", alert_id=outcome.alert_id, message=outcome.message), "warning")
    return redirect(url_for(".queue", **_queue_args()), 303)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> Any:
    """How the person hears of new alerts: a daily digest, immediate mail, or none."""
    user = current_user()
    assert user is not None
    form = SettingsForm(formdata=request.form if request.method == "POST" else None, alert_digest=user.alert_digest)
    if request.method == "POST":
        db = get_session()
        try:
            with refusal_undone():
                set_alert_digest(db, user, user, form.alert_digest.data or "")
        except ValidationError as exc:
            form.alert_digest.errors = [exc.errors.get("alert_digest", exc.message)]
            return render_template("review/settings.html", form=form, chairs=bool(user.group_ids("chair"))), 422
        flash(_("Saved your mail settings."), "success")
        return redirect(url_for(".settings"), 303)
    return render_template("review/settings.html", form=form, chairs=bool(user.group_ids("chair")))


@bp.route("/model", methods=["GET", "POST"])
@admin_required
def model() -> Any:
    """The model the engine scores with, how well it did on held-out decisions, and the labels so far."""
    db = get_session()
    user = current_user()
    if request.method == "POST":
        index = current_index()
        try:
            with refusal_undone():
                if request.form.get("action") == "reset":
                    calibration.reset_calibration(db, user)
                    message = "Back to the hand-set model."
                else:
                    row = calibration.calibrate(
                        db, user, index.current_model(db),
                        min_per_class=current_app.config["LIAISON_CALIBRATION_MIN_LABELS"],
                    )
                    message = f"Fitted a new model: precision {row.precision:.2f}, recall {row.recall:.2f} on held-out decisions."
        except Conflict as exc:
            flash(exc.message, "warning")
            return redirect(url_for(".model"), 303)
        flash(message + " Run `liaison overlaps scan` to rescore the open alerts.", "success")
        return redirect(url_for(".model"), 303)
    _, _, counts = calibration.labelled_decisions(db)
    active = calibration.active_calibration(db)
    index = current_index()
    index.refresh(db)
    assert index.engine is not None
    return render_template(
        "review/model.html",
        active=active,
        in_use=index.engine.model,
        engine_version=index.engine.version,
        history=calibration.calibration_history(db),
        counts=counts,
        positives=sum(n for kind, n in counts.items() if calibration.LABELS[kind]),
        negatives=sum(n for kind, n in counts.items() if not calibration.LABELS[kind]),
        needed=current_app.config["LIAISON_CALIBRATION_MIN_LABELS"],
        FEATURE_LABELS=FEATURE_LABELS,
        STATE_LABELS=STATE_LABELS,
    )
