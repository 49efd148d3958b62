"""Rate limits, per client address, on what anonymous callers may ask for often (Flask-Limiter).

Counts live in memory, per process, unless ``LIAISON_RATE_LIMIT_STORAGE`` names a shared storage
(``redis://host:6379``), which every worker then counts in. A refused request gets a 429 with
``Retry-After`` (a problem document on the API), never a queue that would slow everybody down.
"""

from __future__ import annotations

from typing import Any, Callable

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_limiter import Limiter

from liaison.web.session_auth import client_address

# A shared storage that stops answering (Redis restarting) falls back to counting in memory rather
# than failing the requests it guards.
limiter = Limiter(
    key_func=client_address, headers_enabled=True, strategy="moving-window", in_memory_fallback_enabled=True
)


def register_rate_limits(app: Flask) -> None:
    """Give ``app`` the limiter, counting in the storage its settings name."""
    app.config["RATELIMIT_STORAGE_URI"] = app.config["LIAISON_RATE_LIMIT_STORAGE"]
    limiter.init_app(app)


def limited_for_anonymous(setting: str, *, signed_in: Callable[[], bool]) -> Callable[[Any], Any]:
    """A decorator: callers for whom ``signed_in()`` is false get at most the rate in ``setting``."""
    return limiter.limit(
        lambda: str(current_app.config[setting]),
        exempt_when=signed_in,
        error_message=lambda: _(
            "too many requests from your address (at most %(rate)s): wait a little and try again, or sign in",
            rate=current_app.config[setting],
        ),
    )
