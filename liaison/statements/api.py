"""Liaison statements over JSON: list, read, draft (or log an incoming one), change, the workflow steps, and
the .docx.

A statement is the dict of :func:`liaison.statements.operations.statement_as_dict` (mail deliveries only for
those who handle it); input takes the same names. Changes need the version the caller read (``If-Match``
or a ``version`` field); the workflow steps take ``If-Match`` when the caller wants the same guarantee.
"""

from __future__ import annotations

from typing import Any, Callable

from flask import Response, current_app, jsonify, url_for
from sqlalchemy.orm import Session

from liaison.db import get_session
from liaison.documents import DOCX_MIMETYPE
from liaison.models import LiaisonStatement, User
from liaison.statements.operations import create_statement, get_statement, update_statement
from liaison.statements.presentation import search_statement_page, statement_as_dict_for, statement_docx
from liaison.statements.queries import StatementFilters
from liaison.statements.schemas import LiaisonStatementQuery
from liaison.statements.workflow import (
    approve_statement,
    send_statement,
    submit_for_approval,
    withdraw_statement,
)
from liaison.web.api import bp
from liaison.web.api.auth import api_user, api_viewer, token_required
from liaison.web.api.params import expected_version, json_object, page_response, read_args


@bp.get("/liaison-statements")
def list_statements() -> Response:
    """One page of the statements the caller may see (anonymous callers: sent and incoming ones), newest first."""
    query = read_args(LiaisonStatementQuery)
    filters = StatementFilters(q=query.q, group=query.group)
    viewer = api_viewer()
    result = search_statement_page(
        get_session(),
        viewer,
        filters,
        states=query.state,
        direction=query.direction,
        page=query.page,
        per_page=query.per_page,
    )
    return page_response(result, [statement_as_dict_for(viewer, ls) for ls in result.items])


@bp.post("/liaison-statements")
@token_required
def create_statement_view() -> Response:
    """Draft an outgoing statement, or log an incoming one; 201 with ``Location``."""
    data = json_object()
    session = get_session()
    ls = create_statement(
        session, api_user(), data, backdate_days=current_app.config["LIAISON_INCOMING_BACKDATE_DAYS"]
    )
    response = statement_response(ls, 201)
    response.headers["Location"] = url_for(".get_statement_view", statement_id=ls.id)
    return response


@bp.get("/liaison-statements/<id:statement_id>")
def get_statement_view(statement_id: int) -> Response:
    """One statement, with its version as the ``ETag``."""
    return statement_response(visible_statement(statement_id))


@bp.patch("/liaison-statements/<id:statement_id>")
@token_required
def update_statement_view(statement_id: int) -> Response:
    """Change the fields sent (all others stay), if the version the caller edited is still current."""
    body = json_object()
    ls = visible_statement(statement_id)
    version = expected_version(body, required=True)
    session = get_session()
    update_statement(
        session, api_user(), ls, body, version, backdate_days=current_app.config["LIAISON_INCOMING_BACKDATE_DAYS"]
    )
    return statement_response(ls)


def _send(session: Session, actor: User | None, ls: LiaisonStatement, *, expected_version: int | None) -> Any:
    return send_statement(
        session,
        actor,
        ls,
        upload_dir=current_app.config["LIAISON_UPLOAD_DIR"],
        study_period=current_app.config["LIAISON_STUDY_PERIOD"],
        expected_version=expected_version,
    )


#: ``POST /liaison-statements/<id>/<step>``: each runs its workflow service with the caller and If-Match.
STEPS: dict[str, tuple[Callable[..., Any], str]] = {
    "submit": (submit_for_approval, "Ask the source group's chairs to approve a complete draft."),
    "approve": (approve_statement, "Approve a statement pending approval (a chair of its group, or an admin)."),
    "send": (_send, "Number an approved statement and queue its mail to every recipient."),
    "withdraw": (withdraw_statement, "Withdraw a statement that was not sent."),
}


def _step_view(step: Callable[..., Any], doc: str) -> Callable[[int], Response]:
    @token_required
    def view(statement_id: int) -> Response:
        ls = visible_statement(statement_id)
        version = expected_version(None, required=False)
        session = get_session()
        step(session, api_user(), ls, expected_version=version)
        return statement_response(ls)

    view.__doc__ = doc
    return view


for _name, (_step, _doc) in STEPS.items():
    bp.add_url_rule(
        f"/liaison-statements/<id:statement_id>/{_name}",
        f"{_name}_statement",
        _step_view(_step, _doc),
        methods=["POST"],
    )


@bp.get("/liaison-statements/<id:statement_id>/document.docx")
def statement_document(statement_id: int) -> Response:
    """The statement as an ITU-style Word document."""
    filename, data = statement_docx(
        api_viewer(), visible_statement(statement_id), current_app.config["LIAISON_STUDY_PERIOD"]
    )
    response = Response(data, mimetype=DOCX_MIMETYPE)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def visible_statement(statement_id: int) -> LiaisonStatement:
    """The statement with ``statement_id`` if the caller may see it; otherwise 404 (drafts stay unknown)."""
    return get_statement(get_session(), api_viewer(), statement_id)


def statement_response(ls: LiaisonStatement, status: int = 200) -> Response:
    """The statement as JSON with ``ETag: "<version>"`` (what ``If-Match`` sends back)."""
    viewer: User | None = api_viewer()
    response = jsonify(statement_as_dict_for(viewer, ls))
    response.status_code = status
    response.set_etag(str(ls.version))
    return response

