"""Work-item pages: the searchable list, the detail page with history and links, and the forms to
register, edit, withdraw, restore and link items."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from liaison.core.errors import Conflict, NotFound, ValidationError
from liaison.core.permissions import can_edit_item, can_see_item, require
from liaison.core.validators import parse_version
from liaison.db import get_session
from liaison.indexing import current_index
from liaison.items.fields import clean_item_fields
from liaison.items.forms import (
    LINK_CHOICES,
    ImportForm,
    ItemFilterForm,
    ItemForm,
    LinkForm,
    RestoreForm,
)
from liaison.items.importing import format_for_name, import_records, import_template, read_rows, sniff_format
from liaison.items.operations import (
    create_work_item,
    get_work_item,
    link_items,
    link_note_error,
    links_of,
    require_may_register,
    restore_work_item,
    unlink_items,
    update_work_item,
    withdraw_work_item,
)
from liaison.items.queries import (
    ItemFilters,
    item_by_reference,
    search_work_items,
    status_before_withdrawal,
    visible_history,
    visible_items_by_reference,
)
from liaison.items.schemas import EDITABLE_FIELDS
from liaison.models import SYMMETRIC_LINK_TYPES, ItemLink, User, WorkItem
from liaison.organisation.operations import all_bodies, all_groups, editable_groups
from liaison.overlaps.operations import (
    SHOWN_FLOOR,
    SimilarItem,
    overlaps_of_item,
    raise_alerts_after_import,
    similar_to_text,
)
from liaison.overlaps.review import STATE_LABELS, can_review
from liaison.web.forms import ConfirmForm, choices
from liaison.web.session_auth import current_user, login_required, signed_in_user
from liaison.web.transaction import refusal_undone

bp = Blueprint("items", __name__, url_prefix="/items")

#: How a link reads from an item's side, in the reader's language: the link form's own words.
_LINK_PHRASES = dict(LINK_CHOICES)
_EDIT_DENIED = "You may only change the work items of groups where you hold a role."
#: The link form shares the detail page with the restore form: prefixed names keep ids apart.
LINK_PREFIX = "link"
#: Results counted past the start of a page of the item list; beyond, the page says "more than".
SEARCH_COUNT_LIMIT = 1000


@bp.app_template_filter("audit_value")
def audit_value(value: Any) -> str:
    """One side of an audit change as a person reads it (editors by name, lists joined, no JSON)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(
            _editor_text(v) if isinstance(v, dict) else audit_value(v) for v in value if v not in (None, "")
        ) or "—"
    if isinstance(value, dict):
        return _editor_text(value)
    return str(value)


def _editor_text(editor: dict[str, Any]) -> str:
    name = str(editor.get("name", ""))
    extra = ", ".join(str(editor[k]) for k in ("affiliation", "email") if editor.get(k))
    return f"{name} ({extra})" if extra else name


@bp.route("/")
def index() -> Any:
    """Search, filter, sort and page through the items the visitor may see."""
    db = get_session()
    form = ItemFilterForm(request.args)
    form.body.choices = choices([("", _("Any body"))] + [(b.code, b.code) for b in all_bodies(db)])
    form.group.choices = choices([("", _("Any group"))] + [(g.code, g.code) for g in all_groups(db)])
    user = current_user()
    can_create = user is not None and (user.is_admin or bool(user.group_ids()))
    if not form.validate():
        return render_template("items/index.html", form=form, page=None, args={}, can_create=can_create), 400
    q = (form.q.data or "").strip()
    if not request.args.get("sort"):
        # A search lists its best matches first unless the person chose another order.
        form.sort.data = "relevance" if q else "updated"
    filters = ItemFilters(
        q=q,
        body=form.body.data,
        group=form.group.data,
        status=form.status.data,
        type=form.type.data,
        updated_from=form.updated_from.data,
        updated_to=form.updated_to.data,
        sort=form.sort.data,
    )
    # People read "more than 1,000" as well as an exact figure, and counting all 40,000 items that
    # mention a common word took 200 ms of every such search; the API still counts exactly.
    page = search_work_items(
        db, filters, user, request.args.get("page", 1, type=int), current_app.config["ITEMS_PER_PAGE"],
        count_limit=SEARCH_COUNT_LIMIT,
    )
    # Pagination links repeat the filters, without empty ones, so that page 2 is page 2 of the same search.
    args = {key: [v for v in values if v] for key, values in request.args.lists() if key != "page"}
    args = {key: values for key, values in args.items() if values}
    filtered = any(key != "sort" for key in args)
    return render_template(
        "items/index.html", form=form, page=page, args=args, filtered=filtered, can_create=can_create
    )


def _visible_item(item_id: int) -> WorkItem:
    item = get_work_item(get_session(), item_id)
    if not can_see_item(current_user(), item):
        raise NotFound(f"no work item with id {item_id}")
    return item


def _group_choices(user: User, *, placeholder: bool) -> list[SelectChoice]:
    """The groups ``user`` may put items in; with ``placeholder``, a first empty option if there is a choice."""
    groups = editable_groups(get_session(), user)
    if not groups:
        abort(403, _("You hold no role in any group yet: ask the group’s chair or the secretariat to give you one."))
    options = [(g.code, g.code if g.name == g.code else f"{g.code} — {g.name}") for g in groups]
    if placeholder and len(options) > 1:
        options.insert(0, ("", _("Choose a group…")))
    return choices(options)


@bp.route("/<id:item_id>")
def detail(item_id: int) -> Any:
    """Every field of an item, its links to other items and its full history."""
    return _render_detail(_visible_item(item_id))


def _render_detail(item: WorkItem, link_form: LinkForm | None = None, status: int = 200) -> Any:
    db = get_session()
    user = current_user()
    can_edit = can_edit_item(user, item)
    links = []
    for link in links_of(db, item):
        other = link.target if link.source_id == item.id else link.source
        if can_see_item(user, other):
            links.append({
                "link": link,
                "other": other,
                "phrase": _link_phrase(link, item),
                # The link service lets officers of either item's group remove it.
                "removable": can_edit or can_edit_item(user, other),
            })
    return render_template(
        "items/detail.html",
        item=item,
        links=links,
        events=visible_history(db, item, user),
        can_edit=can_edit,
        link_form=link_form or (LinkForm(formdata=None, prefix=LINK_PREFIX) if can_edit else None),
        restore_form=_restore_form(item) if item.status == "withdrawn" and can_edit else None,
        overlaps=overlaps_of_item(db, item, user),
        equivalents=visible_items_by_reference(db, list(item.equivalents or []), user),
        can_review=can_review(user),
        STATE_LABELS=STATE_LABELS,
    ), status


def _link_phrase(link: ItemLink, item: WorkItem) -> str:
    if link.type in SYMMETRIC_LINK_TYPES or link.source_id == item.id:
        return str(_LINK_PHRASES[link.type])
    return str(_LINK_PHRASES["superseded_by"])


def _restore_form(item: WorkItem) -> RestoreForm:
    return RestoreForm(
        formdata=None, version=str(item.version), status=status_before_withdrawal(get_session(), item)
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create() -> Any:
    """Register a new item in one of the user's groups."""
    db = get_session()
    user = signed_in_user()
    form = ItemForm()
    form.group.choices = _group_choices(user, placeholder=True)
    if request.method == "GET":
        form.group.data = request.args.get("group", "")
        return render_template("items/form.html", form=form, item=None)
    values = form.values(EDITABLE_FIELDS)
    try:
        with refusal_undone():
            overlaps = [] if _overlaps_acknowledged() else _likely_overlaps(values)
            if overlaps:
                # Without JavaScript nobody saw them while typing: show them now, before anything is stored.
                return render_template("items/form.html", form=form, item=None, overlaps=overlaps)
            item = create_work_item(db, user, values)
    except ValidationError as exc:
        form_errors = form.show_errors(exc.errors)
        return render_template("items/form.html", form=form, item=None, form_errors=form_errors), 422
    flash(_saved_message(_("Registered %(reference)s.", reference=item.reference), item), "success")
    return redirect(url_for(".detail", item_id=item.id))


def _saved_message(done: str, item: WorkItem) -> Markup:
    """``done``, then the open alerts the item now has, each linked, so that officers see what their work raised."""
    found = overlaps_of_item(get_session(), item, current_user(), states=("open",))
    message = Markup("{}").format(done)
    if not found:
        return message
    links = [
        Markup('<a href="{}">{}</a> ({}{:.2f})').format(
            url_for(".detail", item_id=entry.other.id), entry.other.reference, _("score") + " " if n == 0 else "",
            entry.alert.score,
        )
        for n, entry in enumerate(found)
    ]
    # The links are escaped Markup and the URL comes from url_for: the sentence around them is the catalog's.
    return message + Markup(" ") + Markup(
        ngettext(
            'It may overlap %(num)d item: %(links)s. <a href="%(url)s">See its overlaps</a>.',
            'It may overlap %(num)d items: %(links)s. <a href="%(url)s">See its overlaps</a>.',
            len(found),
            links=Markup(", ").join(links),
            url=url_for(".detail", item_id=item.id, _anchor="overlaps"),
        )
    )


def _overlaps_acknowledged() -> bool:
    # "Save anyway" after the overlaps were shown, or the script showed them live while typing.
    return bool(request.form.get("save_anyway") or request.form.get("overlaps_seen"))


def _likely_overlaps(values: dict[str, Any]) -> list[SimilarItem]:
    """Stored items that would raise an alert with this draft (nothing when the draft is invalid)."""
    db = get_session()
    # Refused drafts see no overlaps: someone without a role in the group is told so first.
    require_may_register(current_user(), clean_item_fields(db, values)["group_id"])
    index = current_index()
    found = similar_to_text(db, index, current_user(), values, k=5)
    threshold = index.engine.threshold if index.engine is not None else 1.0
    return [match for match in found if match.score >= threshold]


def _alert_threshold() -> float:
    return current_index().current_model(get_session()).threshold


@bp.context_processor
def _similar_panel() -> dict[str, Any]:
    # The check-as-you-type script shows matches from the floor up, and a percentage only for those an
    # alert would be raised for: a 1% "match" reads as a measurement, not as a hint worth a look.
    return {"similar_floor": SHOWN_FLOOR, "alert_threshold": _alert_threshold}


@bp.route("/<id:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(item_id: int) -> Any:
    """Change an item. The form carries the version it showed, so a concurrent change is never overwritten."""
    db = get_session()
    user = signed_in_user()
    item = get_work_item(db, item_id)
    require(can_edit_item(user, item), _EDIT_DENIED)
    form = ItemForm()
    form.group.choices = _group_choices(user, placeholder=False)
    if request.method == "GET":
        form.load(item)
        return render_template("items/form.html", form=form, item=item)
    try:
        with refusal_undone():
            update_work_item(
                db, user, item, form.values(EDITABLE_FIELDS), parse_version(form.version.data), partial=False
            )
    except ValidationError as exc:
        form_errors = form.show_errors(exc.errors)
        return render_template("items/form.html", form=form, item=item, form_errors=form_errors), 422
    except Conflict:
        return _render_conflict(form, get_work_item(db, item_id))
    flash(_saved_message(_("Saved %(reference)s (version %(version)s).", reference=item.reference, version=item.version), item), "success")
    return redirect(url_for(".detail", item_id=item.id))


def _render_conflict(form: ItemForm, item: WorkItem) -> Any:
    """The edit form again with the person's input, beside what the other person stored.

    The hidden version moves to the current one: sending the form again is a deliberate choice
    to replace the other change, made after seeing it.
    """
    stored = ItemForm(formdata=None)
    stored.load(item)
    differences = [
        (field.label.text, _shown(stored[field.name].data), _shown(field.data))
        for field in form
        if field.name in EDITABLE_FIELDS and _shown(stored[field.name].data) != _shown(field.data)
    ]
    form.set_version(item.version)
    editor = item.updated_by.name if item.updated_by else "someone else"
    return render_template(
        "items/form.html", form=form, item=item, conflict={"editor": editor, "differences": differences}
    ), 409


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "\n".join(" ".join(line.split()) for line in str(value or "").strip().splitlines())


@bp.route("/<id:item_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(item_id: int) -> Any:
    """Ask, then withdraw: the item stays, marked withdrawn, and can be restored."""
    db = get_session()
    user = current_user()
    item = get_work_item(db, item_id)
    require(can_edit_item(user, item), _EDIT_DENIED)
    form = ConfirmForm(version=str(item.version))
    if request.method == "GET":
        if item.status == "withdrawn":
            raise Conflict(f"{item.reference} is already withdrawn.")
        return render_template("items/withdraw.html", item=item, form=form)
    withdraw_work_item(db, user, item, parse_version(form.version.data))
    flash(_("Withdrew %(reference)s. You can restore it from this page.", reference=item.reference), "success")
    return redirect(url_for(".detail", item_id=item.id))


@bp.route("/<id:item_id>/restore", methods=["POST"])
@login_required
def restore(item_id: int) -> Any:
    """Undo a withdrawal: set the status back (by default to the one it had)."""
    db = get_session()
    user = current_user()
    item = get_work_item(db, item_id)
    form = RestoreForm()
    restore_work_item(db, user, item, parse_version(form.version.data), form.status.data or None)
    flash(_("Restored %(reference)s as %(status)s.", reference=item.reference, status=item.status), "success")
    return redirect(url_for(".detail", item_id=item.id))


@bp.route("/<id:item_id>/links", methods=["POST"])
@login_required
def add_link(item_id: int) -> Any:
    """Link this item to another one, named by its reference."""
    db = get_session()
    user = current_user()
    item = _visible_item(item_id)
    form = LinkForm(prefix=LINK_PREFIX)
    reference = (form.target.data or "").strip()
    target = item_by_reference(db, reference) if reference else None
    note = (form.note.data or "").strip()
    if target is None or not can_see_item(user, target):
        form.target.errors = [f"No work item has the reference “{reference}”." if reference else "Give a reference."]
    note_error = link_note_error(note)
    if note_error:
        form.note.errors = [note_error]
    if target is None or form.target.errors or form.note.errors:
        return _render_detail(item, form, 422)
    if form.type.data == "superseded_by":
        source, other, link_type = target, item, "supersedes"
    else:
        source, other, link_type = item, target, form.type.data
    try:
        with refusal_undone():
            link_items(db, user, source, other, link_type, note)
    except ValidationError as exc:
        form.show_errors(exc.errors)
        return _render_detail(item, form, 422)
    flash(_("Linked %(reference)s and %(reference2)s.", reference=item.reference, reference2=target.reference), "success")
    return redirect(url_for(".detail", item_id=item.id, _anchor="links"))


@bp.route("/<id:item_id>/links/<id:link_id>/delete", methods=["POST"])
@login_required
def remove_link(item_id: int, link_id: int) -> Any:
    """Remove a link (its history stays in the audit log)."""
    db = get_session()
    link = db.get(ItemLink, link_id)
    if link is None or item_id not in (link.source_id, link.target_id):
        raise NotFound("this link does not exist (any more)")
    unlink_items(db, current_user(), link)
    flash(_("Removed the link."), "success")
    return redirect(url_for(".detail", item_id=item_id, _anchor="links"))


#: The largest file the browser import takes (a work programme of a few thousand items); larger
#: ones go through ``liaison items import``.
MAX_IMPORT_BYTES = 2 * 1024 * 1024


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_items() -> Any:
    """Bulk import from the browser: upload, read the dry run line by line, then import what was checked.

    The same service as ``liaison items import``, with the person's roles: an officer imports into
    their groups (and sub-groups) only; admins may create groups on the way.
    """
    user = signed_in_user()
    require(
        user.is_admin or bool(user.group_ids()),
        _("Importing work items is for officers, chairs and admins: ask the secretariat for a role in your group."),
    )
    form = ImportForm()
    if request.method == "GET":
        return render_template("items/import.html", form=form, report=None)
    importing = bool(request.form.get("import"))
    try:
        name, text = _import_source(form, importing)
    except ValidationError as exc:
        form.file.errors = [exc.errors.get("file", exc.message)]
        return render_template("items/import.html", form=form, report=None), 422
    db = get_session()
    fmt = format_for_name(name) or sniff_format(text.partition("\n")[0])
    report = import_records(db, user, read_rows(io.StringIO(text, newline=""), fmt), dry_run=not importing, per_line=True)
    if importing and report.changed_ids:
        raise_alerts_after_import(db, current_index(), report.changed_ids)
    form.content.data, form.filename.data = text, name
    status = 200 if report.accepted or not report.rejected else 422
    return render_template("items/import.html", form=form, report=report, filename=name, fmt=fmt), status


def _import_source(form: ImportForm, importing: bool) -> tuple[str, str]:
    """The file's name and text: the upload when checking, the checked text when importing."""
    if importing:
        text, name = form.content.data or "", form.filename.data or ""
    else:
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError({"file": _("choose a CSV or JSON Lines file to check")})
        raw = upload.read(MAX_IMPORT_BYTES + 1)
        if len(raw) > MAX_IMPORT_BYTES:
            raise ValidationError({
                "file": _(
                    "at most %(size)d MB here; larger files go through `liaison items import`",
                    size=MAX_IMPORT_BYTES // (1024 * 1024),
                )
            })
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": _("the file is not UTF-8 text: save it as CSV (UTF-8) or JSON Lines")}) from None
        name = upload.filename
    if "\x00" in text:
        raise ValidationError({"file": _("the file holds NUL characters: it is not a CSV or JSON Lines text")})
    if not text.strip():
        raise ValidationError({"file": _("the file is empty")})
    return name, text


@bp.route("/import/template.<any(csv, jsonl):fmt>")
@login_required
def import_template_file(fmt: str) -> Any:
    """A file to fill in: the columns an import reads and one example row."""
    mimetype = "text/csv" if fmt == "csv" else "application/x-ndjson"
    return current_app.response_class(
        import_template(fmt), mimetype=f"{mimetype}; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=work-items-template.{fmt}"},
    )
