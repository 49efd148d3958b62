"""Check-as-you-type, similar items, overlap alerts and chairs' decisions over the API, once.

:class:`SimilarQuery` is how every door reads a draft (the API's ``/similar`` and the work-item form,
through :func:`liaison.overlaps.operations.draft_document`): each of its fields with the work item's
own cleaner and bounds. The answers are built here from the stored rows, and the OpenAPI document
publishes the JSON Schema of all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from pydantic import ConfigDict, Field, ValidationInfo, field_validator
from pydantic.json_schema import JsonDict

from liaison.core.pagination import MAX_PAGE
from liaison.core.schemas import PageOf, QuerySchema, Schema, Timestamp, documented, version_field
from liaison.core.validators import parse_number
from liaison.items.schemas import clean_item_field
from liaison.models import ALERT_STATES, DECISIONS, ITEM_STATUSES, Group, OverlapAlert, WorkItem
from liaison.models.base import max_items, max_length
from liaison.similarity.language import languages_differ

#: The most matches one question returns.
MAX_K = 50
#: What a draft may hold for check-as-you-type: the item fields the engine reads.
DRAFT_FIELDS = ("reference", "title", "summary", "keywords", "group")

#: The orders of an alert list (the sort each means is :data:`liaison.overlaps.operations.ALERT_SORTS`).
ALERT_ORDERS = ("score", "uncertain", "newest", "oldest")
#: Alerts per page of ``/alerts`` unless ``per_page`` says otherwise, and the most it may say.
ALERTS_PER_PAGE = 25
MAX_ALERTS_PER_PAGE = 200

_SHARE: JsonDict = {"minimum": 0, "maximum": 1}
_FEATURES = "The score's parts, by feature (word and title similarity, shared identifiers...)."
_REASONS = "The shared terms and fields, as a person reads them."
_ALERT_VERSION = "The alert version you read, unless sent as If-Match."


def match_count(value: Any) -> int:
    """How many matches to return, 1 to :data:`MAX_K` (a number, or its digits), or ValueError."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError("must be a whole number") from None
    if not 1 <= number <= MAX_K:
        raise ValueError(f"must be between 1 and {MAX_K}")
    return number


def is_cross_language(alert: OverlapAlert) -> bool:
    """Whether the two items of ``alert`` are written in different languages (both known)."""
    return languages_differ(alert.item_a.language, alert.item_b.language)


def _optional_text(column: Any, description: str = "") -> Any:
    return documented({"type": ["string", "null"], "maxLength": max_length(column)}, description=description)


class SimilarQuery(Schema):
    """A draft as it is being typed. Other fields are ignored, so a whole item may be sent."""

    # A draft is read before anything is stored: fields not sent are empty, and the defaults are read too.
    model_config = ConfigDict(extra="ignore", validate_default=True)

    title: str = _optional_text(WorkItem.title)
    summary: str = _optional_text(WorkItem.summary)
    keywords: list[str] = documented(
        {"type": ["array", "string", "null"], "items": {"type": "string"}, "maxItems": max_items(WorkItem.keywords)},
        description="A list, or one text separated by commas.",
    )
    group: str = _optional_text(Group.code, "The draft's group code, if known.")
    reference: str = _optional_text(WorkItem.reference)
    k: int = documented({"type": "integer", "minimum": 1, "maximum": MAX_K, "default": 5}, default=5)
    exclude_id: int | None = Field(None, description="The item being edited, left out.")

    @field_validator(*DRAFT_FIELDS, mode="before")
    @classmethod
    def _clean(cls, value: Any, info: ValidationInfo) -> Any:
        assert info.field_name is not None
        return clean_item_field(info.field_name, value)

    @field_validator("k", mode="before")
    @classmethod
    def _k(cls, value: Any) -> int:
        return match_count(value)

    @field_validator("exclude_id", mode="before")
    @classmethod
    def _exclude(cls, value: Any) -> int | None:
        if value is not None and (not isinstance(value, int) or parse_number(value) is None):
            raise ValueError("must be an item id (an integer)")
        return value


class AlertItem(Schema):
    """One of the two items of an alert, or an item found alike to a draft."""

    id: int
    reference: str
    title: str
    group: str
    body: str
    status: str = Field(json_schema_extra={"enum": list(ITEM_STATUSES)})
    language: str = Field(description="language tag of the item's text (e.g. en, fr); empty when unknown")

    @classmethod
    def fields_of(cls, item: WorkItem) -> dict[str, Any]:
        return {
            "id": item.id,
            "reference": item.reference,
            "title": item.title,
            "group": item.group.code,
            "body": item.group.body.code,
            "status": item.status,
            "language": item.language,
        }


class SimilarMatch(AlertItem):
    """A stored item alike to the draft or item asked about, with why."""

    score: float = Field(json_schema_extra=_SHARE)
    reasons: list[str] = Field(description=_REASONS)
    features: dict[str, float] = Field(description=_FEATURES)

    @classmethod
    def of(cls, item: WorkItem, score: float, reasons: tuple[str, ...], features: Mapping[str, float]) -> SimilarMatch:
        return cls(
            **cls.fields_of(item),
            score=round(score, 4),
            reasons=list(reasons),
            features={name: round(float(value), 4) for name, value in features.items()},
        )


class SimilarMatches(Schema):
    matches: list[SimilarMatch]


class ItemSimilarMatches(Schema):
    item: int
    matches: list[SimilarMatch]


class Alert(Schema):
    """An overlap alert with its score breakdown, reasons and decision."""

    id: int
    item_a: AlertItem
    item_b: AlertItem
    score: float = Field(json_schema_extra=_SHARE)
    features: dict[str, float] = Field(description=_FEATURES)
    reasons: list[str] = Field(description=_REASONS)
    engine_version: str
    cross_language: bool = Field(description="the two items are written in different languages (both known)")
    state: str = Field(json_schema_extra={"enum": list(ALERT_STATES)})
    decided_by: str | None
    decided_at: Timestamp | None
    decision_note: str
    version: int = Field(ge=1)
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, alert: OverlapAlert) -> Alert:
        return cls(
            id=alert.id,
            item_a=AlertItem(**AlertItem.fields_of(alert.item_a)),
            item_b=AlertItem(**AlertItem.fields_of(alert.item_b)),
            score=alert.score,
            features=alert.features,
            reasons=alert.reasons,
            engine_version=alert.engine_version,
            cross_language=is_cross_language(alert),
            state=alert.state,
            decided_by=alert.decided_by.name if alert.decided_by else None,
            decided_at=alert.decided_at,
            decision_note=alert.decision_note,
            version=alert.version,
            created_at=alert.created_at,
            updated_at=alert.updated_at,
        )


class AlertQuery(QuerySchema):
    """The query string of ``GET /alerts``. Bad values are a 422 naming the parameter."""

    # Parameters the list does not know are ignored here, as they always have been on this endpoint.
    model_config = ConfigDict(extra="ignore")
    repeated: ClassVar[frozenset[str]] = frozenset({"state"})

    state: list[str] = Field(
        default_factory=list,
        description="Only alerts in these states: repeat the parameter or separate by commas.",
        json_schema_extra={"items": {"type": "string", "enum": list(ALERT_STATES)}},
    )
    group: str = Field("", description="Alerts where either item is of this group or its sub-groups.")
    body: str = Field("", description="Alerts where either item is of this body.")
    min_score: float | None = Field(None, ge=0, le=1, description="Score at least this.")
    max_score: float | None = Field(None, ge=0, le=1, description="Score at most this.")
    order: str = Field(
        "score",
        description="`score`: highest first; `uncertain`: closest to 0.5 first (most useful to decide next); "
        "`newest` or `oldest` raised first.",
        json_schema_extra={"enum": list(ALERT_ORDERS)},
    )
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    per_page: int = Field(ALERTS_PER_PAGE, ge=1, le=MAX_ALERTS_PER_PAGE, description="Results per page.")

    @field_validator("state", mode="before")
    @classmethod
    def _known_states(cls, values: list[str]) -> list[str]:
        states = [state for value in values for state in value.split(",") if state]
        unknown = [state for state in states if state not in ALERT_STATES]
        if unknown:
            raise ValueError(f"unknown state {unknown[0]!r}; use one of {', '.join(ALERT_STATES)}")
        return states

    @field_validator("order", mode="before")
    @classmethod
    def _known_order(cls, value: str) -> str:
        if value not in ALERT_ORDERS:
            raise ValueError(f"unknown order {value!r}; use one of {', '.join(ALERT_ORDERS)}")
        return value

    @field_validator("min_score", "max_score", mode="before")
    @classmethod
    def _share(cls, value: str | None) -> float | None:
        if value in (None, ""):
            return None
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not 0 <= number <= 1:  # NaN too
            raise ValueError("must be a number between 0 and 1")
        return number

    @field_validator("page", "per_page", mode="before")
    @classmethod
    def _whole_number(cls, value: str, info: ValidationInfo) -> int:
        field = cls.model_fields[str(info.field_name)]
        # The limits are the field's own (``ge``/``le``), which the OpenAPI document publishes.
        low = next(limit.ge for limit in field.metadata if hasattr(limit, "ge"))
        high = next(limit.le for limit in field.metadata if hasattr(limit, "le"))
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError("must be a whole number") from None
        if not low <= number <= high:
            raise ValueError(f"must be between {low} and {high}")
        return number


class AlertPage(PageOf[Alert]):
    pass


class DecisionInput(Schema):
    """A chair's decision on an alert."""

    missing_messages: ClassVar[Mapping[str, Any]] = {"decision": _l("required: one of %(value)s", value=", ".join(DECISIONS))}
    names_known_fields: ClassVar[bool] = True

    decision: str = Field(json_schema_extra={"enum": list(DECISIONS)})
    note: str | None = Field(
        None,
        description="Required for `duplicate` and `overlap`: what the groups should do.",
        json_schema_extra={"maxLength": max_length(OverlapAlert.decision_note)},
    )
    version: Any = version_field(_ALERT_VERSION)

    @field_validator("decision", "note", mode="before")
    @classmethod
    def _text(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name == "decision":
            raise ValueError(cls.missing_messages["decision"])
        if value is not None and not isinstance(value, str):
            raise ValueError("must be text")
        return value


class ReopenInput(Schema):
    """Undoing a decision: the alert version it is taken back from."""

    names_known_fields: ClassVar[bool] = True

    version: Any = version_field(_ALERT_VERSION)

