"""Deciding alerts without HTTP: who may, what a decision does to links, undo, bulk, stale versions."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from liaison.core.audit import history
from liaison.core.errors import Conflict, PermissionDenied, ValidationError
from liaison.items import operations as work_items
from liaison.models import AlertDecision, ItemLink, OverlapAlert
from liaison.overlaps import review
from tests.overlaps.review.conftest import CWG


def decide(db, actor, alert, decision, note="coordinate the two texts", version=None):
    return review.decide_alert(
        db, actor, alert, decision, note, alert.version if version is None else version, coordination_group=CWG
    )


def link_of(db, pair):
    return db.scalar(
        select(ItemLink).where(
            ((ItemLink.source_id == pair.a.id) & (ItemLink.target_id == pair.b.id))
            | ((ItemLink.source_id == pair.b.id) & (ItemLink.target_id == pair.a.id))
        )
    )


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("officer", False), ("chair_other", False), ("chair_a", True), ("chair_b", True), ("cwg_chair", True), ("admin", True)],
)
def test_who_may_decide(db, pair, people, who, allowed):
    user = getattr(people, who)
    assert review.can_decide(user, pair.alert, CWG) is allowed
    if allowed:
        decide(db, user, pair.alert, "overlap")
        assert pair.alert.state == "overlap" and pair.alert.decided_by_id == user.id
    else:
        with pytest.raises(PermissionDenied):
            decide(db, user, pair.alert, "overlap")
        assert pair.alert.state == "open"


def test_nobody_decides_when_logged_out_or_deactivated(pair, people):
    assert not review.can_decide(None, pair.alert, CWG)
    people.admin.is_active = False
    assert not review.can_decide(people.admin, pair.alert, CWG)


def test_the_coordination_group_is_a_parameter(pair, people):
    assert review.can_decide(people.cwg_chair, pair.alert, CWG)
    assert not review.can_decide(people.cwg_chair, pair.alert, "ITU Council/Another")


def test_queue_is_for_chairs_and_admins(people):
    assert [review.can_review(getattr(people, w)) for w in ("officer", "chair_other", "cwg_chair", "admin")] == [
        False, True, True, True,
    ]
    assert not review.can_review(None)


@pytest.mark.parametrize(("decision", "link_type"), [("duplicate", "duplicates"), ("overlap", "overlaps"), ("related", "related")])
def test_a_decision_links_the_items_and_is_audited(db, pair, people, decision, link_type):
    record = decide(db, people.chair_a, pair.alert, decision, note="same scope")
    link = link_of(db, pair)
    assert link is not None and link.type == link_type and link.note == "same scope"
    assert link.created_by_id == people.chair_a.id
    assert record.decision == decision and record.features == pair.alert.features
    events = history(db, "overlap_alert", pair.alert.id)
    assert events[0].action == "overlap_alert.decide" and events[0].actor_id == people.chair_a.id
    assert events[0].changes["state"] == ["open", decision]


def test_not_an_overlap_links_nothing(db, pair, people):
    decide(db, people.chair_b, pair.alert, "not_overlap", note="")
    assert link_of(db, pair) is None and pair.alert.state == "not_overlap"


@pytest.mark.parametrize("decision", ["duplicate", "overlap"])
def test_duplicate_and_overlap_need_a_note(db, pair, people, decision):
    with pytest.raises(ValidationError) as refused:
        decide(db, people.admin, pair.alert, decision, note="   ")
    assert "note" in refused.value.errors and pair.alert.state == "open"


def test_an_unknown_decision_is_refused(db, pair, people):
    with pytest.raises(ValidationError) as refused:
        decide(db, people.admin, pair.alert, "maybe")
    assert "decision" in refused.value.errors


def test_a_cwg_chair_without_a_role_in_either_group_still_links(db, pair, people):
    decide(db, people.cwg_chair, pair.alert, "duplicate")
    link = link_of(db, pair)
    assert link.type == "duplicates" and link.created_by_id == people.cwg_chair.id


def test_reopen_undoes_the_decision_and_removes_only_the_link_it_made(db, pair, people):
    decide(db, people.chair_a, pair.alert, "duplicate")
    review.reopen_alert(db, people.chair_b, pair.alert, pair.alert.version, coordination_group=CWG)
    assert pair.alert.state == "open" and pair.alert.decided_by_id is None
    assert link_of(db, pair) is None
    undone = db.scalars(select(AlertDecision).where(AlertDecision.alert_id == pair.alert.id)).all()
    assert len(undone) == 1 and undone[0].undone_by_id == people.chair_b.id
    assert history(db, "overlap_alert", pair.alert.id)[0].action == "overlap_alert.reopen"


def test_a_hand_made_link_survives_decisions_and_undo(db, pair, people):
    work_items.link_items(db, people.chair_a, pair.a, pair.b, "related", "found at the workshop")
    decide(db, people.chair_a, pair.alert, "duplicate", note="same text")
    assert (link_of(db, pair).type, link_of(db, pair).note) == ("duplicates", "same text")
    decide(db, people.chair_a, pair.alert, "not_overlap", note="")
    assert (link_of(db, pair).type, link_of(db, pair).note) == ("related", "found at the workshop")
    decide(db, people.chair_a, pair.alert, "overlap", note="coordinate")
    review.reopen_alert(db, people.chair_a, pair.alert, pair.alert.version, coordination_group=CWG)
    assert (link_of(db, pair).type, link_of(db, pair).note) == ("related", "found at the workshop")


def test_not_an_overlap_removes_the_link_an_earlier_decision_made(db, pair, people):
    decide(db, people.chair_a, pair.alert, "overlap")
    decide(db, people.chair_b, pair.alert, "not_overlap", note="different audiences")
    assert link_of(db, pair) is None


def test_a_supersedes_link_is_left_alone(db, pair, people):
    work_items.link_items(db, people.admin, pair.b, pair.a, "supersedes", "revision")
    decide(db, people.admin, pair.alert, "duplicate")
    link = link_of(db, pair)
    assert (link.type, link.source_id) == ("supersedes", pair.b.id)
    review.reopen_alert(db, people.admin, pair.alert, pair.alert.version, coordination_group=CWG)
    assert link_of(db, pair).type == "supersedes"


def test_a_link_edited_by_hand_after_the_decision_is_kept_on_undo(db, pair, people):
    decide(db, people.chair_a, pair.alert, "overlap")
    work_items.link_items(db, people.chair_a, pair.a, pair.b, "related", "edited by hand")
    review.reopen_alert(db, people.chair_a, pair.alert, pair.alert.version, coordination_group=CWG)
    assert (link_of(db, pair).type, link_of(db, pair).note) == ("related", "edited by hand")


def test_a_stale_version_is_a_conflict_that_shows_the_other_decision(db, pair, people):
    read = pair.alert.version
    decide(db, people.chair_a, pair.alert, "duplicate", note="same text", version=read)
    with pytest.raises(review.DecisionConflict) as conflict:
        decide(db, people.chair_b, pair.alert, "not_overlap", note="", version=read)
    assert "Alice Chair" in conflict.value.message and "Duplicate" in conflict.value.message
    assert pair.alert.state == "duplicate"


def test_without_a_version_only_an_open_alert_may_be_decided(db, pair, people):
    review.decide_alert(db, people.chair_a, pair.alert, "related", "", None, coordination_group=CWG)
    with pytest.raises(Conflict):
        review.decide_alert(db, people.chair_b, pair.alert, "not_overlap", "", None, coordination_group=CWG)


def test_a_decision_committed_meanwhile_by_another_transaction_is_not_overwritten(db, pair, people):
    # This session read the alert; another transaction decides it before this one flushes. The
    # version check in Python still passes (it sees what this session read): the UPDATE's WHERE
    # on the version is what refuses the second decision.
    read = pair.alert.version
    db.commit()
    db.execute(
        update(OverlapAlert.__table__)
        .where(OverlapAlert.__table__.c.id == pair.alert.id)
        .values(state="duplicate", decision_note="theirs", version=read + 1)
    )
    db.commit()  # "their" transaction; this session still holds the alert as it read it
    with pytest.raises(review.DecisionConflict, match="at the same moment"):
        decide(db, people.chair_b, pair.alert, "not_overlap", note="", version=read)
    db.rollback()
    assert (pair.alert.state, pair.alert.decision_note) == ("duplicate", "theirs")


def test_bulk_decide_checks_each_alert_and_reports(db, factory, pair, people):
    third = factory.item("Q.age", group="ITU-T/SG13", title=pair.a.title, summary=pair.a.summary, keywords=pair.a.keywords)
    alerts = {a.id: a for a in db.scalars(select(OverlapAlert).where(OverlapAlert.state == "open"))}
    assert len(alerts) == 3
    stale = next(a for a in alerts.values() if {a.item_a_id, a.item_b_id} == {pair.a.id, third.id})
    foreign = next(a for a in alerts.values() if {a.item_a_id, a.item_b_id} == {pair.b.id, third.id})
    selection = [(a.id, a.version - 1 if a is stale else a.version) for a in alerts.values()] + [(999999, 1)]
    outcomes = {
        o.alert_id: o
        for o in review.bulk_decide(db, people.chair_a, selection, "related", "one note for all", coordination_group=CWG)
    }
    assert outcomes[pair.alert.id].ok and "X.age" in outcomes[pair.alert.id].message
    assert not outcomes[stale.id].ok and "changed since you read it" in outcomes[stale.id].message
    # chair_a chairs ITU-T/SG17: the pair of the two other groups is not theirs to decide.
    assert not outcomes[foreign.id].ok and "chair" in outcomes[foreign.id].message
    assert not outcomes[999999].ok and "no overlap alert" in outcomes[999999].message
    assert [db.get(OverlapAlert, i).state for i in (pair.alert.id, stale.id, foreign.id)] == ["related", "open", "open"]
    assert link_of(db, pair).type == "related"


def test_a_bulk_decision_by_a_cwg_chair_is_theirs_in_every_audit_event(db, pair, people):
    from liaison.models import AuditEvent

    first_event = db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
    outcomes = review.bulk_decide(
        db, people.cwg_chair, [(pair.alert.id, pair.alert.version)], "duplicate", "same text", coordination_group=CWG
    )
    assert [o.ok for o in outcomes] == [True]
    events = db.scalars(select(AuditEvent).where(AuditEvent.id > first_event)).all()
    assert {e.action for e in events} == {"overlap_alert.decide", "item_link.save"}
    assert {e.actor_id for e in events} == {people.cwg_chair.id}, "no event of the decision is the system's"


def test_bulk_decide_validates_once(db, pair, people):
    with pytest.raises(ValidationError):
        review.bulk_decide(db, people.admin, [(pair.alert.id, pair.alert.version)], "duplicate", "", coordination_group=CWG)
    with pytest.raises(ValidationError):
        review.bulk_decide(db, people.admin, [], "related", "", coordination_group=CWG)


def test_a_closed_alert_cannot_be_decided(db, pair, people):
    work_items.withdraw_work_item(db, None, pair.b, pair.b.version)
    assert pair.alert.state == "closed"
    with pytest.raises(Conflict, match="withdrawn"):
        decide(db, people.admin, pair.alert, "related")
    with pytest.raises(Conflict, match="restore it first"):
        review.reopen_alert(db, people.admin, pair.alert, None, coordination_group=CWG)
