"""Accounts: creating users, granting roles, checking passwords and API tokens; the secretariat's
view of users and of the audit log."""

from __future__ import annotations

import hashlib
import secrets

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from liaison.core.audit import record_event
from liaison.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from liaison.core.pagination import Page, paginate
from liaison.core.queries import contains_pattern
from liaison.core.validators import is_email
from liaison.languages import INTERFACE_LANGUAGES
from liaison.models import ROLES, ApiToken, AuditEvent, Group, Membership, User, utcnow

MIN_PASSWORD_LENGTH = 10
# Checked against when the e-mail is unknown, so that a wrong address costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password")


def normalise_email(email: str) -> str:
    """E-mail addresses compare without case or surrounding blanks."""
    return email.strip().lower()


def user_by_email(session: Session, email: str) -> User:
    """The user with ``email``, or :class:`NotFound`."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(_("no user with e-mail %(email)s", email=repr(email)))
    return user


def create_user(
    session: Session, actor: User | None, email: str, name: str, password: str, *, is_admin: bool = False
) -> User:
    """A new account; the password is kept only as a salted hash."""
    require_admin(actor)
    email = normalise_email(email)
    errors = {}
    if not is_email(email):
        errors["email"] = _("%(email)s is not an e-mail address", email=repr(email))
    elif session.scalar(select(func.count()).where(User.email == email)):
        errors["email"] = _("there is already an account for %(email)s", email=email)
    if not name.strip():
        errors["name"] = _("a name is required")
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = _("at least %(MIN_PASSWORD_LENGTH)s characters", MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH)
    if errors:
        raise ValidationError(errors)
    user = User(email=email, name=name.strip(), password_hash=generate_password_hash(password), is_admin=is_admin)
    session.add(user)
    session.flush()
    record_event(session, actor, "user.create", "user", user.id, f"Created account {email}", {"admin": [None, is_admin]})
    return user


def set_password(session: Session, actor: User | None, user: User, password: str) -> None:
    """Replace ``user``'s password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError({"password": _("at least %(MIN_PASSWORD_LENGTH)s characters", MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH)})
    user.password_hash = generate_password_hash(password)
    session.flush()
    record_event(session, actor, "user.password", "user", user.id, f"Changed the password of {user.email}")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (without saying which part was wrong)."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.is_active or not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


def grant_role(session: Session, actor: User | None, user: User, group: Group, role: str) -> Membership:
    """Give ``user`` ``role`` in ``group`` (doing nothing if they hold it already)."""
    require_admin(actor)
    if role not in ROLES:
        raise ValidationError({"role": _("must be one of: %(value)s", value=', '.join(ROLES))})
    existing = session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.group_id == group.id, Membership.role == role)
    )
    if existing is not None:
        return existing
    membership = Membership(user=user, group=group, role=role)
    session.add(membership)
    session.flush()
    record_event(
        session, actor, "membership.grant", "user", user.id, f"{user.email} is now {role} of {group.code}",
        {"role": [None, f"{role}@{group.code}"]},
    )
    return membership


def revoke_role(session: Session, actor: User | None, user: User, group: Group, role: str) -> None:
    """Take ``role`` in ``group`` away from ``user``."""
    require_admin(actor)
    membership = session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.group_id == group.id, Membership.role == role)
    )
    if membership is None:
        raise NotFound(_("%(user_email)s is not %(role)s of %(group_code)s", user_email=user.email, role=role, group_code=group.code))
    session.delete(membership)
    session.flush()
    record_event(
        session, actor, "membership.revoke", "user", user.id, f"{user.email} is no longer {role} of {group.code}",
        {"role": [f"{role}@{group.code}", None]},
    )


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, actor: User | None, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``: returns the row and the token itself, which is never stored or shown again."""
    plaintext = "lsn_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip()[:100], prefix=plaintext[:12], token_hash=_hash_token(plaintext))
    session.add(token)
    session.flush()
    record_event(session, actor, "token.create", "user", user.id, f"API token {token.prefix}... for {user.email}")
    return token, plaintext


def revoke_api_token(session: Session, actor: User | None, token: ApiToken) -> None:
    """Stop ``token`` from working, keeping the row so that its use stays on record."""
    if token.revoked_at is not None:
        raise Conflict(_("this token is already revoked"))
    token.revoked_at = utcnow()
    session.flush()
    record_event(session, actor, "token.revoke", "user", token.user_id, f"Revoked API token {token.prefix}...")


def user_for_token(session: Session, plaintext: str) -> User | None:
    """The active user a bearer token belongs to, or None if it is unknown or revoked."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(plaintext)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    token.last_used_at = utcnow()
    return token.user


def require_admin(actor: User | None) -> None:
    """Only admins (the secretariat) manage bodies, groups, contacts and accounts.

    ``actor`` None is the system itself (commands run by an operator, imports, demo data).
    """
    if actor is not None and not (actor.is_admin and actor.is_active):
        raise PermissionDenied(_("only the secretariat (admins) may do this"))


def get_user(session: Session, user_id: int) -> User:
    """The user with ``user_id``, or :class:`NotFound`."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("no user with id %(user_id)s", user_id=user_id))
    return user


def set_user_active(session: Session, actor: User | None, user: User, active: bool) -> None:
    """Let ``user`` log in again, or stop them (their sessions and API tokens stop working at once)."""
    require_admin(actor)
    if actor is not None and actor.id == user.id and not active:
        raise Conflict(_("you cannot deactivate your own account: ask another admin"))
    if user.is_active == active:
        return
    user.is_active = active
    session.flush()
    record_event(
        session, actor, "user.activate" if active else "user.deactivate", "user", user.id,
        f"{'Activated' if active else 'Deactivated'} {user.email}", {"active": [not active, active]},
    )


def search_users(session: Session, q: str = "", page: int = 1, per_page: int = 50) -> Page[User]:
    """Users whose name or e-mail contains ``q``, by name; memberships come in one more query."""
    query = select(User).order_by(User.name, User.id)
    if q.strip():
        pattern = contains_pattern(q.strip())
        query = query.where(or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\")))
    return paginate(session, query, page, per_page)


def search_audit_events(
    session: Session, *, object_type: str = "", actor_id: int | None = None, page: int = 1, per_page: int = 50
) -> Page[AuditEvent]:
    """The audit log, newest first, narrowed to one kind of object and/or one actor."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    return paginate(session, query, page, per_page)


def audit_object_types(session: Session) -> list[str]:
    """The kinds of object the audit log holds events for (read from the object index)."""
    return list(session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))


def set_user_language(session: Session, actor: User, user: User, language: str | None) -> None:
    """Set the interface language of ``user`` (None: follow the browser); people set their own, admins anyone's."""
    if actor.id != user.id and not actor.is_admin:
        raise PermissionDenied(_("you may only change your own language"))
    language = language or None
    if language is not None and language not in INTERFACE_LANGUAGES:
        raise ValidationError({"language": _("choose one of: %(value)s", value=', '.join(INTERFACE_LANGUAGES))})
    if user.language == language:
        return
    old, user.language = user.language, language
    session.flush()
    record_event(
        session, actor, "user.language", "user", user.id, f"Language: {language or 'browser'}", {"language": [old, language]}
    )
