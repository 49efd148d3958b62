"""The forms of the liaison-statement pages: the LS form itself (outgoing or incoming), its repeated
recipient and contact rows, the list's filters and the small forms of the workflow buttons.

Rows repeat without JavaScript: the form always ends with a few blank rows, and "More rows" sends it
back with more. Blank rows are dropped before the service sees the rows, so its errors
(``recipients[1].deadline``) are mapped back to the row the person typed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from liaison.languages import DEFAULT_LANGUAGE, language_name
from liaison.models import LiaisonStatement
from liaison.models.statements import ACTION_PURPOSES, APPROVAL_LEVEL_LABELS, APPROVAL_LEVELS, LS_LANGUAGES
from liaison.statements.fields import MAX_CONTACTS, MAX_RECIPIENTS
from liaison.statements.presentation import statement_label
from liaison.web.forms import ConfirmForm, ServiceForm, choices

PURPOSE_LABELS = {"action": _l("For action"), "comment": _l("For comment"), "information": _l("For information")}
#: Blank rows a form ends with, and how many more "More rows" adds.
BLANK_ROWS = 2
MORE_ROWS = 3
_ROW_ERROR = re.compile(r"^(recipients|contacts)\[(\d+)\](?:\.(\w+))?$")
_SPLIT_REFERENCES = re.compile(r"[,;\n]+")
#: Where the errors of the service's names go in the form.
_FIELD_FOR_ERROR = {"file": "attachment"}
#: The field of a row that takes an error about the row as a whole.
_ROW_FIRST_FIELD = {"recipients": "group", "contacts": "name"}


class RecipientRow(Form):
    """One addressee: a group we list, or an outside address; what is asked of it and by when."""

    group = SelectField(_l("Group"), validate_choice=False, default="")
    email = EmailField(_l("or e-mail address"), render_kw={"maxlength": 254, "autocomplete": "off"})
    name = StringField(_l("Name (for an e-mail address)"), render_kw={"maxlength": 200})
    purpose = SelectField(_l("Purpose"), choices=choices(PURPOSE_LABELS.items()), default="action", validate_choice=False)
    deadline = StringField(_l("Deadline"), render_kw={"type": "date"})

    def is_blank(self) -> bool:
        """Nothing typed (the purpose alone always has a value)."""
        return not any((self.group.data, (self.email.data or "").strip(), (self.name.data or "").strip(),
                        (self.deadline.data or "").strip()))

    def values(self) -> dict[str, Any]:
        """The row as the service takes it."""
        row: dict[str, Any] = {"purpose": self.purpose.data, "deadline": (self.deadline.data or "").strip() or None}
        if self.group.data:
            row["group"] = self.group.data
        if (self.email.data or "").strip() or (self.name.data or "").strip():
            row["email"] = (self.email.data or "").strip()
            row["name"] = (self.name.data or "").strip()
        return row


class ContactRow(Form):
    """One "Contact:" of the LS form."""

    name = StringField(_l("Name"), render_kw={"maxlength": 200})
    organization = StringField(_l("Organization"), render_kw={"maxlength": 200})
    country = StringField(_l("Country"), render_kw={"maxlength": 100})
    phone = StringField(_l("Phone"), render_kw={"maxlength": 60, "type": "tel"})
    email = EmailField(_l("E-mail"), render_kw={"maxlength": 254})

    FIELDS = ("name", "organization", "country", "phone", "email")

    def is_blank(self) -> bool:
        """Nothing typed in any field."""
        return not any((self[name].data or "").strip() for name in self.FIELDS)

    def values(self) -> dict[str, str]:
        """The row as the service takes it."""
        return {name: (self[name].data or "").strip() for name in self.FIELDS}


@dataclass
class StatementInput:
    """What a submitted form holds for the service, and where each row came from (to place its errors)."""

    data: dict[str, Any]
    rows: dict[str, list[int]] = field(default_factory=dict)


class StatementForm(ServiceForm):
    """The LS form. ``direction`` picks the fields: an incoming statement has a sender as text, the
    other body's references and the date it was sent; an outgoing one is numbered when sent."""

    source_group = SelectField(_l("Source group"), validate_choice=False)
    source_text = StringField(_l("Sender as written on the statement"), render_kw={"maxlength": 200})
    title = StringField(_l("Title"), validators=[InputRequired()], render_kw={"maxlength": 500})
    questions = StringField(_l("Question(s)"), render_kw={"maxlength": 200})
    study_group = StringField(_l("Study Group"), render_kw={"maxlength": 200})
    working_party = StringField(_l("Working Party"), render_kw={"maxlength": 200})
    meeting_place = StringField(_l("Meeting place"), render_kw={"maxlength": 200})
    meeting_dates = StringField(_l("Meeting dates"), render_kw={"maxlength": 200})
    abstract = TextAreaField(_l("Abstract"), render_kw={"maxlength": 5000})
    body = TextAreaField(_l("Body"))
    language = SelectField(_l("Original language"), default=DEFAULT_LANGUAGE, validate_choice=False)
    recipients = FieldList(FormField(RecipientRow), "Recipients", max_entries=MAX_RECIPIENTS)
    contacts = FieldList(FormField(ContactRow), "Contacts", max_entries=MAX_CONTACTS)
    approval_level = SelectField(
        _l("Approval level"),
        choices=choices((level, APPROVAL_LEVEL_LABELS[level] or "Not set yet") for level in APPROVAL_LEVELS),
        default="",
        validate_choice=False,
    )
    work_items = StringField(_l("Related work items"))
    in_reply_to = StringField(_l("In reply to"), render_kw={"maxlength": 40})
    external_references = TextAreaField(_l("Other bodies’ references"))
    sent_at = StringField(_l("Date of the statement"), render_kw={"type": "date"})
    attachment = FileField(_l("Attach a file"))
    attachment_title = StringField(_l("Title of the attachment"), render_kw={"maxlength": 300})
    version = HiddenField()

    COMMON = ("title", "abstract", "body", "source_group", "questions", "study_group", "working_party",
              "meeting_place", "meeting_dates", "approval_level", "language")
    INCOMING_ONLY = ("source_text", "sent_at")

    def __init__(self, *args: Any, direction: str = "outgoing", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.direction = direction
        self.language.choices = choices((code, language_name(code)) for code in LS_LANGUAGES)

    def load(self, ls: LiaisonStatement) -> None:
        """Fill the form from a stored statement, as people type it."""
        for name in self.COMMON + ("source_text",):
            if name != "source_group":
                self[name].data = getattr(ls, name)
        self.source_group.data = ls.source_group.code if ls.source_group is not None else ""
        self.sent_at.data = ls.sent_at.date().isoformat() if ls.direction == "incoming" and ls.sent_at else ""
        self.work_items.data = ", ".join(item.reference for item in ls.work_items)
        self.in_reply_to.data = statement_label(ls.in_reply_to) if ls.in_reply_to is not None else ""
        self.external_references.data = "\n".join(ls.external_references or [])
        for recipient in ls.recipients:
            self.recipients.append_entry({
                "group": recipient.group.code if recipient.group is not None else "",
                "email": recipient.email,
                "name": recipient.name,
                "purpose": recipient.purpose,
                "deadline": recipient.deadline.isoformat() if recipient.deadline else "",
            })
        for contact in ls.contacts:
            self.contacts.append_entry({name: getattr(contact, name) for name in ContactRow.FIELDS})
        self.set_version(ls.version)

    def set_version(self, version: int) -> None:
        """Carry ``version`` in the hidden field, replacing what was submitted."""
        self.version.data = str(version)
        self.version.raw_data = [str(version)]

    def add_blank_rows(self, extra: int = 0) -> None:
        """End both lists with :data:`BLANK_ROWS` blank rows (plus ``extra``), within their limits."""
        for rows in (self.recipients, self.contacts):
            wanted = BLANK_ROWS + extra - sum(1 for entry in rows if entry.form.is_blank())
            for _ in range(max(0, min(wanted, rows.max_entries - len(rows)))):
                rows.append_entry()

    def set_group_choices(self, sources: list[SelectChoice], recipients: list[SelectChoice]) -> None:
        """Options of the source select and of every recipient row's group select."""
        self.source_group.choices = sources
        for entry in self.recipients:
            entry.form.group.choices = recipients

    def references(self) -> list[str]:
        """The work-item references typed, separated by commas, semicolons or lines."""
        return [r.strip() for r in _SPLIT_REFERENCES.split(self.work_items.data or "") if r.strip()]

    def statement_input(self) -> StatementInput:
        """The typed values in the service's shape, blank rows left out (``work_items`` and
        ``in_reply_to`` are resolved by the view, which knows the database)."""
        data: dict[str, Any] = {"direction": self.direction}
        for name in self.COMMON:
            data[name] = self[name].data or ""
        if self.direction == "incoming":
            data["source_text"] = self.source_text.data or ""
            data["sent_at"] = (self.sent_at.data or "").strip() or None
        data["external_references"] = [
            line.strip() for line in (self.external_references.data or "").splitlines() if line.strip()
        ]
        result = StatementInput(data)
        for name in ("recipients", "contacts"):
            kept = [(index, entry.form) for index, entry in enumerate(self[name]) if not entry.form.is_blank()]
            data[name] = [row.values() for _, row in kept]
            result.rows[name] = [index for index, _ in kept]
        return result

    def show_errors(self, errors: Mapping[str, str], aliases: Mapping[str, str] | None = None,
                    rows: Mapping[str, list[int]] | None = None) -> list[str]:
        """Put each service error under its field, rows included; return those that fit no field."""
        rows = rows or {}
        plain: dict[str, str] = {}
        leftover: list[str] = []
        for key, message in errors.items():
            message = _human_rows(message, rows)
            match = _ROW_ERROR.match(key)
            if match is None:
                plain[key] = message
                continue
            name, index, part = match[1], int(match[2]), match[3]
            positions = rows.get(name, [])
            if index >= len(positions):
                leftover.append(f"{name}: {message}")
                continue
            row = self[name][positions[index]].form
            target = row._fields.get(part or _ROW_FIRST_FIELD[name]) or row[_ROW_FIRST_FIELD[name]]
            target.errors = [*target.errors, message]
        for key in ("recipients", "contacts"):
            if key in plain:
                leftover.append(f"{self[key].label.text}: {plain.pop(key)}")
        names = {**_FIELD_FOR_ERROR, **(aliases or {})}
        return leftover + super().show_errors({names.get(key, key): message for key, message in plain.items()})


def _human_rows(message: str, rows: Mapping[str, list[int]]) -> str:
    """``recipients[0]`` in a message becomes "recipient 2" when blank rows came before it."""

    def name(match: re.Match[str]) -> str:
        positions = rows.get(match[1], [])
        index = int(match[2])
        number = positions[index] + 1 if index < len(positions) else index + 1
        return f"{match[1][:-1]} {number}"

    return re.sub(r"\b(recipients|contacts)\[(\d+)\]", name, message)


class AlertDraftForm(FlaskForm):
    """Draft a statement about an overlap alert: ask the other group to act, or to comment, by when."""

    purpose = SelectField(
        _l("Ask the other group"), choices=choices((p, PURPOSE_LABELS[p]) for p in ACTION_PURPOSES), default="action"
    )
    deadline_days = IntegerField(
        _l("Deadline, in days from today"), default=60, validators=[NumberRange(min=1, max=365)]
    )


class RecordApprovalForm(ConfirmForm):
    """The statement was approved elsewhere (a meeting): where and when, as evidence."""

    evidence = TextAreaField(_l("Where and when it was approved"), validators=[InputRequired()],
                             render_kw={"maxlength": 2000, "rows": 2})
    approved_on = StringField(_l("Approved on"), render_kw={"type": "date"})


class ActionTakenForm(ConfirmForm):
    """Mark one recipient's action as taken, with a note."""

    note = StringField(_l("Note (optional)"), render_kw={"maxlength": 2000})


class StatementFilterForm(Form):
    """The search and filters of the statement lists, read from the query string (GET, no CSRF)."""

    q = SearchField(_l("Search"), validators=[Optional()])
    group = SelectField(_l("Group"), choices=choices([("", "Any group")]), default="")
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("Until"), validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.date_from.data and self.date_to.data and self.date_to.data < self.date_from.data:
            self.date_to.errors = ["must not be before the “from” date"]
            ok = False
        return ok
