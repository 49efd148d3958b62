"""Chairs' review of overlap alerts: who may decide, decisions that link the items, undo, bulk, quiet rules.

Rules, in one place:

* **Who decides.** A chair of either item's group, a chair of the coordination group (CWG-COP, whose
  code is the ``LIAISON_COORDINATION_GROUP`` setting, passed in as ``coordination_group``), or an
  admin. Anyone else is refused. Any chair or admin may read the review queue.
* **Decisions and links.** ``duplicate`` -> a ``duplicates`` link, ``overlap`` -> ``overlaps``,
  ``related`` -> ``related``; ``not_overlap`` links nothing. A note is required for duplicate and
  overlap (what the groups should do about it). A link somebody made by hand is never deleted by a
  decision: a decision may retype a hand-made ``duplicates``/``overlaps``/``related`` link (the chair
  is the authority on the pair), leaves a ``supersedes`` link alone (it says more), and undoing the
  decision, or deciding ``not_overlap`` afterwards, gives the link back exactly as the person left it.
  Only a link the alert's own decisions created is removed. Should somebody edit the link by hand
  after a decision, that edit becomes the hand-made state and is kept.
* **Concurrency.** A decision names the alert version it was taken on; if the alert changed since
  (another chair decided it), the decision is refused with :class:`DecisionConflict`, which carries the
  alert as it now is. Without a version, a decision is accepted only on an alert that is still open.
* **Quiet.** A pair decided "not an overlap" raises nothing new unless either item's text changed
  materially since: its title, summary and keywords (normalised) are less than 90% alike to what they
  were at the decision (rapidfuzz ratio), or they changed at all and the pair's score rose by more
  than 0.1 (a small edit such as quoting the other item's number can be strong evidence). A new model
  moving every score does not count: nothing about the items changed. The alert then reopens with the
  reason shown. Alerts of withdrawn items close themselves, and reopen when the item comes back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from rapidfuzz import fuzz
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from liaison.core.audit import record_event
from liaison.core.errors import Conflict, NotFound, ServiceError, ValidationError
from liaison.core.permissions import require
from liaison.core.validators import has_nul
from liaison.items.operations import link_items, unlink_items
from liaison.models import DECISIONS, AlertDecision, ItemLink, OverlapAlert, User, WorkItem, utcnow
from liaison.models.alerts import AlertState
from liaison.models.base import max_length

DECISION_LINKS = {"duplicate": "duplicates", "overlap": "overlaps", "related": "related"}
DECISION_LABELS = {decision: AlertState.labels()[decision] for decision in DECISIONS}
#: An alert's state as the pages name it (short: a badge).
STATE_LABELS = AlertState.labels()
NOTE_REQUIRED = frozenset({"duplicate", "overlap"})
MAX_NOTE_LENGTH = max_length(OverlapAlert.decision_note)
MAX_BULK = 200
#: Below this similarity to its text at decision time, an item's text has changed materially.
MATERIAL_TEXT_SIMILARITY = 0.9
#: A rise of the pair's score beyond this, with any change of text, also counts as material.
MATERIAL_SCORE_RISE = 0.1
#: A link as it is kept in ``AlertDecision.link_base``: [type, note, source_id], or None for no link.
LinkState = list[Any] | None

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
_TEXT_FIELDS = ("title", "summary", "keywords")


class DecisionConflict(Conflict):
    """The alert changed since the decider read it.

    ``alert`` is the alert concerned: once the caller has rolled back, reading it shows the decision
    that won (a rollback expires what the session held).
    """

    def __init__(self, message: str, alert: OverlapAlert) -> None:
        super().__init__(message)
        self.alert = alert


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one alert of a bulk decision."""

    alert_id: int
    ok: bool
    message: str


# --- who may do what ----------------------------------------------------------------------------


def chairs_coordination(user: User | None, coordination_group: str) -> bool:
    """Whether ``user`` chairs the coordination group (CWG-COP), which may decide any alert."""
    if user is None or not user.is_active:
        return False
    return any(m.role == "chair" and m.group.code == coordination_group for m in user.memberships)


def can_review(user: User | None) -> bool:
    """Chairs of any group and admins may read the review queue and the side-by-side pages."""
    if user is None or not user.is_active:
        return False
    return user.is_admin or bool(user.group_ids("chair"))


def can_decide(user: User | None, alert: OverlapAlert, coordination_group: str) -> bool:
    """A chair of either item's group, a chair of the coordination group, or an admin."""
    if user is None or not user.is_active:
        return False
    if user.is_admin or chairs_coordination(user, coordination_group):
        return True
    chaired = user.group_ids("chair")
    return alert.item_a.group_id in chaired or alert.item_b.group_id in chaired


def _require_decider(user: User | None, alert: OverlapAlert, coordination_group: str) -> None:
    require(
        can_decide(user, alert, coordination_group),
        _("only a chair of either item's group, a chair of the coordination group or an admin may decide this alert"),
    )


# --- deciding -----------------------------------------------------------------------------------


def check_decision(decision: str, note: str) -> str:
    """The note, stripped, if ``decision`` and ``note`` may be stored; else :class:`ValidationError`."""
    errors = {}
    note = (note or "").strip()
    if decision not in DECISION_LABELS:
        errors["decision"] = _("choose one of: %(value)s", value=', '.join(DECISION_LABELS))
    elif decision in NOTE_REQUIRED and not note:
        errors["note"] = _("say what the groups should do about it: a note is required for duplicate and overlap")
    if len(note) > MAX_NOTE_LENGTH:
        errors["note"] = _("at most %(MAX_NOTE_LENGTH)s characters", MAX_NOTE_LENGTH=MAX_NOTE_LENGTH)
    if has_nul(note):
        errors["note"] = _("must not contain NUL characters")
    if errors:
        raise ValidationError(errors)
    return note


def decide_alert(
    session: Session,
    actor: User,
    alert: OverlapAlert,
    decision: str,
    note: str,
    expected_version: int | None,
    *,
    coordination_group: str,
) -> AlertDecision:
    """Record ``actor``'s decision on ``alert``, link the two items accordingly, and audit it.

    Deciding an alert decided before changes the decision (the former one is kept, marked undone).
    """
    _require_decider(actor, alert, coordination_group)
    note = check_decision(decision, note)
    if alert.state == "closed":
        raise DecisionConflict(_("this alert was closed: %(alert_decision_note)s", alert_decision_note=alert.decision_note), alert)
    _check_version(alert, expected_version)
    prior = current_decision(session, alert)
    old = {"state": alert.state, "note": alert.decision_note}
    alert.state, alert.decision_note = decision, note
    alert.decided_by_id, alert.decided_at = actor.id, utcnow()
    _flush_alert(session, alert)
    if prior is not None:
        prior.undone_at, prior.undone_by_id, prior.undo_reason = utcnow(), actor.id, f"replaced by {decision}"
    link_before, base = _hand_link(session, alert, prior)
    target = _link_target(alert, decision, base, note)
    if link_before != target:
        _set_link(session, actor, alert, target)
    record = AlertDecision(
        alert_id=alert.id,
        decision=decision,
        note=note,
        decided_by_id=actor.id,
        score=alert.score,
        features=dict(alert.features or {}),
        engine_version=alert.engine_version,
        fingerprint=pair_fingerprint(alert),
        link_touched=target != base,
        link_base=base,
    )
    session.add(record)
    session.flush()
    record_event(
        session,
        actor,
        "overlap_alert.decide",
        "overlap_alert",
        alert.id,
        f"{alert.item_a.reference} / {alert.item_b.reference}: {DECISION_LABELS[decision]}",
        {"state": [old["state"], decision], "note": [old["note"], note], "link": [link_before, target]},
    )
    return record


def reopen_alert(
    session: Session,
    actor: User,
    alert: OverlapAlert,
    expected_version: int | None,
    *,
    coordination_group: str,
) -> OverlapAlert:
    """Undo the decision on ``alert`` (or reopen a closed one): it is open again, the link as it was by hand."""
    _require_decider(actor, alert, coordination_group)
    if alert.state == "open":
        raise DecisionConflict(_("this alert is open already: there is no decision to undo"), alert)
    if expected_version is not None and expected_version != alert.version:
        raise DecisionConflict(_changed_message(alert, expected_version), alert)
    if alert.state == "closed":
        withdrawn = [i.reference for i in (alert.item_a, alert.item_b) if i.status == "withdrawn"]
        if withdrawn:
            raise DecisionConflict(_("%(value)s is withdrawn: restore it first", value=' and '.join(withdrawn)), alert)
    _reopen(session, actor, alert, f"reopened by {actor.name}")
    return alert


def bulk_decide(
    session: Session,
    actor: User,
    selection: Sequence[tuple[int, int | None]],
    decision: str,
    note: str,
    *,
    coordination_group: str,
) -> list[BulkOutcome]:
    """Take one decision with one note on several alerts, each ``(alert id, version read)`` checked on its own.

    One refusal (a stale version, an alert the actor may not decide) does not stop the others: each
    alert is decided in a savepoint of its own, and the outcome of each is reported.
    """
    check_decision(decision, note)
    if not selection:
        raise ValidationError({"alerts": _("select at least one alert")})
    if len(selection) > MAX_BULK:
        raise ValidationError({"alerts": _("at most %(MAX_BULK)s alerts at a time", MAX_BULK=MAX_BULK)})
    outcomes = []
    for alert_id, version in selection:
        try:
            with session.begin_nested():
                alert = session.get(OverlapAlert, alert_id)
                if alert is None:
                    raise NotFound(_("no overlap alert with id %(alert_id)s", alert_id=alert_id))
                decide_alert(
                    session, actor, alert, decision, note, version, coordination_group=coordination_group
                )
                message = f"{alert.item_a.reference} / {alert.item_b.reference}: {DECISION_LABELS[decision]}"
            outcomes.append(BulkOutcome(alert_id, True, message))
        except ServiceError as exc:
            outcomes.append(BulkOutcome(alert_id, False, exc.message))
    return outcomes


def current_decision(session: Session, alert: OverlapAlert) -> AlertDecision | None:
    """The decision in force on ``alert`` (the newest one not undone), if any."""
    return session.scalar(
        select(AlertDecision)
        .where(AlertDecision.alert_id == alert.id, AlertDecision.undone_at.is_(None))
        .order_by(AlertDecision.id.desc())
        .limit(1)
    )


def _check_version(alert: OverlapAlert, expected_version: int | None) -> None:
    if expected_version is None:
        if alert.state != "open":
            raise DecisionConflict(
                _("%(value)s; to change that decision, send the version you read", value=_decided_text(alert)), alert
            )
        return
    if expected_version != alert.version:
        raise DecisionConflict(_changed_message(alert, expected_version), alert)


def _changed_message(alert: OverlapAlert, expected_version: int) -> str:
    now = _decided_text(alert) if alert.state != "open" else "it was reopened"
    return (
        f"this alert changed since you read it (you read version {expected_version}, it is now at version "
        f"{alert.version}): {now}. Look at it again before deciding."
    )


def _decided_text(alert: OverlapAlert) -> str:
    if alert.state == "closed":
        return f"it was closed: {alert.decision_note}"
    who = alert.decided_by.name if alert.decided_by is not None else "someone"
    when = f" on {alert.decided_at:%Y-%m-%d %H:%M} UTC" if alert.decided_at else ""
    note = f" ({alert.decision_note})" if alert.decision_note else ""
    return f"{who} decided it {str(DECISION_LABELS.get(alert.state, alert.state))!r}{when}{note}"


def _flush_alert(session: Session, alert: OverlapAlert) -> None:
    # The UPDATE's WHERE names the version this session read: a decision committed meanwhile by
    # another chair makes it match nothing, and this one is refused instead of overwriting it.
    try:
        session.flush()
    except StaleDataError as exc:
        raise DecisionConflict(
            _("another chair decided this alert at the same moment; look at their decision before deciding again"),
            alert,
        ) from exc


def _reopen(session: Session, actor: User | None, alert: OverlapAlert, reason: str) -> None:
    """Open ``alert`` again, give the link back as it was by hand, and audit why."""
    prior = current_decision(session, alert)
    old = {"state": alert.state, "note": alert.decision_note}
    alert.state, alert.decision_note, alert.decided_by_id, alert.decided_at = "open", "", None, None
    _flush_alert(session, alert)
    link_before, base = _hand_link(session, alert, prior)
    if link_before != base:
        _set_link(session, actor, alert, base)
    if prior is not None:
        prior.undone_at, prior.undone_by_id, prior.undo_reason = utcnow(), actor.id if actor else None, reason[:500]
    session.flush()
    record_event(
        session,
        actor,
        "overlap_alert.reopen",
        "overlap_alert",
        alert.id,
        f"{alert.item_a.reference} / {alert.item_b.reference}: {reason}",
        {"state": [old["state"], "open"], "note": [old["note"], ""], "link": [link_before, base]},
    )


# --- links --------------------------------------------------------------------------------------


def _pair_link(session: Session, alert: OverlapAlert) -> ItemLink | None:
    a, b = alert.item_a_id, alert.item_b_id
    return session.scalar(
        select(ItemLink).where(
            or_(
                (ItemLink.source_id == a) & (ItemLink.target_id == b),
                (ItemLink.source_id == b) & (ItemLink.target_id == a),
            )
        )
    )


def _state(link: ItemLink | None) -> LinkState:
    return None if link is None else [link.type, link.note, link.source_id]


def _hand_link(session: Session, alert: OverlapAlert, prior: AlertDecision | None) -> tuple[LinkState, LinkState]:
    """The pair's link now, and as people left it by hand (what it would be without the alert's decisions)."""
    now = _state(_pair_link(session, alert))
    if prior is None or not prior.link_touched:
        return now, now
    left_by_prior = _link_target(alert, prior.decision, prior.link_base, prior.note)
    # Someone changed the link by hand after the decision: their version is the hand-made one now.
    return now, (prior.link_base if now == left_by_prior else now)


def _link_target(alert: OverlapAlert, decision: str, base: LinkState, note: str) -> LinkState:
    """The link a decision leaves, given the link made by hand (``base``)."""
    link_type = DECISION_LINKS.get(decision)
    if link_type is None:
        return base
    if base is not None and base[0] in (link_type, "supersedes"):
        return base
    return [link_type, note or f"Decided on overlap alert {alert.id}", alert.item_a_id]


def _set_link(session: Session, actor: User | None, alert: OverlapAlert, target: LinkState) -> None:
    # Deciding may be wider than linking (a CWG-COP chair holds no role in the items' groups): the
    # decision is the authority then, and the link is made in the decider's name (the audit log says
    # who, whether the decision was taken alone or in bulk).
    items = {alert.item_a_id: alert.item_a, alert.item_b_id: alert.item_b}
    if target is None:
        link = _pair_link(session, alert)
        if link is not None:
            unlink_items(session, actor, link, authorised=True)
        return
    link_type, note, source_id = target
    source = items[source_id]
    other = alert.item_b if source is alert.item_a else alert.item_a
    link_items(session, actor, source, other, link_type, note, authorised=True)


# --- quiet rules --------------------------------------------------------------------------------


def normalised_text(value: Any) -> str:
    """Text as compared for material change: lower-case words, no punctuation, single spaces."""
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    return " ".join(_WORDS.findall(str(value or "").lower()))


def item_fingerprint(item: WorkItem) -> dict[str, str]:
    """What the engine reads of an item, normalised, field by field."""
    return {name: normalised_text(getattr(item, name)) for name in _TEXT_FIELDS}


def pair_fingerprint(alert: OverlapAlert) -> dict[str, Any]:
    """Both items' normalised text at decision time."""
    return {
        "items": {str(item.id): item_fingerprint(item) for item in (alert.item_a, alert.item_b)},
        "score": alert.score,
    }


def material_change(session: Session, alert: OverlapAlert, score: float) -> str | None:
    """Why a pair decided "not an overlap" should be looked at again, or None to stay quiet."""
    decision = current_decision(session, alert)
    if decision is None or not decision.fingerprint.get("items"):
        return None
    changes = []
    for item in (alert.item_a, alert.item_b):
        then = decision.fingerprint["items"].get(str(item.id))
        now = item_fingerprint(item)
        if then is None or then == now:
            continue
        fields = [name for name in _TEXT_FIELDS if then.get(name, "") != now[name]]
        alike = fuzz.ratio(" ".join(then.get(n, "") for n in _TEXT_FIELDS), " ".join(now.values())) / 100
        changes.append((item, fields, alike))
    if not changes:
        return None
    rise = score - decision.score
    if all(alike >= MATERIAL_TEXT_SIMILARITY for _, _, alike in changes) and rise <= MATERIAL_SCORE_RISE:
        return None
    what = "; ".join(f"the {' and '.join(fields)} of {item.reference} changed" for item, fields, _ in changes)
    if rise > MATERIAL_SCORE_RISE:
        what += f" and the score rose from {decision.score:.2f} to {score:.2f}"
    return f"reopened: {what} since the decision"


def reopen_changed_pair(session: Session, alert: OverlapAlert, reason: str) -> None:
    """Reopen a dismissed pair whose text changed materially (no actor: the system does it)."""
    _reopen(session, None, alert, reason)


def close_alerts_of_withdrawn(session: Session, item: WorkItem) -> list[OverlapAlert]:
    """Close the open alerts of a withdrawn item, saying why."""
    closed = []
    for alert in _alerts_of(session, item, "open"):
        alert.state, alert.decision_note, alert.decided_at = "closed", f"closed: {item.reference} was withdrawn", utcnow()
        alert.decided_by_id = None
        closed.append(alert)
    session.flush()
    for alert in closed:
        record_event(
            session, None, "overlap_alert.close", "overlap_alert", alert.id, alert.decision_note,
            {"state": ["open", "closed"]},
        )
    return closed


def reopen_alerts_of_restored(session: Session, item: WorkItem) -> list[OverlapAlert]:
    """Reopen the closed alerts of an item that is no longer withdrawn, when the other item is active too."""
    reopened = []
    for alert in _alerts_of(session, item, "closed"):
        if alert.item_a.status != "withdrawn" and alert.item_b.status != "withdrawn":
            _reopen(session, None, alert, f"reopened: {item.reference} is no longer withdrawn")
            reopened.append(alert)
    return reopened


def _alerts_of(session: Session, item: WorkItem, state: str) -> list[OverlapAlert]:
    return list(
        session.scalars(
            select(OverlapAlert)
            .where(
                or_(OverlapAlert.item_a_id == item.id, OverlapAlert.item_b_id == item.id),
                OverlapAlert.state == state,
            )
            .order_by(OverlapAlert.id)
        )
    )
