"""People who log in, the roles they hold in groups, and their API tokens."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.languages import INTERFACE_LANGUAGES, LANGUAGE_CODE_LENGTH
from liaison.models.base import Base, created_at, enum_check, intpk, str200
from liaison.models.organisation import Group

ROLES = ("officer", "chair")
ROLE_LABELS = {"officer": _l("Officer"), "chair": _l("Chair")}
#: How a chair hears of new overlap alerts on their groups (see ``liaison/overlaps/digests.py``).
ALERT_DIGEST_MODES = ("off", "daily", "immediate")


class User(Base):
    """An account. Admins (the secretariat) may do everything; others act through memberships."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(enum_check("alert_digest", ALERT_DIGEST_MODES), name="alert_digest"),
        CheckConstraint(enum_check("language", tuple(INTERFACE_LANGUAGES)), name="language"),
    )

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str200]
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]
    last_login_at: Mapped[dt.datetime | None]
    alert_digest: Mapped[str] = mapped_column(String(10), default="daily", server_default="daily")
    #: Sessions remember the epoch they began in; bumping it (a new password) ends every other session.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    password_changed_at: Mapped[dt.datetime | None]
    #: The interface language the person chose (pages after login, and mail to them); None: the browser's.
    language: Mapped[str | None] = mapped_column(String(LANGUAGE_CODE_LENGTH))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def group_ids(self, *roles: str) -> set[int]:
        """Ids of the groups where the user holds any of ``roles`` (all roles if none given)."""
        wanted = roles or ROLES
        return {m.group_id for m in self.memberships if m.role in wanted}

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(Base):
    """A role a user holds in one group."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "group_id", "role"),
        CheckConstraint(enum_check("role", ROLES), name="role"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship(back_populates="memberships")
    group: Mapped[Group] = relationship(lazy="joined")


class ApiToken(Base):
    """A bearer token for the JSON API. Only its SHA-256 is kept: it is shown once, at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created_at]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(lazy="joined")
