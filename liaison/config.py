"""Settings: defaults, then ``instance/config.py``, then the environment, then explicit overrides."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from liaison.models.statements import DEFAULT_STUDY_PERIOD, INCOMING_BACKDATE_DAYS
from liaison.similarity.model import DEFAULT_PER_ITEM
from liaison.statements.numbering import check_study_period

if TYPE_CHECKING:
    from flask import Flask

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _to_bool(value: str) -> bool:
    text = value.strip().lower()
    if text not in _TRUE | _FALSE:
        raise ValueError(f"say one of {', '.join(sorted(_TRUE | _FALSE))}")
    return text in _TRUE


def _at_least_one(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError("must be at least 1")
    return number


@dataclass(frozen=True)
class Setting:
    """One setting: its key in ``app.config``, the environment variable it is read from (None: not
    from the environment), how that text becomes a value, its default, and what it means."""

    name: str
    env: str | None
    parse: Callable[[str], Any]
    default: Any
    doc: str


def _s(name: str, parse: Callable[[str], Any], default: Any, doc: str, *, env: str | None = "") -> Setting:
    return Setting(name, name if env == "" else env, parse, default, doc)


#: Every setting liaison reads, in one table: ``load`` fills ``app.config`` from it, typed, so that
#: code reads ``app.config[NAME]`` as it is, and the README's table says the same.
SETTINGS: tuple[Setting, ...] = (
    _s("DATABASE_URL", str, None, "SQLAlchemy URL; postgresql:// uses psycopg 3 (unset: instance/liaison.sqlite3)"),
    _s("SECRET_KEY", str, None, "signs sessions and CSRF tokens; required in production (unset: instance/secret_key)"),
    _s("LIAISON_ENV", str, "development", "development or production (secure cookies, no generated key)"),
    _s("LIAISON_BASE_URL", str, "http://127.0.0.1:5000", "the public address, for e-mailed links and feeds"),
    _s("LIAISON_INDEX_PATH", str, None, "where each process saves the similarity index (unset: instance/)"),
    _s("LIAISON_UPLOAD_DIR", str, None, "statement attachments, outside the web root (unset: instance/uploads)"),
    _s("LIAISON_DEMO_LOGINS", str, None, "where `demo load` writes the demo logins (unset: instance/)", env=None),
    _s("LIAISON_COORDINATION_GROUP", str, "ITU Council/CWG-COP",
       "the group whose chairs may decide any overlap alert (CWG-COP, Resolution 1306)"),
    _s("LIAISON_CALIBRATION_MIN_LABELS", int, 10, "decisions of each kind calibration needs before it fits"),
    _s("LIAISON_EMBEDDINGS", _to_bool, True,
       "each item gets a multilingual sentence embedding, stored with it, so that the same work written in "
       "another language is found (off: overlaps through the other features only)"),
    _s("LIAISON_ALERTS_PER_ITEM", _at_least_one, DEFAULT_PER_ITEM,
       "the most overlap alerts one item raises, its best ones above the threshold (on save and in a scan)"),
    _s("ITEMS_PER_PAGE", int, 25, "items per page of the lists (and the API's default page size)", env=None),
    _s("API_MAX_PER_PAGE", int, 200, "the largest page the API answers", env=None),
    _s("MAX_CONTENT_LENGTH", int, 20 * 1024 * 1024, "the largest request body (bytes)", env=None),
    _s("WTF_CSRF_TIME_LIMIT", int, None, "CSRF tokens last as long as the session", env=None),
    _s("SESSION_COOKIE_HTTPONLY", _to_bool, True, "scripts cannot read the session cookie", env=None),
    _s("SESSION_COOKIE_SAMESITE", str, "Lax", "the session cookie is not sent by other sites' forms", env=None),
    _s("PERMANENT_SESSION_LIFETIME", int, 12 * 3600, "a session lasts this long after its last request (s)"),
    _s("LIAISON_LOGIN_MAX_FAILURES", int, 5, "failed logins of one account within the window that lock it"),
    _s("LIAISON_LOGIN_WINDOW_SECONDS", int, 15 * 60, "the window failed logins are counted in (s)"),
    _s("LIAISON_LOGIN_LOCKOUT_SECONDS", int, 15 * 60, "how long a locked account stays locked (s)"),
    _s("LIAISON_LOGIN_MAX_FAILURES_PER_ADDRESS", int, 20, "failed logins from one address before it is throttled"),
    _s("LIAISON_RESET_TOKEN_SECONDS", int, 3600, "how long a password-reset link works (s)"),
    _s("LIAISON_RESET_MAX_PER_HOUR", int, 3, "password-reset mails per account per hour"),
    _s("LIAISON_RESET_ANSWER_SECONDS", float, 0.3,
       "least time /forgot takes to answer, account or not, so that timing tells nothing (s)"),
    _s("LIAISON_REPORT_CACHE_SECONDS", float, 300.0, "a built annual report is served again this long (s; 0: never)"),
    _s("DASHBOARD_CACHE_SECONDS", float, 60.0, "the dashboard's figures are kept this long per process (s; 0: never)",
       env="LIAISON_DASHBOARD_CACHE_SECONDS"),
    _s("BOOTSTRAP_SERVE_LOCAL", _to_bool, True, "Bootstrap's files come from the app, not a CDN", env=None),
    _s("BABEL_DEFAULT_LOCALE", str, "en",
       "the interface language when neither the visitor nor their browser asks for one of the six"),
    _s("BABEL_DEFAULT_TIMEZONE", str, "UTC", "times are shown in UTC", env=None),
    _s("LIAISON_INCOMING_BACKDATE_DAYS", int, INCOMING_BACKDATE_DAYS,
       "days before its logging an incoming statement may be dated by an officer (older: an admin)"),
    _s("LIAISON_STUDY_PERIOD", check_study_period, DEFAULT_STUDY_PERIOD,
       "outgoing statements are numbered per study group within this study period (SG17-LS123)"),
    _s("LIAISON_COUNCIL_SESSION", str, "", "the annual report's header: the Council session it goes to"),
    _s("LIAISON_REPORT_DOCUMENT", str, "", "the annual report's document number there (\"\": a blank to fill in)"),
    _s("LIAISON_MAX_JSON_BYTES", int, 1024 * 1024,
       "the largest JSON body (a statement at its longest is about 0.6 MB)"),
    _s("LIAISON_MAX_ANONYMOUS_JSON_BYTES", int, 128 * 1024,
       "the largest JSON body from anonymous callers (check-as-you-type sends a draft, some 130 kB at most)"),
    _s("LIAISON_SIMILAR_RATE_LIMIT", str, "30 per minute",
       "anonymous check-as-you-type per client address (Flask-Limiter's notation)"),
    _s("LIAISON_RATE_LIMIT_STORAGE", str, "memory://",
       "where the rate limits count: per process, unless a storage URI (redis://host:6379) all workers share"),
    _s("LIAISON_TRUSTED_PROXIES", int, 0,
       "reverse proxies in front of the app that set X-Forwarded-*; 0: a client could otherwise pick its own address"),
    _s("MAIL_SERVER", str, "127.0.0.1", "the SMTP server (Flask-Mail's names)"),
    _s("MAIL_PORT", int, 25, "its port"),
    _s("MAIL_USE_TLS", _to_bool, False, "STARTTLS"),
    _s("MAIL_USE_SSL", _to_bool, False, "TLS from the start"),
    _s("MAIL_USERNAME", str, None, "SMTP login"),
    _s("MAIL_PASSWORD", str, None, "SMTP password"),
    _s("MAIL_DEFAULT_SENDER", str, "liaison@localhost", "the From of every mail"),
    _s("MAIL_TIMEOUT", float, 30.0, "seconds to wait for the SMTP server"),
    _s("LIAISON_MAIL_MAX_ATTEMPTS", int, 8, "attempts to deliver one mail before it is failed"),
    _s("LIAISON_MAIL_BACKOFF_SECONDS", float, 60.0, "wait after the first failed attempt, doubled after each (s)"),
    _s("LIAISON_MAIL_BACKOFF_MAX_SECONDS", float, 6 * 3600.0, "the longest wait between attempts (s)"),
    _s("LIAISON_MAIL_CLAIM_LEASE_SECONDS", float, 900.0,
       "a delivery claimed this long ago by a sender that died is marked uncertain (s)"),
)
_BY_NAME = {setting.name: setting for setting in SETTINGS}
#: Each setting's default (``None``: derived at load, or unset).
DEFAULTS: dict[str, Any] = {setting.name: setting.default for setting in SETTINGS}


def default(name: str) -> Any:
    """The default of setting ``name`` (for code that runs without an app, such as the mail sender)."""
    return _BY_NAME[name].default


class ConfigurationError(RuntimeError):
    """The settings cannot make a working application (e.g. no SECRET_KEY in production)."""


def load(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` in order of precedence and derive what is left unset."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    for setting in SETTINGS:
        raw = os.environ.get(setting.env) if setting.env else None
        if raw is not None and raw != "":
            app.config[setting.name] = _parsed(setting, raw, f"the environment variable {setting.env}")
    if overrides:
        app.config.update(overrides)
    # Text from instance/config.py or the overrides is read as the environment's would be.
    for setting in SETTINGS:
        value = app.config.get(setting.name)
        if isinstance(value, str) and setting.parse is not str:
            app.config[setting.name] = _parsed(setting, value, setting.name)
    _derive(app)


def _derive(app: Flask) -> None:
    """What is left unset comes from the instance folder; production sessions need TLS."""
    instance = Path(app.instance_path)
    if not app.config.get("DATABASE_URL"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'liaison.sqlite3'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret(app, instance)
    for name, path in (
        ("LIAISON_INDEX_PATH", "similarity.index"), ("LIAISON_UPLOAD_DIR", "uploads"), ("LIAISON_DEMO_LOGINS", "demo-logins.txt")
    ):
        if not app.config.get(name):
            app.config[name] = str(instance / path)
    if app.config["LIAISON_ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True


def _parsed(setting: Setting, raw: str, where: str) -> Any:
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{where} is not {_KINDS.get(setting.parse, 'valid')}: {raw!r} ({exc})") from None


_KINDS: dict[Callable[[str], Any], str] = {int: "a whole number", float: "a number", _to_bool: "yes or no"}


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
