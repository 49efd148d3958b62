"""The admin's forms of accounts: a new user, a role in a group."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired

from liaison.models import ROLES
from liaison.models.accounts import ROLE_LABELS
from liaison.web.forms import ServiceForm, choices


class UserForm(ServiceForm):
    """A new account."""

    name = StringField(_l("Name"), validators=[InputRequired()], render_kw={"maxlength": 200})
    email = EmailField(_l("E-mail"), validators=[InputRequired()], render_kw={"maxlength": 254})
    password = PasswordField(_l("Initial password"), validators=[InputRequired()], render_kw={"autocomplete": "new-password"})
    is_admin = BooleanField(_l("Admin (secretariat): may manage everything"))


class RoleForm(FlaskForm):
    """Grant a role in a group."""

    group_id = SelectField(_l("Group"), validate_choice=False)
    role = SelectField(_l("Role"), choices=choices((r, ROLE_LABELS[r]) for r in ROLES))
