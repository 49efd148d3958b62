"""JSON API v1 under ``/api/v1``: bearer tokens for writes, problem documents (RFC 9457) for errors."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# The endpoint modules attach their routes to ``bp`` when imported.
from liaison.items import api as _work_items  # noqa: E402,F401
from liaison.organisation import api as _organisation  # noqa: E402,F401
from liaison.overlaps import api as _overlaps  # noqa: E402,F401
from liaison.overlaps import review_api as _review  # noqa: E402,F401
from liaison.statements import api as _statements  # noqa: E402,F401
from liaison.web.api import auth as _auth  # noqa: E402,F401
from liaison.web.api import openapi as _openapi  # noqa: E402,F401
