"""Settings: defaults, then ``instance/config.py``, then the environment, then explicit overrides."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from liaison.similarity.model import DEFAULT_PER_ITEM
from liaison.services.statement_numbering import DEFAULT_STUDY_PERIOD, check_study_period

#: Names read from the environment as they are (strings), or converted by ``_CONVERT``.
ENV_SETTINGS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "LIAISON_ENV",
    "LIAISON_BASE_URL",
    "LIAISON_INDEX_PATH",
    "LIAISON_COORDINATION_GROUP",
    "LIAISON_CALIBRATION_MIN_LABELS",
    "LIAISON_EMBEDDINGS",
    "LIAISON_ALERTS_PER_ITEM",
    "LIAISON_UPLOAD_DIR",
    "LIAISON_STUDY_PERIOD",
    "LIAISON_COUNCIL_SESSION",
    "LIAISON_REPORT_DOCUMENT",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "MAIL_TIMEOUT",
    "PERMANENT_SESSION_LIFETIME",
    "LIAISON_LOGIN_MAX_FAILURES",
    "LIAISON_LOGIN_WINDOW_SECONDS",
    "LIAISON_LOGIN_LOCKOUT_SECONDS",
    "LIAISON_LOGIN_MAX_FAILURES_PER_ADDRESS",
    "LIAISON_RESET_TOKEN_SECONDS",
    "LIAISON_RESET_MAX_PER_HOUR",
    "LIAISON_RESET_ANSWER_SECONDS",
    "LIAISON_REPORT_CACHE_SECONDS",
    "LIAISON_MAIL_MAX_ATTEMPTS",
    "LIAISON_MAIL_BACKOFF_SECONDS",
    "LIAISON_MAIL_BACKOFF_MAX_SECONDS",
    "LIAISON_MAIL_CLAIM_LEASE_SECONDS",
    "BABEL_DEFAULT_LOCALE",
    "LIAISON_MAX_JSON_BYTES",
    "LIAISON_MAX_ANONYMOUS_JSON_BYTES",
    "LIAISON_SIMILAR_RATE_LIMIT",
    "LIAISON_RATE_LIMIT_STORAGE",
    "LIAISON_TRUSTED_PROXIES",
)

_TRUE = {"1", "true", "yes", "on"}


def _to_bool(value: str) -> bool:
    return value.strip().lower() in _TRUE


_CONVERT = {
    "LIAISON_CALIBRATION_MIN_LABELS": int,
    "LIAISON_EMBEDDINGS": _to_bool,
    "LIAISON_ALERTS_PER_ITEM": int,
    "MAIL_PORT": int,
    "MAIL_TIMEOUT": float,
    "MAIL_USE_TLS": _to_bool,
    "MAIL_USE_SSL": _to_bool,
    "PERMANENT_SESSION_LIFETIME": int,
    "LIAISON_LOGIN_MAX_FAILURES": int,
    "LIAISON_LOGIN_WINDOW_SECONDS": int,
    "LIAISON_LOGIN_LOCKOUT_SECONDS": int,
    "LIAISON_LOGIN_MAX_FAILURES_PER_ADDRESS": int,
    "LIAISON_RESET_TOKEN_SECONDS": int,
    "LIAISON_RESET_MAX_PER_HOUR": int,
    "LIAISON_RESET_ANSWER_SECONDS": float,
    "LIAISON_REPORT_CACHE_SECONDS": float,
    "LIAISON_MAX_JSON_BYTES": int,
    "LIAISON_MAX_ANONYMOUS_JSON_BYTES": int,
    "LIAISON_TRUSTED_PROXIES": int,
}

DEFAULTS: dict[str, Any] = {
    "LIAISON_ENV": "development",
    "LIAISON_BASE_URL": "http://127.0.0.1:5000",
    "ITEMS_PER_PAGE": 25,
    # The group whose chairs may decide any overlap alert (CWG-COP, Resolution 1306), and how many
    # decisions of each kind calibration needs before it fits the engine to them.
    "LIAISON_COORDINATION_GROUP": "ITU Council/CWG-COP",
    "LIAISON_CALIBRATION_MIN_LABELS": 10,
    # Each item's text gets a multilingual sentence embedding (so that the same work written in
    # another language is found); off, overlaps are found through the other features only.
    "LIAISON_EMBEDDINGS": True,
    # An item raises at most this many overlap alerts (its best ones above the threshold); by
    # default the number chosen with the shipped model, from the alerts per 1,000 items it makes.
    "LIAISON_ALERTS_PER_ITEM": DEFAULT_PER_ITEM,
    "API_MAX_PER_PAGE": 200,
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    # JSON bodies are far smaller than uploads: a statement at its longest is about 0.6 MB. Anonymous
    # callers (check-as-you-type) send a draft's title, summary and keywords, at most some 130 kB.
    "LIAISON_MAX_JSON_BYTES": 1024 * 1024,
    "LIAISON_MAX_ANONYMOUS_JSON_BYTES": 128 * 1024,
    # Check-as-you-type asked by anonymous callers, per client address (Flask-Limiter's notation);
    # counted in memory per process unless a storage URI (redis://host:6379) is given, which all
    # workers then share.
    "LIAISON_SIMILAR_RATE_LIMIT": "30 per minute",
    "LIAISON_RATE_LIMIT_STORAGE": "memory://",
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host. None (0) by
    # default: a client could otherwise pick its own address (dodging per-address throttles) and host.
    "LIAISON_TRUSTED_PROXIES": 0,
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # A session lasts this long after its last request, then the person logs in again (seconds: 12 h).
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    # Login throttling: this many failures for one account within the window lock it for the lockout
    # period; this many failures from one client address within the window refuse that address.
    "LIAISON_LOGIN_MAX_FAILURES": 5,
    "LIAISON_LOGIN_WINDOW_SECONDS": 15 * 60,
    "LIAISON_LOGIN_LOCKOUT_SECONDS": 15 * 60,
    "LIAISON_LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    # Password reset links work once, for this long; an account gets at most this many an hour.
    "LIAISON_RESET_TOKEN_SECONDS": 3600,
    "LIAISON_RESET_MAX_PER_HOUR": 3,
    # Asking for a link is answered after at least this long, account or not, so that the time
    # the answer takes does not tell whether an e-mail has an account.
    "LIAISON_RESET_ANSWER_SECONDS": 0.3,
    # A built annual report is served again for this long (per process; 0 builds it every time).
    "LIAISON_REPORT_CACHE_SECONDS": 300,
    # Outgoing statements are numbered per study group within this study period (SG17-LS123).
    "LIAISON_STUDY_PERIOD": DEFAULT_STUDY_PERIOD,
    # The annual report's header block: the Council session it goes to, and its document number there
    # (the secretariat gives it; "" prints a blank to fill in). Dates are the day it is built.
    "LIAISON_COUNCIL_SESSION": "",
    "LIAISON_REPORT_DOCUMENT": "",
    "BOOTSTRAP_SERVE_LOCAL": True,
    # The interface language when neither the visitor nor their browser asks for one of the six.
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    "MAIL_SERVER": "127.0.0.1",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "liaison@localhost",
    "MAIL_TIMEOUT": 30.0,
}


class ConfigurationError(RuntimeError):
    """The settings cannot make a working application (e.g. no SECRET_KEY in production)."""


def load(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` in order of precedence and derive what is left unset."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    for name in ENV_SETTINGS:
        raw = os.environ.get(name)
        if raw is not None and raw != "":
            app.config[name] = _CONVERT.get(name, str)(raw)
    if overrides:
        app.config.update(overrides)

    instance = Path(app.instance_path)
    if not app.config.get("DATABASE_URL"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'liaison.sqlite3'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret(app, instance)
    app.config.setdefault("LIAISON_INDEX_PATH", str(instance / "similarity.index"))
    app.config.setdefault("LIAISON_UPLOAD_DIR", str(instance / "uploads"))
    app.config.setdefault("LIAISON_DEMO_LOGINS", str(instance / "demo-logins.txt"))
    if app.config["LIAISON_ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
    if int(app.config["LIAISON_ALERTS_PER_ITEM"]) < 1:
        raise ConfigurationError("LIAISON_ALERTS_PER_ITEM must be at least 1")
    try:
        app.config["LIAISON_STUDY_PERIOD"] = check_study_period(str(app.config["LIAISON_STUDY_PERIOD"]))
    except ValueError as exc:
        raise ConfigurationError(f"LIAISON_STUDY_PERIOD: {exc}") from None


def _development_secret(app: Flask, instance: Path) -> str:
    """A key kept in ``instance/`` so that sessions survive restarts in development.

    Production must set SECRET_KEY itself: a generated key on a server would differ
    between machines and silently log everybody out.
    """
    if app.config["LIAISON_ENV"] == "production":
        raise ConfigurationError("SECRET_KEY must be set in the environment when LIAISON_ENV=production")
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
