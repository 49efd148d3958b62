"""Bodies, groups and contacts: looking them up, creating them on the fly for imports, and the
secretariat's edits; plus the directory tree that the public pages show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from liaison.accounts.operations import require_admin
from liaison.core.audit import record_event
from liaison.core.errors import NotFound, ValidationError
from liaison.core.permissions import edit_scope
from liaison.core.validators import is_email, is_web_address
from liaison.languages import DEFAULT_LANGUAGE, INTERFACE_LANGUAGES
from liaison.models import BODY_KINDS, GROUP_KINDS, Body, Contact, Group, User, WorkItem
from liaison.models.base import max_length

ITU_BODIES = frozenset({"ITU-T", "ITU-D", "ITU-R", "ITU Council", "ITU"})
MAX_CONTACTS_PER_GROUP = 50


def ensure_body(session: Session, actor: User | None, code: str, name: str | None = None) -> Body:
    """The body with ``code``, created if it does not exist yet."""
    code = code.strip()
    if not code:
        raise ValidationError({"body": _("a body code is required")})
    body = session.scalar(select(Body).where(Body.code == code))
    if body is None:
        body = Body(code=code, name=name or code, kind="itu" if code in ITU_BODIES else "external")
        session.add(body)
        session.flush()
        record_event(session, actor, "body.create", "body", body.id, f"Created body {code}")
    return body


def ensure_group(
    session: Session,
    actor: User | None,
    code: str,
    *,
    body_code: str | None = None,
    name: str | None = None,
    kind: str = "other",
) -> Group:
    """The group with ``code``, created (with its body and parents) if it does not exist yet.

    Codes are paths: ``ITU-T/SG17/Q6`` belongs to body ``ITU-T`` and has parent ``ITU-T/SG17``.
    """
    code = "/".join(part.strip() for part in code.split("/") if part.strip())
    if not code:
        raise ValidationError({"group": _("a group code is required")})
    if kind not in GROUP_KINDS:
        raise ValidationError({"kind": _("must be one of: %(value)s", value=', '.join(GROUP_KINDS))})
    group = session.scalar(select(Group).where(Group.code == code))
    if group is not None:
        return group
    parts = code.split("/")
    body = ensure_body(session, actor, body_code or parts[0])
    parent = None
    if len(parts) > 1 and "/".join(parts[:-1]) != body.code:
        parent = ensure_group(session, actor, "/".join(parts[:-1]), body_code=body.code)
    group = Group(code=code, name=name or code, kind=kind, body=body, parent=parent)
    session.add(group)
    session.flush()
    record_event(session, actor, "group.create", "group", group.id, f"Created group {code}")
    return group


def _limits(model: Any, *names: str) -> dict[str, int]:
    # Each bound is the model column's (see liaison.models.base.max_length): one number per field.
    return {name: max_length(getattr(model, name)) for name in names}


def add_contact(session: Session, actor: User | None, group: Group, data: Mapping[str, Any]) -> Contact:
    """Add a liaison contact to ``group`` (admins only, or the system itself)."""
    require_admin(actor)
    values = _clean_contact(data)
    # The group's page and its API answer list every contact: keep that list short enough to read.
    if len(group.contacts) >= MAX_CONTACTS_PER_GROUP:
        raise ValidationError({"name": _("a group has at most %(MAX_CONTACTS_PER_GROUP)s contacts: remove one first", MAX_CONTACTS_PER_GROUP=MAX_CONTACTS_PER_GROUP)})
    contact = Contact(group=group, **values)
    session.add(contact)
    session.flush()
    record_event(
        session, actor, "contact.create", "group", group.id, f"Added contact {contact.name} to {group.code}",
        {"contact": [None, contact.name]},
    )
    return contact


def update_contact(session: Session, actor: User | None, contact: Contact, data: Mapping[str, Any]) -> Contact:
    """Change a contact's details; the change is logged on its group."""
    require_admin(actor)
    values = _clean_contact(data)
    changes = _apply(contact, values)
    if changes:
        session.flush()
        record_event(
            session, actor, "contact.update", "group", contact.group_id,
            f"Changed contact {contact.name} of {contact.group.code}", changes,
        )
    return contact


def remove_contact(session: Session, actor: User | None, contact: Contact) -> None:
    """Remove a contact from its group (the audit event keeps who it was)."""
    require_admin(actor)
    record_event(
        session, actor, "contact.delete", "group", contact.group_id,
        f"Removed contact {contact.name} from {contact.group.code}",
        {"contact": [f"{contact.name} <{contact.email}>" if contact.email else contact.name, None]},
    )
    session.delete(contact)
    session.flush()


_CONTACT_LIMITS = _limits(Contact, "name", "role", "organization", "email", "phone")


def _clean_contact(data: Mapping[str, Any]) -> dict[str, Any]:
    values, errors = _clean_texts(data, _CONTACT_LIMITS)
    if not values["name"] and "name" not in errors:
        errors["name"] = _("a contact needs a name")
    if values["email"] and "email" not in errors and not is_email(values["email"]):
        errors["email"] = _("%(email)s is not an e-mail address", email=repr(values['email']))
    result: dict[str, Any] = dict(values)
    if "language" in data:  # absent (an API client that does not know it): left as it is
        # Empty: the contact reads the group's language.
        result["language"] = _clean_language(data["language"], errors, empty=None)
    if errors:
        raise ValidationError(errors)
    return result


def _clean_language(raw: Any, errors: dict[str, str], *, empty: str | None) -> str | None:
    """One of ITU's six languages (``empty`` when none is chosen), else an error on ``language``."""
    if raw is None or raw == "":
        return empty
    if raw not in INTERFACE_LANGUAGES:
        errors["language"] = _("choose one of: %(value)s", value=', '.join(INTERFACE_LANGUAGES))
    return str(raw)


def _clean_texts(data: Mapping[str, Any], limits: Mapping[str, int]) -> tuple[dict[str, str], dict[str, str]]:
    """Trimmed text for each name in ``limits``, and an error for each that is too long or not text."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, limit in limits.items():
        raw = data.get(name)
        if raw is not None and not isinstance(raw, str):
            errors[name] = _("must be text")
            raw = None
        values[name] = "" if raw is None else raw.strip()
        if len(values[name]) > limit:
            errors[name] = _("at most %(limit)s characters (got %(count)s)", limit=limit, count=len(values[name]))
    return values, errors


def _check_url(values: Mapping[str, str], errors: dict[str, str]) -> None:
    if values.get("url") and not is_web_address(values["url"]) and "url" not in errors:
        errors["url"] = _("must be an http:// or https:// address")


def _apply(obj: Any, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set ``values`` on ``obj``; return what really changed as ``{field: [old, new]}``."""
    changes = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [old, value]
            setattr(obj, name, value)
    return changes


def get_body(session: Session, body_id: int) -> Body:
    """The body with ``body_id``, or :class:`NotFound`."""
    body = session.get(Body, body_id)
    if body is None:
        raise NotFound(_("no body with id %(body_id)s", body_id=body_id))
    return body


def get_group(session: Session, group_id: int) -> Group:
    """The group with ``group_id``, or :class:`NotFound`."""
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(_("no group with id %(group_id)s", group_id=group_id))
    return group


def group_by_code(session: Session, code: str) -> Group:
    """The group whose code is ``code`` (surrounding spaces ignored), or :class:`NotFound`."""
    group = session.scalar(select(Group).where(Group.code == code.strip()))
    if group is None:
        raise NotFound(_("no group with code %(code)s", code=repr(code.strip())))
    return group


def get_contact(session: Session, contact_id: int) -> Contact:
    """The contact with ``contact_id``, or :class:`NotFound`."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(_("no contact with id %(contact_id)s", contact_id=contact_id))
    return contact


_BODY_LIMITS = _limits(Body, "code", "name", "kind", "url", "description")


def _clean_body(session: Session, data: Mapping[str, Any], body: Body | None) -> dict[str, str]:
    values, errors = _clean_texts(data, _BODY_LIMITS)
    values["kind"] = values["kind"] or "external"
    for name in ("code", "name"):
        if not values[name] and name not in errors:
            errors[name] = _("this field is required")
    if values["kind"] not in BODY_KINDS:
        errors["kind"] = _("must be one of: %(value)s", value=', '.join(BODY_KINDS))
    _check_url(values, errors)
    if values["code"] and "code" not in errors:
        clash = session.scalar(select(Body.id).where(Body.code == values["code"]))
        if clash is not None and (body is None or clash != body.id):
            errors["code"] = _("there is already a body with code %(code)s", code=repr(values['code']))
    if errors:
        raise ValidationError(errors)
    return values


def create_body(session: Session, actor: User | None, data: Mapping[str, Any]) -> Body:
    """A new body (code, name, kind, url, description), by an admin."""
    require_admin(actor)
    body = Body(**_clean_body(session, data, None))
    session.add(body)
    session.flush()
    record_event(session, actor, "body.create", "body", body.id, f"Created body {body.code}")
    return body


def update_body(session: Session, actor: User | None, body: Body, data: Mapping[str, Any]) -> Body:
    """Change a body's fields. Its groups keep their codes: they are names, not derived values."""
    require_admin(actor)
    changes = _apply(body, _clean_body(session, data, body))
    if changes:
        session.flush()
        record_event(session, actor, "body.update", "body", body.id, f"Changed {', '.join(sorted(changes))} of {body.code}", changes)
    return body


_GROUP_LIMITS = _limits(Group, "code", "name", "kind", "mandate", "url")


def _normalise_code(code: str) -> str:
    return "/".join(part.strip() for part in code.split("/") if part.strip())


def _to_id(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError("unknown choice") from None


def _clean_group(session: Session, data: Mapping[str, Any], group: Group | None) -> dict[str, Any]:
    """Group values with ``body`` and ``parent`` as objects.

    A sub-group's code must extend its parent's (``ITU-T/SG17`` -> ``ITU-T/SG17/Q6``): lists of a
    group's work find its sub-groups by that prefix, and imports derive parents from codes.
    """
    texts, errors = _clean_texts(data, _GROUP_LIMITS)
    values: dict[str, Any] = dict(texts)
    values["code"] = _normalise_code(values["code"])
    values["kind"] = values["kind"] or "other"
    for name in ("code", "name"):
        if not values[name] and name not in errors:
            errors[name] = _("this field is required")
    if values["kind"] not in GROUP_KINDS:
        errors["kind"] = _("must be one of: %(value)s", value=', '.join(GROUP_KINDS))
    _check_url(values, errors)
    if "language" in data or group is None:
        values["language"] = _clean_language(data.get("language"), errors, empty=DEFAULT_LANGUAGE)
    body, parent = _body_and_parent(session, data, errors)
    if parent is not None and "parent_id" not in errors:
        _check_parent(values, errors, group, body, parent)
    if values["code"] and "code" not in errors:
        clash = session.scalar(select(Group.id).where(Group.code == values["code"]))
        if clash is not None and (group is None or clash != group.id):
            errors["code"] = _("there is already a group with code %(code)s", code=repr(values['code']))
    if errors:
        raise ValidationError(errors)
    values["body"], values["parent"] = body, parent
    return values


def _body_and_parent(
    session: Session, data: Mapping[str, Any], errors: dict[str, str]
) -> tuple[Body | None, Group | None]:
    """The group's body (required) and parent group (optional), from their ids."""
    body = parent = None
    try:
        body_id = _to_id(data.get("body_id"))
        body = session.get(Body, body_id) if body_id is not None else None
        if body is None:
            errors["body_id"] = _("choose the body the group belongs to")
    except ValueError:
        errors["body_id"] = _("choose the body the group belongs to")
    try:
        parent_id = _to_id(data.get("parent_id"))
        parent = session.get(Group, parent_id) if parent_id is not None else None
        if parent_id is not None and parent is None:
            errors["parent_id"] = _("no group with id %(parent_id)s", parent_id=parent_id)
    except ValueError:
        errors["parent_id"] = _("choose a parent group, or none")
    return body, parent


def _check_parent(
    values: Mapping[str, Any], errors: dict[str, str], group: Group | None, body: Body | None, parent: Group
) -> None:
    """A parent is another group of the same body, whose code the group's code extends."""
    if group is not None and parent.id == group.id:
        errors["parent_id"] = _("a group cannot be its own parent")
    elif body is not None and parent.body_id != body.id:
        errors["parent_id"] = _("the parent belongs to %(parent_body_code)s, not to %(body_code)s", parent_body_code=parent.body.code, body_code=body.code)
    elif values["code"] and not values["code"].startswith(parent.code + "/") and "code" not in errors:
        errors["code"] = _("a sub-group of %(parent_code)s has a code that starts with %(parent_code)s/", parent_code=parent.code)


def create_group(session: Session, actor: User | None, data: Mapping[str, Any]) -> Group:
    """A new group (code, name, kind, body_id, parent_id, mandate, url), by an admin."""
    require_admin(actor)
    group = Group(**_clean_group(session, data, None))
    session.add(group)
    session.flush()
    record_event(session, actor, "group.create", "group", group.id, f"Created group {group.code}")
    return group


def update_group(session: Session, actor: User | None, group: Group, data: Mapping[str, Any]) -> Group:
    """Change a group. A new code or body carries over to its sub-groups, so the tree stays whole."""
    require_admin(actor)
    values = _clean_group(session, data, group)
    old_code, old_body = group.code, group.body
    descendants = _descendants(session, group)
    if values["parent"] is not None and values["parent"] in descendants:
        raise ValidationError({"parent_id": _("a group cannot sit under one of its own sub-groups")})
    new_codes = {
        sub.id: values["code"] + sub.code[len(old_code):]
        for sub in descendants
        if values["code"] != old_code and sub.code.startswith(old_code + "/")
    }
    clashes = new_codes and session.scalars(select(Group.code).where(Group.code.in_(list(new_codes.values())))).all()
    if clashes:
        raise ValidationError({"code": _("renaming would clash with the existing group %(value)s", value=repr(clashes[0]))})
    body, parent = values.pop("body"), values.pop("parent")
    changes = _apply(group, values)
    if old_body.id != body.id:
        changes["body"] = [old_body.code, body.code]
        group.body = body
    if group.parent_id != (parent.id if parent else None):
        changes["parent"] = [group.parent.code if group.parent else None, parent.code if parent else None]
        group.parent = parent
    if not changes:
        return group
    for sub in descendants:
        sub_changes: dict[str, list[Any]] = {}
        if sub.id in new_codes:
            sub_changes["code"] = [sub.code, new_codes[sub.id]]
            sub.code = new_codes[sub.id]
        if body.id != old_body.id:
            sub_changes["body"] = [old_body.code, body.code]
            sub.body = body
        if sub_changes:
            record_event(session, actor, "group.update", "group", sub.id, f"Moved with {group.code}: {sub.code}", sub_changes)
    session.flush()
    record_event(session, actor, "group.update", "group", group.id, f"Changed {', '.join(sorted(changes))} of {group.code}", changes)
    return group


def _descendants(session: Session, group: Group) -> list[Group]:
    """Every group below ``group``, from one query over its body (trees are small, bodies few)."""
    same_body = session.scalars(select(Group).where(Group.body_id == group.body_id)).all()
    children: dict[int | None, list[Group]] = {}
    for candidate in same_body:
        children.setdefault(candidate.parent_id, []).append(candidate)
    found: list[Group] = []
    stack = list(children.get(group.id, []))
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current.id, []))
    return found


@dataclass
class GroupNode:
    """A group in the directory tree, with its sub-groups and how many items it holds itself."""

    group: Group
    children: list[GroupNode] = field(default_factory=list)
    item_count: int = 0

    @property
    def total_items(self) -> int:
        """Items of the group and of all its sub-groups."""
        return self.item_count + sum(child.total_items for child in self.children)


@dataclass
class BodyNode:
    """A body and its top-level groups."""

    body: Body
    groups: list[GroupNode] = field(default_factory=list)


def directory(
    session: Session, viewer: User | None, body_id: int | None = None, under: str | None = None
) -> list[BodyNode]:
    """Bodies with their groups as trees, and the items each group holds that ``viewer`` may see.

    ``under`` keeps only the group of that code and its sub-groups (a group's page: counting every
    group of a body with hundreds of them would cost more than the page itself).
    Three queries whatever the size: bodies, groups, and one GROUP BY for the counts.
    """
    bodies_query = select(Body).order_by(Body.kind.desc(), Body.code)
    groups_query = select(Group).order_by(Group.code)
    counts_query = select(WorkItem.group_id, func.count()).group_by(WorkItem.group_id)
    if body_id is not None:
        bodies_query = bodies_query.where(Body.id == body_id)
        groups_query = groups_query.where(Group.body_id == body_id)
        counts_query = counts_query.where(WorkItem.group_id.in_(select(Group.id).where(Group.body_id == body_id)))
    if under is not None:
        subtree = or_(Group.code == under, Group.code.like(f"{under}/%"))
        groups_query = groups_query.where(subtree)
        counts_query = counts_query.where(WorkItem.group_id.in_(select(Group.id).where(subtree)))
    if viewer is None or not viewer.is_active:
        counts_query = counts_query.where(WorkItem.is_public.is_(True))
    counts = {group_id: count for group_id, count in session.execute(counts_query)}
    nodes = {g.id: GroupNode(g, item_count=counts.get(g.id, 0)) for g in session.scalars(groups_query)}
    tree = {b.id: BodyNode(b) for b in session.scalars(bodies_query)}
    for node in nodes.values():
        parent = nodes.get(node.group.parent_id) if node.group.parent_id else None
        if parent is not None:
            parent.children.append(node)
        elif node.group.body_id in tree:
            tree[node.group.body_id].groups.append(node)
    return list(tree.values())


def editable_groups(session: Session, user: User | None) -> list[Group]:
    """The groups where ``user`` may register work items, by code: all for admins, their own and
    their sub-groups for others."""
    if user is None or not user.is_active:
        return []
    query = select(Group).order_by(Group.code)
    if not user.is_admin:
        query = query.where(Group.id.in_(edit_scope(user)))
    return list(session.scalars(query))


def all_groups(session: Session) -> list[Group]:
    """Every group, by code (for pickers; one query)."""
    return list(session.scalars(select(Group).order_by(Group.code)))


def all_bodies(session: Session) -> list[Body]:
    """Every body, by code (for pickers; one query)."""
    return list(session.scalars(select(Body).order_by(Body.code)))
