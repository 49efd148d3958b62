"""Who is calling the API: ``Authorization: Bearer <token>``, or the browser session for reads."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from flask import g, request

from liaison.db import get_session
from liaison.models import User
from liaison.services.accounts import user_for_token
from liaison.web.api import bp
from liaison.web.api.problems import problem

F = TypeVar("F", bound=Callable[..., Any])


@bp.before_request
def authenticate() -> Any:
    """Resolve a bearer token to ``g.api_user``; a token that is present but wrong is refused outright."""
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return problem(401, detail="use 'Authorization: Bearer <token>'; create a token with `liaison tokens create`")
    user = user_for_token(get_session(), token.strip())
    if user is None:
        return problem(401, detail="this API token is unknown or revoked")
    get_session().commit()  # keep last_used_at
    g.api_user = user
    return None


def api_user() -> User | None:
    """The caller of this API request, or None when anonymous."""
    return g.get("api_user")


def token_required(view: F) -> F:
    """Writes need a bearer token: a cookie alone could be ridden by another site (CSRF)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if api_user() is None:
            return problem(401, detail="this call changes data: send 'Authorization: Bearer <token>'")
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
