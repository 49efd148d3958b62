"""People manage their own API tokens; the secretariat may list and revoke anyone's.

Tokens are made and revoked by :mod:`liaison.accounts.operations` (which keeps only their hash); this
module adds who may do it, and the lists the account and admin pages show.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, contains_eager

from liaison.accounts import operations as accounts
from liaison.core.errors import NotFound, ValidationError
from liaison.core.pagination import Page, paginate
from liaison.core.permissions import require
from liaison.core.queries import contains_pattern
from liaison.models import ApiToken, User

MAX_NAME_LENGTH = 100
#: Active tokens one person may hold: enough for every script they run, few enough to review.
MAX_ACTIVE_TOKENS = 20


def _may_manage(actor: User, owner_id: int) -> bool:
    return actor.is_active and (actor.id == owner_id or actor.is_admin)


def tokens_of(session: Session, actor: User, user: User) -> list[ApiToken]:
    """``user``'s tokens, active ones first, newest first (their own, or anyone's for an admin)."""
    require(_may_manage(actor, user.id), _("you may only see your own API tokens"))
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def issue_token(session: Session, actor: User, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``, named for what it is for; returns the row and the only copy of the secret."""
    require(_may_manage(actor, user.id), _("you may only create API tokens for yourself"))
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = _("say what the token is for (e.g. “import script”), to recognise it later")
    elif len(name) > MAX_NAME_LENGTH:
        errors["name"] = _("at most %(MAX_NAME_LENGTH)s characters (got %(count)s)", MAX_NAME_LENGTH=MAX_NAME_LENGTH, count=len(name))
    # Count under a lock on the owner's row: parallel creations (25 tabs, a script in a loop) would
    # otherwise each count the tokens before any of them is stored, and all get past the cap. On
    # SQLite, where FOR UPDATE is not, a write request holds the database's write lock from its start.
    session.execute(select(User.id).where(User.id == user.id).with_for_update())
    active = [t for t in tokens_of(session, actor, user) if t.revoked_at is None]
    if len(active) >= MAX_ACTIVE_TOKENS:
        errors["name"] = _("you already have %(count)s active tokens: revoke those you no longer use first", count=len(active))
    if errors:
        raise ValidationError(errors)
    return accounts.create_api_token(session, actor, user, name)


def get_token(session: Session, actor: User, token_id: int) -> ApiToken:
    """The token ``token_id`` if ``actor`` may manage it; :class:`NotFound` otherwise (others' tokens stay unseen)."""
    token = session.get(ApiToken, token_id)
    if token is None or not _may_manage(actor, token.user_id):
        raise NotFound(_("no API token with id %(token_id)s", token_id=token_id))
    return token


def revoke_token(session: Session, actor: User, token: ApiToken) -> None:
    """Stop ``token`` at once (its owner or an admin)."""
    require(_may_manage(actor, token.user_id), _("you may only revoke your own API tokens"))
    accounts.revoke_api_token(session, actor, token)


def search_tokens(session: Session, actor: User, q: str = "", page: int = 1, per_page: int = 50) -> Page[ApiToken]:
    """Everyone's tokens (admins only): active first, newest first, by owner name, e-mail, token name or prefix."""
    accounts.require_admin(actor)
    query = (
        select(ApiToken)
        .join(ApiToken.user)
        .options(contains_eager(ApiToken.user))
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    if q.strip():
        pattern = contains_pattern(q.strip())
        query = query.where(
            or_(
                User.name.ilike(pattern, escape="\\"),
                User.email.ilike(pattern, escape="\\"),
                ApiToken.name.ilike(pattern, escape="\\"),
                ApiToken.prefix.ilike(pattern, escape="\\"),
            )
        )
    return paginate(session, query, page, per_page)
