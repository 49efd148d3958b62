"""The public directory: bodies and their groups as a tree, and for each group who liaises for it
and what it works on."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request

from liaison.core.permissions import can_edit_group
from liaison.db import get_session
from liaison.items.queries import ItemFilters, search_work_items
from liaison.organisation.operations import GroupNode, directory, get_body, get_group
from liaison.web.session_auth import current_user

bp = Blueprint("groups", __name__, url_prefix="/groups")


@bp.route("/")
def index() -> Any:
    """Every body with its groups and sub-groups, and how many work items each holds."""
    return render_template("groups/index.html", tree=directory(get_session(), current_user()))


@bp.route("/<id:group_id>")
def detail(group_id: int) -> Any:
    """A group: kind, parent, mandate, contacts, sub-groups, and its work (sub-groups' included)."""
    db = get_session()
    user = current_user()
    group = get_group(db, group_id)
    (body_node,) = directory(db, user, group.body_id, under=group.code)
    node = _find(body_node.groups, group.id)
    items = search_work_items(
        db, ItemFilters(group=group.code), user, request.args.get("page", 1, type=int), current_app.config["ITEMS_PER_PAGE"]
    )
    can_register = can_edit_group(user, group.id)
    return render_template(
        "groups/detail.html", group=group, children=node.children if node else [], items=items, can_register=can_register
    )


@bp.route("/bodies/<id:body_id>")
def body(body_id: int) -> Any:
    """A body: what it is, its groups as a tree, and all its work."""
    db = get_session()
    user = current_user()
    body = get_body(db, body_id)
    (body_node,) = directory(db, user, body.id)
    items = search_work_items(
        db, ItemFilters(body=body.code), user, request.args.get("page", 1, type=int), current_app.config["ITEMS_PER_PAGE"]
    )
    return render_template("groups/body.html", body=body, groups=body_node.groups, items=items)


def _find(nodes: list[GroupNode], group_id: int) -> GroupNode | None:
    for node in nodes:
        if node.group.id == group_id:
            return node
        found = _find(node.children, group_id)
        if found is not None:
            return found
    return None
