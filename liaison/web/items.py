"""Work-item pages (being built)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from liaison.db import get_session
from liaison.services.item_queries import ItemFilters, search_work_items
from liaison.services.work_items import get_work_item
from liaison.web.session_auth import current_user

bp = Blueprint("items", __name__, url_prefix="/items")


@bp.route("/")
def index() -> Any:
    page = search_work_items(get_session(), ItemFilters(), current_user())
    return render_template("items/index.html", page=page)


@bp.route("/<int:item_id>")
def detail(item_id: int) -> Any:
    return render_template("items/detail.html", item=get_work_item(get_session(), item_id))
