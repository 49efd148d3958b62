"""Logging in and out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from liaison.db import get_session
from liaison.services.accounts import authenticate
from liaison.services.audit import record_event
from liaison.web.forms import safe_next
from liaison.web.session_auth import current_user, login_user, logout_user

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login form; on success, back to where the visitor was going."""
    form = LoginForm()
    destination = safe_next(request.args.get("next"), url_for("home.index"))
    if current_user() is not None:
        return redirect(destination)
    if form.validate_on_submit():
        db = get_session()
        user = authenticate(db, form.email.data or "", form.password.data or "")
        if user is not None:
            record_event(db, user, "user.login", "user", user.id, f"{user.email} logged in")
            db.commit()
            login_user(user)
            flash(f"Welcome, {user.name}.", "success")
            return redirect(destination)
        form.password.errors.append("That e-mail and password do not match an active account.")
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """Log out (POST only, with CSRF, so that a link on another site cannot log people out)."""
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("home.index"))
