"""Overlap alerts raised on save and by batch scans, and the index that finds them."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from sqlalchemy import func, select

from liaison.indexing import current_index
from liaison.items import operations as work_items
from liaison.models import OverlapAlert, utcnow
from liaison.overlaps import operations as overlaps
from liaison.overlaps.index import FULL_CATCH_UP_EVERY, OverlapIndex
from liaison.similarity import Pair

AGE_A = {
    "title": "Age assurance systems framework for online services",
    "summary": "A framework for age assurance: age verification and age estimation methods that online "
    "services use to protect children, with levels of confidence and privacy requirements.",
    "keywords": ["age assurance", "age verification", "children"],
}
AGE_B = {
    "title": "Framework for age assurance systems in online services",
    "summary": "Age verification and age estimation methods for online services protecting children, "
    "levels of confidence of age assurance and privacy of the checks.",
    "keywords": ["age verification", "age assurance"],
}
UNRELATED = {
    "title": "Network slicing management for IMT-2020 transport networks",
    "summary": "Orchestration of network slices over optical transport for 5G mobile backhaul.",
    "keywords": ["network slicing"],
}


def alerts(db):
    return db.scalars(select(OverlapAlert).order_by(OverlapAlert.id)).all()


def test_saving_an_item_raises_an_explained_alert_for_its_overlap(db, factory):
    first = factory.item("ISO/IEC 27566-1", group="ISO-IEC JTC 1/SC 27", **AGE_A)
    factory.item("X.unrelated", group="ITU-T/SG13", **UNRELATED)
    second = factory.item("IEEE 2089.1", group="IEEE SA/2089", **AGE_B)
    found = alerts(db)
    assert len(found) == 1
    alert = found[0]
    assert (alert.item_a_id, alert.item_b_id) == (first.id, second.id)
    assert 0 < alert.score <= 1 and alert.state == "open"
    assert alert.engine_version and alert.features
    assert any("age" in reason for reason in alert.reasons)


def test_unrelated_items_raise_nothing(db, factory):
    factory.item("A.1", **AGE_A)
    factory.item("B.1", group="ITU-T/SG13", **UNRELATED)
    assert alerts(db) == []


def test_editing_text_refreshes_the_open_alert_and_keeps_one_per_pair(db, factory):
    first = factory.item("A.1", **AGE_A)
    factory.item("B.1", group="ITU-D/SG2", **AGE_B)
    before = alerts(db)[0].score
    work_items.update_work_item(db, None, first, {"summary": AGE_B["summary"]}, first.version)
    after = alerts(db)
    assert len(after) == 1 and after[0].score >= before


def test_withdrawn_items_leave_the_index(db, factory):
    first = factory.item("A.1", **AGE_A)
    second = factory.item("B.1", group="ITU-D/SG2", **AGE_B)
    work_items.withdraw_work_item(db, None, second, second.version)
    assert overlaps.similar_to_item(db, current_index(), None, first) == []


def test_scan_is_idempotent_and_keeps_decided_alerts(db, factory):
    factory.item("A.1", **AGE_A)
    factory.item("B.1", group="ITU-D/SG2", **AGE_B)
    factory.item("C.1", group="ITU-T/SG13", **UNRELATED)
    db.execute(OverlapAlert.__table__.delete())
    first = overlaps.scan_overlaps(db, current_index())
    assert (first.items, first.created) == (3, 1)
    alert = alerts(db)[0]
    alert.state, alert.decision_note = "not_overlap", "different scope"
    db.flush()
    second = overlaps.scan_overlaps(db, current_index())
    assert (second.created, second.updated) == (0, 0) and second.unchanged == 1
    assert db.scalar(select(func.count()).select_from(OverlapAlert)) == 1
    assert alerts(db)[0].state == "not_overlap"


def test_a_scan_reads_stored_alerts_in_batches_and_counts_each_pair_once(db, factory, monkeypatch):
    monkeypatch.setattr(overlaps, "RECORD_BATCH", 2)
    for n in range(4):  # four copies of one text: six pairs, in three batches of two
        factory.item(f"A.{n}", group=("ITU-T/SG17", "ITU-D/SG2", "ITU-T/SG13", "ITU-T/SG20")[n], **AGE_A)
    db.execute(OverlapAlert.__table__.delete())
    first = overlaps.scan_overlaps(db, current_index())
    assert (first.pairs, first.created, first.unchanged) == (6, 6, 0)
    decided = alerts(db)[3]
    decided.state = "duplicate"
    db.flush()
    second = overlaps.scan_overlaps(db, current_index())
    assert (second.pairs, second.created, second.updated, second.unchanged) == (6, 0, 0, 6)
    assert db.scalar(select(func.count()).select_from(OverlapAlert)) == 6 and alerts(db)[3].state == "duplicate"


def test_a_batch_of_new_alerts_that_meets_one_raised_meanwhile_inserts_none_and_says_so(db, factory):
    items = [factory.item(f"A.{n}", group=("ITU-T/SG17", "ITU-D/SG2", "ITU-T/SG13")[n], **AGE_A) for n in range(3)]
    db.execute(OverlapAlert.__table__.delete())
    a, b, c = sorted(item.id for item in items)
    pair = lambda x, y: Pair(a=str(x), b=str(y), score=0.9, reasons=("same words",), features={"words": 0.9})  # noqa: E731
    # "Another process" raised (a, c) after this scan read the stored alerts.
    db.add(OverlapAlert(item_a_id=a, item_b_id=c, state="open", score=0.8, features={}, reasons=[], engine_version="x"))
    db.flush()
    assert not overlaps._insert_alerts(db, [(pair(a, b), (a, b)), (pair(a, c), (a, c))], "v")
    assert [(alert.item_a_id, alert.item_b_id) for alert in alerts(db)] == [(a, c)]  # (a, b) not half-inserted
    report = overlaps.ScanReport()
    overlaps.record_pairs(db, current_index(), [pair(a, b), pair(a, c), pair(b, c)], report)
    assert (report.pairs, report.created, report.updated) == (3, 2, 1)


def test_check_as_you_type_finds_the_stored_item_and_hides_private_ones_from_anonymous(db, factory):
    public = factory.item("A.1", **AGE_A)
    private = factory.item("B.1", group="ITU-D/SG2", is_public=False, **AGE_B)
    officer = factory.user(officer_of=("ITU-T/SG17",))
    draft = {"title": "Age assurance framework", "summary": "age verification for online services"}
    seen = overlaps.similar_to_text(db, current_index(), officer, draft, k=5)
    assert {s.item.id for s in seen} == {public.id, private.id}
    anonymous = overlaps.similar_to_text(db, current_index(), None, draft, k=5)
    assert [s.item.id for s in anonymous] == [public.id]
    assert all(0 <= s.score <= 1 and s.reasons for s in seen)


def test_an_index_catches_up_with_changes_made_by_another_process(db, factory, tmp_path):
    worker_a = OverlapIndex(path=tmp_path / "index.bin")
    worker_b = OverlapIndex(path=tmp_path / "other.bin")
    item = factory.item("A.1", **AGE_A)
    worker_a.refresh(db)
    worker_b.refresh(db)
    # "Worker B" serves an edit and a new item; worker A learns of both from the database alone.
    work_items.update_work_item(db, None, item, {"title": "Parental controls for smart televisions"}, item.version)
    factory.item("B.1", group="ITU-D/SG2", **AGE_B)
    assert worker_a.refresh(db) == 2
    assert worker_a.engine is not None and len(worker_a.engine) == 2
    indexed = worker_a.engine.get(str(item.id))
    assert indexed is not None and indexed.title == "Parental controls for smart televisions"


def test_rows_written_within_the_look_back_are_read_again_only_every_few_seconds(db, factory):
    """Between two full look-backs a refresh reads the last few seconds only, so the rows of an import
    are not read again on every request; a transaction that committed late is still caught up."""
    index = OverlapIndex()
    factory.item("A.1", **AGE_A)
    index.refresh(db)  # built
    index.refresh(db)  # a full look-back
    # A transaction that set updated_at half a minute ago commits only now.
    late = factory.item("B.1", group="ITU-D/SG2", **AGE_B)
    late.updated_at = utcnow() - dt.timedelta(seconds=30)
    db.flush()
    assert index.refresh(db) == 0  # the last few seconds only
    assert index.full_catch_up_at is not None
    index.full_catch_up_at -= FULL_CATCH_UP_EVERY
    assert index.refresh(db) == 1  # the next full look-back finds it
    assert index.engine is not None and index.engine.get(str(late.id)) is not None
    fresh = factory.item("C.1", group="ITU-D/SG2", title="Parental controls for smart televisions")
    assert index.refresh(db) == 1  # a change just made is seen at once
    assert index.versions[fresh.id] == fresh.version


def test_a_saved_index_is_loaded_instead_of_rebuilt(db, factory, tmp_path):
    factory.item("A.1", **AGE_A)
    factory.item("B.1", group="ITU-D/SG2", **AGE_B)
    path = tmp_path / "index.bin"
    OverlapIndex(path=path).rebuild(db)
    restarted = OverlapIndex(path=path)
    assert restarted.refresh(db) == 0  # nothing changed since the save: nothing refitted
    assert restarted.engine is not None and len(restarted.engine) == 2


@pytest.mark.parametrize("freeze_from, frozen", [(2, True), (3, False)])
def test_a_large_index_is_kept_out_of_the_garbage_collectors_walks(db, factory, tmp_path, freeze_from, frozen):
    factory.item("A.1", **AGE_A)
    factory.item("B.1", group="ITU-D/SG2", **AGE_B)
    path = tmp_path / "index.bin"
    gc.unfreeze()
    try:
        OverlapIndex(path=path, freeze_from=freeze_from).rebuild(db)
        assert (gc.get_freeze_count() > 0) is frozen
        gc.unfreeze()
        OverlapIndex(path=path, freeze_from=freeze_from).refresh(db)  # loaded from the saved file
        assert (gc.get_freeze_count() > 0) is frozen
    finally:
        gc.unfreeze()
