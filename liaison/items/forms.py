"""The forms of the registry pages: work items, their links, filters and imports.

Forms here render fields and carry CSRF; the rules live in the services, which report every
problem at once as field errors (:meth:`liaison.web.forms.ServiceForm.show_errors` puts them under the fields).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    Form,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import InputRequired, Length, Optional

from liaison.core.schemas import MAX_SEARCH_LENGTH
from liaison.items.operations import MAX_LINK_NOTE_LENGTH
from liaison.items.queries import SORTS
from liaison.models import ITEM_STATUSES, WorkItem
from liaison.models.work_items import ITEM_STATUS_LABELS, ITEM_TYPE_LABELS, ITEM_TYPES, LINK_PHRASES, ApprovalProcess
from liaison.web.forms import ConfirmForm, ServiceForm, choices

STATUS_LABELS = ITEM_STATUS_LABELS
SORT_LABELS = {
    "relevance": _l("Best match first"),
    "updated": _l("Recently updated first"),
    "-updated": _l("Least recently updated first"),
    "reference": _l("Reference A–Z"),
    "-reference": _l("Reference Z–A"),
    "title": _l("Title A–Z"),
    "-title": _l("Title Z–A"),
    "target": _l("Target date, soonest first"),
    "-target": _l("Target date, latest first"),
    "created": _l("Newest first"),
    "-created": _l("Oldest first"),
}
#: The link form offers "superseded by" as well, so that a link can be made from either item's page.
LINK_CHOICES = list(LINK_PHRASES.items())


class ItemForm(ServiceForm):
    """Create or edit a work item. Choices are not checked here: the service refuses what is wrong."""

    reference = StringField(_l("Reference"), validators=[InputRequired()], render_kw={"maxlength": 120, "autocomplete": "off"})
    title = StringField(_l("Title"), validators=[InputRequired()], render_kw={"maxlength": 500})
    summary = TextAreaField(_l("Summary and scope"))
    type = SelectField(_l("Type"), choices=choices((t, ITEM_TYPE_LABELS[t]) for t in ITEM_TYPES), default="other", validate_choice=False)
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()), default="proposed", validate_choice=False)
    group = SelectField(_l("Group"), validators=[InputRequired()], validate_choice=False)
    question = StringField(_l("Question"), render_kw={"maxlength": 200})
    editors = TextAreaField(_l("Editors"))
    approval_process = SelectField(
        _l("Approval process"),
        choices=choices(ApprovalProcess.labels().items()),
        default="",
        validate_choice=False,
    )
    start_date = StringField(_l("Start date"), render_kw={"type": "date"})
    target_date = StringField(_l("Target date"), render_kw={"type": "date"})
    keywords = StringField(_l("Keywords"))
    equivalents = StringField(_l("Equivalent numbers"))
    base_text = StringField(_l("Base text"))
    url = URLField(_l("Web page"), render_kw={"maxlength": 500})
    language = StringField(
        _l("Language"), default="", render_kw={"maxlength": 10, "placeholder": _l("detected from the text")}
    )
    is_public = BooleanField(_l("Public (anyone may read it without logging in)"), default=True)
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


class RestoreForm(ConfirmForm):
    """Bring a withdrawn item back, to the status it had (or another)."""

    status = SelectField(
        _l("Status to restore"), choices=choices((s, STATUS_LABELS[s]) for s in ITEM_STATUSES if s != "withdrawn")
    )


class LinkForm(ServiceForm):
    """Link the item of the page to another one, given by its reference."""

    type = SelectField(_l("This item"), choices=choices(LINK_CHOICES))
    target = StringField(_l("Reference of the other item"), validators=[InputRequired()], render_kw={"maxlength": 120})
    note = StringField(_l("Why (optional)"), render_kw={"maxlength": MAX_LINK_NOTE_LENGTH})


class ImportForm(FlaskForm):
    """A work programme to import: a file to check first, then the checked text to import."""

    file = FileField(_l("File (CSV or JSON Lines)"))
    #: What was checked, carried to the import so that what is imported is exactly what was checked.
    content = HiddenField()
    filename = HiddenField()


class ItemFilterForm(Form):
    """The search and filters of the list of work items, read from the query string (GET, no CSRF)."""

    # The API's limit: a longer search was run, matched nothing and said only "No work items match".
    q = SearchField(_l("Search"), validators=[Optional(), Length(max=MAX_SEARCH_LENGTH)])
    body = SelectField(_l("Body"), choices=choices([("", "Any body")]), default="")
    group = SelectField(_l("Group"), choices=choices([("", "Any group")]), default="")
    status = SelectMultipleField(_l("Status"), choices=choices(STATUS_LABELS.items()), default=[])
    type = SelectMultipleField(_l("Type"), choices=choices((t, ITEM_TYPE_LABELS[t]) for t in ITEM_TYPES), default=[])
    updated_from = DateField(_l("Updated from"), validators=[Optional()])
    updated_to = DateField(_l("Updated until"), validators=[Optional()])
    sort = SelectField(_l("Sort by"), choices=choices((key, SORT_LABELS[key]) for key in SORTS), default="updated")

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.updated_from.data and self.updated_to.data and self.updated_to.data < self.updated_from.data:
            self.updated_to.errors = ["must not be before the “from” date"]
            ok = False
        return ok


