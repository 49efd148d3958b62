"""The overlap endpoints of the API: /similar, /work-items/<id>/similar, /alerts."""

from __future__ import annotations

from tests.factories import login
from tests.overlaps.test_alerts import AGE_A, AGE_B, UNRELATED


def test_similar_answers_while_typing_with_score_group_and_reasons(client, factory):
    stored = factory.item("ISO/IEC 27566-1", group="ISO-IEC JTC 1/SC 27", **AGE_A)
    factory.item("X.other", group="ITU-T/SG13", **UNRELATED)
    response = client.post("/api/v1/similar", json={"title": "Age assurance framework", "summary": "age verification"})
    assert response.status_code == 200
    matches = response.get_json()["matches"]
    assert matches[0]["id"] == stored.id
    assert matches[0]["group"] == "ISO-IEC JTC 1/SC 27" and matches[0]["reasons"]
    assert 0 < matches[0]["score"] <= 1


def test_similar_with_nothing_typed_finds_nothing(client, factory):
    factory.item("A.1", **AGE_A)
    assert client.post("/api/v1/similar", json={"title": "  "}).get_json() == {"matches": []}


def test_similar_refuses_bad_input_with_a_problem(client):
    assert client.post("/api/v1/similar", data="nope", content_type="application/json").status_code == 400
    bad = client.post("/api/v1/similar", json={"title": 5})
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert "title" in bad.get_json()["errors"]
    assert client.post("/api/v1/similar", json={"title": "x", "k": 0}).status_code == 422


def test_item_similar_lists_neighbours_but_not_itself(client, factory):
    first = factory.item("A.1", **AGE_A)
    second = factory.item("B.1", group="ITU-D/SG2", **AGE_B)
    body = client.get(f"/api/v1/work-items/{first.id}/similar?k=3").get_json()
    assert [m["id"] for m in body["matches"]] == [second.id]
    assert client.get("/api/v1/work-items/999999/similar").status_code == 404
    assert client.get(f"/api/v1/work-items/{first.id}/similar?k=abc").status_code == 422


def test_open_alerts_are_for_people_who_log_in(client, factory):
    factory.item("A.1", **AGE_A)
    factory.item("B.1", group="ITU-D/SG2", **AGE_B)
    assert client.get("/api/v1/alerts").get_json()["total"] == 0
    user = factory.user(officer_of=("ITU-T/SG17",))
    login(client, user)
    body = client.get("/api/v1/alerts?state=open&min_score=0.1").get_json()
    assert body["total"] == 1
    alert = body["items"][0]
    assert {alert["item_a"]["reference"], alert["item_b"]["reference"]} == {"A.1", "B.1"}
    assert alert["features"] and alert["reasons"] and alert["state"] == "open"
    one = client.get(f"/api/v1/alerts/{alert['id']}")
    assert one.status_code == 200 and one.get_json()["id"] == alert["id"]


def test_alert_filters(client, factory):
    factory.item("A.1", **AGE_A)
    factory.item("B.1", group="ITU-D/SG2", **AGE_B)
    headers = factory.token(factory.user(admin=True))
    assert client.get("/api/v1/alerts?body=ITU-D", headers=headers).get_json()["total"] == 1
    assert client.get("/api/v1/alerts?group=ITU-T/SG13", headers=headers).get_json()["total"] == 0
    score = client.get("/api/v1/alerts", headers=headers).get_json()["items"][0]["score"]
    assert client.get(f"/api/v1/alerts?min_score={score}", headers=headers).get_json()["total"] == 1
    assert client.get(f"/api/v1/alerts?max_score={score / 2:.4f}", headers=headers).get_json()["total"] == 0
    assert client.get("/api/v1/alerts?state=bogus", headers=headers).status_code == 422
    assert client.get("/api/v1/alerts?min_score=2", headers=headers).status_code == 422
    assert client.get("/api/v1/alerts/424242", headers=headers).status_code == 404


def test_bad_alert_parameters_are_named_together_and_documented_from_the_same_class(client):
    bad = client.get("/api/v1/alerts?state=open,bogus&min_score=nan&page=0&per_page=x&order=")
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert bad.get_json()["errors"] == {
        "state": "unknown state 'bogus'; use one of open, duplicate, overlap, related, not_overlap, closed",
        "min_score": "must be a number between 0 and 1",
        "order": "unknown order ''; use one of score, uncertain, newest, oldest",
        "page": "must be between 1 and 10000000",
        "per_page": "must be a whole number",
    }
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {p["name"]: p for p in spec["paths"]["/alerts"]["get"]["parameters"]}
    assert documented["per_page"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 25}
    assert documented["state"]["explode"] and documented["order"]["schema"]["enum"][0] == "score"
