"""Who is logged in, from the signed session cookie, and the decorators that guard pages."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from flask import abort, g, redirect, request, session, url_for
from flask_babel import gettext as _

from liaison.db import get_session
from liaison.i18n import SESSION_KEY as LANGUAGE_KEY
from liaison.models import User

F = TypeVar("F", bound=Callable[..., Any])


def load_user() -> None:
    """Set ``g.user`` to the logged-in, active user or None (runs before every request)."""
    g.user = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    user = get_session().get(User, user_id)
    # Deactivating an account logs it out at once; a new password (or "log out everywhere") bumps the
    # user's epoch, which ends every session begun before it. A session without an epoch began at 0.
    if user is None or not user.is_active or session.get("epoch", 0) != user.session_epoch:
        session.clear()
        return
    g.user = user


def current_user() -> User | None:
    """The logged-in user, or None for an anonymous visitor."""
    return g.get("user")


def signed_in_user() -> User:
    """The logged-in user, in a view behind :func:`login_required` (401 should there be none)."""
    user = current_user()
    if user is None:
        abort(401, _("Log in first."))
    return user


def login_user(user: User) -> None:
    """Start a fresh session for ``user``.

    The cookie is the whole session, so clearing it before filling it in is the rotation that
    guards against fixation: nothing a visitor (or someone planting a cookie) put in before the
    login survives it, CSRF token included.
    """
    language = session.get(LANGUAGE_KEY)
    session.clear()
    # The language the visitor chose is no credential: it survives the rotation.
    if language is not None:
        session[LANGUAGE_KEY] = language
    session["user_id"] = user.id
    session["epoch"] = user.session_epoch
    session.permanent = True
    g.user = user


def client_address() -> str:
    """The address the request came from (behind the proxy, ProxyFix has put the client's there)."""
    return request.remote_addr or "unknown"


def logout_user() -> None:
    """End the session (the language chosen in this browser stays)."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language is not None:
        session[LANGUAGE_KEY] = language
    g.user = None


def login_required(view: F) -> F:
    """Send anonymous visitors to the login page, and back here afterwards."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """Admins only; others get 403 (anonymous visitors are asked to log in first)."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = current_user()
        if user is None or not user.is_admin:
            abort(403, _("Only the secretariat (admins) may do this."))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
