"""Small form helpers shared by the blueprints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

from jinja2 import pass_context
from wtforms import Form
from wtforms.fields import HiddenField


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
