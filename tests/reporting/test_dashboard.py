"""Dashboard figures (public and full), their cache, and the page with its charts and tables."""

from __future__ import annotations

import datetime as dt
import re
from xml.etree import ElementTree

from liaison.core.timed_cache import TimedCache
from liaison.reporting.dashboard import compute_dashboard, days_between, median_days
from tests.factories import login
from tests.reporting.conftest import alert_between


def test_public_figures_count_public_items_and_decided_alerts(db, populated):
    stats = compute_dashboard(db, "public")
    assert stats.items_by_body["ITU-T"]["proposed"] == 2
    assert sum(stats.items_by_body["ITU-D"].values()) == 2
    itu = stats.pair("ITU-T", "ITU-D")
    assert itu is not None and (itu.first, itu.second) == ("ITU-D", "ITU-T")
    # The duplicate, and the open alert between public items, counted as a number only.
    assert (itu.by_state["duplicate"], itu.by_state["open"], itu.found) == (1, 1, 2)
    assert stats.pair("UNICEF", "ITU-T").by_state["related"] == 1
    assert stats.overlap_totals() == {"duplicate": 1, "overlap": 0, "related": 1, "not_overlap": 0, "open": 2}
    assert stats.totals["items"] == 5


def test_full_figures_add_private_items_and_statements_in_preparation(db, populated):
    full = compute_dashboard(db, "full")
    public = compute_dashboard(db, "public")
    assert full.totals["items"] == public.totals["items"] + 1
    assert full.statements_by_body["ITU-T"].in_preparation == 2
    assert public.statements_by_body["ITU-T"].in_preparation == 0


def test_alerts_with_a_private_item_are_left_out_of_the_public_figures(db, world):
    shown = world.item("X.a", "ITU-T/SG17", title="Age assurance for online services")
    hidden = world.item("D.b", "ITU-D/SG2", title="Age assurance for online services", is_public=False)
    alert_between(db, shown, hidden)
    assert compute_dashboard(db, "public").overlaps == []
    assert compute_dashboard(db, "full").pair("ITU-T", "ITU-D").by_state["open"] == 1


def test_statements_sent_answered_and_overdue(db, world, upload_dir):
    answered = world.sent(upload_dir, title="Answered one")
    sg2 = world.factory.user("omar@sg2.example", officer_of=("ITU-D/SG2",))
    from liaison.statements.workflow import mark_action_taken

    mark_action_taken(db, sg2, answered.recipients[0], "done")
    late = world.sent(upload_dir, title="Late one")
    stats = compute_dashboard(db, "public", today=late.recipients[0].deadline + dt.timedelta(days=1))
    counts = stats.statements_by_body["ITU-T"]
    assert (counts.sent, counts.answered, counts.overdue, counts.received) == (2, 1, 1, 0)
    assert stats.median_days_to_answer is not None and stats.answers_timed == 1
    assert compute_dashboard(db, "public").statements_by_body["ITU-T"].overdue == 0


def test_median_time_to_a_decision(db, populated):
    stats = compute_dashboard(db, "public")
    assert stats.decisions_timed == 2 and stats.median_days_to_decision is not None


def test_days_and_medians():
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    pairs = [(start, start + dt.timedelta(days=2)), (start, start + dt.timedelta(days=4)), (start, None),
             (start, start - dt.timedelta(days=1)), (start, start + dt.timedelta(days=9))]
    assert days_between(pairs) == [2.0, 4.0, 9.0]
    assert median_days([2.0, 4.0, 9.0]) == 4.0 and median_days([]) is None


def test_the_cache_keeps_values_for_their_time_and_not_beyond():
    now = [100.0]
    cache = TimedCache(clock=lambda: now[0])
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cache.get("public", 60, compute) == 1
    now[0] += 59
    assert cache.get("public", 60, compute) == 1
    assert cache.get("full", 60, compute) == 2
    now[0] += 2
    assert cache.get("public", 60, compute) == 3
    assert cache.get("public", 0, compute) == 4 and cache.get("public", 0, compute) == 5


def test_a_bounded_cache_lets_its_oldest_values_go():
    cache = TimedCache(max_entries=2)
    made = []

    def compute(key):
        return lambda: made.append(key) or key

    for key in ("a", "b", "c"):
        cache.get(key, 60, compute(key))
    cache.get("c", 60, compute("c"))
    cache.get("b", 60, compute("b"))
    cache.get("a", 60, compute("a"))  # made again: "a" made room for "c"
    assert made == ["a", "b", "c", "a"]


def test_the_page_draws_accessible_charts_with_their_numbers_in_tables(client, populated):
    page = client.get("/dashboard/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 3
    for svg in svgs:
        root = ElementTree.fromstring(svg)
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title").text
        labelled = root.get("aria-labelledby").split()
        assert all(f'id="{ident}"' in svg for ident in labelled)
    assert html.count("<caption") >= 3
    assert "Possible overlaps by pair of bodies and decision" in html
    assert "Qqprivate" not in html


def test_the_page_counts_the_cache_per_process(app, client, populated, monkeypatch):
    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 60)
    app.extensions.pop("liaison.dashboard_cache", None)
    before = client.get("/dashboard/").get_data(as_text=True)
    populated.item("X.new", "ITU-T/SG17", title="A new item after the figures were cached")
    assert client.get("/dashboard/").get_data(as_text=True) == before
    app.extensions.pop("liaison.dashboard_cache", None)


def test_chairs_and_admins_see_the_full_figures_and_may_switch(client, populated):
    anonymous = client.get("/dashboard/").get_data(as_text=True)
    assert "You see every item" not in anonymous and "In preparation" not in anonymous
    login(client, populated.chair)
    full = client.get("/dashboard/").get_data(as_text=True)
    assert "You see every item and alert" in full and "In preparation" in full
    public = client.get("/dashboard/?view=public").get_data(as_text=True)
    assert "You see the public figures" in public and "In preparation" not in public
    login(client, populated.officer)
    assert "You see every item" not in client.get("/dashboard/").get_data(as_text=True)


def test_an_empty_dashboard_says_so(client, world):
    html = client.get("/dashboard/").get_data(as_text=True)
    assert "No possible overlap has been found yet" in html
    assert "No work items are registered yet." in html
