"""What a service can refuse, and why: each maps to one HTTP status in the web layer."""

from __future__ import annotations

from typing import Mapping


class ServiceError(Exception):
    """A refusal a person can act on. ``message`` is shown to them as it is."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(ServiceError):
    """Input that cannot be stored; ``errors`` maps each field to what is wrong with it."""

    status = 422

    def __init__(self, errors: Mapping[str, str], message: str | None = None) -> None:
        self.errors = dict(errors)
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class PermissionDenied(ServiceError):
    """The acting user may not do this."""

    status = 403


class NotFound(ServiceError):
    """The thing asked for does not exist (or is not visible to the asker)."""

    status = 404


class Conflict(ServiceError):
    """The change was based on a stale version, or clashes with what is stored."""

    status = 409
