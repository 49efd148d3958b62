"""The person's own account: password, API tokens, sessions; and, for the secretariat, everyone's tokens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, PasswordField, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from liaison.accounts import tokens as api_tokens
from liaison.accounts.login_security import (
    LoginPolicy,
    TooManyAttempts,
    change_password,
    end_other_sessions,
    verify_password,
)
from liaison.accounts.operations import MIN_PASSWORD_LENGTH, set_user_language
from liaison.accounts.views.auth import MAX_PASSWORD_LENGTH, NewPasswordForm, too_many_attempts
from liaison.core.errors import ValidationError
from liaison.db import get_session
from liaison.i18n import SESSION_KEY
from liaison.languages import INTERFACE_LANGUAGES
from liaison.web.forms import choices, safe_next
from liaison.web.session_auth import admin_required, client_address, login_required, login_user, signed_in_user
from liaison.web.transaction import keep_refusal, refusal_undone

bp = Blueprint("account", __name__, url_prefix="/account")
PER_PAGE = 50
#: Prefixes keep the ids of the two forms of the page apart.
PASSWORD_PREFIX = "pw"
TOKEN_PREFIX = "token"
LANGUAGE_PREFIX = "lang"


class PasswordChangeForm(NewPasswordForm):
    """The current password, then the new one twice."""

    current = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("What is the token for?"), validators=[DataRequired()],
        render_kw={"maxlength": api_tokens.MAX_NAME_LENGTH, "placeholder": _l("e.g. work programme import script")},
    )


class LanguageForm(FlaskForm):
    """The interface language of the account: pages after login, and the mail sent to the person."""

    language = SelectField(
        _l("Language of pages and mail"),
        choices=choices([("", _l("The browser’s language")), *INTERFACE_LANGUAGES.items()]),
        validate_choice=False,
    )


class TokenSearchForm(Form):
    """The search of the admin's token list, read from the query string (GET, no CSRF)."""

    q = SearchField(_l("Owner, token name or prefix"))


def _render(
    *,
    password_form: PasswordChangeForm | None = None,
    token_form: TokenForm | None = None,
    language_form: LanguageForm | None = None,
    new_token: str | None = None,
    refusal: str | None = None,
) -> str:
    user = signed_in_user()
    return render_template(
        "account/index.html",
        user=user,
        tokens=api_tokens.tokens_of(get_session(), user, user),
        password_form=password_form or PasswordChangeForm(formdata=None, prefix=PASSWORD_PREFIX),
        token_form=token_form or TokenForm(formdata=None, prefix=TOKEN_PREFIX),
        language_form=language_form or LanguageForm(formdata=None, prefix=LANGUAGE_PREFIX, language=user.language or ""),
        new_token=new_token,
        refusal=refusal,
        min_length=MIN_PASSWORD_LENGTH,
    )


@bp.route("/")
@login_required
def index() -> Any:
    """Who the person is, their password, their API tokens and their sessions."""
    return _render()


@bp.post("/password")
@login_required
def password() -> Any:
    """Change the password (the current one is asked, and counted like a login)."""
    db = get_session()
    user = signed_in_user()
    form = PasswordChangeForm(prefix=PASSWORD_PREFIX)
    if not form.validate():
        return _render(password_form=form), 422
    try:
        correct = verify_password(
            db, user, form.current.data or "", client_address(), LoginPolicy.from_config(current_app.config)
        )
    except TooManyAttempts as exc:
        keep_refusal()
        return too_many_attempts(_render(password_form=form, refusal=exc.message), exc)
    if not correct:
        # A wrong current password counts like a failed login.
        keep_refusal()
        form.current.errors = ["This is not your current password."]
        return _render(password_form=form), 422
    try:
        with refusal_undone():
            change_password(db, user, user, form.password.data or "")
    except ValidationError as exc:
        form.password.errors = [exc.errors.get("password", exc.message)]
        return _render(password_form=form), 422
    # The epoch moved on: this browser starts a session in the new one, every other one has ended.
    login_user(user)
    flash(_("Your password is changed. Every other session of your account has ended."), "success")
    return redirect(url_for(".index"), 303)


@bp.post("/language")
@login_required
def language() -> Any:
    """Set the account's interface language; this browser's earlier choice gives way to it."""
    db = get_session()
    user = signed_in_user()
    form = LanguageForm(prefix=LANGUAGE_PREFIX)
    if not form.validate():
        return _render(language_form=form), 422
    try:
        set_user_language(db, user, user, form.language.data)
    except ValidationError as exc:
        form.language.errors = [exc.errors.get("language", exc.message)]
        return _render(language_form=form), 422
    session.pop(SESSION_KEY, None)
    flash(_("Your language is saved."), "success")
    return redirect(url_for(".index"), 303)


@bp.post("/sessions/end")
@login_required
def end_sessions() -> Any:
    """Log out every other browser (a lost laptop, a shared computer); this one stays logged in."""
    db = get_session()
    user = signed_in_user()
    end_other_sessions(db, user, user, "asked from the account page")
    login_user(user)
    flash(_("Every other session of your account has ended."), "success")
    return redirect(url_for(".index"), 303)


@bp.post("/tokens")
@login_required
def create_token() -> Any:
    """Create an API token and show it, this once: only its hash is kept."""
    db = get_session()
    user = signed_in_user()
    form = TokenForm(prefix=TOKEN_PREFIX)
    try:
        with refusal_undone():
            _, plaintext = api_tokens.issue_token(db, user, user, form.name.data or "")
    except ValidationError as exc:
        form.name.errors = [exc.errors.get("name", exc.message)]
        return _render(token_form=form), 422
    response = current_app.make_response(_render(new_token=plaintext))
    # The page holds a secret: no cache (browser or proxy) may keep it for the back button to show.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/tokens/<id:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Any:
    """Revoke a token: one's own, or (admins) anyone's; back to the page the button was on."""
    db = get_session()
    user = signed_in_user()
    token = api_tokens.get_token(db, user, token_id)
    api_tokens.revoke_token(db, user, token)
    whose = "your" if token.user_id == user.id else f"{token.user.name}’s"
    flash(_("Revoked %(whose)s API token %(prefix)s… (%(name)s): it no longer works.", whose=whose, prefix=token.prefix, name=token.name or 'unnamed'), "success")
    return redirect(safe_next(request.form.get("next"), url_for(".index")), 303)


@bp.route("/admin/tokens")
@admin_required
def admin_tokens() -> Any:
    """Everyone's API tokens, to find and revoke one (a leaked token, a person who left)."""
    form = TokenSearchForm(request.args)
    q = (form.q.data or "").strip()
    page = api_tokens.search_tokens(get_session(), signed_in_user(), q, request.args.get("page", 1, type=int), PER_PAGE)
    return render_template("account/admin_tokens.html", form=form, page=page, args={"q": q} if q else {})
