"""The admin's forms of bodies, groups and their contacts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import InputRequired

from liaison.languages import INTERFACE_LANGUAGES
from liaison.models import BODY_KINDS, GROUP_KINDS
from liaison.models.organisation import GROUP_KIND_LABELS
from liaison.web.forms import ServiceForm, choices


class BodyForm(ServiceForm):
    """A body: ITU-T, UNICEF, IETF..."""

    code = StringField(_l("Code"), validators=[InputRequired()], render_kw={"maxlength": 60})
    name = StringField(_l("Name"), validators=[InputRequired()], render_kw={"maxlength": 200})
    kind = SelectField(_l("Kind"), choices=choices((k, "ITU" if k == "itu" else "Outside ITU") for k in BODY_KINDS), validate_choice=False)
    url = URLField(_l("Web site"), render_kw={"maxlength": 500})
    description = TextAreaField(_l("Description"))

    FIELDS = ("code", "name", "kind", "url", "description")


class GroupForm(ServiceForm):
    """A group in a body's tree."""

    code = StringField(_l("Code"), validators=[InputRequired()], render_kw={"maxlength": 120})
    name = StringField(_l("Name"), validators=[InputRequired()], render_kw={"maxlength": 200})
    kind = SelectField(_l("Kind"), choices=choices((k, GROUP_KIND_LABELS[k]) for k in GROUP_KINDS), default="other", validate_choice=False)
    body_id = SelectField(_l("Body"), validators=[InputRequired()], validate_choice=False)
    parent_id = SelectField(_l("Parent group"), validate_choice=False)
    mandate = TextAreaField(_l("Mandate"))
    url = URLField(_l("Web page"), render_kw={"maxlength": 500})
    # Each language named in itself, as the switcher names it: whoever reads the form finds their own.
    language = SelectField(_l("Language of its mail"), choices=choices(INTERFACE_LANGUAGES.items()), default="en",
                           validate_choice=False)

    FIELDS = ("code", "name", "kind", "body_id", "parent_id", "mandate", "url", "language")


class ContactForm(ServiceForm):
    """A liaison contact of a group."""

    name = StringField(_l("Name"), validators=[InputRequired()], render_kw={"maxlength": 200})
    role = StringField(_l("Role"), render_kw={"maxlength": 100, "placeholder": _l("e.g. Rapporteur, liaison officer")})
    organization = StringField(_l("Organization"), render_kw={"maxlength": 200})
    email = EmailField(_l("E-mail"), render_kw={"maxlength": 254})
    phone = StringField(_l("Phone"), render_kw={"maxlength": 60, "type": "tel"})
    language = SelectField(
        _l("Language of mail to them"),
        choices=choices([("", _l("The group’s language")), *INTERFACE_LANGUAGES.items()]),
        validate_choice=False,
    )

    FIELDS = ("name", "role", "organization", "email", "phone", "language")
