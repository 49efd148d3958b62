"""The secretariat's pages: bodies, groups and their contacts, users and their roles, the audit log.

Every route is ``admin_required``; the services check again, so a page can never do more than
the command line or the API would allow.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, Form, SelectField
from wtforms.validators import Optional

from liaison.accounts import operations as accounts
from liaison.accounts.forms import RoleForm, UserForm
from liaison.core.errors import NotFound, ValidationError
from liaison.db import get_session
from liaison.models import Contact, Group, Membership, User
from liaison.organisation import operations as organisation
from liaison.organisation.forms import BodyForm, ContactForm, GroupForm
from liaison.web.forms import choices
from liaison.web.session_auth import admin_required, current_user
from liaison.web.transaction import refusal_undone


class AuditFilterForm(Form):
    """Narrow the audit log (GET, no CSRF)."""

    object_type = SelectField(_l("Object"), choices=choices([("", "Any object")]), default="")
    actor = EmailField(_l("Done by (e-mail)"), validators=[Optional()])


bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50
#: The contact form shares its page with the group form: prefixed names keep ids and fields apart.
CONTACT_PREFIX = "contact"


@bp.route("/")
@admin_required
def index() -> Any:
    """Where each part of the administration lives."""
    return render_template("admin/index.html")


# Bodies -----------------------------------------------------------------------------------------


@bp.route("/bodies", methods=["GET", "POST"])
@admin_required
def bodies() -> Any:
    """The list of bodies, and the form that adds one."""
    db = get_session()
    form = BodyForm()
    if request.method == "POST":
        try:
            with refusal_undone():
                body = organisation.create_body(db, current_user(), form.values(BodyForm.FIELDS))
        except ValidationError as exc:
            form_errors = form.show_errors(exc.errors)
            return _render_bodies(form, form_errors), 422
        flash(_("Added the body %(code)s.", code=body.code), "success")
        return redirect(url_for(".bodies"))
    return _render_bodies(form)


def _render_bodies(form: BodyForm, form_errors: list[str] | None = None) -> str:
    tree = organisation.directory(get_session(), current_user())
    return render_template("admin/bodies.html", tree=tree, form=form, form_errors=form_errors)


@bp.route("/bodies/<id:body_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_body(body_id: int) -> Any:
    """Change a body's code, name, kind, web site or description."""
    db = get_session()
    body = organisation.get_body(db, body_id)
    form = BodyForm(obj=body)
    if request.method == "POST":
        try:
            with refusal_undone():
                organisation.update_body(db, current_user(), body, form.values(BodyForm.FIELDS))
        except ValidationError as exc:
            form_errors = form.show_errors(exc.errors)
            return render_template("admin/body_form.html", body=body, form=form, form_errors=form_errors), 422
        flash(_("Saved the body %(code)s.", code=body.code), "success")
        return redirect(url_for(".bodies"))
    return render_template("admin/body_form.html", body=body, form=form)


# Groups and contacts ----------------------------------------------------------------------------


@bp.route("/groups")
@admin_required
def groups() -> Any:
    """Every group as a tree under its body, each linking to its edit page."""
    return render_template("admin/groups.html", tree=organisation.directory(get_session(), current_user()))


def _group_form(group: Group | None = None, *, submitted: bool = True) -> GroupForm:
    """The group form: from the request when it was the one ``submitted``, else from ``group``."""
    db = get_session()
    if request.method == "POST" and submitted:
        form = GroupForm()
    else:
        form = GroupForm(formdata=None, obj=group)
        # Select fields compare text: ids from the model (or the query string) become strings.
        for name in ("body_id", "parent_id"):
            value = getattr(group, name) if group is not None else request.args.get(name)
            form[name].data = "" if value is None else str(value)
    form.body_id.choices = choices((str(b.id), b.code) for b in organisation.all_bodies(db))
    form.parent_id.choices = choices([("", _("None: a top-level group of its body"))] + [
        (str(g.id), g.code) for g in organisation.all_groups(db) if group is None or g.id != group.id
    ])
    return form


@bp.route("/groups/new", methods=["GET", "POST"])
@admin_required
def new_group() -> Any:
    """Add a group (``?body_id=`` and ``?parent_id=`` preselect its place in the tree)."""
    db = get_session()
    form = _group_form()
    if request.method == "POST":
        try:
            with refusal_undone():
                group = organisation.create_group(db, current_user(), form.values(GroupForm.FIELDS))
        except ValidationError as exc:
            form_errors = form.show_errors(exc.errors)
            return render_template("admin/group_new.html", form=form, form_errors=form_errors), 422
        flash(_("Added the group %(code)s. Add its liaison contacts below.", code=group.code), "success")
        return redirect(url_for(".edit_group", group_id=group.id))
    return render_template("admin/group_new.html", form=form)


@bp.route("/groups/<id:group_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_group(group_id: int) -> Any:
    """Change a group, and manage its contacts on the same page."""
    db = get_session()
    group = organisation.get_group(db, group_id)
    form = _group_form(group)
    if request.method == "POST":
        try:
            with refusal_undone():
                organisation.update_group(db, current_user(), group, form.values(GroupForm.FIELDS))
        except ValidationError as exc:
            form_errors = form.show_errors(exc.errors)
            return _render_group(organisation.get_group(db, group_id), form, form_errors=form_errors), 422
        flash(_("Saved the group %(code)s.", code=group.code), "success")
        return redirect(url_for(".edit_group", group_id=group.id))
    return _render_group(group, form)


def _render_group(
    group: Group, form: GroupForm, contact_form: ContactForm | None = None, form_errors: list[str] | None = None,
    contact_errors: list[str] | None = None,
) -> str:
    return render_template(
        "admin/group_edit.html",
        group=group,
        form=form,
        form_errors=form_errors,
        contact_form=contact_form or ContactForm(formdata=None, prefix=CONTACT_PREFIX),
        contact_errors=contact_errors,
    )


@bp.route("/groups/<id:group_id>/contacts", methods=["POST"])
@admin_required
def add_contact(group_id: int) -> Any:
    """Add a liaison contact to a group."""
    db = get_session()
    group = organisation.get_group(db, group_id)
    contact_form = ContactForm(prefix=CONTACT_PREFIX)
    try:
        with refusal_undone():
            contact = organisation.add_contact(db, current_user(), group, contact_form.values(ContactForm.FIELDS))
    except ValidationError as exc:
        contact_errors = contact_form.show_errors(exc.errors)
        group = organisation.get_group(db, group_id)
        return _render_group(group, _group_form(group, submitted=False), contact_form, contact_errors=contact_errors), 422
    flash(_("Added %(name)s as a contact of %(code)s.", name=contact.name, code=group.code), "success")
    return redirect(url_for(".edit_group", group_id=group.id, _anchor="contacts"))


@bp.route("/contacts/<id:contact_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_contact(contact_id: int) -> Any:
    """Change a contact's details."""
    db = get_session()
    contact = organisation.get_contact(db, contact_id)
    form = ContactForm(obj=contact)
    if request.method == "POST":
        try:
            with refusal_undone():
                organisation.update_contact(db, current_user(), contact, form.values(ContactForm.FIELDS))
        except ValidationError as exc:
            form_errors = form.show_errors(exc.errors)
            contact = organisation.get_contact(db, contact_id)
            return render_template("admin/contact_form.html", contact=contact, form=form, form_errors=form_errors), 422
        flash(_("Saved the contact %(name)s.", name=contact.name), "success")
        return redirect(url_for(".edit_group", group_id=contact.group_id, _anchor="contacts"))
    return render_template("admin/contact_form.html", contact=contact, form=form)


@bp.route("/contacts/<id:contact_id>/delete", methods=["POST"])
@admin_required
def remove_contact(contact_id: int) -> Any:
    """Remove a contact from its group."""
    db = get_session()
    contact: Contact = organisation.get_contact(db, contact_id)
    group_id, name = contact.group_id, contact.name
    organisation.remove_contact(db, current_user(), contact)
    flash(_("Removed the contact %(name)s.", name=name), "success")
    return redirect(url_for(".edit_group", group_id=group_id, _anchor="contacts"))


# Users and roles --------------------------------------------------------------------------------


@bp.route("/users")
@admin_required
def users() -> Any:
    """Accounts, searchable by name or e-mail, with their roles."""
    q = request.args.get("q", "").strip()
    page = accounts.search_users(get_session(), q, request.args.get("page", 1, type=int), PER_PAGE)
    return render_template("admin/users.html", page=page, q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user() -> Any:
    """Create an account; the person changes the initial password later."""
    db = get_session()
    form = UserForm()
    if request.method == "POST":
        try:
            with refusal_undone():
                user = accounts.create_user(
                    db, current_user(), form.email.data or "", form.name.data or "", form.password.data or "",
                    is_admin=bool(form.is_admin.data),
                )
        except ValidationError as exc:
            form_errors = form.show_errors(exc.errors)
            return render_template("admin/user_new.html", form=form, form_errors=form_errors), 422
        flash(_("Created the account %(email)s. Give it roles in groups below.", email=user.email), "success")
        return redirect(url_for(".user", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


def _role_form() -> RoleForm:
    form = RoleForm()
    form.group_id.choices = choices((str(g.id), g.code) for g in organisation.all_groups(get_session()))
    return form


@bp.route("/users/<id:user_id>")
@admin_required
def user(user_id: int) -> Any:
    """One account: its roles, grant and revoke them, activate or deactivate it."""
    db = get_session()
    return render_template("admin/user.html", user=accounts.get_user(db, user_id), role_form=_role_form())


@bp.route("/users/<id:user_id>/active", methods=["POST"])
@admin_required
def set_active(user_id: int) -> Any:
    """Activate (``active=1``) or deactivate (``active=0``) an account."""
    db = get_session()
    user = accounts.get_user(db, user_id)
    active = request.form.get("active") == "1"
    accounts.set_user_active(db, current_user(), user, active)
    if active:
        flash(_("%(email)s is active again.", email=user.email), "success")
    else:
        flash(_("%(email)s is deactivated: they can no longer log in.", email=user.email), "success")
    return redirect(url_for(".user", user_id=user.id))


@bp.route("/users/<id:user_id>/roles", methods=["POST"])
@admin_required
def grant_role(user_id: int) -> Any:
    """Give the user a role in a group."""
    db = get_session()
    user = accounts.get_user(db, user_id)
    form = _role_form()
    group = _group_or_none(form.group_id.data)
    if group is None:
        form.group_id.errors = ["Choose a group."]
        return render_template("admin/user.html", user=user, role_form=form), 422
    try:
        with refusal_undone():
            accounts.grant_role(db, current_user(), user, group, form.role.data or "")
    except ValidationError as exc:
        form.role.errors = [exc.errors.get("role", exc.message)]
        return render_template("admin/user.html", user=accounts.get_user(db, user_id), role_form=form), 422
    flash(_("%(name)s is now %(role)s of %(code)s.", name=user.name, role=form.role.data, code=group.code), "success")
    return redirect(url_for(".user", user_id=user.id))


def _group_or_none(raw: str | None) -> Group | None:
    try:
        return get_session().get(Group, int(raw or ""))
    except ValueError:
        return None


@bp.route("/users/<id:user_id>/roles/<id:membership_id>/delete", methods=["POST"])
@admin_required
def revoke_role(user_id: int, membership_id: int) -> Any:
    """Take a role away."""
    db = get_session()
    membership = db.get(Membership, membership_id)
    if membership is None or membership.user_id != user_id:
        raise NotFound("this role does not exist (any more)")
    user, group, role = membership.user, membership.group, membership.role
    accounts.revoke_role(db, current_user(), user, group, role)
    flash(_("%(name)s is no longer %(role)s of %(code)s.", name=user.name, role=role, code=group.code), "success")
    return redirect(url_for(".user", user_id=user_id))


# Audit log --------------------------------------------------------------------------------------


@bp.route("/audit")
@admin_required
def audit() -> Any:
    """Every recorded change, newest first, by kind of object and by who did it."""
    db = get_session()
    form = AuditFilterForm(request.args)
    form.object_type.choices = choices([("", _("Any object"))] + [(t, t.replace("_", " ")) for t in accounts.audit_object_types(db)])
    actor: User | None = None
    valid = form.validate()
    if valid and form.actor.data:
        try:
            actor = accounts.user_by_email(db, form.actor.data)
        except NotFound:
            form.actor.errors = [f"No account has the e-mail {form.actor.data}."]
            valid = False
    if not valid:
        return render_template("admin/audit.html", form=form, page=None, args={}), 400
    page = accounts.search_audit_events(
        db,
        object_type=form.object_type.data,
        actor_id=actor.id if actor else None,
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", form=form, page=page, args=args)


@bp.app_template_global()
def audit_object_url(object_type: str, object_id: str) -> str | None:
    """The page of an audited object, for the kinds that have one."""
    endpoints = {
        "work_item": ("items.detail", "item_id"),
        "group": ("groups.detail", "group_id"),
        "body": ("groups.body", "body_id"),
        "user": ("admin.user", "user_id"),
    }
    if object_type not in endpoints or not object_id.isdigit():
        return None
    endpoint, arg = endpoints[object_type]
    values: dict[str, Any] = {arg: int(object_id)}
    return url_for(endpoint, **values)

