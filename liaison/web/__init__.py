"""The web layer: pages (blueprints, forms, templates) and the JSON API. Nothing imports it but the factory."""

from __future__ import annotations

from flask import Flask


def register_web(app: Flask) -> None:
    """Wire extensions, blueprints, error pages and template helpers onto ``app``."""
    from liaison.web import addresses, rate_limits, sessions, setup

    addresses.register_proxies(app)
    sessions.register_sessions(app)
    setup.register_extensions(app)
    rate_limits.register_rate_limits(app)
    setup.register_blueprints(app)
    setup.register_error_handlers(app)
    setup.register_template_helpers(app)
    setup.register_security_headers(app)
