"""The home page: what the tracker is, why it is public, and what is new."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from liaison.db import get_session
from liaison.reporting.public_data import public_counts, recent_activity

bp = Blueprint("home", __name__)


@bp.route("/")
def index() -> Any:
    """Counts and the newest public items, changes, decisions and statements."""
    db = get_session()
    return render_template("public/home.html", counts=public_counts(db), recent=recent_activity(db))


@bp.route("/api/")
def api_docs() -> Any:
    """The JSON API, readable: the OpenAPI document rendered by Swagger UI, served from this site."""
    return render_template("public/api.html")
