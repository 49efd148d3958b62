"""The declarative base, its naming convention and the column types every model shares."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from sqlalchemy import JSON, DateTime, MetaData, String, Text, func
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Constraint names must be stable for Alembic to drop or alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Now, in UTC, aware: the only kind of datetime the models hold."""
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no time zones and hands back naive values; comparing those with aware
    ones raises, so every value is normalised on the way in and out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Base(DeclarativeBase):
    """The one declarative base of liaison."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
        list[str]: JSON(),
    }


intpk = Annotated[int, mapped_column(primary_key=True)]
#: Ids are 32-bit integers in the schema: a larger number names no row (and would overflow a query).
MAX_ID = 2**31 - 1
str40 = Annotated[str, mapped_column(String(40))]
str200 = Annotated[str, mapped_column(String(200))]
str500 = Annotated[str, mapped_column(String(500))]
text = Annotated[str, mapped_column(Text, default="", server_default="")]
created_at = Annotated[dt.datetime, mapped_column(default=utcnow, server_default=func.current_timestamp())]


class TimestampMixin:
    """When the row was made and last changed."""

    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.current_timestamp()
    )


def bounded_text(max_length: int, *, server_default: str | None = "") -> Any:
    """A Text column that holds at most ``max_length`` characters.

    The bound is not in the schema (a Text column has none) but in the column's ``info``, where the
    validators read it with :func:`max_length`: one number, beside the model, for forms, API and import.
    """
    return mapped_column(Text, default="", server_default=server_default, info={"max_length": max_length})


def bounded_list(max_items: int, item_length: int) -> Any:
    """A JSON list column of at most ``max_items`` entries of at most ``item_length`` characters each."""
    return mapped_column(default=list, info={"max_items": max_items, "max_length": item_length})


def max_length(column: Any) -> int:
    """The most characters a text column (or each entry of a list column) may hold.

    ``String(n)`` columns give ``n``; Text and JSON list columns give ``info["max_length"]``. A text
    column with neither is a mistake that ``tests/test_field_bounds.py`` catches.
    """
    column = _column(column)
    if "max_length" in column.info:
        return int(column.info["max_length"])
    length = getattr(column.type, "length", None)
    if length is None:
        raise LookupError(f"{column} has no bound: declare it with bounded_text() or String(n)")
    return int(length)


def max_items(column: Any) -> int:
    """The most entries a JSON list column may hold (``info["max_items"]``)."""
    return int(_column(column).info["max_items"])


def _column(column: Any) -> Any:
    # A mapped attribute (``WorkItem.summary``) or a table column; the bound lives on the latter.
    return column.property.columns[0] if hasattr(column, "property") else column


def enum_check(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that ``column`` holds one of ``values`` (workflow rules live in the schema)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"
