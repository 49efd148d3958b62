"""What the forms of every domain share: options of a select, a form a service validates, a confirm button, safe ``next``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from jinja2 import pass_context
from wtforms import Form
from wtforms.fields import HiddenField
from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Options of a select field from (value, label) pairs (WTForms no longer takes bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


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


class ConfirmForm(FlaskForm):
    """A button that changes something: CSRF plus the version the person saw."""

    version = HiddenField()


def safe_next(target: str | None, default: str) -> str:
    """Only follow ``next`` to a path on this site, never to another host (open-redirect guard)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@dataclass(frozen=True)
class ErrorEntry:
    """One line of a page's error summary: the message, and the id of the field it links to (if any)."""

    message: str
    target: str | None


#: Page variables holding errors that belong to no field (a service's leftovers), and where they point.
_LOOSE_ERRORS = {"form_errors": None, "contact_errors": None}


@pass_context
def error_summary_entries(context: Mapping[str, Any]) -> list[ErrorEntry]:
    """Every error of every form on the page, in the order the page was given its forms.

    One place gathers them so that every form of the app shows the same summary (GOV.UK's error
    summary: at the top of the page, each error a link to its field) without each view listing them.
    """
    entries: list[ErrorEntry] = []
    for name, value in context.items():
        if isinstance(value, Form):
            entries.extend(_form_entries(value))
        elif name in _LOOSE_ERRORS and isinstance(value, (list, tuple)):
            entries.extend(
                message if isinstance(message, ErrorEntry) else ErrorEntry(str(message), _LOOSE_ERRORS[name])
                for message in value
            )
    return entries


def _form_entries(form: Form) -> list[ErrorEntry]:
    entries = []
    for field in form:
        for message in field.errors if isinstance(field.errors, (list, tuple)) else ():
            if not isinstance(message, str):
                continue
            if isinstance(field, HiddenField):
                entries.append(ErrorEntry(message, None))
            else:
                entries.append(ErrorEntry(f"{field.label.text}: {message}", field.id))
    return entries
