"""What every API schema shares: the base class, errors by field path, and the OpenAPI form of a schema.

Why pydantic (v2) and not marshmallow with apispec: one library gives typed classes that mypy checks,
validation (in Rust, so reading a request costs little) and JSON Schema generation built in, where
marshmallow needs apispec beside it to document what it validates. A domain's ``schemas`` module
declares each request and response once; the handler parses with it, the services clean with it, the
answer is built from it, and :mod:`liaison.web.api.openapi` publishes its JSON Schema. Limits are read
from the models (``max_length``/``max_items`` of their columns), never written here again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Annotated, Any, ClassVar, Generic, Protocol, TypeVar

from flask_babel import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationInfo, field_validator
from pydantic import ValidationError as SchemaError
from pydantic.json_schema import GenerateJsonSchema, JsonDict, JsonSchemaMode, JsonSchemaValue, models_json_schema
from pydantic_core import PydanticUndefined, core_schema

from liaison.core.errors import ValidationError
from liaison.core.pagination import MAX_PAGE

#: Where the OpenAPI document keeps every schema; pydantic writes references to nested models with it.
REF_TEMPLATE = "#/components/schemas/{model}"

#: Timestamps as the API has always written them: ``isoformat()``, ``+00:00`` for UTC (pydantic would write ``Z``).
Timestamp = Annotated[dt.datetime, PlainSerializer(lambda value: value.isoformat(), return_type=str)]


class Schema(BaseModel):
    """A request or response of the API: unknown fields are refused, and the schema says so."""

    model_config = ConfigDict(extra="forbid")
    #: A request's own words for a required field that is missing (field name to message).
    missing_messages: ClassVar[Mapping[str, Any]] = {}
    #: Whether an unknown field's message lists the fields there are (for requests of a few fields).
    names_known_fields: ClassVar[bool] = False


class QueryValues(Protocol):
    """A query string as Werkzeug gives it (a ``MultiDict``): each name, its first value, all its values."""

    def __iter__(self) -> Iterator[str]: ...
    def get(self, key: str) -> str | None: ...
    def getlist(self, key: str) -> list[str]: ...


T = TypeVar("T")
Read = TypeVar("Read", bound=Schema)


def read(schema: type[Read], data: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> Read:
    """``data`` read with ``schema``, or :class:`ValidationError` naming each field that is wrong (a 422).

    ``context`` is what the schema's validators may read besides the data (settings such as a limit)."""
    try:
        return schema.model_validate(dict(data), context=context)
    except SchemaError as exc:
        raise ValidationError(field_errors(exc, schema)) from None


class QuerySchema(Schema):
    """The query-string parameters of one endpoint: read with :func:`read_query`, documented as its ``parameters``."""

    #: Parameters that may be given more than once: read as the list of their values (others: the first value).
    repeated: ClassVar[frozenset[str]] = frozenset()


Query = TypeVar("Query", bound=QuerySchema)


def read_query(schema: type[Query], args: QueryValues) -> Query:
    """The query string ``args`` read with ``schema``, or :class:`ValidationError` naming each bad parameter (a 422)."""
    return read(schema, {name: args.getlist(name) if name in schema.repeated else args.get(name) for name in args})


#: The longest search or filter text a query string may carry.
MAX_SEARCH_LENGTH = 200


def _search_text(value: str) -> str:
    if len(value) > MAX_SEARCH_LENGTH:
        raise ValueError(f"at most {MAX_SEARCH_LENGTH} characters")
    return value


#: A free-text query parameter ('' when absent), at most :data:`MAX_SEARCH_LENGTH` characters.
SearchText = Annotated[str, BeforeValidator(_search_text), Field(max_length=MAX_SEARCH_LENGTH)]


def _whole_number(value: str, low: int, high: int) -> int:
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise ValueError(f"must be a whole number from {low} to {high} (got {value!r})")
    return int(value)


def chosen(values: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """The values of a repeated parameter (each may be a comma list) from ``allowed``, or ValueError."""
    allowed = tuple(allowed)
    picked = [part.strip() for value in values for part in value.split(",") if part.strip()]
    unknown = [value for value in picked if value not in allowed]
    if unknown:
        raise ValueError(f"unknown value {unknown[0]!r}; use one of: {', '.join(allowed)}")
    return list(dict.fromkeys(picked))


def one_of(value: str, allowed: Iterable[str]) -> str:
    """``value`` if it is one of ``allowed``, or ValueError."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"unknown value {value!r}; use one of: {', '.join(allowed)}")
    return value


class PageQuery(QuerySchema):
    """``page`` and ``per_page`` of a paged list. The largest ``per_page`` and its default are settings,
    given as the validation context (``max_per_page``, ``per_page``) by :func:`liaison.web.api.params.read_args`."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    per_page: int = Field(None, ge=1, validate_default=True, description="Results per page.")

    @field_validator("page", mode="before")
    @classmethod
    def _page(cls, value: Any) -> int:
        return value if isinstance(value, int) else _whole_number(str(value), 1, MAX_PAGE)

    @field_validator("per_page", mode="before")
    @classmethod
    def _per_page(cls, value: Any, info: ValidationInfo) -> int:
        limits = info.context or {}
        if value is None:
            return int(limits["per_page"])
        return _whole_number(str(value), 1, int(limits["max_per_page"]))


def documented(schema: Mapping[str, Any], default: Any = None, description: str = "") -> Any:
    """A field whose JSON Schema is ``schema``, in place of the one pydantic would derive from its type.

    For lenient input: the type is what the field's cleaner returns (a date), the schema what it
    reads (``2026-03`` too, or one text of comma-separated keywords where a list is meant).
    """
    replacement = dict(schema) | ({"description": description} if description else {})

    def replace(generated: JsonDict) -> None:
        generated.clear()
        generated.update(replacement)

    return Field(default, json_schema_extra=replace)


def version_field(description: str) -> Any:
    """The ``version`` a request may carry: documented here, read with ``If-Match`` by the API
    (:func:`liaison.web.api.params.expected_version`), so that both ways are checked alike."""
    return Field(None, exclude=True, description=description, json_schema_extra={"type": "integer", "minimum": 1})


class PageOf(Schema, Generic[T]):
    """One page of a list: ``{items, page, per_page, total, pages}`` (the ``Link`` header names the others)."""

    items: list[T]
    page: int = Field(ge=1)
    per_page: int = Field(ge=1)
    total: int = Field(ge=0)
    pages: int = Field(ge=1)


class ItemList(Schema, Generic[T]):
    """``{"items": [...]}`` without paging, for lists that are short by nature."""

    items: list[T]


class Problem(Schema):
    """An error as `application/problem+json` (RFC 9457); a problem may add members of its own (`current`)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str = Field(description="What went wrong and what to do about it.")
    instance: str = ""
    errors: dict[str, str] | None = Field(
        None,
        description="For invalid input: each field or parameter and what is wrong with it.",
        json_schema_extra={"type": "object"},
    )


def field_errors(exc: SchemaError, schema: type[Schema] | None = None, at: str = "") -> dict[str, str]:
    """Each field path (``title``, ``recipients[0].deadline``) and what is wrong there, as people read it.

    ``at`` is where the object read sits in the document (``recipients[0]``), for one read on its own.

    A ``ValueError`` raised by a field's cleaner keeps its own message; pydantic's own checks get the
    house wording for the two that every door shares (an unknown field, a required one missing).
    """
    errors: dict[str, str] = {}
    for error in exc.errors():
        path = _path(error["loc"])
        path = f"{at}.{path}" if at and path else at or path
        if path not in errors:
            errors[path] = _message(error, schema)
    return errors


def _path(loc: Iterable[int | str]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _message(error: Mapping[str, Any], schema: type[Schema] | None) -> str:
    kind, loc = error["type"], error["loc"]
    if kind == "extra_forbidden":
        if schema is not None and schema.names_known_fields and len(loc) == 1:
            return _("unknown field; send only %(fields)s", fields=", ".join(sorted(schema.model_fields)))
        return _("unknown field")
    if kind == "missing":
        named = schema.missing_messages.get(str(loc[0])) if schema is not None and len(loc) == 1 else None
        return str(named) if named else _("this field is required")
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return str(error["msg"])


class OpenApiJsonSchema(GenerateJsonSchema):
    """JSON Schema as the OpenAPI document writes it: no generated titles, unions of types as a list of types.

    pydantic titles every model and field from its name, which says nothing the key does not; it writes
    ``X | None`` as ``anyOf [X, null]``, where a list of types (``"type": ["string", "null"]``) says the
    same to every client generator; and it documents a field's default, which for input is what the
    server does when the field is absent (a schema that wants to say so puts ``default`` in its extra).
    """

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        generated = super().model_schema(schema)
        generated.pop("title", None)
        if generated.get("additionalProperties") is True:
            del generated["additionalProperties"]  # the default: said only when unknown members are refused
        return generated

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        generated = super().dict_schema(schema)
        if generated.get("additionalProperties") is True:
            del generated["additionalProperties"]
        return generated

    def union_schema(self, schema: core_schema.UnionSchema) -> JsonSchemaValue:
        generated = super().union_schema(schema)
        members = generated.get("anyOf", [])
        if members and all(set(member) == {"type"} and isinstance(member["type"], str) for member in members):
            return {"type": [member["type"] for member in members]}
        return generated

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        kind = inner.get("type")
        if isinstance(kind, str):
            return inner | {"type": [kind, "null"]}
        if isinstance(kind, list):
            return inner | {"type": [*kind, "null"]} if "null" not in kind else inner
        return super().nullable_schema(schema)


def openapi_schemas(
    models: Iterable[type[BaseModel]], mode: JsonSchemaMode = "validation"
) -> dict[str, JsonSchemaValue]:
    """The ``components.schemas`` entries of ``models`` and of every model they nest, by class name."""
    _, definitions = models_json_schema(
        [(model, mode) for model in models], ref_template=REF_TEMPLATE, schema_generator=OpenApiJsonSchema
    )
    return dict(definitions.get("$defs", {}))


def query_parameters(schema: type[QuerySchema], components: Collection[str] = ()) -> list[dict[str, Any]]:
    """The OpenAPI ``parameters`` (``in: query``) of ``schema``: one per field, with its limits, allowed
    values, default and description, so that what is documented is what :func:`read_query` checks.

    A field named in ``components`` is a reference to the shared ``components.parameters`` of its name."""
    generated = schema.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=OpenApiJsonSchema)
    required = set(generated.get("required", ()))
    parameters = []
    for name, spec in generated["properties"].items():
        if name in components:
            parameters.append({"$ref": f"#/components/parameters/{name}"})
            continue
        spec = dict(spec)
        description = spec.pop("description", "")
        if isinstance(spec.get("type"), list):
            # An absent parameter is None; a query string cannot send null.
            spec["type"] = [kind for kind in spec["type"] if kind != "null"]
            spec["type"] = spec["type"][0] if len(spec["type"]) == 1 else spec["type"]
        default = schema.model_fields[name].default
        if default not in (None, "", PydanticUndefined):
            spec["default"] = default
        parameter = {"name": name, "in": "query", "required": name in required, "description": description}
        if name in schema.repeated:
            parameter |= {"style": "form", "explode": True}
        parameters.append(parameter | {"schema": spec})
    return parameters
