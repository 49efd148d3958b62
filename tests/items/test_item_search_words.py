"""A search matches whole words from their start, on SQLite and PostgreSQL, and can list the best match first."""

from __future__ import annotations

from liaison.items.queries import ItemFilters, search_work_items, word_start_pattern


def _references(db, q: str, sort: str = "reference") -> list[str]:
    return [item.reference for item in search_work_items(db, ItemFilters(q=q, sort=sort), None).items]


def test_a_word_does_not_match_inside_another_word(db, factory):
    factory.item("X.engage", title="Stakeholder engagement in child protection")
    factory.item("X.gag", title="Gag orders and platform transparency")
    factory.item("X.gagging", title="Reporting of gagging clauses")
    factory.item("X.hyphen", title="Anti-gag provisions")

    assert _references(db, "gag") == ["X.gag", "X.gagging", "X.hyphen"]
    assert _references(db, "GAG") == ["X.gag", "X.gagging", "X.hyphen"]
    assert _references(db, "engagement") == ["X.engage"]


def test_words_with_pattern_characters_are_taken_literally(db, factory):
    factory.item("X.1091", title="Safeguards (draft) for c++ code")
    factory.item("X.10a1", title="Another text")
    assert _references(db, "X.1091") == ["X.1091"]
    assert _references(db, "c++") == ["X.1091"]
    assert _references(db, "(draft)") == ["X.1091"]
    assert word_start_pattern("a.b").startswith("(?i)")


def test_best_match_first_weighs_reference_and_title_above_summary(db, factory):
    factory.item("X.summary", title="Other work", summary="Mentions age assurance once")
    factory.item("X.title", title="Age assurance framework", summary="")
    factory.item("X.both", title="Age assurance", summary="Age assurance for every age", keywords=["age assurance"])
    assert _references(db, "age assurance", sort="relevance") == ["X.both", "X.title", "X.summary"]


def test_the_list_sorts_a_search_by_relevance_unless_told_otherwise(client, db, factory):
    factory.item("X.summary", title="Other work", summary="Mentions privacy once")
    factory.item("X.title", title="Privacy by design", summary="")
    html = client.get("/items/?q=privacy").get_data(as_text=True)
    assert html.index("X.title") < html.index("X.summary")
    assert '<option selected value="relevance">' in html
    by_reference = client.get("/items/?q=privacy&sort=-reference").get_data(as_text=True)
    assert by_reference.index("X.title") < by_reference.index("X.summary")
    assert client.get("/api/v1/work-items?q=privacy&sort=relevance").get_json()["items"][0]["reference"] == "X.title"
