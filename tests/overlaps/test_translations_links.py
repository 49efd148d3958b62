"""Two items that an officer registered as one work in two languages are equivalent versions: linked as
"translation", never alerted as an overlap, on save or by a scan."""

from __future__ import annotations

from sqlalchemy import select

from liaison.indexing import current_index
from liaison.items import operations as work_items
from liaison.models import ItemLink, OverlapAlert
from liaison.overlaps import operations as overlaps
from tests.overlaps.test_alerts import AGE_A, AGE_B


def test_items_linked_as_translations_raise_no_alert_on_a_scan_or_on_save(db, factory):
    english = factory.item("A.1", **AGE_A)
    other = factory.item("A.1-fr", group="ITU-D/SG2", **AGE_B)
    third = factory.item("B.1", group="ITU-T/SG13", **AGE_B)
    db.execute(OverlapAlert.__table__.delete())
    link = work_items.link_items(db, None, other, english, "translation", "the French version")
    assert (link.source_id, link.target_id, link.type) == (english.id, other.id, "translation")

    overlaps.scan_overlaps(db, current_index())
    work_items.update_work_item(db, None, english, {"summary": AGE_B["summary"]}, english.version)

    pairs = {(a.item_a_id, a.item_b_id) for a in db.scalars(select(OverlapAlert))}
    assert (english.id, other.id) not in pairs
    # Other pairs are compared as before: the link spares only the translations.
    assert (english.id, third.id) in pairs and (other.id, third.id) in pairs
    assert db.scalar(select(ItemLink.type).where(ItemLink.id == link.id)) == "translation"
