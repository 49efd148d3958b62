"""The registry's rules, called without HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from liaison.core import audit
from liaison.core.errors import Conflict, PermissionDenied, ValidationError
from liaison.items import operations as work_items
from liaison.items.queries import ItemFilters, search_work_items
from liaison.models import AuditEvent, ItemLink


def test_create_validates_every_field_at_once(db, factory):
    factory.group("ITU-T/SG17")
    with pytest.raises(ValidationError) as error:
        work_items.create_work_item(
            db,
            None,
            {
                "reference": "",
                "title": "x" * 501,
                "group": "NOPE/SG1",
                "type": "poem",
                "start_date": "2026-13-01",
                "url": "javascript:alert(1)",
                "colour": "blue",
            },
        )
    assert set(error.value.errors) == {"reference", "title", "group", "type", "start_date", "url", "colour"}


def test_create_normalises_lists_labels_and_dates(db, factory):
    item = factory.item(
        "X.cop",
        type="Technical Report",
        keywords="age assurance, Age Assurance; children",
        editors="Ada Editor; ITU; ada@example.org\nBo Editor",
        start_date="2026-03",
        target_date="2027-06-30",
        approval_process="aap",
    )
    assert item.type == "technical_report"
    assert item.keywords == ["age assurance", "children"]
    assert item.editors[1] == {"name": "Bo Editor", "affiliation": "", "email": ""}
    assert item.start_date.isoformat() == "2026-03-01" and item.approval_process == "AAP"


def test_target_before_start_is_refused(db, factory):
    with pytest.raises(ValidationError) as error:
        factory.item(start_date="2026-05-01", target_date="2026-01-01")
    assert "target_date" in error.value.errors


def test_references_are_unique(db, factory):
    factory.item("X.1")
    with pytest.raises(ValidationError) as error:
        factory.item("X.1")
    assert "already used" in error.value.errors["reference"]


def test_officers_edit_only_their_groups_and_admins_all(db, factory):
    officer = factory.user(officer_of=("ITU-T/SG17",))
    admin = factory.user(admin=True)
    factory.group("ITU-D/SG2")
    mine = factory.item(group="ITU-T/SG17", actor=officer)
    with pytest.raises(PermissionDenied):
        factory.item(group="ITU-D/SG2", actor=officer)
    theirs = factory.item(group="ITU-D/SG2", actor=admin)
    with pytest.raises(PermissionDenied):
        work_items.update_work_item(db, officer, theirs, {"title": "Mine now"}, theirs.version)
    with pytest.raises(PermissionDenied):
        work_items.update_work_item(db, officer, mine, {"group": "ITU-D/SG2"}, mine.version)
    work_items.update_work_item(db, admin, mine, {"title": "Retitled"}, mine.version)
    assert mine.title == "Retitled"


def test_a_stale_version_is_refused_and_the_other_change_kept(db, factory):
    item = factory.item(title="Original")
    seen = item.version
    work_items.update_work_item(db, None, item, {"title": "First editor's"}, seen)
    with pytest.raises(Conflict):
        work_items.update_work_item(db, None, item, {"title": "Second editor's"}, seen)
    assert item.title == "First editor's" and item.version == seen + 1


def test_every_change_is_in_the_history_with_old_and_new_values(db, factory):
    user = factory.user(officer_of=("ITU-T/SG17",))
    item = factory.item(title="Before", actor=user)
    work_items.update_work_item(db, user, item, {"title": "After", "status": "active"}, item.version)
    work_items.withdraw_work_item(db, user, item, item.version)
    events = audit.history(db, "work_item", item.id)
    assert [e.action for e in events] == ["work_item.withdraw", "work_item.update", "work_item.create"]
    assert events[1].changes["title"] == ["Before", "After"] and events[1].actor_id == user.id
    assert item.status == "withdrawn"


def test_withdrawing_twice_is_a_conflict_and_restoring_works(db, factory):
    item = factory.item()
    work_items.withdraw_work_item(db, None, item, item.version)
    with pytest.raises(Conflict):
        work_items.withdraw_work_item(db, None, item, item.version)
    work_items.update_work_item(db, None, item, {"status": "active"}, item.version)
    assert item.status == "active"


def test_links_are_typed_symmetric_and_shown_on_both_items(db, factory):
    a, b = factory.item("A.1"), factory.item("B.1")
    link = work_items.link_items(db, None, b, a, "overlaps", "same scope")
    assert (link.source_id, link.target_id) == (a.id, b.id)
    again = work_items.link_items(db, None, a, b, "duplicates", "really the same")
    assert again.id == link.id and again.type == "duplicates"
    assert work_items.links_of(db, a) == work_items.links_of(db, b) == [link]
    with pytest.raises(ValidationError):
        work_items.link_items(db, None, a, a, "related")
    work_items.unlink_items(db, None, link)
    assert db.scalars(select(ItemLink)).all() == []
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "item_link.delete")) is not None


def test_search_filters_and_hides_private_items_from_anonymous(db, factory):
    factory.item("X.age", title="Age assurance framework", keywords=["children"], group="ITU-T/SG17/Q6")
    factory.item("D.3", title="Cybersecurity culture", group="ITU-D/SG2", status="active")
    factory.item("S.1", title="Secret age work", is_public=False)
    viewer = factory.user()

    def refs(filters, who=viewer):
        return sorted(i.reference for i in search_work_items(db, filters, who).items)

    assert refs(ItemFilters(q="age")) == ["S.1", "X.age"]
    assert refs(ItemFilters(q="age"), None) == ["X.age"]
    assert refs(ItemFilters(q="children")) == ["X.age"]
    assert refs(ItemFilters(group="ITU-T/SG17")) == ["S.1", "X.age"]
    assert refs(ItemFilters(body="ITU-D")) == ["D.3"]
    assert refs(ItemFilters(status=["active"])) == ["D.3"]
    assert refs(ItemFilters(q="100%_")) == []
    page = search_work_items(db, ItemFilters(sort="reference"), viewer, page=2, per_page=2)
    assert (page.total, page.pages, [i.reference for i in page.items]) == (3, 2, ["X.age"])


def test_moving_an_item_to_another_group_is_in_its_history(db, factory):
    factory.group("ITU-D/SG2")
    item = factory.item(group="ITU-T/SG17")
    work_items.update_work_item(db, None, item, {"group": "ITU-D/SG2"}, item.version)
    assert item.group.code == "ITU-D/SG2"
    assert audit.history(db, "work_item", item.id)[0].changes["group"] == ["ITU-T/SG17", "ITU-D/SG2"]


def test_an_item_read_back_whole_is_accepted_and_nul_is_refused(db, factory):
    item = factory.item()
    whole = work_items.as_dict(item) | {"title": "Sent back whole"}
    work_items.update_work_item(db, None, item, whole, item.version)
    assert item.title == "Sent back whole"
    with pytest.raises(ValidationError) as error:
        work_items.update_work_item(db, None, item, {"title": "a\x00b", "keywords": ["x\x00"]}, item.version)
    assert set(error.value.errors) == {"title", "keywords"}


def test_restoring_goes_back_to_the_status_before_withdrawal(db, factory):
    item = factory.item(status="active")
    with pytest.raises(Conflict):
        work_items.restore_work_item(db, None, item, item.version)
    work_items.withdraw_work_item(db, None, item, item.version)
    stranger = factory.user(officer_of=("ITU-D/SG2",))
    with pytest.raises(PermissionDenied):
        work_items.restore_work_item(db, stranger, item, item.version)
    work_items.restore_work_item(db, None, item, item.version)
    assert item.status == "active"


def test_absurd_page_numbers_give_an_empty_page_not_an_error(db, factory):
    factory.item()
    page = search_work_items(db, ItemFilters(), None, page=10**20, per_page=10**9)
    assert page.items == [] and page.total == 1
