"""Liaison-statement pages: the lists with their tabs, the statement with its thread, mail and history, the
LS form (outgoing and incoming, with attachments), every workflow step as a POST, drafts made from an
overlap alert, a work item or as a reply, the .docx, a printable view and the Atom feed of sent ones.

Every step calls its service; a refusal shows the service's own words with its status (403, 409, 422)
on the statement's page, never a 500.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Callable

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from liaison.core.errors import Conflict, NotFound, PermissionDenied, ServiceError, ValidationError
from liaison.core.permissions import can_chair_group, can_edit_group, can_see_item, require
from liaison.core.validators import parse_number, parse_version
from liaison.db import get_session
from liaison.documents import DOCX_MIMETYPE, build_document, render_html
from liaison.items.operations import get_work_item
from liaison.models import LiaisonStatement, User, utcnow
from liaison.models.statements import APPROVAL_LEVEL_LABELS
from liaison.organisation.operations import all_groups, editable_groups, group_by_code
from liaison.overlaps.operations import get_alert
from liaison.statements.attachments import (
    add_attachment,
    printable_filename,
    read_attachment,
    remove_attachment,
)
from liaison.statements.deliveries import RETRYABLE
from liaison.statements.edits import EDITABLE_STATES, REPLYABLE_STATES, require_editable
from liaison.statements.fields import FIELD_LABELS, clean_statement_fields
from liaison.statements.forms import (
    MORE_ROWS,
    PURPOSE_LABELS,
    ActionTakenForm,
    AlertDraftForm,
    RecordApprovalForm,
    StatementFilterForm,
    StatementForm,
)
from liaison.statements.mail import contact_addresses
from liaison.statements.numbering import reference_prefix
from liaison.statements.operations import (
    create_statement,
    draft_reply,
    draft_statement_from_alert,
    get_statement,
    update_statement,
)
from liaison.statements.permissions import (
    can_manage_statement,
    can_see_statement,
    disclosure,
    drafted_by,
    other_approvers,
)
from liaison.statements.presentation import (
    find_statement,
    open_actions_for,
    replies_to,
    retry_statement_delivery,
    sent_statements,
    statement_actions,
    statement_docx,
    statement_history,
    tabs_for,
    work_item_ids,
)
from liaison.statements.queries import TAB_LABELS, TABS, StatementFilters, count_tabs, search_statements
from liaison.statements.workflow import (
    approve_statement,
    close_statement,
    mark_action_taken,
    record_prior_approval,
    send_statement,
    submit_for_approval,
    withdraw_statement,
)
from liaison.web.addresses import current_url
from liaison.web.atom import FEED_LENGTH, Entry, atom_response
from liaison.web.forms import ConfirmForm, choices
from liaison.web.session_auth import current_user, login_required, signed_in_user
from liaison.web.transaction import refusal_undone

bp = Blueprint("statements", __name__, url_prefix="/statements")

_NO_ROLE = _l("You hold no role in any group yet: ask the group’s chair or the secretariat to give you one.")


def _statement(statement_id: int) -> LiaisonStatement:
    """The statement as the visitor may see it (everything loaded); 404 otherwise."""
    return get_statement(get_session(), current_user(), statement_id)


_ID_ARGUMENTS = {
    "item": _l("“item” must be the number of a work item (got “%(raw)s”)."),
    "alert": _l("“alert” must be the number of an overlap alert (got “%(raw)s”)."),
}


def _id_argument(name: str) -> int:
    """A numeric query argument such as ``?item=12``; 400 when it is not an id."""
    raw = request.args.get(name, "").strip()
    number = parse_number(raw)
    if number is None:
        abort(400, str(_ID_ARGUMENTS[name]) % {"raw": raw})
    return number


def _require_a_role(user: User) -> None:
    require(user.is_admin or bool(user.group_ids()), str(_NO_ROLE))


# --- lists and feed ---------------------------------------------------------------------------------


@bp.route("/")
def index() -> Any:
    """The statements the visitor may see, by tab, searched and filtered by group and date."""
    db = get_session()
    user = current_user()
    form = StatementFilterForm(request.args)
    form.group.choices = choices([("", _("Any group"))] + [(g.code, g.code) for g in all_groups(db)])
    tabs = tabs_for(user)
    tab = request.args.get("tab", "all")
    if tab not in TABS:
        abort(400, _("There is no tab “%(tab)s”; the tabs are: %(tabs)s.", tab=tab, tabs=", ".join(str(TAB_LABELS[t]) for t in tabs)))
    context = {
        "form": form,
        "tab": tab,
        "tabs": tabs,
        "counts": count_tabs(db, user),
        "tab_labels": TAB_LABELS,
        "can_create": user is not None and (user.is_admin or bool(user.group_ids())),
        "today": utcnow().date(),
    }
    if not form.validate():
        return render_template("statements/index.html", page=None, args={"tab": tab}, **context), 400
    filters = StatementFilters(
        tab=tab,
        q=(form.q.data or "").strip(),
        group=form.group.data or "",
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )
    page = search_statements(db, filters, user, request.args.get("page", 1, type=int), current_app.config["ITEMS_PER_PAGE"])
    # Pagination and tab links repeat the filters (not empty ones), so that page 2 is of the same search.
    args = {key: value for key, value in request.args.items() if value and key != "page"}
    filtered = any(key in args for key in ("q", "group", "date_from", "date_to"))
    return render_template("statements/index.html", page=page, args=args, filtered=filtered, **context)


@bp.route("/feed.atom")
def feed() -> Response:
    """Atom feed of the statements sent last; ``?group=CODE`` for one group (from or to it, sub-groups too)."""
    db = get_session()
    code = request.args.get("group", "").strip()
    group = group_by_code(db, code) if code else None
    title = _("Liaison statements sent by or to %(code)s", code=group.code) if group else _("Liaison statements sent")
    entries = [_feed_entry(ls) for ls in sent_statements(db, group, FEED_LENGTH)]
    alternate = url_for(".index", _external=True, tab="sent", group=code or None)
    return atom_response(title, current_url(), alternate, entries)


def _feed_entry(ls: LiaisonStatement) -> Entry:
    url = url_for(".detail", statement_id=ls.id, _external=True)
    source = ls.source_group.code if ls.source_group is not None else ls.source_text
    to = "; ".join(f"{r.public_label} ({PURPOSE_LABELS.get(r.purpose, r.purpose)})" for r in ls.recipients)
    summary = _("From %(source)s to %(recipients)s.", source=source, recipients=to)
    if ls.abstract:
        summary += "\n\n" + ls.abstract
    return Entry(
        id=url,
        title=f"{ls.reference}: {ls.title}" if ls.reference else ls.title,
        link=url,
        updated=ls.updated_at,
        published=ls.sent_at,
        summary=summary,
        categories=tuple(dict.fromkeys([source, *(r.group.code for r in ls.recipients if r.group is not None)])),
    )


# --- one statement ----------------------------------------------------------------------------------


@bp.route("/<id:statement_id>")
def detail(statement_id: int) -> Any:
    """Every field of the LS form, recipients and their actions, mail, thread, history and the steps."""
    return _render_detail(_statement(statement_id))


def _render_detail(
    ls: LiaisonStatement,
    *,
    status: int = 200,
    refusal: ServiceError | None = None,
    approval_form: RecordApprovalForm | None = None,
) -> Any:
    db = get_session()
    user = current_user()
    actions = statement_actions(user, ls)
    original = ls.in_reply_to
    # A chair who drafted the statement reads why they may (sole chair) or may not approve it.
    own_draft = (
        ls.state == "pending_approval" and user is not None and drafted_by(user, ls)
        and ls.source_group_id is not None and can_chair_group(user, ls.source_group_id)
    )
    return render_template(
        "statements/detail.html",
        ls=ls,
        actions=actions,
        open_actions=open_actions_for(user, ls),
        replies=replies_to(db, user, ls),
        original_visible=original is not None and can_see_statement(user, original),
        shown=disclosure(user, ls),
        events=statement_history(db, user, ls),
        recipient_labels={r.id: r.label for r in ls.recipients},
        retry_statuses=RETRYABLE if user is not None and user.is_admin else ("failed",),
        approval_form=approval_form or RecordApprovalForm(formdata=None, version=str(ls.version)),
        approval_labels=APPROVAL_LEVEL_LABELS,
        refusal=refusal,
        purpose_labels=PURPOSE_LABELS,
        field_labels=FIELD_LABELS,
        own_draft=own_draft,
        other_approvers=other_approvers(user, ls) if own_draft and user is not None else [],
        today=utcnow().date(),
    ), status


@bp.route("/<id:statement_id>/document.docx")
def document(statement_id: int) -> Response:
    """The statement as an ITU-style Word document."""
    filename, data = statement_docx(
        current_user(), _statement(statement_id), current_app.config["LIAISON_STUDY_PERIOD"]
    )
    return send_file(io.BytesIO(data), mimetype=DOCX_MIMETYPE, as_attachment=True, download_name=filename)


@bp.route("/<id:statement_id>/print")
def printable(statement_id: int) -> Any:
    """The LS form alone, laid out for paper (no navigation)."""
    ls = _statement(statement_id)
    # render_html escapes every value itself (its own autoescaping Jinja environment, built to embed).
    doc = build_document(ls, disclosure(current_user(), ls), study_period=current_app.config["LIAISON_STUDY_PERIOD"])
    article = Markup(render_html(doc, standalone=False))
    return render_template("statements/print.html", ls=ls, article=article)


@bp.route("/<id:statement_id>/attachments/<id:attachment_id>")
def attachment(statement_id: int, attachment_id: int) -> Response:
    """Download an attachment; always as a file, never shown inline (it could be crafted HTML or script)."""
    ls = _statement(statement_id)
    found = next((a for a in ls.attachments if a.id == attachment_id), None)
    if found is None:
        raise NotFound(f"statement {statement_id} has no attachment {attachment_id}")
    data = read_attachment(current_app.config["LIAISON_UPLOAD_DIR"], found)
    response = send_file(
        io.BytesIO(data), mimetype=found.content_type, as_attachment=True,
        download_name=printable_filename(found.filename) or "attachment",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- workflow steps ---------------------------------------------------------------------------------

Step = Callable[[LiaisonStatement, User, int | None], str]


def _run_step(statement_id: int, step: Step) -> Any:
    """Run one workflow step with the version the page showed; flash its result or show its refusal."""
    ls = _statement(statement_id)
    version = parse_version(ConfirmForm().version.data)
    try:
        with refusal_undone():
            message = step(ls, signed_in_user(), version)
    except ServiceError as exc:
        return _render_detail(_statement(statement_id), status=exc.status, refusal=exc)
    flash(message, "success")
    return redirect(url_for(".detail", statement_id=statement_id))


def _step_route(rule: str, endpoint: str, doc: str) -> Callable[[Step], Step]:
    """Register ``step`` as ``POST /<id>/<rule>``, for logged-in people only."""

    def register(step: Step) -> Step:
        def view(statement_id: int) -> Any:
            return _run_step(statement_id, step)

        view.__doc__ = doc
        bp.add_url_rule(f"/<id:statement_id>/{rule}", endpoint, login_required(view), methods=["POST"])
        return step

    return register


@_step_route("submit", "submit", "Ask the source group's chairs to approve the draft.")
def _submit(ls: LiaisonStatement, user: User, version: int | None) -> str:
    submit_for_approval(get_session(), user, ls, expected_version=version)
    group = ls.source_group.code if ls.source_group is not None else "the source group"
    return f"Submitted for approval: the chairs of {group} were asked by mail."


@_step_route("approve", "approve", "Approve the statement (chairs of the source group, admins).")
def _approve(ls: LiaisonStatement, user: User, version: int | None) -> str:
    approve_statement(get_session(), user, ls, expected_version=version)
    return "Approved. It can now be sent."


@bp.route("/<id:statement_id>/send", methods=["GET", "POST"])
@login_required
def send(statement_id: int) -> Any:
    """Sending cannot be undone: a page says what will happen (its number, who gets it), and only its
    "Send now" (``confirmed=yes``) numbers the statement and queues its mail."""
    if request.method == "POST" and request.form.get("confirmed") == "yes":
        return _run_step(statement_id, _send)
    ls = _statement(statement_id)
    if not statement_actions(current_user(), ls).send:
        refusal: ServiceError = Conflict(f"a statement that is {ls.state_label.lower()} cannot be sent now")
        if not can_manage_statement(current_user(), ls):
            refusal = PermissionDenied("only officers and chairs of the statement's group (or an admin) may send it")
        return _render_detail(ls, status=refusal.status, refusal=refusal)
    addresses = {r.id: [a.email for a in contact_addresses(r)] for r in ls.recipients}
    prefix = reference_prefix(ls.source_group) if ls.source_group is not None else ""
    return render_template(
        "statements/send.html", ls=ls, addresses=addresses, prefix=prefix,
        study_period=current_app.config["LIAISON_STUDY_PERIOD"], form=ConfirmForm(formdata=None, version=str(ls.version)),
    )


def _send(ls: LiaisonStatement, user: User, version: int | None) -> str:
    upload_dir = current_app.config["LIAISON_UPLOAD_DIR"]
    study_period = current_app.config["LIAISON_STUDY_PERIOD"]
    send_statement(get_session(), user, ls, upload_dir=upload_dir, study_period=study_period, expected_version=version)
    count = len(ls.deliveries)
    return f"Sent as {ls.reference}: {count} mail{'s' if count != 1 else ''} queued. Their delivery shows below."


@_step_route("withdraw", "withdraw", "Withdraw a statement that was not sent (or an incoming one logged by mistake).")
def _withdraw(ls: LiaisonStatement, user: User, version: int | None) -> str:
    withdraw_statement(get_session(), user, ls, expected_version=version)
    return "Withdrawn. It stays on record."


@_step_route("close", "close", "Close the statement: nothing more is expected, and reminders stop.")
def _close(ls: LiaisonStatement, user: User, version: int | None) -> str:
    close_statement(get_session(), user, ls, expected_version=version)
    return "Closed. Deadline reminders stop."


@bp.route("/<id:statement_id>/record-approval", methods=["POST"])
@login_required
def record_approval(statement_id: int) -> Any:
    """Record an approval already obtained elsewhere (a meeting), with its evidence."""
    db = get_session()
    ls = _statement(statement_id)
    form = RecordApprovalForm()
    try:
        with refusal_undone():
            approved_on = _date((form.approved_on.data or "").strip(), "approved_on")
            record_prior_approval(
                db, current_user(), ls, form.evidence.data or "", approved_on=approved_on,
                expected_version=parse_version(form.version.data),
            )
    except ValidationError as exc:
        form.evidence.errors = [exc.errors[k] for k in ("approval_evidence",) if k in exc.errors]
        form.approved_on.errors = [exc.errors[k] for k in ("approved_on",) if k in exc.errors]
        # What the statement itself lacks (require_complete) is shown above the buttons, as for any step.
        lacking = {k: v for k, v in exc.errors.items() if k not in ("approval_evidence", "approved_on")}
        refusal = ValidationError(lacking, exc.message) if lacking else None
        return _render_detail(_statement(statement_id), status=422, refusal=refusal, approval_form=form)
    except ServiceError as exc:
        return _render_detail(_statement(statement_id), status=exc.status, refusal=exc)
    flash(_("Recorded the approval. The statement can now be sent."), "success")
    return redirect(url_for(".detail", statement_id=statement_id))


def _date(raw: str, name: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: f"“{raw}” is not a date as YYYY-MM-DD"}) from None


@bp.route("/<id:statement_id>/recipients/<id:recipient_id>/action-taken", methods=["POST"])
@login_required
def action_taken(statement_id: int, recipient_id: int) -> Any:
    """Record that one recipient did what the statement asked (its reminders stop)."""
    form = ActionTakenForm()

    def step(ls: LiaisonStatement, user: User, _version: int | None) -> str:
        recipient = next((r for r in ls.recipients if r.id == recipient_id), None)
        if recipient is None:
            raise NotFound(f"statement {statement_id} has no recipient {recipient_id}")
        mark_action_taken(get_session(), user, recipient, form.note.data or "")
        return f"Marked the action of {recipient.label} as taken."

    return _run_step(statement_id, step)


@bp.route("/<id:statement_id>/deliveries/<id:delivery_id>/retry", methods=["POST"])
@login_required
def retry(statement_id: int, delivery_id: int) -> Any:
    """Queue a failed mail of the statement again."""

    def step(ls: LiaisonStatement, user: User, _version: int | None) -> str:
        delivery = retry_statement_delivery(get_session(), user, ls, delivery_id)
        return f"The mail to {delivery.address} is queued again."

    return _run_step(statement_id, step)


@bp.route("/<id:statement_id>/attachments/<id:attachment_id>/remove", methods=["POST"])
@login_required
def remove(statement_id: int, attachment_id: int) -> Any:
    """Take a file off the statement (an approved statement goes back to draft, as for any change)."""

    def step(ls: LiaisonStatement, user: User, version: int | None) -> str:
        found = next((a for a in ls.attachments if a.id == attachment_id), None)
        if found is None:
            raise NotFound(f"statement {statement_id} has no attachment {attachment_id}")
        remove_attachment(get_session(), user, found, version)
        return f"Removed {found.filename}."

    return _run_step(statement_id, step)


# --- drafting ---------------------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> Any:
    """Draft an outgoing statement; ``?item=<id>`` starts from a work item, ``?alert=<id>`` from an overlap."""
    user = signed_in_user()
    _require_a_role(user)
    if request.method == "GET" and "alert" in request.args:
        return _render_alert_draft(_id_argument("alert"), AlertDraftForm(formdata=None))
    form = StatementForm(direction="outgoing")
    if request.method == "POST":
        return _save(form, None)
    _prefill(form, user)
    return _render_form(form, None)


@bp.route("/incoming/new", methods=["GET", "POST"])
@login_required
def log_incoming() -> Any:
    """Log a statement another body sent to one of our groups."""
    user = signed_in_user()
    _require_a_role(user)
    form = StatementForm(direction="incoming")
    if request.method == "POST":
        return _save(form, None)
    return _render_form(form, None)


@bp.route("/<id:statement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(statement_id: int) -> Any:
    """Change a statement. The form carries the version it showed, so a concurrent change is never lost."""
    ls = _statement(statement_id)
    require(
        can_manage_statement(current_user(), ls),
        "Only officers and chairs of the statement's group (or an admin) may change it.",
    )
    if request.method == "POST":
        # A statement sent meanwhile is refused by the service, and the form comes back with what was typed.
        return _save(StatementForm(direction=ls.direction), ls)
    try:
        require_editable(ls)
    except Conflict as exc:
        # The statement's own page, saying why: sent (as what, when), or withdrawn.
        return _render_detail(ls, status=exc.status, refusal=exc)
    form = StatementForm(formdata=None, direction=ls.direction)
    form.load(ls)
    return _render_form(form, ls)


@bp.route("/from-alert/<id:alert_id>", methods=["POST"])
@login_required
def draft_from_alert(alert_id: int) -> Any:
    """Draft a statement to the other group of an overlap alert, then edit it."""
    db = get_session()
    user = current_user()
    alert = get_alert(db, alert_id, user)
    form = AlertDraftForm()
    if not form.validate():
        return _render_alert_draft(alert_id, form, status=422)
    ls = draft_statement_from_alert(db, user, alert, purpose=form.purpose.data, deadline_days=form.deadline_days.data)
    flash(_("Drafted a statement about the overlap: check every field, save it, then submit it for approval."), "success")
    return redirect(url_for(".edit", statement_id=ls.id))


def _render_alert_draft(alert_id: int, form: AlertDraftForm, status: int = 200) -> Any:
    alert = get_alert(get_session(), alert_id, current_user())
    return render_template("statements/from_alert.html", alert=alert, form=form), status


@bp.route("/<id:statement_id>/reply", methods=["GET", "POST"])
@login_required
def reply(statement_id: int) -> Any:
    """Draft the reply to a statement (from a group it was addressed to, back to its source)."""
    db = get_session()
    user = current_user()
    original = _statement(statement_id)
    if original.state not in REPLYABLE_STATES:
        raise Conflict("Only a statement that was sent or received can be replied to.")
    require(
        statement_actions(user, original).reply,
        "Only officers and chairs of a group the statement was addressed to may reply to it.",
    )
    if request.method == "GET":
        return render_template("statements/reply.html", original=original, form=ConfirmForm(formdata=None))
    answer = draft_reply(db, user, original)
    flash(_("Drafted the reply: write what your group answers, then save it and submit it for approval."), "success")
    return redirect(url_for(".edit", statement_id=answer.id))


def _prefill(form: StatementForm, user: User) -> None:
    """A new outgoing draft: the drafter as first contact, their group if they have one, and the work item
    of ``?item=<id>`` (its reference, group and Question)."""
    db = get_session()
    groups = editable_groups(db, user)
    if len(groups) == 1:
        form.source_group.data = groups[0].code
    form.contacts.append_entry({"name": user.name, "email": user.email})
    if "item" not in request.args:
        return
    item = get_work_item(db, _id_argument("item"))
    if not can_see_item(user, item):
        raise NotFound(f"no work item with id {item.id}")
    form.work_items.data = item.reference
    form.title.data = _("Liaison statement on %(reference)s “%(title)s”", reference=item.reference, title=item.title)
    form.questions.data = item.question
    if can_edit_group(user, item.group_id):
        form.source_group.data = item.group.code


def _render_form(
    form: StatementForm,
    ls: LiaisonStatement | None,
    *,
    status: int = 200,
    extra_rows: int = 0,
    form_errors: list[str] | None = None,
    conflict: dict[str, Any] | None = None,
) -> Any:
    db = get_session()
    user = current_user()
    groups = all_groups(db)
    everyone = [(g.code, g.code if g.name == g.code else f"{g.code} — {g.name}") for g in groups]
    if form.direction == "outgoing":
        mine = editable_groups(db, user)
        if not mine:
            abort(403, str(_NO_ROLE))
        sources = [(g.code, g.code if g.name == g.code else f"{g.code} — {g.name}") for g in mine]
        if len(sources) > 1:
            sources.insert(0, ("", _("Choose a group…")))
    else:
        sources = [("", _("Not a group listed here (say who below)"))] + everyone
    form.add_blank_rows(extra_rows)
    form.set_group_choices(choices(sources), choices([("", _("Choose a group…"))] + everyone))
    return render_template(
        "statements/form.html", form=form, ls=ls, form_errors=form_errors, conflict=conflict
    ), status


def _save(form: StatementForm, ls: LiaisonStatement | None) -> Any:
    """Create or change the statement from the submitted form, with its new attachment, in one transaction.

    Any refusal re-renders the form with everything typed still in it (only a chosen file must be
    chosen again: browsers never refill file fields).
    """
    db = get_session()
    user = current_user()
    if "more_rows" in request.form:
        return _render_form(form, ls, extra_rows=MORE_ROWS)
    entered = form.statement_input()
    errors = _resolve_references(form, entered.data)
    upload = request.files.get("attachment")
    stage = "statement"
    try:
        with refusal_undone():
            if errors:
                # Report the service's findings in the same answer, so the form is corrected in one go.
                try:
                    clean_statement_fields(db, entered.data, ls=ls, partial=ls is not None)
                except ValidationError as exc:
                    errors = {**exc.errors, **errors}
                raise ValidationError(errors)
            backdate_days = current_app.config["LIAISON_INCOMING_BACKDATE_DAYS"]
            if ls is None:
                saved = create_statement(db, user, entered.data, backdate_days=backdate_days)
            else:
                saved = update_statement(
                    db, user, ls, entered.data, parse_version(form.version.data), backdate_days=backdate_days
                )
            if upload is not None and upload.filename:
                stage = "attachment"
                add_attachment(
                    db, user, saved, current_app.config["LIAISON_UPLOAD_DIR"], filename=upload.filename,
                    data=upload.read(), title=form.attachment_title.data or "", expected_version=saved.version,
                )
    except ValidationError as exc:
        aliases = {"title": "attachment_title"} if stage == "attachment" else None
        form_errors = form.show_errors(exc.errors, aliases, entered.rows)
        if upload is not None and upload.filename and stage == "statement":
            form.attachment.errors = [*form.attachment.errors, "Nothing was saved: choose the file again."]
        return _render_form(form, _reloaded(ls), status=422, form_errors=form_errors)
    except Conflict as exc:
        if ls is None:
            raise
        return _render_conflict(form, ls.id, exc)
    flash(_saved_message(saved, ls is None), "success")
    return redirect(url_for(".detail", statement_id=saved.id))


def _resolve_references(form: StatementForm, data: dict[str, Any]) -> dict[str, str]:
    """Turn the work-item references and the "in reply to" typed into ids; errors for what names nothing."""
    db = get_session()
    errors: dict[str, str] = {}
    ids, missing = work_item_ids(db, form.references())
    data["work_items"] = ids
    if missing:
        errors["work_items"] = f"no work item has the reference {', '.join(repr(r) for r in missing)}"
    text = (form.in_reply_to.data or "").strip()
    data["in_reply_to"] = None
    if text:
        original = find_statement(db, current_user(), text)
        if original is None:
            errors["in_reply_to"] = (
                f"no statement {text!r}: give our reference (SG17-LS123) or the number of an incoming statement (#12)"
            )
        else:
            data["in_reply_to"] = original.id
    return errors


def _reloaded(ls: LiaisonStatement | None) -> LiaisonStatement | None:
    return None if ls is None else _statement(ls.id)


def _saved_message(ls: LiaisonStatement, created: bool) -> str:
    if ls.direction == "incoming":
        return "Logged the incoming statement; your groups asked to act were told by mail." if created else "Saved."
    if created:
        return "Drafted. When it is complete, submit it for approval (or record an approval already obtained)."
    return f"Saved (version {ls.version}); the statement is a {ls.state_label.lower()}."


def _render_conflict(form: StatementForm, statement_id: int, exc: Conflict) -> Any:
    """The form again with the person's input, and what happened meanwhile.

    When the statement can still be changed, the hidden version moves to the current one: saving
    again is then a deliberate choice to replace the other change, made after reading this.
    """
    db = get_session()
    ls = _statement(statement_id)
    editable = ls.state in EDITABLE_STATES[ls.direction] and can_manage_statement(current_user(), ls)
    if editable:
        form.set_version(ls.version)
    editor = db.get(User, ls.updated_by_id) if ls.updated_by_id else None
    conflict = {"message": exc.message, "editor": editor.name if editor else "someone else", "editable": editable}
    return _render_form(form, ls, status=409, conflict=conflict)
