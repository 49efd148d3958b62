"""Addresses of the public pages that reports, feeds and pages link to, made with the app's URL map."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

from liaison.reporting.annual.data import Linker

#: The page of each kind of thing, and the name of its id in the route.
ENDPOINTS = {
    "item": ("items.detail", "item_id"),
    "overlap": ("public.overlap", "alert_id"),
    "statement": ("statements.detail", "statement_id"),
}


def public_url(kind: str, object_id: int, external: bool = False) -> str:
    """The address of the public page of a thing, or "" when the app serves no such page."""
    endpoint, argument = ENDPOINTS[kind]
    if endpoint not in current_app.view_functions:
        return ""
    values: dict[str, Any] = {argument: object_id}
    return url_for(endpoint, _external=external, **values)


def site_linker() -> Linker:
    """A linker giving absolute addresses for the current request (or ``test_request_context``)."""
    return lambda kind, object_id: public_url(kind, object_id, external=True)
