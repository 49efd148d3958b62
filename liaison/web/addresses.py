"""Where requests come from and where links point: the two things a forged header must not decide.

- The client's address is ``REMOTE_ADDR``; ``X-Forwarded-For``, ``-Proto`` and ``-Host`` are believed
  only from as many proxies as ``LIAISON_TRUSTED_PROXIES`` says are in front (none by default), so
  that nobody picks their own address to dodge the per-address throttles.
- Every absolute link (feeds, reports, mails, pages) starts from ``LIAISON_BASE_URL``, never from
  the request's ``Host``: :class:`LiaisonFlask` makes ``url_for(..., _external=True)`` do so, for
  every caller at once.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request
from werkzeug.middleware.proxy_fix import ProxyFix

from liaison.web.transaction import TransactionalFlask


class LiaisonFlask(TransactionalFlask):
    """The application: one transaction per request, and absolute URLs on the configured public address."""

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        if not _external:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values)
        path = super().url_for(endpoint, _anchor=_anchor, _method=_method, _external=False, **values)
        return external_url(path)


def external_url(path: str) -> str:
    """``path`` (as the app's URL map builds it, with the script root) on the public address."""
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root):
        path = path[len(root):]
    return str(current_app.config["LIAISON_BASE_URL"]).rstrip("/") + path


def current_url() -> str:
    """The address of this request (path and query) on the public address: a feed's own link."""
    return external_url(request.full_path.rstrip("?"))


def register_proxies(app: Flask) -> None:
    """Believe forwarding headers from ``LIAISON_TRUSTED_PROXIES`` proxy hops, and from nobody else."""
    hops = int(app.config["LIAISON_TRUSTED_PROXIES"])
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
