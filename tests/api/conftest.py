"""Fixtures of the API tests."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.helpers import ApiClient


@pytest.fixture()
def api(app: Flask, client: FlaskClient) -> ApiClient:
    """An :class:`ApiClient` inside the test's rolled-back transaction."""
    return ApiClient(app, client)
