"""Mail digests of new alerts for chairs: who gets what, once, through the outbox, to a real SMTP server."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from liaison.core.errors import PermissionDenied, ValidationError
from liaison.mail.sender import send_pending
from liaison.models import AlertNotification, OutboxMessage, utcnow
from liaison.overlaps import digests, review
from tests.overlaps.review.conftest import CWG
from tests.overlaps.test_alerts import AGE_A, AGE_B

BASE = "https://liaison.example/"


def queue(db, mode="daily"):
    return digests.queue_digests(db, mode, base_url=BASE, coordination_group=CWG)


def mailed_to(db, user):
    return db.scalars(select(AlertNotification.alert_id).where(AlertNotification.user_id == user.id)).all()


def test_daily_digests_go_to_the_chairs_and_officers_of_either_group_and_to_cwg_chairs_once(db, pair, people):
    digests.set_alert_digest(db, people.chair_b, people.chair_b, "immediate")
    report = queue(db, "daily")
    assert (report.messages, report.people, report.alerts) == (3, 3, 3)
    for someone in (people.chair_a, people.cwg_chair, people.officer):
        assert mailed_to(db, someone) == [pair.alert.id]
    for nobody in (people.chair_b, people.chair_other, people.admin):
        assert mailed_to(db, nobody) == []
    assert queue(db, "daily").messages == 0  # an alert reaches a person once
    immediate = queue(db, "immediate")
    assert immediate.messages == 1 and mailed_to(db, people.chair_b) == [pair.alert.id]
    assert db.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "alert_digest")) == 4


def test_an_officers_digest_links_their_own_items_overlaps_not_the_review_page(db, pair, people):
    queue(db)
    bodies = [m.text_body for m in db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert_digest"))]
    officer = next(b for b in bodies if b.startswith("Hello Otto Officer"))
    chair = next(b for b in bodies if b.startswith("Hello Alice Chair"))
    assert f"{BASE}items/{pair.a.id}#overlaps" in officer and "/review/" not in officer.split("To change that")[0]
    assert f"{BASE}review/{pair.alert.id}" in chair


def test_no_digest_for_decided_old_or_unwanted_alerts(db, pair, people):
    digests.set_alert_digest(db, people.chair_a, people.chair_a, "off")
    pair.alert.created_at = utcnow() - digests.MAX_AGE - dt.timedelta(hours=1)
    db.flush()
    assert queue(db).messages == 0
    pair.alert.created_at = utcnow()
    review.decide_alert(db, people.chair_b, pair.alert, "related", "", pair.alert.version, coordination_group=CWG)
    assert queue(db).messages == 0


def test_chairs_of_a_parent_group_hear_of_their_sub_groups(db, factory, people):
    factory.item("Q6.age", group="ITU-T/SG17/Q6", **AGE_A)
    factory.item("UNICEF.age", group="UNICEF/Child Protection", **AGE_B)
    queue(db)
    assert len(mailed_to(db, people.chair_a)) == 1
    assert mailed_to(db, people.chair_b) == []


def test_the_digest_reaches_a_real_smtp_server(db, pair, people, sessions, mail_settings, smtp_server):
    for user in (people.cwg_chair, people.chair_b, people.officer):
        digests.set_alert_digest(db, user, user, "off")
    queue(db)
    assert send_pending(sessions, mail_settings).sent == 1
    (received,) = smtp_server.to("chair.a@example.org")
    assert received.message["Subject"] == "1 new overlap alert to review"
    body = received.message.get_content()
    assert "X.age (ITU-T/SG17) and D.age (ITU-D/SG2)" in body
    assert f"https://liaison.example/review/{pair.alert.id}" in body
    assert "https://liaison.example/review/settings" in body


def test_people_set_their_own_digest_and_admins_anyones(db, people):
    digests.set_alert_digest(db, people.admin, people.chair_a, "immediate")
    assert people.chair_a.alert_digest == "immediate"
    with pytest.raises(PermissionDenied):
        digests.set_alert_digest(db, people.chair_b, people.chair_a, "off")
    with pytest.raises(ValidationError):
        digests.set_alert_digest(db, people.chair_a, people.chair_a, "hourly")
    with pytest.raises(ValidationError):
        queue(db, "off")


def test_the_digest_command_queues_and_reports(app, db, pair, people):
    result = app.test_cli_runner().invoke(args=["overlaps", "digest", "--mode", "daily"])
    assert result.exit_code == 0, result.output
    # Chairs of either group, the CWG-COP chair, and the officer of SG17.
    assert "Queued 4 digests (daily) listing 4 alerts for 4 people." in result.output
    again = app.test_cli_runner().invoke(args=["overlaps", "digest"])
    assert "Queued 0 digests" in again.output
