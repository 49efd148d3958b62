"""Check-as-you-type cannot be turned against the tracker: bounded input, checked before the index
lock, a smaller body for anonymous callers, and a per-address rate limit (issue 12, item 1)."""

from __future__ import annotations

import pytest

from liaison.indexing import current_index
from liaison.web.rate_limits import limiter
from tests.overlaps.test_alerts import AGE_A
from tests.web.api.helpers import assert_problem

#: One value just beyond a work item's bound, per field that check-as-you-type reads.
TOO_LONG = {
    "reference": "X." + "1" * 119,
    "title": "t" * 501,
    "summary": "s" * 20_001,
    "keywords": [f"k{n}" for n in range(51)],
    "group": "G/" * 61,
}


class ForbiddenLock:
    """Stands in for the index's lock: taking it fails the request (a 500 the test sees)."""

    def __enter__(self) -> None:
        raise AssertionError("the index lock was taken for input that should have been refused first")

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.fixture(autouse=True)
def fresh_counts():
    """Every test starts with no request counted against any address, and leaves none behind."""
    limiter.reset()
    yield
    limiter.reset()


@pytest.mark.parametrize("field", sorted(TOO_LONG))
def test_similar_refuses_what_a_work_item_refuses_before_taking_the_index_lock(client, factory, field):
    officer = factory.user(officer_of=("ITU-T/SG17",))
    token = factory.token(officer)
    factory.item("A.1", **AGE_A)
    client.post("/api/v1/similar", json={"title": "warm the index up"})
    current_index().lock = ForbiddenLock()

    draft = {"title": "Age assurance", field: TOO_LONG[field]}
    refused = assert_problem(client.post("/api/v1/similar", json=draft), 422)
    as_item = client.post("/api/v1/work-items", headers=token, json={"reference": "X.new", "group": "ITU-T/SG17"} | draft)
    assert refused["errors"] == {field: as_item.get_json()["errors"][field]}, "the same rule, the same words"


def test_a_huge_anonymous_body_is_refused_before_it_is_read(client, app):
    # The review's 5 MB reference ("X.0 X.1 ... X.599999") took 8.8 s of the engine under its lock.
    reference = " ".join(f"X.{n}" for n in range(600_000))
    problem = assert_problem(client.post("/api/v1/similar", json={"title": "age", "reference": reference}), 413)
    assert problem["title"] == "Request Entity Too Large"
    just_over = {"title": "a" * app.config["LIAISON_MAX_ANONYMOUS_JSON_BYTES"]}
    assert_problem(client.post("/api/v1/similar", json=just_over), 413)


def test_a_signed_in_caller_may_send_a_larger_body(client, factory, app):
    token = factory.token(factory.user(officer_of=("ITU-T/SG17",)))
    body = {"title": "Age", "summary": "word " * 4000, "keywords": ["age"]}
    assert len(str(body)) < app.config["LIAISON_MAX_ANONYMOUS_JSON_BYTES"] < app.config["LIAISON_MAX_JSON_BYTES"]
    big = {"title": "t" * (app.config["LIAISON_MAX_ANONYMOUS_JSON_BYTES"] + 10)}
    assert client.post("/api/v1/similar", json=big).status_code == 413
    # Read, then refused by the item's bound: the token's caller gets the field's error, not 413.
    assert "title" in assert_problem(client.post("/api/v1/similar", headers=token, json=big), 422)["errors"]


def test_anonymous_check_as_you_type_is_rate_limited_per_address(client, factory, monkeypatch, app):
    monkeypatch.setitem(app.config, "LIAISON_SIMILAR_RATE_LIMIT", "3 per minute")
    factory.item("A.1", **AGE_A)
    here, elsewhere = {"REMOTE_ADDR": "198.51.100.7"}, {"REMOTE_ADDR": "198.51.100.8"}
    draft = {"title": "Age assurance"}
    for _ in range(3):
        assert client.post("/api/v1/similar", json=draft, environ_base=here).status_code == 200
    refused = client.post("/api/v1/similar", json=draft, environ_base=here)
    problem = assert_problem(refused, 429)
    assert "3 per minute" in problem["detail"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert client.post("/api/v1/similar", json=draft, environ_base=elsewhere).status_code == 200

    token = factory.token(factory.user(officer_of=("ITU-T/SG17",)))
    for _ in range(5):
        answer = client.post("/api/v1/similar", json=draft, headers=token, environ_base=here)
        assert answer.status_code == 200, "people who sign in are not counted"


def test_bad_requests_count_against_the_limit_too(client, monkeypatch, app):
    # Otherwise a stream of refused (but parsed) bodies would cost nothing to send.
    monkeypatch.setitem(app.config, "LIAISON_SIMILAR_RATE_LIMIT", "2 per minute")
    here = {"REMOTE_ADDR": "198.51.100.9"}
    for _ in range(2):
        assert client.post("/api/v1/similar", json={"title": 5}, environ_base=here).status_code == 422
    assert_problem(client.post("/api/v1/similar", json={"title": "x"}, environ_base=here), 429)


def test_the_draft_is_encoded_outside_the_index_lock(client, factory, monkeypatch):
    factory.item("A.1", **AGE_A)
    client.post("/api/v1/similar", json={"title": "warm the index up"})
    index = current_index()
    real_lock, held = index.lock, []

    class WatchedLock:
        def __enter__(self) -> None:
            real_lock.__enter__()
            held.append(True)

        def __exit__(self, *exc: object) -> None:
            held.pop()
            real_lock.__exit__(*exc)

    index.lock = WatchedLock()
    featurizer = index.engine._featurizer
    transform, drafts_encoded = featurizer.transform, []

    def watched(docs):
        drafts_encoded.extend(bool(held) for doc in docs if doc.id == "draft")
        return transform(docs)

    monkeypatch.setattr(featurizer, "transform", watched)
    draft = {"title": "Age assurance", "summary": "age verification " * 1000}
    assert client.post("/api/v1/similar", json=draft).status_code == 200
    assert drafts_encoded == [False], "encoded once, and not while holding the lock"
