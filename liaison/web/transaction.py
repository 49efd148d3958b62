"""One transaction per request, for pages and API alike (as Indico's ``RH`` and Warehouse's pyramid_tm).

The view's answer decides: below 400 its changes are committed, from 400 on (or when it raises)
they are rolled back, so that a refused request never leaves half of itself behind. A write that
loses a race to another writer becomes the same 409 :class:`~liaison.core.errors.Conflict` on
every door. Views never commit or roll back themselves.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, current_app, g, request, session
from flask.typing import ResponseReturnValue

from liaison import db
from liaison.core.errors import Conflict, ServiceError

F = TypeVar("F", bound=Callable[..., Any])
#: Methods that never write (with a bearer token even a read records the token's use).
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


class TransactionalFlask(Flask):
    """Flask whose every view runs in one unit of work, committed or rolled back here only."""

    def dispatch_request(self) -> ResponseReturnValue:
        try:
            response = self.make_response(super().dispatch_request())
        except db.WRITE_CLASHES as exc:
            _roll_back()
            raise Conflict(db.CONFLICT_MESSAGE) from exc
        except BaseException:
            # Before the error page is drawn: it reads the database too (whose menu to show).
            _roll_back()
            raise
        if response.status_code < 400 or g.pop("keep_refusal", False):
            try:
                db.commit()
            except Conflict:
                # Nothing was saved: a "Saved." message queued for the next page would lie.
                session.pop("_flashes", None)
                raise
        else:
            _roll_back()
        deadline = g.pop("answer_not_before", None)
        if deadline is not None:
            time.sleep(max(0.0, deadline - time.monotonic()))
        return response


def _roll_back() -> None:
    db.rollback()
    records = g.pop("records_on_refusal", [])
    if not records:
        return
    try:
        for record in records:
            record()
        db.commit()
    except Exception:
        # The answer (the refusal, or the error being handled) matters more than the record.
        db.rollback()
        current_app.logger.warning("could not keep the record of a refused request", exc_info=True)


def expect_writes_for_request() -> None:
    """Before anything reads: a request that may write says so (SQLite then takes its write lock first)."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "only_reads", False) and "Authorization" not in request.headers:
        return
    if request.method not in _READS or "Authorization" in request.headers:
        db.expect_writes()


def only_reads(view: F) -> F:
    """Marks a POST view that never writes (its body is a question, not a change).

    On SQLite a writing request holds the database's one write lock from its start to its end: an
    anonymous question (check-as-you-type) must not make every writer wait for it.
    """
    view.only_reads = True  # type: ignore[attr-defined]
    return view


def keep_refusal() -> None:
    """Commit this request's changes even though it answers an error (a failed login must count)."""
    g.keep_refusal = True


def record_even_if_refused(record: Callable[[], object]) -> None:
    """Run ``record`` again in a transaction of its own if this request is rolled back.

    For what must be on record whatever the answer: an API token was used, even by a refused call.
    """
    g.setdefault("records_on_refusal", []).append(record)


def answer_not_before(deadline: float) -> None:
    """Hold the answer until ``time.monotonic()`` reaches ``deadline``, after the commit.

    For answers whose timing must not tell anything (does this e-mail have an account?).
    """
    g.answer_not_before = deadline


@contextmanager
def refusal_undone() -> Iterator[None]:
    """For a view that answers a refusal itself (the form again, saying what is wrong).

    What the refused step had changed is rolled back at once, so that the page drawn next reads
    the database as it is, and a failed write leaves no broken session behind.
    """
    try:
        yield
    except (ServiceError, *db.WRITE_CLASHES):
        db.rollback()
        raise
