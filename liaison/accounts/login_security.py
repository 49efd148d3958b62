"""Logging in safely: throttling failed logins per account and per client address, lockouts, and the
session epoch that ends every session of a person at once.

Failures are rows in the database (:class:`LoginFailure`), so every worker of every machine counts
the same ones. An account is named by the SHA-256 of the e-mail typed, known or not: an unknown
e-mail locks after as many failures as a real one, so a lockout tells nothing about which e-mails
have accounts. Rows for made-up e-mails cannot pile up: an address that fails too often is refused
before anything more is written for it, and rows are deleted once no window counts them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from liaison.accounts import operations as accounts
from liaison.core.audit import record_event
from liaison.core.errors import ServiceError
from liaison.models import LoginFailure, User, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures are tolerated, within which window, and how long a lockout lasts."""

    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    max_failures_per_address: int = 20

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LoginPolicy:
        """The policy set by ``LIAISON_LOGIN_*`` (see ``liaison/config.py``)."""
        return cls(
            max_failures=config["LIAISON_LOGIN_MAX_FAILURES"],
            window=dt.timedelta(seconds=config["LIAISON_LOGIN_WINDOW_SECONDS"]),
            lockout=dt.timedelta(seconds=config["LIAISON_LOGIN_LOCKOUT_SECONDS"]),
            max_failures_per_address=config["LIAISON_LOGIN_MAX_FAILURES_PER_ADDRESS"],
        )

    @property
    def horizon(self) -> dt.timedelta:
        """How long a failure may still matter (to a window or to the lock it started)."""
        return max(self.window, self.lockout)


class TooManyAttempts(ServiceError):
    """Logins are refused until ``retry_at``: the account is locked, or the address failed too often."""

    status = 429

    def __init__(self, message: str, retry_at: dt.datetime, *, now: dt.datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at
        self.retry_after = max(1, math.ceil((retry_at - now).total_seconds()))


def account_digest(email: str) -> str:
    """How failures name an account: the SHA-256 of the e-mail as the login compares it."""
    return hashlib.sha256(accounts.normalise_email(email).encode()).hexdigest()


def clock_time(moment: dt.datetime, now: dt.datetime) -> str:
    """``14:32 UTC``, with the date when it is not today."""
    moment = moment.astimezone(dt.timezone.utc)
    if moment.date() == now.astimezone(dt.timezone.utc).date():
        return moment.strftime("%H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def log_in(
    session: Session, email: str, password: str, client_address: str, policy: LoginPolicy, now: dt.datetime | None = None
) -> User | None:
    """The active user with these credentials, or None; raises :class:`TooManyAttempts` when refused.

    A locked account is refused without its password being checked, so that guessing goes on
    being useless during the lockout. Success clears the account's failures.
    """
    now = now or utcnow()
    digest = account_digest(email)
    _refuse_if_throttled(session, digest, client_address, policy, now)
    user = accounts.authenticate(session, email, password)
    if user is not None:
        _forget(session, digest)
        return user
    _record_failure(session, digest, client_address, policy, now, email=email)
    return None


def verify_password(
    session: Session, user: User, password: str, client_address: str, policy: LoginPolicy, now: dt.datetime | None = None
) -> bool:
    """Whether ``password`` is ``user``'s, counted like a login (a stolen session cannot guess on)."""
    now = now or utcnow()
    digest = account_digest(user.email)
    _refuse_if_throttled(session, digest, client_address, policy, now)
    if check_password_hash(user.password_hash, password):
        return True
    _record_failure(session, digest, client_address, policy, now, email=user.email)
    return False


def locked_until(session: Session, email: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the account of ``email`` may log in again, or None if it is not locked."""
    return _locked_until(session, account_digest(email), now or utcnow())


def clear_failures(session: Session, email: str) -> None:
    """Forget the account's failures, lifting its lockout (a new password was set)."""
    _forget(session, account_digest(email))


def end_other_sessions(session: Session, actor: User | None, user: User, reason: str) -> None:
    """Every session of ``user`` stops working at its next request (the caller starts a fresh one)."""
    user.session_epoch += 1
    session.flush()
    record_event(session, actor, "user.sessions_end", "user", user.id, f"Ended the sessions of {user.email}: {reason}")


def change_password(
    session: Session, actor: User, user: User, new_password: str, now: dt.datetime | None = None
) -> None:
    """Set a new password and end every session and reset link of ``user`` made with the old one."""
    accounts.set_password(session, actor, user, new_password)
    user.password_changed_at = now or utcnow()
    clear_failures(session, user.email)
    end_other_sessions(session, actor, user, "new password")


def _refuse_if_throttled(
    session: Session, digest: str, client_address: str, policy: LoginPolicy, now: dt.datetime
) -> None:
    count, oldest = _address_failures(session, client_address, policy, now)
    if count >= policy.max_failures_per_address:
        raise _address_throttled(oldest + policy.window, now)
    until = _locked_until(session, digest, now)
    if until is not None:
        raise TooManyAttempts(_locked_message(until, now), until, now=now)


def _locked_until(session: Session, digest: str, now: dt.datetime) -> dt.datetime | None:
    return session.scalar(
        select(func.max(LoginFailure.locks_until)).where(
            LoginFailure.account_digest == digest, LoginFailure.locks_until > now
        )
    )


def _forget(session: Session, digest: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.account_digest == digest))


def _address_failures(
    session: Session, client_address: str, policy: LoginPolicy, now: dt.datetime
) -> tuple[int, dt.datetime]:
    """How many failures came from ``client_address`` within the window, and when the oldest of them did."""
    count, oldest = session.execute(
        select(func.count(), func.min(LoginFailure.created_at)).where(
            LoginFailure.client_address == client_address, LoginFailure.created_at > now - policy.window
        )
    ).one()
    return count, oldest or now


def _address_throttled(retry_at: dt.datetime, now: dt.datetime) -> TooManyAttempts:
    return TooManyAttempts(
        f"Too many failed logins from your network; try again after {clock_time(retry_at, now)}.", retry_at, now=now
    )


def _locked_message(until: dt.datetime, now: dt.datetime) -> str:
    return (
        f"Too many failed attempts for this account; try again after {clock_time(until, now)} "
        "or reset your password."
    )


def _record_failure(
    session: Session, digest: str, client_address: str, policy: LoginPolicy, now: dt.datetime, *, email: str
) -> None:
    """Count one failure; the one that reaches a limit locks the account or the address at once."""
    session.execute(delete(LoginFailure).where(LoginFailure.created_at < now - policy.horizon))
    failure = LoginFailure(created_at=now, account_digest=digest, client_address=client_address)
    session.add(failure)
    session.flush()
    # A lockout starts the count afresh: after it, the account has its full number of tries again.
    last_lock = session.scalar(
        select(func.max(LoginFailure.id)).where(
            LoginFailure.account_digest == digest, LoginFailure.locks_until.is_not(None)
        )
    )
    recent = select(func.count()).where(
        LoginFailure.account_digest == digest, LoginFailure.created_at > now - policy.window
    )
    if last_lock is not None:
        recent = recent.where(LoginFailure.id > last_lock)
    if (session.scalar(recent) or 0) >= policy.max_failures:
        failure.locks_until = now + policy.lockout
        session.flush()
        _audit_lockout(session, email, digest, failure.locks_until)
        raise TooManyAttempts(_locked_message(failure.locks_until, now), failure.locks_until, now=now)
    count, oldest = _address_failures(session, client_address, policy, now)
    if count == policy.max_failures_per_address:
        record_event(
            session, None, "login.throttle", "client_address", client_address[:60],
            f"Refused logins from {client_address} after {count} failures",
        )
        log.warning("login throttled for client address %s after %s failures", client_address, count)
        raise _address_throttled(oldest + policy.window, now)


def _audit_lockout(session: Session, email: str, digest: str, until: dt.datetime) -> None:
    user = session.scalar(select(User).where(User.email == accounts.normalise_email(email)))
    if user is not None:
        record_event(
            session, None, "user.lockout", "user", user.id,
            f"Locked {user.email} until {until.isoformat(timespec='minutes')} after repeated failed logins",
        )
        log.warning("account locked after repeated failed logins: user %s", user.id)
    else:
        # Only the digest: the text typed may not be an e-mail at all (a password in the wrong field).
        record_event(
            session, None, "login.lockout", "login", digest[:16],
            f"Locked logins for an unknown e-mail (digest {digest[:16]}) until {until.isoformat(timespec='minutes')}",
        )
        log.warning("logins locked for an unknown e-mail, digest %s", digest[:16])
