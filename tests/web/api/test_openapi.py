"""The OpenAPI document says what the API really does: the same routes, and answers that fit its schemas."""

from __future__ import annotations

import re
from typing import Any

import pytest
from werkzeug.test import TestResponse

from liaison.items.operations import as_dict
from liaison.items.schemas import EDITABLE_FIELDS
from tests.overlaps.test_alerts import AGE_A, AGE_B
from tests.statements.web.api_calls import exercise_statement_api
from tests.web.api import schema_check
from tests.web.api.helpers import ApiClient

METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture()
def spec(api: ApiClient) -> dict[str, Any]:
    response = api.get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_openapi_3_1_with_bearer_security(spec):
    assert spec["openapi"] == "3.1.0"
    assert spec["servers"] == [{"url": "/api/v1"}]
    bearer = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    writes = [(path, method) for path, item in spec["paths"].items() for method, op in item.items()
              if method in METHODS and op["security"] == [{"bearerAuth": []}]]
    assert ("/work-items", "post") in writes and ("/work-items/{item_id}", "delete") in writes
    assert ("/work-items", "get") not in writes


def test_every_api_route_is_documented_and_every_documented_path_is_a_route(app, spec):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in spec["paths"].items() for method in item if method in METHODS}
    assert sorted(routes - documented) == [], "routes missing from liaison/web/api/openapi.py"
    assert sorted(documented - routes) == [], "documented operations that no route serves"


def test_references_resolve_and_path_parameters_are_declared(spec):
    def refs(node: Any):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for reference in refs(spec):
        assert schema_check.resolve(spec, reference) is not None, reference
    operation_ids = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            operation_ids.append(operation["operationId"])
            declared = [_follow(spec, p) for p in item.get("parameters", []) + operation.get("parameters", [])]
            in_path = {p["name"] for p in declared if p["in"] == "path"}
            assert in_path == set(re.findall(r"{(\w+)}", path)), f"{method} {path}"
            assert all(p["required"] for p in declared if p["in"] == "path")
    assert len(operation_ids) == len(set(operation_ids))


def test_the_validator_knows_every_keyword_the_document_uses(spec):
    for where, schema in schema_check.schemas_in(spec):
        unknown = set(schema) - schema_check.CHECKED - schema_check.ANNOTATIONS
        assert not unknown, f"{where} uses {unknown}: teach tests/web/api/schema_check.py to check it"


def test_the_validator_finds_what_is_wrong(spec):
    def check(instance: Any, name: str) -> list[str]:
        return schema_check.errors(instance, {"$ref": f"#/components/schemas/{name}"}, spec)

    assert check({"name": "A", "affiliation": "", "email": ""}, "Editor") == []
    assert check({"name": "A", "affiliation": ""}, "Editor") == ["$: 'email' is required"]
    assert check({"name": 1, "affiliation": "", "email": "", "x": 1}, "Editor") == [
        "$.name: 1 is not of type string",
        "$: 'x' is not allowed",
    ]
    assert check({"reference": "X", "title": "T", "group": "G", "type": "novel"}, "WorkItemInput") == [
        "$.type: 'novel' is not one of " + str(spec["components"]["schemas"]["WorkItemInput"]["properties"]["type"]["enum"])
    ]
    assert check({"reference": "X", "title": "T", "group": "G", "start_date": "1 March"}, "WorkItemInput")
    assert check({"items": [], "page": 0, "per_page": 1, "total": 0, "pages": 1}, "BodyPage") == ["$.page: 0 is below 1"]
    assert check({"items": [{"code": True}], "page": 1, "per_page": 1, "total": 1, "pages": 1}, "BodyPage")
    assert check([], "Problem") == ["$: [] is not of type object"]
    with pytest.raises(ValueError):
        schema_check.errors(1, {"oneOf": [{"type": "integer"}]}, spec)


def test_per_page_maximum_is_the_setting(api, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_MAX_PER_PAGE", 50)
    per_page = api.get("/openapi.json").get_json()["components"]["parameters"]["per_page"]
    assert per_page["schema"]["maximum"] == 50


def test_documented_item_fields_are_those_of_the_model_and_the_cleaner(spec, factory):
    schemas = spec["components"]["schemas"]
    assert set(schemas["WorkItem"]["properties"]) == set(as_dict(factory.item()))
    for name in ("WorkItemInput", "WorkItemPatch"):
        assert schemas[name]["additionalProperties"] is False
        assert set(EDITABLE_FIELDS) <= set(schemas[name]["properties"])
        assert set(schemas[name]["properties"]) <= set(schemas["WorkItem"]["properties"])
    assert schemas["WorkItemInput"]["required"] == ["reference", "title", "group"]


class Conformance:
    """Sends requests, and checks each answer against the operation the document gives for it."""

    def __init__(self, api: ApiClient, spec: dict[str, Any]) -> None:
        self.api = api
        self.spec = spec
        self.seen: set[tuple[str, str, str]] = set()
        self.templates = [
            (re.compile("^" + re.sub(r"{(\w+)}", lambda m: "(.+)" if m[1] == "code" else "([^/]+)", path) + "$"), path)
            for path in spec["paths"]
        ]

    def __call__(self, method: str, url: str, status: int, **kwargs: Any) -> TestResponse:
        response = self.api.request(method.upper(), url, **kwargs)
        assert response.status_code == status, (method, url, response.get_data(as_text=True))
        path = self._template(url.split("?")[0])
        operation = self.spec["paths"][path][method]
        if "json" in kwargs:
            request_schema = operation["requestBody"]["content"]["application/json"]["schema"]
            if status not in (400, 422):
                assert schema_check.errors(kwargs["json"], request_schema, self.spec) == [], (method, url)
        documented = operation["responses"].get(str(status))
        assert documented is not None, f"{method} {path} answered {status}, which is not documented"
        documented = _follow(self.spec, documented)
        (media, content), = documented["content"].items()
        assert response.mimetype == media, (method, path, status)
        if media.endswith("json"):
            problems = schema_check.errors(response.get_json(force=True), content["schema"], self.spec)
            assert problems == [], (method, path, status, problems)
        for header in documented.get("headers", {}):
            assert header in response.headers, (method, path, status, header)
        self.seen.add((path, method, str(status)))
        return response

    def _template(self, url: str) -> str:
        local = url.removeprefix("/api/v1")
        matches = [path for pattern, path in self.templates if pattern.match(local)]
        assert matches, f"no documented path for {url}"
        # The most literal template wins (/work-items/1/links over /groups/{code}).
        return min(matches, key=lambda path: path.count("{"))


def test_real_answers_match_the_documented_schemas(api, spec, factory):
    call = Conformance(api, spec)
    admin = factory.user(admin=True, name="Ada Admin")
    officer = factory.user(officer_of=("ITU-T/SG17",))
    token, officer_token = factory.token(admin), factory.token(officer)
    outsider = factory.token(factory.user(officer_of=("ITU-D/SG2",)))
    first = factory.item("A.1", group="ITU-T/SG17/Q6", **AGE_A)
    second = factory.item("B.1", group="ITU-D/SG2", **AGE_B)

    call("get", "/openapi.json", 200)
    created = call("post", "/work-items", 201, headers=token, json={
        "reference": "X.cop", "title": "Guide", "group": "ITU-T/SG17", "editors": [{"name": "Ann", "email": "a@b.org"}],
        "keywords": "cop, guide", "start_date": "2026-01", "target_date": "2027-06-30", "url": "https://www.itu.int/",
    }).get_json()
    item = f"/work-items/{created['id']}"
    call("post", "/work-items", 422, headers=token, json={"reference": "", "title": "T", "group": "ITU-T/SG17", "x": 1})
    call("post", "/work-items", 400, headers=token, data="{", content_type="application/json")
    call("post", "/work-items", 415, headers=token, data="reference=X")
    call("post", "/work-items", 401, json={"reference": "X.anon", "title": "T", "group": "ITU-T/SG17"})
    call("post", "/work-items", 403, headers=outsider, json={"reference": "X.no", "title": "T", "group": "ITU-T/SG17"})

    call("get", "/work-items?status=proposed&sort=title&per_page=2", 200)
    call("get", "/work-items?page=abc", 400)
    call("get", item, 200)
    call("get", "/work-items/424242", 404)
    call("patch", item, 200, headers=officer_token | {"If-Match": '"1"'}, json={"summary": "Scope", "is_public": False})
    call("patch", item, 409, headers=token | {"If-Match": '"1"'}, json={"title": "Stale"})
    call("patch", item, 428, headers=token, json={"title": "Blind"})
    call("patch", item, 422, headers=token, json={"version": 2, "status": "finished"})
    call("patch", item, 403, headers=outsider, json={"version": 2, "title": "Not mine"})
    call("post", f"{item}/links", 201, headers=token, json={"target": "A.1", "type": "supersedes", "note": "replaces"})
    call("post", f"{item}/links", 200, headers=token, json={"target": first.id, "type": "related"})
    call("post", f"{item}/links", 422, headers=token, json={"target": "Z.none", "type": "related"})
    call("get", f"{item}/links", 200, headers=token)
    call("get", f"/work-items/{first.id}/links", 200)
    call("get", f"{item}/history", 200, headers=token)
    call("delete", item, 400, headers=token | {"If-Match": "yesterday"})
    call("delete", item, 200, headers=token)
    call("delete", item, 409, headers=token)

    call("get", "/groups?body=ITU-T", 200)
    call("get", "/groups?colour=red", 400)
    call("get", "/groups/ITU-T/SG17/Q6", 200)
    call("get", "/groups/NO/SUCH", 404)
    call("get", "/bodies", 200)

    call("post", "/similar", 200, json={"title": "Age assurance framework", "keywords": ["age verification"]})
    call("post", "/similar", 422, json={"title": 5})
    call("get", f"/work-items/{second.id}/similar?k=3", 200)
    alerts = call("get", "/alerts?state=open", 200, headers=token).get_json()
    assert alerts["total"] == 1
    call("get", f"/alerts/{alerts['items'][0]['id']}", 200, headers=token)
    call("get", "/alerts?state=bogus", 422)
    alert = alerts["items"][0]
    decision = {"decision": "overlap", "note": "coordinate the texts", "version": alert["version"]}
    call("post", f"/alerts/{alert['id']}/decision", 200, headers=token, json=decision)
    call("post", f"/alerts/{alert['id']}/decision", 409, headers=token, json=decision | {"decision": "related"})
    call("post", f"/alerts/{alert['id']}/decision", 422, headers=token, json={"decision": "duplicate"})
    call("post", f"/alerts/{alert['id']}/reopen", 428, headers=token)
    call("post", f"/alerts/{alert['id']}/reopen", 200, headers=token | {"If-Match": f'"{alert["version"] + 1}"'})

    exercise_statement_api(call, factory)

    documented_successes = {
        (path, method, status)
        for path, item_spec in spec["paths"].items()
        for method, operation in item_spec.items()
        if method in METHODS
        for status in operation["responses"]
        if status.startswith("2")
    }
    assert sorted(documented_successes - call.seen) == [], "documented answers that no request above checked"


def _follow(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    return schema_check.resolve(spec, node["$ref"]) if "$ref" in node else node
