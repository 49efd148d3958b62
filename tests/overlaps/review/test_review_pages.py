"""The review pages: queue, side by side, decisions (one, many, conflicting), settings, model."""

from __future__ import annotations

import re

import pytest

from liaison.overlaps import operations as overlaps
from tests.factories import login
from tests.overlaps.review.conftest import alert_between, fresh
from tests.overlaps.test_alerts import AGE_A, AGE_B

CHILD_AGE = {
    "title": "Privacy of age assurance checks in online services",
    "summary": "Levels of confidence of age assurance and privacy of the checks.",
    "keywords": ["age verification", "age assurance"],
}


@pytest.fixture()
def three(db, factory):
    """Three alerts with distinct scores, highest first: (X, D), (D, Q), (X, Q).

    The engine raises all three; their scores are then set, since these tests are about the queue,
    not about the weights the engine ships with."""
    x = factory.item("X.age", group="ITU-T/SG17", **AGE_A)
    d = factory.item("D.age", group="ITU-D/SG2", **AGE_B)
    q = factory.item("Q.age", group="ITU-T/SG13", **CHILD_AGE)
    alerts = [alert_between(db, x, d), alert_between(db, d, q), alert_between(db, x, q)]
    for alert, score in zip(alerts, (0.9, 0.6, 0.3)):
        alert.score = score
    db.flush()
    assert alerts[0].score > alerts[1].score > alerts[2].score
    return alerts


def page_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("who", "status"), [("officer", 403), ("chair_other", 200), ("cwg_chair", 200), ("admin", 200)])
def test_the_queue_is_for_chairs_and_admins(client, pair, people, who, status):
    login(client, getattr(people, who))
    assert client.get("/review/").status_code == status


def test_an_alert_id_beyond_any_row_is_not_found(client, people):
    login(client, people.admin)
    assert client.get(f"/review/{2**63}").status_code == 404
    assert client.get("/review/424242").status_code == 404


def test_anonymous_visitors_are_asked_to_log_in(client, pair):
    response = client.get("/review/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(f"/review/{pair.alert.id}").status_code == 302
    assert client.post(f"/review/{pair.alert.id}/decide", data={"decision": "related"}).status_code == 302


def test_the_nav_shows_review_to_chairs_only(client, pair, people):
    login(client, people.officer)
    assert 'href="/review/"' not in page_of(client.get("/items/"))
    login(client, people.chair_other)
    assert 'href="/review/"' in page_of(client.get("/items/"))


def test_the_queue_lists_open_alerts_highest_score_first_with_counts(client, three, people):
    login(client, people.admin)
    html = page_of(client.get("/review/"))
    positions = [html.index(f'/review/{a.id}"') for a in three]
    assert positions == sorted(positions)
    assert re.search(r"Open <span[^>]*>3</span>", html)
    assert f'value="{three[0].id}:{three[0].version}"' in html  # bulk checkbox carries the version


def test_the_queue_orders_by_usefulness_to_decide(client, three, people):
    login(client, people.admin)
    html = page_of(client.get("/review/?order=uncertain"))
    expected = sorted(three, key=lambda a: (abs(a.score - 0.5), a.id))
    positions = [html.index(f'/review/{a.id}?') for a in expected]
    assert positions == sorted(positions)


def test_queue_filters_and_empty_states(client, db, factory, three, people):
    factory.group("UNICEF/Child Protection")
    login(client, people.chair_other)  # chairs ITU-T/SG13: only Q.age's two alerts involve their group
    html = page_of(client.get("/review/?mine=y"))
    assert f"/review/{three[0].id}?" not in html and f"/review/{three[1].id}?" in html
    assert "No alerts match these filters" in page_of(client.get("/review/?body=UNICEF"))
    assert "No alerts match" in page_of(client.get(f"/review/?min_score={three[0].score + 0.0001:.4f}"))
    assert f"/review/{three[0].id}?" in page_of(client.get(f"/review/?min_score={three[0].score:.4f}"))
    assert "No alerts match" in page_of(client.get("/review/?created_to=2000-01-01"))
    bad = client.get("/review/?min_score=2&created_from=nonsense")
    assert bad.status_code == 400 and "Some filters are not valid" in page_of(bad)
    for alert in three:
        alert.state = "related"
    db.flush()
    assert "Nothing to review" in page_of(client.get("/review/"))


def test_neighbours_follow_the_queue_order(db, three, people):
    filters = overlaps.AlertFilters(state=["open"])
    assert overlaps.alert_neighbours(db, filters, people.admin, three[0].id) == (None, three[1].id)
    assert overlaps.alert_neighbours(db, filters, people.admin, three[1].id) == (three[0].id, three[2].id)
    uncertain = overlaps.AlertFilters(state=["open"], order="uncertain")
    ordered = [a.id for a in sorted(three, key=lambda a: (abs(a.score - 0.5), a.id))]
    assert overlaps.alert_neighbours(db, uncertain, people.admin, ordered[1]) == (ordered[0], ordered[2])


def test_side_by_side_shows_both_items_highlighted_and_escaped(client, db, factory, people):
    first = factory.item("X.esc", group="ITU-T/SG17", **AGE_A | {"summary": AGE_A["summary"] + " <script>alert(1)</script>"})
    second = factory.item("D.esc", group="ITU-D/SG2", **AGE_B)
    alert = alert_between(db, first, second)
    login(client, people.chair_a)
    html = page_of(client.get(f"/review/{alert.id}"))
    assert "X.esc" in html and "D.esc" in html and "ITU-D/SG2" in html
    assert "<mark>verification</mark>" in html and "<mark>assurance</mark>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Identifiers quoted or shared" in html and 'role="progressbar"' in html
    assert 'name="decision"' in html and f'name="version" type="hidden" value="{alert.version}"' in html


def test_the_side_by_side_page_shows_other_alerts_links_and_history(client, three, people):
    login(client, people.chair_a)
    client.post(f"/review/{three[0].id}/decide", data={"decision": "overlap", "note": "talk", "version": three[0].version})
    html = page_of(client.get(f"/review/{three[2].id}"))
    assert "Other alerts of X.age" in html and f'href="/review/{three[0].id}"' in html
    assert "overlaps <a" in html  # X.age's link made by the decision
    history = page_of(client.get(f"/review/{three[0].id}"))
    assert "Alice Chair: X.age / D.age: Overlap" in history


def test_deciding_links_redirects_to_the_next_alert_and_can_be_undone(client, db, three, people):
    login(client, people.chair_a)
    response = client.post(
        f"/review/{three[0].id}/decide?order=score", data={"decision": "duplicate", "note": "same work", "version": three[0].version}
    )
    assert response.status_code == 303 and response.headers["Location"] == f"/review/{three[1].id}?order=score"
    assert fresh(db, three[0]).state == "duplicate"
    html = page_of(client.get(f"/review/{three[0].id}"))
    assert "Decided <strong>Duplicate</strong> by Alice Chair" in html and "Undo: reopen this alert" in html
    undo = client.post(f"/review/{three[0].id}/reopen", data={"version": fresh(db, three[0]).version})
    assert undo.status_code == 303 and fresh(db, three[0]).state == "open"


def test_a_decision_without_a_required_note_is_shown_again_with_the_error(client, db, pair, people):
    login(client, people.chair_b)
    response = client.post(f"/review/{pair.alert.id}/decide", data={"decision": "overlap", "note": "", "version": pair.alert.version})
    assert response.status_code == 422 and "a note is required" in page_of(response)
    assert fresh(db, pair.alert).state == "open"


@pytest.mark.parametrize(("who", "status"), [("officer", 403), ("chair_other", 403), ("chair_b", 303), ("cwg_chair", 303)])
def test_who_may_decide_on_the_page(client, pair, people, who, status):
    login(client, getattr(people, who))
    response = client.post(f"/review/{pair.alert.id}/decide", data={"decision": "related", "version": pair.alert.version})
    assert response.status_code == status


def test_two_chairs_deciding_at_once_the_second_sees_the_first_decision(app, db, pair, people):
    first, second = app.test_client(), app.test_client()
    login(first, people.chair_a)
    login(second, people.chair_b)
    seen = re.search(r'name="version" type="hidden" value="(\d+)"', page_of(second.get(f"/review/{pair.alert.id}"))).group(1)
    assert first.post(f"/review/{pair.alert.id}/decide", data={"decision": "duplicate", "note": "same", "version": seen}).status_code == 303
    late = second.post(f"/review/{pair.alert.id}/decide", data={"decision": "not_overlap", "note": "", "version": seen})
    html = page_of(late)
    assert late.status_code == 409 and "Your decision was not saved" in html
    assert "Alice Chair decided it" in html and "Duplicate" in html
    assert fresh(db, pair.alert).state == "duplicate"
    # Having seen it, they may still overrule it: the form now carries the current version.
    current = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert int(current) == fresh(db, pair.alert).version


def test_bulk_decisions_report_each_alert(client, db, three, people):
    login(client, people.chair_a)  # may decide the two alerts of X.age, not (D.age, Q.age)
    selection = [f"{three[0].id}:{three[0].version}", f"{three[1].id}:{three[1].version}", f"{three[2].id}:{three[2].version - 1}"]
    response = client.post("/review/bulk", data={"alert": selection, "decision": "related", "note": "one note"}, follow_redirects=True)
    html = page_of(response)
    assert "Decided 1 alert: X.age / D.age: Related" in html
    assert f"Alert {three[1].id} was not decided: only a chair" in html
    assert f"Alert {three[2].id} was not decided: this alert changed since you read it" in html
    assert [fresh(db, a).state for a in three] == ["related", "open", "open"]


def test_bulk_without_a_note_or_selection_is_refused_with_the_queue_shown(client, three, people):
    login(client, people.admin)
    refused = client.post("/review/bulk", data={"alert": [f"{three[0].id}:{three[0].version}"], "decision": "duplicate"})
    assert refused.status_code == 422 and "a note is required" in page_of(refused)
    empty = client.post("/review/bulk", data={"decision": "related"})
    assert empty.status_code == 422 and "select at least one alert" in page_of(empty)


def test_a_failed_bulk_decision_keeps_the_ticks_and_sums_up_the_errors_at_the_top(client, three, people):
    login(client, people.admin)
    ticked = [f"{three[0].id}:{three[0].version}", f"{three[2].id}:{three[2].version}"]
    html = page_of(client.post("/review/bulk", data={"alert": ticked, "decision": "duplicate"}))
    summary = html[html.index("data-error-summary"):html.index('id="review-queue"')]
    assert "There is a problem" in summary and 'href="#note"' in summary and "a note is required" in summary
    for alert in three:
        box = re.search(rf'<input[^>]*id="select-{alert.id}"[^>]*>', html).group(0)
        assert ("checked" in box) == (alert is not three[1])
    empty = page_of(client.post("/review/bulk", data={"decision": "related"}))
    assert 'href="#review-queue"' in empty and "select at least one alert" in empty


def test_the_message_after_a_decision_offers_undo(client, db, three, people):
    login(client, people.chair_a)
    page = page_of(client.post(
        f"/review/{three[0].id}/decide", data={"decision": "related", "version": three[0].version}, follow_redirects=True
    ))
    message = page[page.index("Decided: X.age and D.age"):]
    undo = re.search(r'<form method="post" action="(/review/\d+/reopen[^"]*)".*?name="version" value="(\d+)"', message, re.S)
    assert undo is not None and undo.group(1).startswith(f"/review/{three[0].id}/reopen")
    assert client.post(undo.group(1).replace("&amp;", "&"), data={"version": undo.group(2)}).status_code == 303
    assert fresh(db, three[0]).state == "open"


def test_the_side_by_side_page_repeats_no_id(client, db, three, people):
    login(client, people.chair_a)
    client.post(f"/review/{three[0].id}/decide", data={"decision": "related", "version": three[0].version})
    ids = re.findall(r'\sid="([^"]+)"', page_of(client.get(f"/review/{three[0].id}")))
    assert ids and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_forms_need_their_csrf_token(app, client, db, pair, people, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login(client, people.admin)
    response = client.post(f"/review/{pair.alert.id}/decide", data={"decision": "related", "version": pair.alert.version})
    assert response.status_code == 400 and fresh(db, pair.alert).state == "open"
    html = page_of(client.get(f"/review/{pair.alert.id}"))
    assert 'name="csrf_token"' in html


def test_mail_settings(client, db, people):
    login(client, people.chair_a)
    assert re.search(r'<input checked[^>]*value="daily"', page_of(client.get("/review/settings")))
    assert client.post("/review/settings", data={"alert_digest": "immediate"}).status_code == 303
    db.refresh(people.chair_a)
    assert people.chair_a.alert_digest == "immediate"
    assert client.post("/review/settings", data={"alert_digest": "hourly"}).status_code == 422
    login(client, people.officer)
    assert "you chair no group" in page_of(client.get("/review/settings"))


def test_the_model_page_is_for_admins(client, people):
    login(client, people.chair_a)
    assert client.get("/review/model").status_code == 403
    login(client, people.admin)
    html = page_of(client.get("/review/model"))
    assert "The hand-set model" in html and "Alert threshold" in html and "at least 10 of each" in html
    refused = client.post("/review/model", data={"action": "fit"}, follow_redirects=True)
    assert "not enough decisions" in page_of(refused)


def test_every_feature_of_the_engine_has_a_label():
    # The alert page lists each feature by its label: a feature without one made that page a 500
    # (found by tests/fuzz/test_html_routes.py when the engine gained "cites" and "semantic").
    from liaison.overlaps.views import FEATURE_LABELS
    from liaison.similarity import FEATURES

    assert set(FEATURE_LABELS) == set(FEATURES)
