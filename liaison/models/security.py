"""What login throttling and password resets remember, in the database so that every worker agrees."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.models.accounts import User
from liaison.models.base import Base, created_at, intpk


class LoginFailure(Base):
    """One failed login: for which account (as typed) and from which client address.

    ``account_digest`` is the SHA-256 of the normalised e-mail typed, whether an account has it or
    not, so that unknown and known e-mails lock alike (nothing tells which exist) and a password
    typed into the e-mail field by mistake is not kept readable. The failure that locks the account
    carries ``locks_until``. Rows are deleted once older than every window that counts them.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_account_digest_created_at", "account_digest", "created_at"),
        Index("ix_login_failures_client_address_created_at", "client_address", "created_at"),
    )

    id: Mapped[intpk]
    created_at: Mapped[created_at] = mapped_column(index=True)
    account_digest: Mapped[str] = mapped_column(String(64))
    client_address: Mapped[str] = mapped_column(String(64))
    locks_until: Mapped[dt.datetime | None]


class PasswordResetToken(Base):
    """A single-use link to set a new password, sent by e-mail. Only its SHA-256 is kept.

    ``session_epoch`` is the user's epoch when the link was made: any password change bumps the
    epoch, so older links stop working with the sessions.
    """

    __tablename__ = "password_reset_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created_at]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    session_epoch: Mapped[int]
    requested_from: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship(lazy="joined")
