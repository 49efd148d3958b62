"""The forms of the registry pages: work items, their links, filters, and the admin's bodies, groups,
contacts and users.

Forms here render fields and carry CSRF; the rules live in the services, which report every
problem at once as field errors (:meth:`ServiceForm.show_errors` puts them under the fields).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Form,
    HiddenField,
    PasswordField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from liaison.models import BODY_KINDS, GROUP_KINDS, ITEM_STATUSES, ROLES, WorkItem
from liaison.models.organisation import GROUP_KIND_LABELS
from liaison.models.work_items import ITEM_TYPE_LABELS, ITEM_TYPES, ApprovalProcess
from liaison.services.item_queries import SORTS
from liaison.services.work_items import MAX_LINK_NOTE_LENGTH


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Options of a select field from (value, label) pairs (WTForms no longer takes bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


STATUS_LABELS = {status: status.capitalize() for status in ITEM_STATUSES}
SORT_LABELS = {
    "relevance": "Best match first",
    "updated": "Recently updated first",
    "-updated": "Least recently updated first",
    "reference": "Reference A–Z",
    "-reference": "Reference Z–A",
    "title": "Title A–Z",
    "-title": "Title Z–A",
    "target": "Target date, soonest first",
    "-target": "Target date, latest first",
    "created": "Newest first",
    "-created": "Oldest first",
}
#: The link form offers "superseded by" as well, so that a link can be made from either item's page.
LINK_CHOICES = [
    ("related", "is related to"),
    ("overlaps", "overlaps with"),
    ("duplicates", "duplicates"),
    ("supersedes", "supersedes"),
    ("superseded_by", "is superseded by"),
]


class ServiceForm(FlaskForm):
    """A form whose input a service validates (the same rules as the API and imports).

    Such forms are never validated themselves: ``InputRequired`` only marks the fields people
    must fill (asterisk and ``required`` attribute), and CSRF is checked for every POST by
    ``CSRFProtect`` before the view runs.
    """

    def show_errors(self, errors: Mapping[str, str]) -> list[str]:
        """Attach each service error to its field; return those that belong to no field."""
        leftover = []
        for name, message in errors.items():
            field = self._fields.get(name)
            if field is None or isinstance(field, HiddenField):
                leftover.append(f"{name}: {message}")
            else:
                field.errors = [*field.errors, message]
        return leftover

    def values(self, names: tuple[str, ...]) -> dict[str, Any]:
        """The submitted data of ``names``, as the service takes it."""
        return {name: self._fields[name].data for name in names}


class ItemForm(ServiceForm):
    """Create or edit a work item. Choices are not checked here: the service refuses what is wrong."""

    reference = StringField("Reference", validators=[InputRequired()], render_kw={"maxlength": 120, "autocomplete": "off"})
    title = StringField("Title", validators=[InputRequired()], render_kw={"maxlength": 500})
    summary = TextAreaField("Summary and scope")
    type = SelectField("Type", choices=choices((t, ITEM_TYPE_LABELS[t]) for t in ITEM_TYPES), default="other", validate_choice=False)
    status = SelectField("Status", choices=choices(STATUS_LABELS.items()), default="proposed", validate_choice=False)
    group = SelectField("Group", validators=[InputRequired()], validate_choice=False)
    question = StringField("Question", render_kw={"maxlength": 200})
    editors = TextAreaField("Editors")
    approval_process = SelectField(
        "Approval process",
        choices=choices(ApprovalProcess.labels().items()),
        default="",
        validate_choice=False,
    )
    start_date = StringField("Start date", render_kw={"type": "date"})
    target_date = StringField("Target date", render_kw={"type": "date"})
    keywords = StringField("Keywords")
    equivalents = StringField("Equivalent numbers")
    base_text = StringField("Base text")
    url = URLField("Web page", render_kw={"maxlength": 500})
    language = StringField("Language", default="", render_kw={"maxlength": 10, "placeholder": "detected from the text"})
    is_public = BooleanField("Public (anyone may read it without logging in)", default=True)
    version = HiddenField()

    def load(self, item: WorkItem) -> None:
        """Fill the form from ``item`` as people type it: editors one per line, lists comma-separated."""
        for name in ("reference", "title", "summary", "type", "status", "question", "approval_process",
                     "base_text", "url", "language", "is_public"):
            self._fields[name].data = getattr(item, name)
        self.group.data = item.group.code
        self.editors.data = "\n".join(
            "; ".join((e.get("name", ""), e.get("affiliation", ""), e.get("email", ""))).rstrip("; ")
            for e in item.editors or []
        )
        self.keywords.data = ", ".join(item.keywords or [])
        self.equivalents.data = ", ".join(item.equivalents or [])
        self.start_date.data = item.start_date.isoformat() if item.start_date else ""
        self.target_date.data = item.target_date.isoformat() if item.target_date else ""
        self.set_version(item.version)

    def set_version(self, version: int) -> None:
        """Carry ``version`` in the hidden field, replacing what was submitted."""
        self.version.data = str(version)
        self.version.raw_data = [str(version)]


class ConfirmForm(FlaskForm):
    """A button that changes something: CSRF plus the version the person saw."""

    version = HiddenField()


class RestoreForm(ConfirmForm):
    """Bring a withdrawn item back, to the status it had (or another)."""

    status = SelectField(
        "Status to restore", choices=choices((s, STATUS_LABELS[s]) for s in ITEM_STATUSES if s != "withdrawn")
    )


class LinkForm(ServiceForm):
    """Link the item of the page to another one, given by its reference."""

    type = SelectField("This item", choices=choices(LINK_CHOICES))
    target = StringField("Reference of the other item", validators=[InputRequired()], render_kw={"maxlength": 120})
    note = StringField("Why (optional)", render_kw={"maxlength": MAX_LINK_NOTE_LENGTH})


class ImportForm(FlaskForm):
    """A work programme to import: a file to check first, then the checked text to import."""

    file = FileField("File (CSV or JSON Lines)")
    #: What was checked, carried to the import so that what is imported is exactly what was checked.
    content = HiddenField()
    filename = HiddenField()


class ItemFilterForm(Form):
    """The search and filters of the list of work items, read from the query string (GET, no CSRF)."""

    q = SearchField("Search", validators=[Optional()])
    body = SelectField("Body", choices=choices([("", "Any body")]), default="")
    group = SelectField("Group", choices=choices([("", "Any group")]), default="")
    status = SelectMultipleField("Status", choices=choices(STATUS_LABELS.items()), default=[])
    type = SelectMultipleField("Type", choices=choices((t, ITEM_TYPE_LABELS[t]) for t in ITEM_TYPES), default=[])
    updated_from = DateField("Updated from", validators=[Optional()])
    updated_to = DateField("Updated until", validators=[Optional()])
    sort = SelectField("Sort by", choices=choices((key, SORT_LABELS[key]) for key in SORTS), default="updated")

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.updated_from.data and self.updated_to.data and self.updated_to.data < self.updated_from.data:
            self.updated_to.errors = ["must not be before the “from” date"]
            ok = False
        return ok


class BodyForm(ServiceForm):
    """A body: ITU-T, UNICEF, IETF..."""

    code = StringField("Code", validators=[InputRequired()], render_kw={"maxlength": 60})
    name = StringField("Name", validators=[InputRequired()], render_kw={"maxlength": 200})
    kind = SelectField("Kind", choices=choices((k, "ITU" if k == "itu" else "Outside ITU") for k in BODY_KINDS), validate_choice=False)
    url = URLField("Web site", render_kw={"maxlength": 500})
    description = TextAreaField("Description")

    FIELDS = ("code", "name", "kind", "url", "description")


class GroupForm(ServiceForm):
    """A group in a body's tree."""

    code = StringField("Code", validators=[InputRequired()], render_kw={"maxlength": 120})
    name = StringField("Name", validators=[InputRequired()], render_kw={"maxlength": 200})
    kind = SelectField("Kind", choices=choices((k, GROUP_KIND_LABELS[k]) for k in GROUP_KINDS), default="other", validate_choice=False)
    body_id = SelectField("Body", validators=[InputRequired()], validate_choice=False)
    parent_id = SelectField("Parent group", validate_choice=False)
    mandate = TextAreaField("Mandate")
    url = URLField("Web page", render_kw={"maxlength": 500})

    FIELDS = ("code", "name", "kind", "body_id", "parent_id", "mandate", "url")


class ContactForm(ServiceForm):
    """A liaison contact of a group."""

    name = StringField("Name", validators=[InputRequired()], render_kw={"maxlength": 200})
    role = StringField("Role", render_kw={"maxlength": 100, "placeholder": "e.g. Rapporteur, liaison officer"})
    organization = StringField("Organization", render_kw={"maxlength": 200})
    email = EmailField("E-mail", render_kw={"maxlength": 254})
    phone = StringField("Phone", render_kw={"maxlength": 60, "type": "tel"})

    FIELDS = ("name", "role", "organization", "email", "phone")


class UserForm(ServiceForm):
    """A new account."""

    name = StringField("Name", validators=[InputRequired()], render_kw={"maxlength": 200})
    email = EmailField("E-mail", validators=[InputRequired()], render_kw={"maxlength": 254})
    password = PasswordField("Initial password", validators=[InputRequired()], render_kw={"autocomplete": "new-password"})
    is_admin = BooleanField("Admin (secretariat): may manage everything")


class RoleForm(FlaskForm):
    """Grant a role in a group."""

    group_id = SelectField("Group", validate_choice=False)
    role = SelectField("Role", choices=choices((r, r.capitalize()) for r in ROLES))


class AuditFilterForm(Form):
    """Narrow the audit log (GET, no CSRF)."""

    object_type = SelectField("Object", choices=choices([("", "Any object")]), default="")
    actor = EmailField("Done by (e-mail)", validators=[Optional()])
