"""Creating, changing, withdrawing and linking work items: the registry's rules."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from liaison.core.audit import record_event
from liaison.core.errors import Conflict, NotFound, ValidationError
from liaison.core.permissions import can_edit_group, can_edit_item, require
from liaison.items import schemas
from liaison.items.fields import clean_item_fields
from liaison.items.queries import status_before_withdrawal
from liaison.models import ITEM_STATUSES, LINK_TYPES, SYMMETRIC_LINK_TYPES, Group, ItemLink, User, WorkItem
from liaison.models.base import max_length

MAX_LINK_NOTE_LENGTH = max_length(ItemLink.note)
MAX_LINKS_PER_ITEM = 200

#: Called with (session, item) after an item is created or its text or status changes; the overlap
#: service registers itself here so that the registry does not import the similarity layer.
ItemListener = Callable[[Session, WorkItem], None]
_listeners: list[ItemListener] = []


def on_item_saved(listener: ItemListener) -> ItemListener:
    """Register ``listener`` to run after every create, and every change of text or status (a decorator)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def _notify(session: Session, item: WorkItem) -> None:
    for listener in list(_listeners):
        listener(session, item)


def get_work_item(session: Session, item_id: int) -> WorkItem:
    """The item with ``item_id``, or :class:`NotFound`."""
    item = session.get(WorkItem, item_id)
    if item is None:
        raise NotFound(_("no work item with id %(item_id)s", item_id=item_id))
    return item


def create_work_item(session: Session, actor: User | None, data: Mapping[str, Any]) -> WorkItem:
    """Register a new item in a group where ``actor`` holds a role (or any group for an admin).

    ``actor`` None is the system itself (imports run by an operator on the command line).
    """
    values = clean_item_fields(session, data)
    require_may_register(actor, values["group_id"])
    item = WorkItem(**values)
    item.created_by_id = item.updated_by_id = actor.id if actor else None
    session.add(item)
    session.flush()
    record_event(
        session, actor, "work_item.create", "work_item", item.id, f"Registered {item.reference}", as_dict(item)
    )
    _notify(session, item)
    return item


def require_may_register(actor: User | None, group_id: int) -> None:
    """Refuse (:class:`PermissionDenied`) unless ``actor`` may register items in the group (None: the system may)."""
    if actor is not None:
        require(can_edit_group(actor, group_id), _("you hold no role in this group: ask its chair or an admin"))


def update_work_item(
    session: Session,
    actor: User | None,
    item: WorkItem,
    data: Mapping[str, Any],
    expected_version: int | None,
    *,
    partial: bool = True,
) -> WorkItem:
    """Change ``item`` if ``expected_version`` is still current, else :class:`Conflict` (nothing changes).

    The version check happens twice: here against what was loaded, and in the UPDATE's
    WHERE clause against what another transaction may have committed meanwhile.
    """
    if actor is not None:
        require(can_edit_item(actor, item), _("you may only edit the work items of your own groups"))
    if expected_version is None:
        raise ValidationError({"version": _("the version you edited is required (If-Match header or version field)")})
    if expected_version != item.version:
        raise Conflict(
            _("this work item was changed by someone else (you edited version %(expected_version)s, it is now at version %(item_version)s); reload it and apply your change again", expected_version=expected_version, item_version=item.version)
        )
    values = clean_item_fields(session, data, item=item, partial=partial)
    if actor is not None and "group_id" in values and values["group_id"] != item.group_id:
        require(can_edit_group(actor, values["group_id"]), _("you may only move items to groups where you hold a role"))
    before = as_dict(item)
    for name, value in values.items():
        setattr(item, name, value)
    if "group_id" in values:
        # Setting the key alone leaves the loaded relationship stale, and the history would miss the move.
        item.group = session.get_one(Group, values["group_id"])
    after = as_dict(item)
    changes = {k: [before[k], after[k]] for k in after if before.get(k) != after[k] and k not in _VOLATILE}
    if not changes:
        return item
    item.updated_by_id = actor.id if actor else None
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict(_("this work item was changed by someone else meanwhile; reload it and try again")) from exc
    action = "work_item.withdraw" if changes.get("status", [None, None])[1] == "withdrawn" else "work_item.update"
    record_event(session, actor, action, "work_item", item.id, _describe(item, changes), changes)
    # A status change matters too: a withdrawn item's alerts close, a restored item's reopen.
    if changes.keys() & (TEXT_FIELDS | {"status"}):
        _notify(session, item)
    return item


def withdraw_work_item(
    session: Session, actor: User | None, item: WorkItem, expected_version: int | None
) -> WorkItem:
    """Mark ``item`` withdrawn. Nothing is deleted: setting another status brings it back."""
    if item.status == "withdrawn":
        raise Conflict(_("%(item_reference)s is already withdrawn", item_reference=item.reference))
    return update_work_item(session, actor, item, {"status": "withdrawn"}, expected_version)


def restore_work_item(
    session: Session, actor: User | None, item: WorkItem, expected_version: int | None, status: str | None = None
) -> WorkItem:
    """Undo a withdrawal: back to ``status``, or to the status it had before (from its history)."""
    if actor is not None:
        require(can_edit_item(actor, item), _("you may only edit the work items of your own groups"))
    if item.status != "withdrawn":
        raise Conflict(_("%(item_reference)s is not withdrawn", item_reference=item.reference))
    if status is None:
        status = status_before_withdrawal(session, item)
    if status not in ITEM_STATUSES or status == "withdrawn":
        raise ValidationError({"status": _("choose the status the item goes back to")})
    return update_work_item(session, actor, item, {"status": status}, expected_version)


def link_note_error(note: str) -> str | None:
    """What is wrong with ``note`` as the reason for a link, or None (one limit for every door)."""
    length = len(note)
    return f"at most {MAX_LINK_NOTE_LENGTH} characters (got {length})" if length > MAX_LINK_NOTE_LENGTH else None


def link_items(
    session: Session, actor: User | None, source: WorkItem, target: WorkItem, link_type: str, note: str = "",
    *, authorised: bool = False,
) -> ItemLink:
    """Create or retype the link between two items. Symmetric links are kept with the smaller id first.

    ``authorised``: the caller checked a wider right of ``actor`` (a chair's decision on an alert), so
    the link is made and audited in their name without the officers' rule.
    """
    if link_type not in LINK_TYPES:
        raise ValidationError({"type": _("must be one of: %(value)s", value=', '.join(LINK_TYPES))})
    if note_error := link_note_error(note):
        raise ValidationError({"note": note_error})
    if source.id == target.id:
        raise ValidationError({"target": _("an item cannot be linked to itself")})
    if actor is not None and not authorised:
        require(
            can_edit_item(actor, source) or can_edit_item(actor, target),
            _("you may only link items when you hold a role in one of their groups"),
        )
    if link_type in SYMMETRIC_LINK_TYPES and source.id > target.id:
        source, target = target, source
    link = session.scalar(
        select(ItemLink).where(
            or_(
                (ItemLink.source_id == source.id) & (ItemLink.target_id == target.id),
                (ItemLink.source_id == target.id) & (ItemLink.target_id == source.id),
            )
        )
    )
    old = [link.type, link.note] if link else None
    if link is None:
        _check_room_for_a_link(session, source, target)
        link = ItemLink(source_id=source.id, target_id=target.id, type=link_type, note=note)
        link.created_by_id = actor.id if actor else None
        session.add(link)
    else:
        link.source_id, link.target_id, link.type, link.note = source.id, target.id, link_type, note
    session.flush()
    record_event(
        session,
        actor,
        "item_link.save",
        "work_item",
        source.id,
        f"{source.reference} {link_type} {target.reference}",
        {"link": [old, [link_type, note]], "target": [None, target.reference]},
    )
    return link


def unlink_items(session: Session, actor: User | None, link: ItemLink, *, authorised: bool = False) -> None:
    """Remove a link (recorded in the audit log of its source item, so it can be made again);
    ``authorised`` as for :func:`link_items`."""
    if actor is not None and not authorised:
        require(
            can_edit_item(actor, link.source) or can_edit_item(actor, link.target),
            _("you may only unlink items when you hold a role in one of their groups"),
        )
    record_event(
        session,
        actor,
        "item_link.delete",
        "work_item",
        link.source_id,
        f"{link.source.reference} no longer {link.type} {link.target.reference}",
        {"link": [[link.type, link.note, link.target.reference], None]},
    )
    session.delete(link)
    session.flush()


def links_of(session: Session, item: WorkItem) -> list[ItemLink]:
    """Every link that touches ``item``, either side, with both items loaded."""
    return list(
        session.scalars(
            select(ItemLink)
            .options(joinedload(ItemLink.source), joinedload(ItemLink.target), joinedload(ItemLink.created_by))
            .where(or_(ItemLink.source_id == item.id, ItemLink.target_id == item.id))
            .order_by(ItemLink.created_at)
        )
    )


def _check_room_for_a_link(session: Session, *items: WorkItem) -> None:
    # Every link of an item is listed on its page and by the API at once: a bound keeps that list readable.
    for item in items:
        count = session.scalar(
            select(func.count()).select_from(ItemLink).where(or_(ItemLink.source_id == item.id, ItemLink.target_id == item.id))
        )
        if (count or 0) >= MAX_LINKS_PER_ITEM:
            raise ValidationError({"target": _("%(item_reference)s already has %(MAX_LINKS_PER_ITEM)s links, the most an item may have", item_reference=item.reference, MAX_LINKS_PER_ITEM=MAX_LINKS_PER_ITEM)})


#: The fields whose change alters what the similarity engine sees.
TEXT_FIELDS = frozenset({"title", "summary", "keywords", "question", "group", "equivalents", "reference"})
_VOLATILE = frozenset({"id", "version", "created_at", "updated_at"})


def as_dict(item: WorkItem) -> dict[str, Any]:
    """The item as the API, exports and history show it (:class:`liaison.items.schemas.WorkItem`), as JSON values."""
    return schemas.WorkItem.of(item).model_dump(mode="json")


def _describe(item: WorkItem, changes: Mapping[str, Any]) -> str:
    return f"Changed {', '.join(sorted(changes))} of {item.reference}"
