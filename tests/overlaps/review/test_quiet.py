"""A pair dismissed as "not an overlap" stays quiet until a text changes materially; withdrawn items' alerts close."""

from __future__ import annotations

from liaison.core.audit import history
from liaison.indexing import current_index
from liaison.items import operations as work_items
from liaison.overlaps import operations as overlaps
from liaison.overlaps import review
from tests.overlaps.review.conftest import CWG
from tests.overlaps.test_alerts import AGE_A


def dismiss(db, pair, people):
    review.decide_alert(db, people.chair_a, pair.alert, "not_overlap", "", pair.alert.version, coordination_group=CWG)


def test_a_small_edit_keeps_a_dismissed_pair_quiet(db, pair, people):
    dismiss(db, pair, people)
    summary = pair.b.summary.replace("protecting children", "protecting the children")
    work_items.update_work_item(db, None, pair.b, {"summary": summary}, pair.b.version)
    assert pair.alert.state == "not_overlap"


def test_a_rewritten_summary_reopens_the_pair_and_says_why(db, pair, people):
    dismiss(db, pair, people)
    work_items.update_work_item(db, None, pair.b, {"summary": AGE_A["summary"]}, pair.b.version)
    assert pair.alert.state == "open"
    event = history(db, "overlap_alert", pair.alert.id)[0]
    assert event.action == "overlap_alert.reopen" and event.actor_id is None
    assert "reopened: the summary of D.age changed since the decision" in event.summary
    assert review.current_decision(db, pair.alert) is None


def test_a_scan_reopens_a_dismissed_pair_whose_text_changed(db, pair, people):
    dismiss(db, pair, people)
    # Changed behind the services' back (an import straight into the table): only a scan sees it.
    pair.b.summary = AGE_A["summary"]
    pair.b.keywords = ["age assurance", "online safety", "children"]
    db.flush()
    report = overlaps.scan_overlaps(db, current_index())
    assert report.reopened == 1 and pair.alert.state == "open"
    assert "summary and keywords of D.age" in history(db, "overlap_alert", pair.alert.id)[0].summary


def test_a_new_model_moving_the_score_alone_does_not_reopen(db, pair, people):
    dismiss(db, pair, people)
    assert review.material_change(db, pair.alert, pair.alert.score + 0.4) is None
    report = overlaps.scan_overlaps(db, current_index())
    assert report.reopened == 0 and pair.alert.state == "not_overlap"


def test_a_small_edit_that_makes_the_pair_much_more_alike_reopens(db, pair, people):
    dismiss(db, pair, people)
    work_items.update_work_item(db, None, pair.b, {"summary": pair.b.summary + " See X.age."}, pair.b.version)
    reason = review.material_change(db, pair.alert, pair.alert.score + 0.2)
    assert reason is not None and "the score rose" in reason


def test_other_decisions_stay_decided_when_text_changes(db, pair, people):
    review.decide_alert(db, people.chair_a, pair.alert, "related", "", pair.alert.version, coordination_group=CWG)
    work_items.update_work_item(db, None, pair.b, {"summary": AGE_A["summary"]}, pair.b.version)
    assert pair.alert.state == "related"


def test_withdrawing_an_item_closes_its_open_alerts_and_restoring_reopens_them(db, pair):
    work_items.withdraw_work_item(db, None, pair.a, pair.a.version)
    assert pair.alert.state == "closed" and pair.alert.decision_note == "closed: X.age was withdrawn"
    assert history(db, "overlap_alert", pair.alert.id)[0].action == "overlap_alert.close"
    work_items.update_work_item(db, None, pair.a, {"status": "active"}, pair.a.version)
    assert pair.alert.state == "open" and pair.alert.decision_note == ""
    assert "X.age is no longer withdrawn" in history(db, "overlap_alert", pair.alert.id)[0].summary


def test_withdrawing_leaves_decided_alerts_alone(db, pair, people):
    review.decide_alert(db, people.chair_a, pair.alert, "duplicate", "same", pair.alert.version, coordination_group=CWG)
    work_items.withdraw_work_item(db, None, pair.b, pair.b.version)
    assert pair.alert.state == "duplicate"
