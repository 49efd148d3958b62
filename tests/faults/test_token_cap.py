"""The cap on a person's active API tokens holds when they are created in parallel (issue 12, item 11)."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request

from sqlalchemy import func, select

from liaison.accounts import operations as accounts
from liaison.accounts.tokens import MAX_ACTIVE_TOKENS
from liaison.models import ApiToken
from tests.factories import PASSWORD

PARALLEL = 25


def _create(url: str, cookie: str) -> int:
    request = urllib.request.Request(
        f"{url}/account/tokens", method="POST", data=urllib.parse.urlencode({"token-name": "script"}).encode(),
        headers={"Cookie": f"session={cookie}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_parallel_creations_never_pass_the_cap(own_app, serve):
    own = own_app("tokens")
    with own.session() as session:
        user = accounts.create_user(session, None, "olga@sg17.example", "Olga Officer", PASSWORD)
        session.commit()
        user_id = user.id
    browser = own.app.test_client()
    assert browser.post("/login", data={"email": "olga@sg17.example", "password": PASSWORD}).status_code == 302
    cookie = browser.get_cookie("session").value
    served = serve(own)

    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []

    def create() -> None:
        barrier.wait()
        statuses.append(_create(served.url, cookie))

    threads = [threading.Thread(target=create) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    with own.session() as session:
        active = session.scalar(
            select(func.count()).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        )
    assert active == MAX_ACTIVE_TOKENS
    assert sorted(statuses) == [200] * MAX_ACTIVE_TOKENS + [422] * (PARALLEL - MAX_ACTIVE_TOKENS)
