"""Logging in and out (throttled), and resetting a forgotten password with a link sent by e-mail."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from liaison.accounts.login_security import LoginPolicy, TooManyAttempts, end_other_sessions, log_in
from liaison.accounts.operations import MIN_PASSWORD_LENGTH
from liaison.accounts.password_reset import (
    InvalidResetLink,
    ResetPolicy,
    check_reset_token,
    request_password_reset,
    reset_password,
)
from liaison.core.audit import record_event
from liaison.core.errors import ValidationError
from liaison.db import get_session
from liaison.web.forms import safe_next
from liaison.web.session_auth import client_address, current_user, login_user, logout_user
from liaison.web.transaction import answer_not_before, keep_refusal, refusal_undone

bp = Blueprint("auth", __name__)

#: Where the reset token waits between the e-mailed link and the form (see :func:`reset_link`).
RESET_TOKEN_KEY = "reset_token"
MAX_PASSWORD_LENGTH = 1000


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "username"})
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)], render_kw={"autocomplete": "current-password"}
    )


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail of your account"), validators=[DataRequired(), Length(max=254)], render_kw={"autocomplete": "username"})


class NewPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


def too_many_attempts(page: str, exc: TooManyAttempts) -> Response:
    """``page`` (the form again, saying why) as 429 with ``Retry-After``, for people and for scripts."""
    response = current_app.make_response((page, 429))
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login form; on success, back to where the visitor was going."""
    form = LoginForm()
    destination = safe_next(request.args.get("next"), url_for("home.index"))
    if current_user() is not None:
        return redirect(destination)
    if form.validate_on_submit():
        db = get_session()
        try:
            user = log_in(
                db, form.email.data or "", form.password.data or "", client_address(),
                LoginPolicy.from_config(current_app.config),
            )
        except TooManyAttempts as exc:
            # The failure that reached the limit, and the lockout it started, must be kept.
            keep_refusal()
            return too_many_attempts(render_template("auth/login.html", form=form, refusal=exc.message), exc)
        if user is not None:
            record_event(db, user, "user.login", "user", user.id, f"{user.email} logged in")
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(destination)
        # The failed attempt counts towards the lockout.
        keep_refusal()
        form.password.errors.append("That e-mail and password do not match an active account.")
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """Log out (POST only, with CSRF, so that a link on another site cannot log people out).

    Clearing this browser's cookie is not enough: the cookie is the session, and a copy of it (a
    shared computer, a stolen backup) would go on working. Ending the epoch ends every copy.
    """
    user = current_user()
    if user is not None:
        db = get_session()
        end_other_sessions(db, user, user, "logged out")
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("home.index"))


@bp.route("/forgot", methods=["GET", "POST"])
def forgot() -> Any:
    """Ask for a reset link; the answer is the same whether the e-mail has an account or not."""
    form = ForgotForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form), 422 if request.method == "POST" else 200
    started = time.monotonic()
    db = get_session()
    # An external link starts from LIAISON_BASE_URL, never from the request's Host header, which a
    # forged request could point at another site to collect the token (see liaison.web.addresses).
    request_password_reset(
        db,
        form.email.data or "",
        lambda token: url_for(".reset_link", token=token, _external=True),
        ResetPolicy.from_config(current_app.config),
        client_address=client_address(),
    )
    # An account costs a few inserts that an unknown e-mail does not: answering after the same
    # delay either way (commit included) keeps that difference out of the response time.
    answer_not_before(started + current_app.config["LIAISON_RESET_ANSWER_SECONDS"])
    minutes = current_app.config["LIAISON_RESET_TOKEN_SECONDS"] // 60
    return render_template("auth/forgot_sent.html", email=form.email.data, minutes=minutes)


@bp.route("/reset/<token>")
def reset_link(token: str) -> Any:
    """The e-mailed link: keep the token in the session and move to an address without it.

    The token then appears in one access-log line and one history entry, not in every later
    request, and the page's own requests never send it on in a Referer.
    """
    session[RESET_TOKEN_KEY] = token[:200]
    return redirect(url_for(".reset"), 303)


@bp.route("/reset", methods=["GET", "POST"])
def reset() -> Any:
    """Choose a new password with the link's token; then the person is logged in."""
    token = session.get(RESET_TOKEN_KEY)
    if not token:
        return _render_reset(None, "Open the link from your e-mail again, or ask for a new one.", status=400)
    db = get_session()
    form = NewPasswordForm()
    try:
        with refusal_undone():
            # Naming the account guards against a link planted by someone else: one would see it is theirs.
            email = check_reset_token(db, token).user.email
            if not form.validate_on_submit():
                return _render_reset(form, email=email, status=422 if request.method == "POST" else 200)
            user = reset_password(db, token, form.password.data or "")
    except InvalidResetLink as exc:
        session.pop(RESET_TOKEN_KEY, None)
        return _render_reset(None, exc.message, status=exc.status)
    except ValidationError as exc:
        form.password.errors = [*form.password.errors, exc.errors.get("password", exc.message)]
        return _render_reset(form, email=email, status=422)
    login_user(user)
    flash(_("Your new password is set, and you are logged in. Your other sessions have ended."), "success")
    return redirect(url_for("home.index"), 303)


def _render_reset(
    form: NewPasswordForm | None, refusal: str | None = None, *, email: str = "", status: int = 200
) -> Any:
    return render_template(
        "auth/reset.html", form=form, refusal=refusal, email=email, min_length=MIN_PASSWORD_LENGTH
    ), status
