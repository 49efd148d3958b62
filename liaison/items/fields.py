"""Reading work-item input from a form, the API or an import row into clean values, with every error.

One function serves all three doors so that they accept and refuse exactly the same things: each field
is read by the API's own schema (:mod:`liaison.items.schemas`), then the checks that need the database
(the group exists, the reference is free) and the item's stored values (the target date's order) run here.
"""

from __future__ import annotations

from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core.errors import ValidationError
from liaison.core.schemas import SchemaError, field_errors
from liaison.items.schemas import EDITABLE_FIELDS, REQUIRED_FIELDS, WorkItemInput, WorkItemPatch
from liaison.models import Group, WorkItem
from liaison.similarity.language import detect_language


def clean_item_fields(
    session: Session, data: Mapping[str, Any], *, item: WorkItem | None = None, partial: bool = False
) -> dict[str, Any]:
    """Validate ``data`` and return model values (``group`` becomes ``group_id``).

    With ``partial`` (PATCH), only the fields present are checked and returned. Unknown
    fields are refused, so that a misspelt field name is not silently ignored.
    """
    values, errors = _clean_each(data, partial)
    _check_group_and_reference(session, values, errors, item)
    if values.get("language") == "" and not errors.keys() & {"title", "summary"}:
        values["language"] = detected_language(
            values.get("title", item.title if item else ""), values.get("summary", item.summary if item else "")
        )
    start = values.get("start_date", item.start_date if item else None)
    target = values.get("target_date", item.target_date if item else None)
    if start and target and target < start and "target_date" not in errors:
        errors["target_date"] = _("the target date is before the start date")

    if errors:
        raise ValidationError(errors)
    return values


def _clean_each(data: Mapping[str, Any], partial: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """Each field on its own (no database): the values, and what is wrong with the others.

    A new item's fields that were not sent take their defaults (a type of "other", public...).
    """
    schema = WorkItemPatch if partial else WorkItemInput
    try:
        values, errors = schema.model_validate(dict(data)).model_dump(exclude_unset=partial), {}
    except SchemaError as exc:
        # Every error at once: the fields that were right are read again on their own, so that the
        # database checks below still run on them (a taken reference is named with a bad date).
        errors = field_errors(exc)
        valid = {name: value for name, value in data.items() if name in EDITABLE_FIELDS and name not in errors}
        values = WorkItemPatch.model_validate(valid).model_dump(exclude_unset=True)
    for name in REQUIRED_FIELDS:
        if name in values and not values[name] and name not in errors:
            errors[name] = _("this field is required")
    return values, errors


def _check_group_and_reference(
    session: Session, values: dict[str, Any], errors: dict[str, str], item: WorkItem | None
) -> None:
    """The checks that read the database: the group exists (it becomes ``group_id``), the reference is free."""
    if "group" in values and values["group"] and "group" not in errors:
        group_id = session.scalar(select(Group.id).where(Group.code == values["group"]))
        if group_id is None:
            errors["group"] = _("no group with code %(group)s", group=repr(values['group']))
        values["group_id"] = group_id
    values.pop("group", None)
    if values.get("reference") and "reference" not in errors:
        clash = session.scalar(select(WorkItem.id).where(WorkItem.reference == values["reference"]))
        if clash is not None and (item is None or clash != item.id):
            errors["reference"] = _("reference %(reference)s is already used by another work item", reference=repr(values['reference']))


def detected_language(title: str, summary: str) -> str:
    """The language of an item's text, for when the officer leaves it empty ("" when it cannot be told)."""
    return detect_language(f"{title}\n{summary}")


def clean_field(name: str, value: Any) -> Any:
    """One field's value as the model stores it, or ``ValueError`` with what is wrong (no database checks)."""
    try:
        return getattr(WorkItemPatch.model_validate({name: value}), name)
    except SchemaError as exc:
        raise ValueError(field_errors(exc)[name]) from None
