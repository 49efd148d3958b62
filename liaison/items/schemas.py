"""Work items over the API, once: what may be sent, how each field is read, and what comes back.

The same classes serve every door. :func:`liaison.items.fields.clean_item_fields` (forms, CSV
and JSON imports, the API, the draft of check-as-you-type) validates with :class:`WorkItemInput` and
:class:`WorkItemPatch`; the API answers with :class:`WorkItem`, :class:`Link` and :class:`HistoryEvent`;
the OpenAPI document publishes their JSON Schema. Each bound is read from the model's column.

Input is lenient on purpose, as forms and spreadsheets write it: a type by its label (``Technical
Report``, ``TR``), keywords as one text separated by commas, editors as ``Name; Affiliation; e-mail``
lines, ``2026-03`` for a date. So each editable field is read by a cleaner of its own (a ``before``
validator) and documented with the schema of what it accepts; :data:`CLEANERS` holds them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from flask_babel import gettext as _
from pydantic import Field, ValidationInfo, field_validator
from pydantic.json_schema import JsonDict

from liaison.core.schemas import (
    ItemList,
    PageOf,
    PageQuery,
    Schema,
    SearchText,
    Timestamp,
    chosen,
    documented,
    one_of,
    version_field,
)
from liaison.core.validators import has_nul, is_email, is_web_address
from liaison.items.queries import SORTS
from liaison.models import ITEM_STATUSES, ITEM_TYPES, LINK_TYPES, AuditEvent, Group, ItemLink
from liaison.models import WorkItem as StoredItem
from liaison.models.base import max_items, max_length
from liaison.models.work_items import (
    APPROVAL_PROCESSES,
    EDITOR_FIELD_LENGTHS,
    ITEM_TYPE_LABELS,
    MAX_EDITORS,
    ApprovalProcess,
)

#: Fields a client may set, in the order forms and exports show them.
EDITABLE_FIELDS = (
    "reference",
    "title",
    "summary",
    "type",
    "status",
    "group",
    "question",
    "editors",
    "approval_process",
    "start_date",
    "target_date",
    "keywords",
    "equivalents",
    "base_text",
    "url",
    "language",
    "is_public",
)
REQUIRED_FIELDS = ("reference", "title", "group")

_TYPE_ALIASES = {label.lower(): key for key, label in ITEM_TYPE_LABELS.items()} | {
    "tr": "technical_report",
    "report": "technical_report",
    "rec": "recommendation",
    "suppl": "supplement",
    "guidelines": "guideline",
}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


# --- Cleaners: one per editable field, each a ValueError with what is wrong -------------------------


def _text(column: Any) -> Callable[[Any], str]:
    """A cleaner for text of at most as many characters as ``column`` holds.

    Only text is text: a number (or NaN, which a lenient JSON parser reads as one) is refused
    rather than stored as "123" or "nan".
    """
    limit = max_length(column)

    def clean(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError(_("must be text"))
        text = value.strip()
        if len(text) > limit:
            raise ValueError(_("at most %(limit)s characters (got %(count)s)", limit=limit, count=len(text)))
        return text

    return clean


def _choice(choices: Sequence[str], default: str, aliases: Mapping[str, str] | None = None) -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        if value is None or value == "":
            return default
        if not isinstance(value, str):
            raise ValueError(_("must be text"))
        key = value.strip()
        lowered = key.lower().replace(" ", "_")
        for candidate in (key, lowered, (aliases or {}).get(key.lower(), "")):
            if candidate in choices:
                return candidate
        raise ValueError(_("must be one of: %(value)s", value=', '.join((c for c in choices if c))))

    return clean


def _approval(value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ValueError(_("must be text"))
    upper = value.strip().upper()
    for process in ApprovalProcess:
        if process and upper == process.upper():
            return process.value
    *named, last = (p for p in APPROVAL_PROCESSES if p)
    raise ValueError(_("must be %(value)s or %(last)s", value=', '.join(named), last=last))


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(_("must be a date as YYYY-MM-DD"))
    text = value.strip()
    # Work programmes often give only a year and month ("2026-03"): take the first of the month.
    for fmt in ("%Y-%m-%d", "%Y-%m"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("%(text)s is not a date as YYYY-MM-DD", text=repr(text)))


def _string_list(column: Any) -> Callable[[Any], list[str]]:
    """A cleaner for a list of text (or one text of entries separated by commas, semicolons or lines),
    within the bounds of ``column``."""
    most, length = max_items(column), max_length(column)

    def clean(value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            parts = re.split(r"[;,\n]", value)
        elif isinstance(value, (list, tuple)):
            if not all(isinstance(v, str) for v in value):
                raise ValueError(_("must be a list of text"))
            parts = list(value)
        else:
            raise ValueError(_("must be a list of text"))
        # Checked before the entries are: a list of a million entries is refused without reading them.
        if len(parts) > most:
            raise ValueError(_("at most %(most)s entries (got %(count)s)", most=most, count=len(parts)))
        seen: dict[str, None] = {}
        for part in parts:
            cleaned = " ".join(part.split())
            if len(cleaned) > length:
                raise ValueError(_("%(value)s... is longer than %(length)s characters", value=repr(cleaned[:30]), length=length))
            if cleaned and cleaned.lower() not in {s.lower() for s in seen}:
                seen[cleaned] = None
        return list(seen)

    return clean


def _editors(value: Any) -> list[dict[str, str]]:
    """Editors as ``{"name", "affiliation", "email"}``; text is one per line, ``Name; Affiliation; e-mail``."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        rows: list[Any] = [line for line in value.splitlines() if line.strip()]
    elif isinstance(value, (list, tuple)):
        rows = list(value)
    else:
        raise ValueError(_("must be a list of editors"))
    if len(rows) > MAX_EDITORS:
        raise ValueError(_("at most %(MAX_EDITORS)s editors (got %(count)s)", MAX_EDITORS=MAX_EDITORS, count=len(rows)))
    return [_editor(number, row) for number, row in enumerate(rows, start=1)]


def _editor(number: int, row: Any) -> dict[str, str]:
    """Editor ``number`` from a ``Name; Affiliation; e-mail`` line or a mapping, or ValueError."""
    if isinstance(row, str):
        parts = [p.strip() for p in row.split(";")]
        row = dict(zip(("name", "affiliation", "email"), parts + ["", ""]))
    if not isinstance(row, dict) or not all(isinstance(v, str) for v in row.values()):
        raise ValueError(_("editor %(number)s: give name, affiliation and e-mail as text", number=number))
    extra = set(row) - {"name", "affiliation", "email"}
    if extra:
        raise ValueError(_("editor %(number)s: unknown field %(value)s", number=number, value=repr(sorted(extra)[0])))
    editor = {k: " ".join(str(row.get(k, "")).split()) for k in EDITOR_FIELD_LENGTHS}
    for key, limit in EDITOR_FIELD_LENGTHS.items():
        if len(editor[key]) > limit:
            raise ValueError(_("editor %(number)s: the %(key)s has more than %(limit)s characters", number=number, key=key, limit=limit))
    if not editor["name"]:
        raise ValueError(_("editor %(number)s: a name is required", number=number))
    if editor["email"] and not is_email(editor["email"]):
        raise ValueError(_("editor %(number)s: %(email)s is not an e-mail address", number=number, email=repr(editor['email'])))
    return editor


def _url(value: Any) -> str:
    text = _text(StoredItem.url)(value)
    if text and not is_web_address(text):
        raise ValueError(_("must be an http:// or https:// address"))
    return text


def _language(value: Any) -> str:
    # Empty is allowed here: clean_item_fields then detects the language from the title and summary.
    text = _text(StoredItem.language)(value)
    if text and not _LANGUAGE.match(text):
        raise ValueError(_("must be a language tag such as en, fr or zh-Hans"))
    return text


def _boolean(value: Any) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on", "y"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off", "n"):
        return False
    raise ValueError(_("must be true or false"))


#: Every bound comes from the model's column (see :func:`liaison.models.base.max_length`).
CLEANERS: dict[str, Callable[[Any], Any]] = {
    "reference": _text(StoredItem.reference),
    "title": _text(StoredItem.title),
    "summary": _text(StoredItem.summary),
    "type": _choice(ITEM_TYPES, "other", _TYPE_ALIASES),
    "status": _choice(ITEM_STATUSES, "proposed"),
    "group": _text(Group.code),
    "question": _text(StoredItem.question),
    "editors": _editors,
    "approval_process": _approval,
    "start_date": _date,
    "target_date": _date,
    "keywords": _string_list(StoredItem.keywords),
    "equivalents": _string_list(StoredItem.equivalents),
    "base_text": _text(StoredItem.base_text),
    "url": _url,
    "language": _language,
    "is_public": _boolean,
}


def clean_item_field(name: str, value: Any) -> Any:
    """``value`` of the item field ``name`` as the model stores it, or ValueError with what is wrong."""
    if has_nul(value):
        # PostgreSQL refuses NUL in text: say so here rather than fail at INSERT.
        raise ValueError(_("must not contain NUL characters"))
    return CLEANERS[name](value)


# --- What each field's JSON Schema says -------------------------------------------------------------

_READ_ONLY: JsonDict = {"readOnly": True}
_IGNORED = "Read-only: accepted (so that a read item can be sent back) and ignored."


def _bounded(column: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length(column)} | extra


def _enum(values: Sequence[str]) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def _text_list(column: Any, kinds: Any = "array") -> dict[str, Any]:
    """A list of text within the bounds declared on ``column``."""
    return {"type": kinds, "items": {"type": "string", "maxLength": max_length(column)}, "maxItems": max_items(column)}


_LENIENT_LIST = ["array", "string", "null"]
_DAY_OR_MONTH = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}(-\d{2})?$"}
_LIST_NOTE = "A list, or one text separated by commas or semicolons."
_DATE_NOTE = "YYYY-MM-DD, or YYYY-MM for the first of the month."
_REFERENCE = "Unique, e.g. `X.cop-guide`."
_SUMMARY = "Scope and summary."
_GROUP = "Code of the group doing the work, e.g. `ITU-T/SG17/Q6`."
_EQUIVALENTS = "Equivalent numbers, e.g. ISO/IEC ones."
_LANGUAGE_TAG = "A language tag: en, fr, zh-Hans..."
_PUBLIC = "Private items are shown only to people who log in."


def _accepts(schema: Mapping[str, Any], default: Any = None, description: str = "") -> Any:
    """An editable field that accepts what ``schema`` says (read by its cleaner in :data:`CLEANERS`)."""
    return documented(schema, default, description)


def _ignored(schema: dict[str, Any]) -> Any:
    """A read-only field of the item, accepted in input and dropped."""
    return Field(None, exclude=True, description=_IGNORED, json_schema_extra=schema | _READ_ONLY)


class _ItemFields(Schema):
    """Every field of an item as it may be sent; unknown fields are refused."""

    reference: str = _accepts(_bounded(StoredItem.reference), description=_REFERENCE)
    title: str = _accepts(_bounded(StoredItem.title))
    summary: str = _accepts(_bounded(StoredItem.summary), description=_SUMMARY)
    type: str = _accepts(
        _enum(ITEM_TYPES), description="Labels and common abbreviations (`Technical Report`, `TR`, `Rec`) are accepted too."
    )
    status: str = _accepts(_enum(ITEM_STATUSES))
    group: str = _accepts({"type": "string"}, description=_GROUP)
    question: str = _accepts(_bounded(StoredItem.question))
    editors: list[dict[str, str]] = _accepts(
        {
            "type": _LENIENT_LIST,
            "items": {
                "type": ["object", "string"],
                "properties": {name: {"type": "string"} for name in EDITOR_FIELD_LENGTHS},
                "required": ["name"],
            },
            "maxItems": max_items(StoredItem.editors),
        },
        description="Objects, or one text line per editor as `Name; Affiliation; e-mail`.",
    )
    approval_process: str = _accepts(_enum(APPROVAL_PROCESSES))
    start_date: dt.date | None = _accepts(_DAY_OR_MONTH, description=_DATE_NOTE)
    target_date: dt.date | None = _accepts(
        _DAY_OR_MONTH, description="YYYY-MM-DD, or YYYY-MM for the first of the month; not before `start_date`."
    )
    keywords: list[str] = _accepts(_text_list(StoredItem.keywords, _LENIENT_LIST), description=_LIST_NOTE)
    equivalents: list[str] = _accepts(
        _text_list(StoredItem.equivalents, _LENIENT_LIST), description=f"{_EQUIVALENTS} {_LIST_NOTE}"
    )
    base_text: str = _accepts(_bounded(StoredItem.base_text))
    url: str = _accepts(_bounded(StoredItem.url))
    language: str = _accepts(_bounded(StoredItem.language), description=_LANGUAGE_TAG)
    is_public: bool = _accepts({"type": "boolean"}, description=f"{_PUBLIC} Defaults to true.")
    id: Any = _ignored({"type": "integer"})
    body: Any = _ignored({"type": "string"})
    created_at: Any = _ignored({"type": "string", "format": "date-time"})
    updated_at: Any = _ignored({"type": "string", "format": "date-time"})

    @field_validator(*EDITABLE_FIELDS, mode="before")
    @classmethod
    def _clean(cls, value: Any, info: ValidationInfo) -> Any:
        assert info.field_name is not None
        return clean_item_field(info.field_name, value)


class WorkItemInput(_ItemFields):
    """A new work item. Unknown fields are refused (422), so that a misspelt name is not silently ignored."""

    # Defaults go through the cleaners too: an item registered without a type is "other", and public.
    model_config = _ItemFields.model_config | {"validate_default": True}

    reference: str = _accepts(_bounded(StoredItem.reference), default=..., description=_REFERENCE)
    title: str = _accepts(_bounded(StoredItem.title), default=...)
    group: str = _accepts({"type": "string"}, default=..., description=_GROUP)
    version: Any = _ignored({"type": "integer", "minimum": 1})


class WorkItemPatch(_ItemFields):
    """The fields to change; the others stay as they are. Unknown fields are refused (422)."""

    version: Any = version_field("The version you edited, unless sent as If-Match.")


# --- Answers ---------------------------------------------------------------------------------------


class Editor(Schema):
    name: str
    affiliation: str
    email: str


class WorkItem(Schema):
    """A work item as the API, exports and history show it: the stored fields, `group` and `body` by code."""

    id: int = Field(json_schema_extra=_READ_ONLY)
    reference: str = Field(description=_REFERENCE, json_schema_extra={"maxLength": max_length(StoredItem.reference)})
    title: str = Field(json_schema_extra={"maxLength": max_length(StoredItem.title)})
    summary: str = Field(description=_SUMMARY, json_schema_extra={"maxLength": max_length(StoredItem.summary)})
    type: str = Field(json_schema_extra={"enum": list(ITEM_TYPES)})
    status: str = Field(json_schema_extra={"enum": list(ITEM_STATUSES)})
    group: str = Field(description=_GROUP)
    body: str = Field(description="Code of the group's body; follows `group`.", json_schema_extra=_READ_ONLY)
    question: str = Field(json_schema_extra={"maxLength": max_length(StoredItem.question)})
    editors: list[Editor] = Field(json_schema_extra={"maxItems": max_items(StoredItem.editors)})
    approval_process: str = Field(json_schema_extra={"enum": list(APPROVAL_PROCESSES)})
    start_date: dt.date | None
    target_date: dt.date | None
    keywords: list[str] = Field(json_schema_extra=_text_list(StoredItem.keywords))
    equivalents: list[str] = Field(description=_EQUIVALENTS, json_schema_extra=_text_list(StoredItem.equivalents))
    base_text: str = Field(json_schema_extra={"maxLength": max_length(StoredItem.base_text)})
    url: str = Field(json_schema_extra={"maxLength": max_length(StoredItem.url)})
    language: str = Field(description=_LANGUAGE_TAG, json_schema_extra={"maxLength": max_length(StoredItem.language)})
    is_public: bool = Field(description=_PUBLIC)
    version: int = Field(ge=1, description="Also the ETag.", json_schema_extra=_READ_ONLY)
    created_at: Timestamp = Field(json_schema_extra=_READ_ONLY)
    updated_at: Timestamp = Field(json_schema_extra=_READ_ONLY)

    @classmethod
    def of(cls, item: Any) -> WorkItem:
        """``item`` (a stored item, or anything with its attributes) in this shape."""
        group = item.group
        return cls.model_validate(
            {name: getattr(item, name) for name in cls.model_fields if name not in ("group", "body")}
            | {"group": group.code, "body": group.body.code, "editors": list(item.editors or [])}
            | {"keywords": list(item.keywords or []), "equivalents": list(item.equivalents or [])}
        )


#: Fields of an item as it is read back that cannot be set (accepted, and ignored, so that a client can send
#: back what it read).
READ_ONLY_FIELDS = frozenset(WorkItem.model_fields) - set(EDITABLE_FIELDS)


class WorkItemQuery(PageQuery):
    """The query string of ``GET /work-items``: the search, its filters and its order."""

    repeated: ClassVar[frozenset[str]] = frozenset({"status", "type"})

    q: SearchText = Field("", description="Words that must all appear in the reference, title, summary or keywords.")
    body: SearchText = Field("", description="Only items of this body (code).")
    group: SearchText = Field("", description="Only items of this group (code) and of its sub-groups.")
    status: list[str] = Field(
        default_factory=list,
        description="Only items in these statuses: repeat the parameter or separate by commas.",
        json_schema_extra={"items": {"type": "string", "enum": list(ITEM_STATUSES)}},
    )
    type: list[str] = Field(
        default_factory=list,
        description="Only items of these types: repeat the parameter or separate by commas.",
        json_schema_extra={"items": {"type": "string", "enum": list(ITEM_TYPES)}},
    )
    updated_from: dt.date | None = Field(None, description="Changed on or after this day (UTC).")
    updated_to: dt.date | None = Field(None, description="Changed on or before this day (UTC).")
    sort: str = Field("updated", description="Order; `-` reverses it.", json_schema_extra={"enum": list(SORTS)})

    @field_validator("status", mode="before")
    @classmethod
    def _statuses(cls, values: list[str]) -> list[str]:
        return chosen(values, ITEM_STATUSES)

    @field_validator("type", mode="before")
    @classmethod
    def _types(cls, values: list[str]) -> list[str]:
        return chosen(values, ITEM_TYPES)

    @field_validator("updated_from", "updated_to", mode="before")
    @classmethod
    def _day(cls, value: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.datetime.strptime(str(value), "%Y-%m-%d").date()
        except ValueError:
            raise ValueError(f"must be a date as YYYY-MM-DD (got {value!r})") from None

    @field_validator("updated_to")
    @classmethod
    def _not_before_from(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("updated_from")
        if value is not None and start is not None and start > value:
            raise ValueError("must not be before updated_from")
        return value

    @field_validator("sort", mode="before")
    @classmethod
    def _sort(cls, value: str) -> str:
        return one_of(value, SORTS)


class WorkItemPage(PageOf[WorkItem]):
    pass


class LinkInput(Schema):
    """A link to make from this item: the other item, by id or reference, and the kind of link."""

    target: int | str = Field(description="The other item's id or reference.")
    type: str = Field(json_schema_extra={"enum": list(LINK_TYPES)})
    note: str = Field(
        "", description="Why the items are linked.", json_schema_extra={"maxLength": max_length(ItemLink.note)}
    )

    @field_validator("target", mode="before")
    @classmethod
    def _target(cls, value: Any) -> int | str:
        if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
            raise ValueError(_("give the other item's id or reference"))
        return value.strip() if isinstance(value, str) else value

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(_("give the kind of link as text, e.g. 'overlaps'"))
        return value.strip()

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: Any) -> str:
        if not value:
            return ""
        if not isinstance(value, str):
            raise ValueError(_("must be text"))
        return value.strip()


class LinkedItem(Schema):
    id: int
    reference: str
    title: str


class Link(Schema):
    """A link as seen from one of its items."""

    id: int
    type: str = Field(json_schema_extra={"enum": list(LINK_TYPES)})
    direction: str = Field(
        description="`outgoing`: this item supersedes (duplicates...) the other; "
        "`duplicates`, `overlaps` and `related` read the same both ways.",
        json_schema_extra={"enum": ["outgoing", "incoming"]},
    )
    other: LinkedItem
    note: str
    created_by: str | None
    created_at: Timestamp

    @classmethod
    def of(cls, link: ItemLink, item: StoredItem) -> Link:
        """``link`` as seen from ``item``: ``outgoing`` when ``item`` is its source (it supersedes, duplicates...)."""
        other = other_end(link, item)
        return cls(
            id=link.id,
            type=link.type,
            direction="outgoing" if link.source_id == item.id else "incoming",
            other=LinkedItem(id=other.id, reference=other.reference, title=other.title),
            note=link.note,
            created_by=link.created_by.name if link.created_by is not None else None,
            created_at=link.created_at,
        )


def other_end(link: ItemLink, item: StoredItem) -> StoredItem:
    """The item at the other end of ``link`` from ``item``."""
    return link.target if link.source_id == item.id else link.source


class LinkList(ItemList[Link]):
    pass


class HistoryEvent(Schema):
    """One audit event: what was done, by whom, when, and what changed."""

    id: int
    action: str = Field(description="e.g. `work_item.create`, `work_item.update`.")
    summary: str
    actor: str | None = Field(description="Name of who did it; null for the system (imports).")
    created_at: Timestamp
    changes: dict[str, Any] = Field(
        description="What changed: each field as `[old, new]`; for `work_item.create`, the "
        "fields of the item as it was registered."
    )

    @classmethod
    def of(cls, event: AuditEvent) -> HistoryEvent:
        return cls(
            id=event.id,
            action=event.action,
            summary=event.summary,
            actor=event.actor.name if event.actor is not None else None,
            created_at=event.created_at,
            changes=event.changes,
        )


class History(ItemList[HistoryEvent]):
    pass
