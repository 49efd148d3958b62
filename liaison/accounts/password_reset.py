"""Resetting a forgotten password with a single-use link sent by e-mail.

The link carries a random token; only its SHA-256 is stored. It works once (``used_at``), until it
expires, and only while the password it was made under is still the account's (any new password
bumps the user's session epoch, which the link remembers). Asking for a link answers the same
whether the e-mail has an account or not; the mail goes through the outbox like every other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from liaison.accounts import operations as accounts
from liaison.accounts.login_security import change_password
from liaison.core.audit import record_event
from liaison.core.errors import ServiceError, ValidationError
from liaison.core.queries import rowcount
from liaison.mail import MailAddress, queue_mail
from liaison.models import PasswordResetToken, User, utcnow
from liaison.speaking import current_language, language

#: Makes the address of the page a token opens (the caller knows its URL map and trusted base URL).
LinkMaker = Callable[[str], str]


@dataclass(frozen=True)
class ResetPolicy:
    """How long a link works, and how many an account may be sent in an hour."""

    lifetime: dt.timedelta = dt.timedelta(hours=1)
    max_per_hour: int = 3

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ResetPolicy:
        """The policy set by ``LIAISON_RESET_*`` (see ``liaison/config.py``)."""
        return cls(
            lifetime=dt.timedelta(seconds=config["LIAISON_RESET_TOKEN_SECONDS"]),
            max_per_hour=config["LIAISON_RESET_MAX_PER_HOUR"],
        )


class InvalidResetLink(ServiceError):
    """The link cannot reset a password (unknown, used, expired or outdated); the message says which."""

    status = 400


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_password_reset(
    session: Session,
    email: str,
    make_link: LinkMaker,
    policy: ResetPolicy,
    *,
    client_address: str = "",
    now: dt.datetime | None = None,
) -> None:
    """Mail a reset link to the active account of ``email``, if there is one; otherwise do nothing.

    Returns nothing either way, so that the caller cannot tell people whether an e-mail has an
    account. An account gets at most ``policy.max_per_hour`` links an hour, so that nobody can
    flood someone's mailbox through this form.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.email == accounts.normalise_email(email)))
    if user is None or not user.is_active:
        return
    sent_lately = session.scalar(
        select(func.count()).where(
            PasswordResetToken.user_id == user.id, PasswordResetToken.created_at > now - dt.timedelta(hours=1)
        )
    )
    if (sent_lately or 0) >= policy.max_per_hour:
        return
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + policy.lifetime,
            session_epoch=user.session_epoch,
            requested_from=client_address[:64],
        )
    )
    minutes = int(policy.lifetime.total_seconds() // 60)
    # In the account's language; else in the language of the page the link was asked from.
    with language(user.language or current_language()):
        queue_mail(
            session,
            [MailAddress(user.email, user.name, language=user.language)],
            subject=_("Reset your liaison password"),
            text="\n\n".join([
                _("Hello %(name)s,", name=user.name),
                _("Someone (you, we hope) asked to reset the password of your liaison account.")
                + "\n"
                + _("Open this link within %(minutes)d minutes to choose a new password. It works once:", minutes=minutes),
                str(make_link(token)),
                _("If you did not ask, ignore this mail: your password stays as it is.") + "\n",
            ]),
            kind="password_reset",
        )
    record_event(session, None, "user.password_reset_request", "user", user.id, f"Sent a password reset link to {user.email}")


def check_reset_token(session: Session, token: str, now: dt.datetime | None = None) -> PasswordResetToken:
    """The stored token for ``token`` if it can still reset a password; :class:`InvalidResetLink` otherwise."""
    now = now or utcnow()
    row = session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == _hash(token)))
    if row is None:
        raise InvalidResetLink("This reset link is not valid: check that it was copied whole, or ask for a new one.")
    if row.used_at is not None:
        raise InvalidResetLink("This reset link was already used. If you need to reset your password again, ask for a new link.")
    if row.expires_at <= now:
        raise InvalidResetLink("This reset link has expired. Ask for a new one: it works for an hour.")
    if row.session_epoch != row.user.session_epoch or not row.user.is_active:
        raise InvalidResetLink("This reset link no longer works: the password was changed since it was sent. Ask for a new one if you need it.")
    return row


def reset_password(session: Session, token: str, new_password: str, now: dt.datetime | None = None) -> User:
    """Set the password of the token's user, once: the link, the other links and all sessions stop working."""
    now = now or utcnow()
    row = check_reset_token(session, token, now)
    if len(new_password) < accounts.MIN_PASSWORD_LENGTH:
        raise ValidationError({"password": _("at least %(accounts_MIN_PASSWORD_LENGTH)s characters", accounts_MIN_PASSWORD_LENGTH=accounts.MIN_PASSWORD_LENGTH)})
    # Claimed in one UPDATE that only one request can win, so two clicks cannot both use the link.
    claimed = rowcount(session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ))
    if claimed != 1:
        raise InvalidResetLink("This reset link was already used. If you need to reset your password again, ask for a new link.")
    user = row.user
    change_password(session, user, user, new_password, now)
    return user
