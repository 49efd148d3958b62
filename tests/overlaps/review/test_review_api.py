"""POST /api/v1/alerts/<id>/decision and /reopen: tokens, roles, versions, problems; links readable after."""

from __future__ import annotations

import pytest

from tests.factories import login
from tests.overlaps.review.conftest import fresh
from tests.overlaps.review.test_review_pages import CHILD_AGE
from tests.overlaps.test_alerts import AGE_A, AGE_B

PROBLEM = "application/problem+json"


def decision_url(pair) -> str:
    return f"/api/v1/alerts/{pair.alert.id}/decision"


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 403), ("chair_other", 403), ("chair_a", 200), ("chair_b", 200), ("cwg_chair", 200), ("admin", 200)],
)
def test_who_may_decide_through_the_api(client, factory, pair, people, who, status):
    headers = factory.token(getattr(people, who))
    response = client.post(decision_url(pair), headers=headers, json={"decision": "related", "version": pair.alert.version})
    assert response.status_code == status
    if status == 200:
        body = response.get_json()
        assert body["state"] == "related" and body["version"] == pair.alert.version + 1
        assert response.headers["ETag"] == f'"{body["version"]}"'
    else:
        assert response.mimetype == PROBLEM and "chair" in response.get_json()["detail"]


def test_writes_need_a_token_not_a_cookie(client, pair, people):
    login(client, people.admin)
    response = client.post(decision_url(pair), json={"decision": "related"})
    assert response.status_code == 401 and response.mimetype == PROBLEM
    assert client.post(f"/api/v1/alerts/{pair.alert.id}/reopen", json={"version": 1}).status_code == 401


def test_a_stale_version_is_a_409_with_the_current_decision(client, db, factory, pair, people):
    read = pair.alert.version
    first = client.post(decision_url(pair), headers=factory.token(people.chair_a),
                        json={"decision": "duplicate", "note": "same text", "version": read})
    assert first.status_code == 200
    late = client.post(decision_url(pair), headers=factory.token(people.chair_b) | {"If-Match": f'"{read}"'},
                       json={"decision": "not_overlap"})
    assert late.status_code == 409 and late.mimetype == PROBLEM
    problem = late.get_json()
    assert "Alice Chair decided it" in problem["detail"]
    assert problem["current"]["state"] == "duplicate" and problem["current"]["decided_by"] == "Alice Chair"
    assert fresh(db, pair.alert).state == "duplicate"


def test_without_a_version_an_open_alert_is_decided_but_a_decided_one_is_not(client, factory, pair, people):
    headers = factory.token(people.admin)
    assert client.post(decision_url(pair), headers=headers, json={"decision": "related"}).status_code == 200
    again = client.post(decision_url(pair), headers=headers, json={"decision": "overlap", "note": "coordinate"})
    assert again.status_code == 409 and again.get_json()["current"]["state"] == "related"


def test_bad_decisions_are_problems_naming_the_field(client, factory, pair, people):
    headers = factory.token(people.admin)
    cases = [
        ({"decision": "overlap"}, 422, "note"),
        ({"decision": "perhaps"}, 422, "decision"),
        ({}, 422, "decision"),
        ({"decision": 3}, 422, "decision"),
        ({"decision": "related", "colour": "red"}, 422, "colour"),
        ({"decision": "related", "version": "two"}, 422, "version"),
    ]
    for body, status, field in cases:
        response = client.post(decision_url(pair), headers=headers, json=body)
        assert response.status_code == status and response.mimetype == PROBLEM, body
        assert field in response.get_json()["errors"], body
    assert client.post(decision_url(pair), headers=headers, data="decision=related").status_code == 415
    assert client.post(decision_url(pair), headers=headers, data="{", content_type="application/json").status_code == 400
    assert client.post("/api/v1/alerts/424242/decision", headers=headers, json={"decision": "related"}).status_code == 404
    huge = client.post(f"/api/v1/alerts/{2**63}/decision", headers=headers, json={"decision": "related"})
    assert huge.status_code == 404 and huge.mimetype == PROBLEM


def test_reopen_needs_the_version_and_gives_the_link_back(client, factory, pair, people):
    headers = factory.token(people.chair_b)
    decided = client.post(decision_url(pair), headers=headers, json={"decision": "duplicate", "note": "same", "version": 1})
    version = decided.get_json()["version"]
    links = client.get(f"/api/v1/work-items/{pair.a.id}/links", headers=headers).get_json()["items"]
    assert [(link["type"], link["other"]["reference"]) for link in links] == [("duplicates", "D.age")]
    reopen = f"/api/v1/alerts/{pair.alert.id}/reopen"
    assert client.post(reopen, headers=headers).status_code == 428
    stale = client.post(reopen, headers=headers, json={"version": version - 1})
    assert stale.status_code == 409 and stale.get_json()["current"]["state"] == "duplicate"
    done = client.post(reopen, headers=headers | {"If-Match": f'"{version}"'})
    assert done.status_code == 200 and done.get_json()["state"] == "open"
    assert client.get(f"/api/v1/work-items/{pair.a.id}/links", headers=headers).get_json()["items"] == []
    assert client.post(reopen, headers=headers, json={"version": version + 1}).status_code == 409  # open already
    assert client.post(reopen, headers=factory.token(people.officer), json={"version": version + 1}).status_code == 403


def test_alerts_can_be_listed_most_useful_to_decide_first(client, factory, db, people):
    factory.item("X.age", group="ITU-T/SG17", **AGE_A)
    factory.item("D.age", group="ITU-D/SG2", **AGE_B)
    factory.item("Q.age", group="ITU-T/SG13", **CHILD_AGE)
    headers = factory.token(people.admin)
    items = client.get("/api/v1/alerts?order=uncertain", headers=headers).get_json()["items"]
    assert [round(abs(a["score"] - 0.5), 4) for a in items] == sorted(round(abs(a["score"] - 0.5), 4) for a in items)
    assert client.get("/api/v1/alerts?order=random", headers=headers).status_code == 422
