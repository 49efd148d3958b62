"""The home page: what the tracker is and what is new."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from liaison.db import get_session
from liaison.models import Body, Group, WorkItem

bp = Blueprint("home", __name__)


@bp.route("/")
def index() -> Any:
    """Counts and the latest public items."""
    db = get_session()
    latest = db.scalars(
        select(WorkItem)
        .options(joinedload(WorkItem.group).joinedload(Group.body))
        .where(WorkItem.is_public.is_(True))
        .order_by(WorkItem.updated_at.desc(), WorkItem.id.desc())
        .limit(8)
    ).all()
    counts = {
        "items": db.scalar(select(func.count()).select_from(WorkItem).where(WorkItem.is_public.is_(True))),
        "groups": db.scalar(select(func.count()).select_from(Group)),
        "bodies": db.scalar(select(func.count()).select_from(Body)),
    }
    return render_template("home.html", latest=latest, counts=counts)
