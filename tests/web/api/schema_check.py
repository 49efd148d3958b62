"""A small JSON-schema validator for the subset the OpenAPI document uses (jsonschema is not installed).

It refuses schemas with keywords it does not know, so that a schema it cannot check fails loudly
instead of passing everything.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterator, Mapping

#: Keywords checked here, and those that only annotate.
CHECKED = {"$ref", "type", "required", "properties", "additionalProperties", "items", "enum", "nullable",
           "format", "minimum", "maximum", "maxLength", "maxItems", "pattern", "anyOf"}
ANNOTATIONS = {"description", "readOnly", "default"}

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
_FORMATS = {"date": dt.date.fromisoformat, "date-time": dt.datetime.fromisoformat}


def resolve(document: Mapping[str, Any], reference: str) -> Any:
    """The part of ``document`` that a local ``$ref`` (``#/a/b``) points to."""
    assert reference.startswith("#/"), f"only local references are supported: {reference}"
    node: Any = document
    for part in reference[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def errors(instance: Any, schema: Mapping[str, Any], document: Mapping[str, Any], path: str = "$") -> list[str]:
    """Every way ``instance`` breaks ``schema`` (references resolved in ``document``); empty when it is valid."""
    unknown = set(schema) - CHECKED - ANNOTATIONS
    if unknown:
        raise ValueError(f"{path}: the validator does not support {sorted(unknown)}")
    if "$ref" in schema:
        return errors(instance, resolve(document, schema["$ref"]), document, path)
    if instance is None and schema.get("nullable"):
        return []
    # pydantic writes a model that may be null as anyOf [{"$ref": ...}, {"type": "null"}].
    if "anyOf" in schema and all(errors(instance, option, document, path) for option in schema["anyOf"]):
        return [f"{path}: {instance!r} matches none of {schema['anyOf']}"]
    found: list[str] = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](instance) for t in types):
            return [f"{path}: {instance!r} is not of type {' or '.join(types)}"]
    if "enum" in schema and instance not in schema["enum"]:
        found.append(f"{path}: {instance!r} is not one of {schema['enum']}")
    if isinstance(instance, str):
        if "maxLength" in schema and len(instance) > schema["maxLength"]:
            found.append(f"{path}: longer than {schema['maxLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            found.append(f"{path}: {instance!r} does not match {schema['pattern']}")
        if schema.get("format") in _FORMATS:
            try:
                _FORMATS[schema["format"]](instance)
            except ValueError:
                found.append(f"{path}: {instance!r} is not a {schema['format']}")
    if isinstance(instance, list) and "maxItems" in schema and len(instance) > schema["maxItems"]:
        found.append(f"{path}: more than {schema['maxItems']} entries")
    if _TYPES["number"](instance):
        if "minimum" in schema and instance < schema["minimum"]:
            found.append(f"{path}: {instance} is below {schema['minimum']}")
        if "maximum" in schema and instance > schema["maximum"]:
            found.append(f"{path}: {instance} is above {schema['maximum']}")
    if isinstance(instance, dict):
        found += [f"{path}: {name!r} is required" for name in schema.get("required", []) if name not in instance]
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, value in instance.items():
            if name in properties:
                found += errors(value, properties[name], document, f"{path}.{name}")
            elif extra is False:
                found.append(f"{path}: {name!r} is not allowed")
            elif isinstance(extra, dict):
                found += errors(value, extra, document, f"{path}.{name}")
    if isinstance(instance, list) and "items" in schema:
        for number, value in enumerate(instance):
            found += errors(value, schema["items"], document, f"{path}[{number}]")
    return found


def schemas_in(document: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every schema of the document, with where it is: components and the inline ones, nested too."""

    def walk(schema: Mapping[str, Any], where: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        yield where, schema
        for name, sub in schema.get("properties", {}).items():
            yield from walk(sub, f"{where}.properties.{name}")
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                yield from walk(schema[key], f"{where}.{key}")
        for number, option in enumerate(schema.get("anyOf", [])):
            yield from walk(option, f"{where}.anyOf[{number}]")

    for name, schema in document["components"]["schemas"].items():
        yield from walk(schema, f"components.schemas.{name}")
    for name, parameter in document["components"]["parameters"].items():
        yield from walk(parameter["schema"], f"components.parameters.{name}")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for parameter in operation.get("parameters", []):
                if "schema" in parameter:
                    yield from walk(parameter["schema"], f"{method} {path} {parameter['name']}")
            for status, response in operation["responses"].items():
                for media, content in response.get("content", {}).items():
                    yield from walk(content["schema"], f"{method} {path} {status} {media}")
