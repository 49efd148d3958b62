"""The OpenAPI 3.1 document of the JSON API, built from one :class:`Resource` per group of endpoints.

To document new endpoints, write a ``Resource`` (its paths, and the schemas only it uses) with
the helpers below and add it to ``RESOURCES``. The schemas are not written here: they are the JSON
Schema of the pydantic classes in each domain's ``schemas`` module (:func:`liaison.core.schemas.openapi_schemas`),
the classes the endpoints read requests and build answers with. ``tests/web/api/test_openapi.py`` fails for any route
under ``/api/v1`` that no resource documents, for any documented path that has no route, and
for any answer of the real endpoints that does not match its documented schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from flask import Response, current_app, jsonify

from liaison.core.schemas import PageQuery, Problem, openapi_schemas, query_parameters
from liaison.documents import DOCX_MIMETYPE
from liaison.items import schemas as items
from liaison.models.base import MAX_ID
from liaison.organisation import schemas as directory
from liaison.overlaps import schemas as alerts
from liaison.statements import schemas as statements
from liaison.web.api import bp

Schema = dict[str, Any]

PROBLEM_DESCRIPTIONS = {
    400: "The query string or the body cannot be read (malformed JSON, a bad parameter): see `detail` and `errors`.",
    401: "The bearer token is missing (writes need one), unknown or revoked.",
    403: "The caller holds no role in the group concerned.",
    404: "There is no such thing, or the caller may not see it.",
    409: "The change was based on an old version, or clashes with what is stored: reload and try again.",
    413: "The body is larger than the caller may send (anonymous callers: much less than signed-in ones).",
    415: "The body must be sent with `Content-Type: application/json`.",
    422: "The body was read but a field is invalid: `errors` names each field and what is wrong.",
    428: "Say which version you edited: `If-Match: \"<version>\"` or a `version` field in the body.",
    429: "Too many requests from this address: wait for the seconds `Retry-After` says, or sign in.",
}


@dataclass(frozen=True)
class Resource:
    """The documentation of one group of endpoints: a tag, its paths and the schemas it adds."""

    tag: str
    description: str
    paths: Mapping[str, Mapping[str, Any]]
    schemas: Mapping[str, Schema] = field(default_factory=dict)


def ref(name: str) -> Schema:
    """A reference to the schema ``name`` in ``components``."""
    return {"$ref": f"#/components/schemas/{name}"}


def answer(description: str, schema: Schema | None = None, headers: Sequence[str] = ()) -> dict[str, Any]:
    """A successful response with a JSON body of ``schema`` and the named ``components.headers``."""
    response: dict[str, Any] = {"description": description}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    if headers:
        response["headers"] = {name: {"$ref": f"#/components/headers/{name}"} for name in headers}
    return response


def problems(*statuses: int) -> dict[str, Any]:
    """The problem responses ``statuses`` (each a shared component)."""
    return {str(status): {"$ref": f"#/components/responses/Problem{status}"} for status in statuses}


def operation(
    operation_id: str,
    summary: str,
    responses: Mapping[str, Any],
    *,
    parameters: Sequence[Mapping[str, Any]] = (),
    body: str | None = None,
    json_only: bool = True,
    write: bool = False,
    description: str = "",
) -> dict[str, Any]:
    """One operation. ``write`` ones need the bearer token; reads take it or nothing (anonymous).

    A ``body`` that cannot be read is a 400; ``json_only`` adds the 415 for one sent as another media type.
    """
    spec: dict[str, Any] = {"operationId": operation_id, "summary": summary, "responses": dict(responses)}
    if description:
        spec["description"] = description
    if parameters:
        spec["parameters"] = list(parameters)
    if body is not None:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(body)}}}
        spec["responses"] |= problems(400, 413, 415) if json_only else problems(400, 413)
    # Reads take a token or nothing (anonymous); a token that is sent must be good, even for a read.
    spec["security"] = [{"bearerAuth": []}] if write else [{}, {"bearerAuth": []}]
    spec["responses"] |= problems(401)
    return spec


def parameter(name: str) -> dict[str, Any]:
    """A reference to the shared parameter ``name``."""
    return {"$ref": f"#/components/parameters/{name}"}


def query(name: str, description: str, schema: Schema, *, explode: bool = False) -> dict[str, Any]:
    """A query parameter."""
    spec = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if explode:
        spec |= {"style": "form", "explode": True}
    return spec


#: The paging parameters, documented once as components (``per_page``'s limit is a setting).
PAGE_FIELDS = tuple(PageQuery.model_fields)
PAGING = [parameter(name) for name in PAGE_FIELDS]


# --- Work items (liaison/items/schemas.py) ----------------------------------------------------------

_TEXT = {"type": "string"}

_ITEM_ID = parameter("item_id")

WORK_ITEMS = Resource(
    tag="work items",
    description="The registry of COP work items, their links and their history.",
    schemas=openapi_schemas(
        [items.WorkItem, items.WorkItemInput, items.WorkItemPatch, items.WorkItemPage, items.LinkInput, items.LinkList,
         items.History]
    ),
    paths={
        "/work-items": {
            "get": operation(
                "listWorkItems",
                "Search and filter work items",
                {"200": answer("One page of items.", ref("WorkItemPage"), ["Link"])} | problems(400),
                parameters=query_parameters(items.WorkItemQuery, PAGE_FIELDS),
                description="Anonymous callers see public items only. Unknown parameters are refused (400).",
            ),
            "post": operation(
                "createWorkItem",
                "Register a work item",
                {"201": answer("The stored item.", ref("WorkItem"), ["Location", "ETag"])} | problems(403, 409, 422),
                body="WorkItemInput",
                write=True,
                description="The caller must hold a role in the item's group (admins: any group).",
            ),
        },
        "/work-items/{item_id}": {
            "parameters": [_ITEM_ID],
            "get": operation(
                "getWorkItem", "Read a work item", {"200": answer("The item.", ref("WorkItem"), ["ETag"])} | problems(404)
            ),
            "patch": operation(
                "updateWorkItem",
                "Change some fields of a work item",
                {"200": answer("The changed item.", ref("WorkItem"), ["ETag"])} | problems(403, 404, 409, 422, 428),
                parameters=[parameter("If-Match")],
                body="WorkItemPatch",
                write=True,
                description="Send the version you edited as `If-Match` (the ETag of your GET) or as `version` "
                "in the body. Without it the answer is 428; if someone changed the item since, 409 and "
                "nothing is stored.",
            ),
            "delete": operation(
                "withdrawWorkItem",
                "Withdraw a work item",
                {"200": answer("The item, now withdrawn.", ref("WorkItem"), ["ETag"])} | problems(400, 403, 404, 409),
                parameters=[parameter("If-Match")],
                write=True,
                description="Nothing is erased: the item's status becomes `withdrawn` and its history stays. "
                "PATCH `status` to bring it back. If-Match is optional here; when sent it must be current "
                "(409 otherwise). Withdrawing a withdrawn item is a 409.",
            ),
        },
        "/work-items/{item_id}/links": {
            "parameters": [_ITEM_ID],
            "get": operation(
                "listWorkItemLinks",
                "The typed links of a work item, both ways",
                {"200": answer("Links, oldest first.", ref("LinkList"))} | problems(404),
                description="Links to items the caller may not see are left out.",
            ),
            "post": operation(
                "linkWorkItem",
                "Link a work item to another",
                {
                    "201": answer("The new link, as seen from this item.", ref("Link")),
                    "200": answer("The two items were linked already: the link now has this type and note.", ref("Link")),
                }
                | problems(403, 404, 409, 422),
                body="LinkInput",
                write=True,
                description="The caller must hold a role in the group of either item.",
            ),
        },
        "/work-items/{item_id}/history": {
            "parameters": [_ITEM_ID],
            "get": operation(
                "getWorkItemHistory",
                "The audit history of a work item",
                {"200": answer("Events, newest first (at most 200).", ref("History"))} | problems(404),
            ),
        },
    },
)


# --- Bodies and groups ------------------------------------------------------------------------

ORGANISATION = Resource(
    tag="directory",
    description="Bodies and their groups, with liaison contacts.",
    schemas=openapi_schemas([directory.GroupPage, directory.Group, directory.BodyPage]),
    paths={
        "/groups": {
            "get": operation(
                "listGroups",
                "Groups, by code",
                {"200": answer("One page of groups.", ref("GroupPage"), ["Link"])} | problems(400),
                parameters=query_parameters(directory.GroupQuery, PAGE_FIELDS),
            ),
        },
        "/groups/{code}": {
            "get": operation(
                "getGroup",
                "Read a group",
                {"200": answer("The group.", ref("Group"))} | problems(404),
                parameters=[
                    {
                        "name": "code",
                        "in": "path",
                        "required": True,
                        "description": "The group's code; its slashes may be sent as they are: `/groups/ITU-T/SG17/Q6`.",
                        "schema": _TEXT,
                    }
                ],
            ),
        },
        "/bodies": {
            "get": operation(
                "listBodies",
                "Bodies, by code, with how many groups each has",
                {"200": answer("One page of bodies.", ref("BodyPage"), ["Link"])} | problems(400),
                parameters=query_parameters(directory.BodyQuery, PAGE_FIELDS),
            ),
        },
    },
)


# --- Overlaps (liaison/overlaps/api.py, schemas.py) ------------------------------------------------------

_ALERT_ID = {
    "name": "alert_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}
}


OVERLAPS = Resource(
    tag="overlaps",
    description="Items alike to a draft or to an item, and the overlap alerts that chairs decide.",
    schemas=openapi_schemas(
        [alerts.SimilarQuery, alerts.SimilarMatches, alerts.ItemSimilarMatches, alerts.Alert, alerts.AlertPage]
    ),
    paths={
        "/similar": {
            "post": operation(
                "findSimilar",
                "Stored items alike to a draft (check-as-you-type)",
                {"200": answer("The best matches first.", ref("SimilarMatches"))} | problems(422, 429),
                body="SimilarQuery",
                json_only=False,
                description="Reads only: anonymous callers get public items. Nothing typed yet: no matches. "
                "Each field is bounded as a work item's is; anonymous callers are limited per address.",
            ),
        },
        "/work-items/{item_id}/similar": {
            "parameters": [_ITEM_ID],
            "get": operation(
                "findItemsSimilarToItem",
                "Stored items alike to an item",
                {"200": answer("The best matches first; never the item itself.", ref("ItemSimilarMatches"))}
                | problems(404, 422),
                parameters=[query("k", "How many matches.", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10})],
            ),
        },
        "/alerts": {
            "get": operation(
                "listAlerts",
                "Overlap alerts, highest score first",
                {"200": answer("One page of alerts.", ref("AlertPage"))} | problems(422),
                parameters=query_parameters(alerts.AlertQuery),
                description="Anonymous callers see decided alerts between public items only; open alerts "
                "are for people who log in. Bad parameters are a 422 here.",
            ),
        },
        "/alerts/{alert_id}": {
            "get": operation(
                "getAlert",
                "Read an overlap alert",
                {"200": answer("The alert with its score breakdown and reasons.", ref("Alert"))} | problems(404),
                parameters=[_ALERT_ID],
            ),
        },
    },
)


# --- Review of alerts (liaison/overlaps/review_api.py) --------------------------------------------------

_CONFLICT_NOTE = (
    "If the alert changed since the version you read (another chair decided it), the answer is 409 with "
    "the alert as it now is in `current`, and nothing is stored."
)


def _reopen_operation() -> dict[str, Any]:
    spec = operation(
        "reopenAlert",
        "Undo the decision on an alert",
        {"200": answer("The alert, open again.", ref("Alert"), ["ETag"])} | problems(403, 404, 409, 422, 428),
        parameters=[parameter("If-Match")],
        body="ReopenInput",
        write=True,
        description="The alert is open again; a link its decision created is removed, and a link made by "
        "hand is given back as it was. Say which version you are undoing (`If-Match` or `version`): "
        "without it the answer is 428. " + _CONFLICT_NOTE,
    )
    spec["requestBody"]["required"] = False
    return spec


REVIEW = Resource(
    tag="review",
    description="Chairs' decisions on overlap alerts.",
    schemas=openapi_schemas([alerts.DecisionInput, alerts.ReopenInput]),
    paths={
        "/alerts/{alert_id}/decision": {
            "parameters": [_ALERT_ID],
            "post": operation(
                "decideAlert",
                "Decide an overlap alert",
                {"200": answer("The decided alert.", ref("Alert"), ["ETag"])} | problems(403, 404, 409, 422),
                parameters=[parameter("If-Match")],
                body="DecisionInput",
                write=True,
                description="`duplicate`, `overlap` and `related` link the two items (`duplicates`, `overlaps`, "
                "`related`); `not_overlap` keeps the pair quiet until either text changes materially. Allowed "
                "to a chair of either item's group, a chair of the coordination group (CWG-COP) and admins. "
                "Without a version the decision is accepted only on an open alert. " + _CONFLICT_NOTE,
            ),
        },
        "/alerts/{alert_id}/reopen": {"parameters": [_ALERT_ID], "post": _reopen_operation()},
    },
)


# --- Liaison statements (liaison/statements/api.py, schemas.py) -------------------------------------

_LS_ID = {
    "name": "statement_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
}


def _ls_step(operation_id: str, summary: str, statuses: Sequence[int], description: str) -> dict[str, Any]:
    return {
        "parameters": [_LS_ID],
        "post": operation(
            operation_id,
            summary,
            {"200": answer("The statement in its new state.", ref("LiaisonStatement"), ["ETag"])}
            | problems(400, 403, 404, 409, *statuses),
            parameters=[parameter("If-Match")],
            write=True,
            description=description + " If-Match is optional; when sent it must be current (409 otherwise).",
        ),
    }


LIAISON_STATEMENTS = Resource(
    tag="liaison statements",
    description="Liaison statements (the ITU LS form): drafting, approval, sending by mail, incoming ones.",
    schemas=openapi_schemas(
        [
            statements.LiaisonStatement,
            statements.LiaisonStatementInput,
            statements.LiaisonStatementPatch,
            statements.StatementRecipientInput,
            statements.StatementContactInput,
            statements.LiaisonStatementPage,
        ]
    ),
    paths={
        "/liaison-statements": {
            "get": operation(
                "listLiaisonStatements",
                "Search liaison statements",
                {"200": answer("One page of statements, newest first.", ref("LiaisonStatementPage"), ["Link"])}
                | problems(400),
                parameters=query_parameters(statements.LiaisonStatementQuery, PAGE_FIELDS),
                description="Anonymous callers see the statements sent (and answered or closed) and those received "
                "from other bodies; drafts, those awaiting approval and withdrawn ones are for their groups.",
            ),
            "post": operation(
                "createLiaisonStatement",
                "Draft a liaison statement, or log an incoming one",
                {"201": answer("The stored statement.", ref("LiaisonStatement"), ["Location", "ETag"])}
                | problems(403, 422),
                body="LiaisonStatementInput",
                write=True,
                description="An outgoing draft needs a role in `source_group`; an incoming statement needs a role in "
                "one of the groups it is addressed to (their officers and chairs are told by mail).",
            ),
        },
        "/liaison-statements/{statement_id}": {
            "parameters": [_LS_ID],
            "get": operation(
                "getLiaisonStatement",
                "Read a liaison statement",
                {"200": answer("The statement.", ref("LiaisonStatement"), ["ETag"])} | problems(404),
            ),
            "patch": operation(
                "updateLiaisonStatement",
                "Change some fields of a liaison statement",
                {"200": answer("The changed statement.", ref("LiaisonStatement"), ["ETag"])}
                | problems(403, 404, 409, 422, 428),
                parameters=[parameter("If-Match")],
                body="LiaisonStatementPatch",
                write=True,
                description="Send the version you edited as `If-Match` or `version` (428 without); 409 if it changed "
                "since, or if it can no longer be changed (sent, withdrawn).",
            ),
        },
        "/liaison-statements/{statement_id}/submit": _ls_step(
            "submitLiaisonStatement", "Submit a draft for approval", (422,),
            "The source group's chairs are asked by mail. 422 lists what a complete statement still lacks.",
        ),
        "/liaison-statements/{statement_id}/approve": _ls_step(
            "approveLiaisonStatement", "Approve a statement", (),
            "A chair of the source group, or an admin, approves a statement pending approval.",
        ),
        "/liaison-statements/{statement_id}/send": _ls_step(
            "sendLiaisonStatement", "Send an approved statement", (422,),
            "It gets our reference (`SG17-LS123`) and its mail is queued, one delivery per address; "
            "`deliveries` shows each. 422 when a recipient group has no contact with an e-mail address.",
        ),
        "/liaison-statements/{statement_id}/withdraw": _ls_step(
            "withdrawLiaisonStatement", "Withdraw a statement", (),
            "Any statement not yet sent (or an incoming one logged by mistake); it stays on record.",
        ),
        "/liaison-statements/{statement_id}/document.docx": {
            "parameters": [_LS_ID],
            "get": operation(
                "getLiaisonStatementDocument",
                "The statement as a Word document",
                {
                    "200": {
                        "description": "The ITU-style LS form as .docx, as an attachment.",
                        "content": {DOCX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}},
                    }
                }
                | problems(404),
            ),
        },
    },
)


# --- This document ----------------------------------------------------------------------------

META = Resource(
    tag="meta",
    description="About the API itself.",
    paths={
        "/openapi.json": {
            "get": operation(
                "getOpenApi", "This document", {"200": answer("The OpenAPI 3.1 document.", {"type": "object"})}
            ),
        },
    },
)

#: Every documented resource; add new ones here.
RESOURCES: tuple[Resource, ...] = (WORK_ITEMS, ORGANISATION, OVERLAPS, REVIEW, LIAISON_STATEMENTS, META)

_DESCRIPTION = """\
The registry of child-online-protection work items across ITU and other bodies.

**Who may do what.** Reads are public (Resolution 1306: no password protection) and show public
items only; a bearer token (`liaison tokens create --email ...`) or the browser's login session
shows private items too. Writes need `Authorization: Bearer <token>` and a role in the group concerned.

**Errors** are `application/problem+json` (RFC 9457) with a `detail` that says what to do, and for
invalid input an `errors` object naming each field.

**Concurrent edits.** Every item has a `version`, given as its `ETag`. A PATCH must say which version
it edited (`If-Match` or `version`): without it the answer is 428, and if the item changed meanwhile
409 with nothing stored.

**Deleting** an item withdraws it (status `withdrawn`): nothing is lost, and a PATCH of `status`
brings it back.

**Lists** are paged (`page`, `per_page`) and answer `{items, page, per_page, total, pages}` with a
`Link` header (rel first, prev, next, last).
"""


def document(max_per_page: int) -> dict[str, Any]:
    """The whole OpenAPI document; ``max_per_page`` is the ``API_MAX_PER_PAGE`` setting the API enforces."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Schema] = openapi_schemas([Problem])
    for resource in RESOURCES:
        for path, spec in resource.paths.items():
            if path in paths:
                raise ValueError(f"{path} is documented twice")
            paths[path] = _tagged(spec, resource.tag)
        for name, schema in resource.schemas.items():
            if name in schemas:
                raise ValueError(f"schema {name} is defined twice")
            schemas[name] = schema
    return {
        "openapi": "3.1.0",
        "info": {"title": "liaison API", "version": "1.0.0", "description": _DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": r.tag, "description": r.description} for r in RESOURCES],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": _parameters(max_per_page),
            "headers": _HEADERS,
            "responses": {
                f"Problem{status}": {
                    "description": text,
                    "content": {"application/problem+json": {"schema": ref("Problem")}},
                }
                for status, text in PROBLEM_DESCRIPTIONS.items()
            },
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token from `liaison tokens create`; needed for every write.",
                }
            },
        },
    }


def _tagged(path_item: Mapping[str, Any], tag: str) -> dict[str, Any]:
    return {key: (value | {"tags": [tag]} if key != "parameters" else value) for key, value in path_item.items()}


def _parameters(max_per_page: int) -> dict[str, Any]:
    return {
        "item_id": {
            "name": "item_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        },
        **_page_parameters(max_per_page),
        "If-Match": {
            "name": "If-Match",
            "in": "header",
            "required": False,
            "description": 'The version you edited, as the ETag gave it: `"3"` (also accepted: `3`, `W/"3"`).',
            "schema": _TEXT,
        },
    }


def _page_parameters(max_per_page: int) -> dict[str, Any]:
    """The components ``page`` and ``per_page``, from :class:`PageQuery` with the ``API_MAX_PER_PAGE`` setting."""
    page = {spec["name"]: spec for spec in query_parameters(PageQuery)}
    per_page = page["per_page"]
    per_page["description"] = f"{per_page['description'].rstrip('.')}, at most {max_per_page}."
    per_page["schema"] = per_page["schema"] | {"maximum": max_per_page}
    return page


_HEADERS = {
    "ETag": {"description": 'The item\'s version, e.g. `"3"`: send it back as If-Match.', "schema": _TEXT},
    "Location": {"description": "Where the new item can be read.", "schema": _TEXT},
    "Link": {"description": "First, previous, next and last pages (RFC 8288).", "schema": _TEXT},
}


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """This API described as OpenAPI 3.1."""
    return jsonify(document(current_app.config["API_MAX_PER_PAGE"]))
