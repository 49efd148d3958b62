"""Group directory pages (being built)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

bp = Blueprint("groups", __name__, url_prefix="/groups")


@bp.route("/")
def index() -> Any:
    return "groups"
