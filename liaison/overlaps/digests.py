"""Mail digests of new overlap alerts for chairs and officers, through the outbox every mail of liaison goes through.

Each person with a role chooses how they hear of alerts (``User.alert_digest``): ``daily`` (``liaison overlaps
digest --mode daily`` run once a day), ``immediate`` (``--mode immediate`` run every few minutes), or
``off``. A digest lists the open alerts that involve the groups where the person is chair or officer
(and their sub-groups; every alert for a chair of the coordination group) which were raised in the last
:data:`MAX_AGE` and not mailed to them before. Chairs are sent to the review page of each alert;
officers, who do not decide, to the overlaps of their own item. What was mailed is recorded (``AlertNotification``,
unique per alert and person) in the same transaction as the queued mail: an alert reaches a chair
once, however often and however concurrently the command runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from liaison.core.audit import record_event
from liaison.core.errors import ValidationError
from liaison.core.permissions import require
from liaison.languages import DEFAULT_LANGUAGE
from liaison.mail import MailAddress, queue_mail
from liaison.models import ALERT_DIGEST_MODES, AlertNotification, Membership, OverlapAlert, User, utcnow
from liaison.overlaps.operations import AlertFilters, alert_query
from liaison.overlaps.review import can_review, chairs_coordination
from liaison.speaking import language

#: Older alerts are not news any more: they wait in the review queue instead of a mail.
MAX_AGE = dt.timedelta(days=7)
#: Alerts listed one by one in a digest; the rest are counted, with a link to the queue.
LISTED = 50
MODES_SENT = ("daily", "immediate")
MODE_LABELS = {
    "off": _l("No mail: I look at the review queue myself"),
    "daily": _l("One digest a day"),
    "immediate": _l("As soon as alerts are raised (every few minutes)"),
}


@dataclass
class DigestReport:
    """What one run queued."""

    people: int = 0
    alerts: int = 0
    messages: int = 0


def set_alert_digest(session: Session, actor: User, user: User, mode: str) -> None:
    """Set how ``user`` hears of new alerts; people set their own, admins anyone's."""
    require(actor.id == user.id or actor.is_admin, _("you may only change your own mail settings"))
    if mode not in ALERT_DIGEST_MODES:
        raise ValidationError({"alert_digest": _("choose one of: %(value)s", value=', '.join(ALERT_DIGEST_MODES))})
    if user.alert_digest == mode:
        return
    old, user.alert_digest = user.alert_digest, mode
    session.flush()
    record_event(
        session, actor, "user.alert_digest", "user", user.id, f"Alert digest: {mode}", {"alert_digest": [old, mode]}
    )


def queue_digests(
    session: Session,
    mode: str,
    *,
    base_url: str,
    coordination_group: str,
    now: dt.datetime | None = None,
) -> DigestReport:
    """Queue one digest per chair or officer whose setting is ``mode`` and who has alerts not mailed to them yet."""
    if mode not in MODES_SENT:
        raise ValidationError({"mode": _("choose one of: %(value)s", value=', '.join(MODES_SENT))})
    now = now or utcnow()
    report = DigestReport()
    chairs = session.scalars(
        select(User)
        .where(
            User.is_active.is_(True),
            User.alert_digest == mode,
            User.id.in_(select(Membership.user_id)),
        )
        .order_by(User.id)
    )
    for user in chairs:
        alerts = _news_for(session, user, coordination_group, now)
        if not alerts:
            continue
        with language(chair_language(user)):
            message = queue_mail(
                session,
                [MailAddress(user.email, user.name, language=user.language)],
                subject=ngettext("%(num)d new overlap alert to review", "%(num)d new overlap alerts to review", len(alerts)),
                text=_digest_text(user, alerts, base_url, mode, can_review(user)),
                kind="alert_digest",
            )
        session.add_all(
            AlertNotification(alert_id=a.id, user_id=user.id, outbox_message_id=message.id, mode=mode) for a in alerts
        )
        session.flush()
        report.people += 1
        report.alerts += len(alerts)
        report.messages += 1
    return report


def _news_for(session: Session, user: User, coordination_group: str, now: dt.datetime) -> list[OverlapAlert]:
    everything = chairs_coordination(user, coordination_group)
    own = tuple(sorted({m.group.code for m in user.memberships}))
    filters = AlertFilters(
        state=["open"], group_codes=None if everything else own, created_from=now - MAX_AGE, order="oldest"
    )
    mailed = exists().where(AlertNotification.alert_id == OverlapAlert.id, AlertNotification.user_id == user.id)
    return list(session.scalars(alert_query(filters, user).where(~mailed)).unique())


def chair_language(user: User) -> str:
    """The chair's own language, else that of the first group they chair (by code)."""
    if user.language:
        return user.language
    chaired = sorted((m.group for m in user.memberships if m.role == "chair"), key=lambda group: group.code)
    return chaired[0].language if chaired else DEFAULT_LANGUAGE


def _digest_text(user: User, alerts: list[OverlapAlert], base_url: str, mode: str, reviewer: bool) -> str:
    base = base_url.rstrip("/")
    lines = [
        _("Hello %(name)s,", name=user.name),
        "",
        (
            ngettext(
                "%(num)d new overlap alert on the work of your groups waits for a decision:",
                "%(num)d new overlap alerts on the work of your groups wait for a decision:",
                len(alerts),
            )
            if reviewer
            else ngettext(
                "%(num)d new overlap alert on the work of your groups waits for a chair's decision; "
                "you may want to contact the other group:",
                "%(num)d new overlap alerts on the work of your groups wait for a chair's decision; "
                "you may want to contact the other group:",
                len(alerts),
            )
        ),
        "",
    ]
    own = {m.group_id for m in user.memberships}
    for alert in alerts[:LISTED]:
        a, b = alert.item_a, alert.item_b
        # An officer's link is their own item's overlaps (the review pages are the chairs').
        ours = a if a.group_id in own or b.group_id not in own else b
        link = f"{base}/review/{alert.id}" if reviewer else f"{base}/items/{ours.id}#overlaps"
        lines += [
            "- " + _(
                "%(first)s (%(first_group)s) and %(second)s (%(second_group)s), score %(score)s",
                first=a.reference, first_group=a.group.code, second=b.reference, second_group=b.group.code,
                score=format_decimal(alert.score, "0.00"),
            ),
            f"  {a.title}",
            f"  {b.title}",
            f"  {link}",
            "",
        ]
    queue, settings = base + "/review/?mine=1", base + "/review/settings"
    if len(alerts) > LISTED:
        more = queue if reviewer else f"{base}/items/"
        lines += [_("... and %(count)d more: %(url)s", count=len(alerts) - LISTED, url=more), ""]
    if mode == "daily":
        lines += [_("You receive these digests once a day. To change that: %(url)s", url=settings), ""]
    else:
        lines += [_("You receive these digests as alerts are raised. To change that: %(url)s", url=settings), ""]
    return "\n".join(lines)
