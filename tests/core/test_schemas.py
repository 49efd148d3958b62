"""The API schemas' shared machinery: error paths and messages, and the OpenAPI form of their JSON Schema."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Mapping

import pytest
from pydantic import field_validator

from liaison.core.errors import ValidationError
from liaison.core.schemas import Schema, Timestamp, openapi_schemas, read


class Row(Schema):
    name: str
    when: dt.date | None = None

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a row needs a name")
        return value


class Sheet(Schema):
    """A sheet of rows."""

    missing_messages: ClassVar[Mapping[str, str]] = {"title": "give the sheet a title"}
    names_known_fields: ClassVar[bool] = True

    title: str
    rows: list[Row] = []
    stamp: Timestamp | None = None
    kind: int | str = 0


def _errors(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        read(Sheet, data)
    return refused.value.errors


def test_errors_name_each_field_by_its_path_in_the_house_words():
    errors = _errors({"rows": [{"name": "a"}, {"name": " "}, {"when": "x", "name": "b", "colour": 1}], "x": 1})
    assert "date" in errors.pop("rows[2].when")  # pydantic's own words for its own checks
    assert errors == {
        "title": "give the sheet a title",
        "rows[1].name": "a row needs a name",
        "rows[2].colour": "unknown field",
        "x": "unknown field; send only kind, rows, stamp, title",
    }


def test_timestamps_are_written_as_isoformat_writes_them():
    stamp = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
    assert Sheet(title="t", stamp=stamp).model_dump(mode="json")["stamp"] == "2026-03-01T12:00:00+00:00"


def test_the_openapi_form_has_no_titles_and_writes_null_and_unions_as_lists_of_types():
    schemas = openapi_schemas([Sheet])
    assert set(schemas) == {"Sheet", "Row"}
    sheet = schemas["Sheet"]
    assert "title" not in sheet and "title" not in sheet["properties"]["title"]
    assert sheet["description"] == "A sheet of rows."
    assert sheet["additionalProperties"] is False and sheet["required"] == ["title"]
    assert sheet["properties"]["rows"] == {"type": "array", "items": {"$ref": "#/components/schemas/Row"}}
    assert sheet["properties"]["stamp"] == {"type": ["string", "null"], "format": "date-time"}
    assert sheet["properties"]["kind"] == {"type": ["integer", "string"]}
    assert schemas["Row"]["properties"]["when"] == {"type": ["string", "null"], "format": "date"}
