"""Test data made through the services (so that it obeys the same rules as real data)."""

from __future__ import annotations

import itertools
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from liaison.accounts import operations as accounts
from liaison.items import operations as work_items
from liaison.models import Group, User, WorkItem
from liaison.organisation import operations as organisation

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


class Factory:
    """Helpers bound to one session; every method flushes, none commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def group(self, code: str = "ITU-T/SG17", **kwargs: Any) -> Group:
        """A group (and its body and parents), created if missing."""
        return organisation.ensure_group(self.session, None, code, **kwargs)

    def user(
        self,
        email: str | None = None,
        *,
        name: str = "Test Person",
        admin: bool = False,
        officer_of: tuple[str, ...] = (),
        chair_of: tuple[str, ...] = (),
    ) -> User:
        """A user holding the given roles."""
        user = accounts.create_user(
            self.session, None, email or f"user{next(_counter)}@example.org", name, PASSWORD, is_admin=admin
        )
        for role, codes in (("officer", officer_of), ("chair", chair_of)):
            for code in codes:
                accounts.grant_role(self.session, None, user, self.group(code), role)
        return user

    def item(self, reference: str | None = None, *, group: str = "ITU-T/SG17", actor: User | None = None, **fields: Any) -> WorkItem:
        """A work item in ``group`` (title and summary made up unless given)."""
        self.group(group)
        data = {
            "reference": reference or f"X.test-{next(_counter)}",
            "title": "Guidelines on child online protection",
            "summary": "",
            "group": group,
        } | fields
        return work_items.create_work_item(self.session, actor, data)

    def token(self, user: User) -> dict[str, str]:
        """Headers that authenticate API calls as ``user``."""
        _, plaintext = accounts.create_api_token(self.session, None, user, "test")
        return {"Authorization": f"Bearer {plaintext}"}


def login(client: FlaskClient, user: User) -> None:
    """Log ``client`` in as ``user`` without going through the form, in the user's current session epoch
    (a logout or "end other sessions" moves it on, and a session of an older epoch has ended)."""
    state = sa_inspect(user, raiseerr=False)  # the route matrix passes a plain stand-in with an id
    if state is not None and state.session is not None:
        state.session.refresh(user)
    with client.session_transaction() as session:
        session["user_id"] = user.id
        session["epoch"] = getattr(user, "session_epoch", 0)
