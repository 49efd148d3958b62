"""Helpers of the API tests: a client with a database session per request, and problem checks."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


class ApiClient:
    """Calls ``/api/v1`` as a separate process would, with a database session per request.

    The ``db`` fixture keeps an app context open for the whole test, and requests made inside it
    share its ``g`` and so one database session; in production each request has its own, so a
    change made elsewhere (a revoked token, another person's edit) is seen by the next request.
    """

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client

    def request(self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> TestResponse:
        """Send one request; ``path`` is relative to ``/api/v1`` unless it starts with ``/api``."""
        url = path if path.startswith("/api") else f"/api/v1{path}"
        with self.app.app_context():
            return self.client.open(url, method=method, headers=headers or {}, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        """GET ``path``."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        """POST ``path``."""
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        """PATCH ``path``."""
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        """DELETE ``path``."""
        return self.request("DELETE", path, **kwargs)


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    """Check that ``response`` is a problem document with ``status`` and a detail; return it."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["detail"]
    return body
