"""Behaviour of the similarity engine on small hand-written fixtures."""

from __future__ import annotations

import itertools

import pytest

from liaison.similarity import ENGINE_VERSION, FEATURES, Document, Engine, Match, Pair
from liaison.similarity.scoring import TWIN_POWER, WITHIN_POWER

NEAR_COPY = Document("NEW-1", "Guidelines for industry on child online protection (revised)",
                     "Guidance for companies that provide online services on protecting children from harm.",
                     ("child online protection",), "ITU-T/SG17")
UNRELATED = Document("NEW-2", "Optical fibre cable attenuation measurement",
                     "Test methods for the attenuation of single-mode optical fibres.", (), "ITU-T/SG15")


def test_near_copy_ranks_first(engine: Engine) -> None:
    matches = engine.query(NEAR_COPY, k=3)
    assert matches[0].id == "ITU-T COP-1"
    assert matches[0].score >= engine.threshold
    assert isinstance(matches[0], Match)


def test_unrelated_item_does_not_alert(engine: Engine, docs: list[Document]) -> None:
    assert all(m.score < engine.threshold for m in engine.query(UNRELATED))
    assert all(engine.score(UNRELATED, d) < engine.threshold for d in docs)


def test_scores_and_features_stay_in_unit_interval(engine: Engine, docs: list[Document]) -> None:
    for doc in [*docs, NEAR_COPY, UNRELATED]:
        for m in engine.query(doc, k=len(docs)):
            assert 0.0 <= m.score <= 1.0
            assert set(m.features) == set(FEATURES)
            assert all(0.0 <= v <= 1.0 + 1e-6 for v in m.features.values())


def test_results_are_best_first_and_never_the_query_itself(engine: Engine, docs: list[Document]) -> None:
    for doc in docs:
        matches = engine.query(doc, k=10)
        assert doc.id not in {m.id for m in matches}
        assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_query_score_matches_pairwise_score(engine: Engine, docs: list[Document]) -> None:
    match = engine.query(docs[1], k=1)[0]
    assert abs(match.score - engine.score(docs[1], engine.get(match.id))) < 1e-5


def test_exclude_group(engine: Engine) -> None:
    query = Document("Q", "Age assurance and age verification", "Age verification of children online.",
                     group="ITU-T/SG17/Q6")
    assert "X.1901" in {m.id for m in engine.query(query)}
    matches = engine.query(query, exclude_group="ITU-T/SG17/Q6")
    assert matches and "X.1901" not in {m.id for m in matches}


def test_add_is_searchable_at_once_and_remove_takes_effect(engine: Engine) -> None:
    engine.add(NEAR_COPY)
    assert "NEW-1" in engine and len(engine) == 8
    assert engine.query(engine.get("ITU-T COP-1"), k=1)[0].id == "NEW-1"
    assert engine.remove("NEW-1")
    assert "NEW-1" not in engine and len(engine) == 7
    assert "NEW-1" not in {m.id for m in engine.query(NEAR_COPY, k=10)}
    assert not engine.remove("NEW-1")


def test_add_without_refit_uses_the_delta_segment(docs: list[Document]) -> None:
    engine = Engine(refit_fraction=None).fit(docs)
    vocabulary = engine._vocabulary
    engine.add(NEAR_COPY)
    assert engine._vocabulary is vocabulary  # no refit happened
    assert engine.query(NEAR_COPY, k=1)[0].id == "ITU-T COP-1"
    engine.refit()
    assert engine.query(NEAR_COPY, k=1)[0].id == "ITU-T COP-1"


def test_add_of_existing_id_replaces_it(engine: Engine) -> None:
    replacement = Document("X.1901", "5G network slicing management",
                           "Management of network slicing in 5G core networks.", group="ITU-T/SG13")
    engine.add(replacement)
    assert len(engine) == 7
    assert engine.get("X.1901") == replacement
    assert engine.query(replacement, k=1)[0].id == "TS 23.501"
    assert [m.id for m in engine.query(NEAR_COPY, k=10)].count("X.1901") <= 1


def test_merge_keeps_results(docs: list[Document]) -> None:
    engine = Engine(refit_fraction=None, merge_every=1).fit(docs)
    engine.remove("Y.4500")
    engine.add(NEAR_COPY)
    engine.add(UNRELATED)  # the delta now exceeds merge_every: merged, tombstones compacted
    assert len(engine) == 8 and "Y.4500" not in engine
    assert engine.query(NEAR_COPY, k=1)[0].id == "ITU-T COP-1"


def test_pairs_unique_unordered_and_above_threshold(engine: Engine) -> None:
    engine.add(NEAR_COPY)
    pairs = list(engine.pairs())
    assert pairs and all(isinstance(p, Pair) for p in pairs)
    keys = [frozenset((p.a, p.b)) for p in pairs]
    assert len(keys) == len(set(keys))
    assert all(p.a < p.b and p.score >= engine.threshold for p in pairs)
    assert frozenset(("ITU-T COP-1", "NEW-1")) in keys
    low = list(engine.pairs(threshold=0.01))
    assert all(p.score >= 0.01 for p in low) and len(low) >= len(pairs)


def test_pair_scores_agree_with_query_scores(engine: Engine) -> None:
    for pair in engine.pairs(threshold=0.05):
        match = {m.id: m for m in engine.query(engine.get(pair.a), k=10)}[pair.b]
        assert abs(match.score - pair.score) < 1e-5


def test_reasons_name_identifiers_titles_keywords_and_terms(engine: Engine, docs: list[Document]) -> None:
    by_id = {d.id: d for d in docs}
    identifier = engine.explain(by_id["EN-KIDS"], by_id["X.1901"])
    assert "cites the other's number X.1901" in identifier
    assert any(r.startswith("shared keywords: age verification") for r in identifier)
    assert any(r.startswith("shared terms: ") and "age verification" in r for r in identifier)
    titles = engine.explain(NEAR_COPY, by_id["ITU-T COP-1"])
    assert any(r.startswith("titles ") and r.endswith("% alike") for r in titles)
    match = engine.query(NEAR_COPY, k=1)[0]
    assert match.reasons and any("child online protection" in r for r in match.reasons)


def test_breakdown_has_every_feature(engine: Engine, docs: list[Document]) -> None:
    breakdown = engine.breakdown(docs[1], docs[2])
    assert set(breakdown) == set(FEATURES)
    assert breakdown["keywords"] == 0.5  # {age assurance, age verification} vs {age assurance}


def test_identifier_spellings_are_normalised() -> None:
    engine = Engine().fit([
        Document("RFC0791", "Internet Protocol"),
        Document("RFC9999", "Transport layer tweaks", "This document updates RFC 791."),
        Document("RFC1000", "Unrelated numbers"),
    ])
    match = engine.query(engine.get("RFC9999"), k=1)[0]
    assert match.id == "RFC0791" and "states that one updates or replaces the other (RFC791)" in match.reasons


def test_a_stated_revision_weighs_more_than_a_citation() -> None:
    http = Document("RFC7230", "Hypertext Transfer Protocol: message syntax and routing")
    revising = Document("RFC8615", "Well-known locations",
                        "This document defines a path prefix for well-known locations. It updates RFC 7230.")
    citing = Document("RFC8616", "Well-known names",
                      "This document defines a prefix for well-known names, carried as in RFC 7230.")
    engine = Engine().fit([http, revising, citing, Document("RFC1", "Host software")])
    stated, quoted = engine.breakdown(revising, http), engine.breakdown(citing, http)
    assert (stated["cites"], stated["revises"]) == (1.0, 1.0)
    assert (quoted["cites"], quoted["revises"]) == (1.0, 0.0)
    assert engine.score(revising, http) > engine.score(citing, http)
    assert [m.id for m in engine.query(http, k=2)] == ["RFC8615", "RFC8616"]
    pairs = {frozenset((p.a, p.b)): p for p in engine.pairs(threshold=0.0, per_item=0)}
    assert pairs[frozenset(("RFC7230", "RFC8615"))].features["revises"] == 1.0
    assert pairs[frozenset(("RFC7230", "RFC8616"))].features["revises"] == 0.0
    reasons = engine.explain(http, revising)
    assert "states that one updates or replaces the other (RFC7230)" in reasons
    assert not any(r.startswith("cites the other's number") for r in reasons)
    assert "cites the other's number RFC7230" in engine.explain(http, citing)


def test_empty_engine_and_empty_text() -> None:
    engine = Engine()
    assert len(engine) == 0 and "X" not in engine
    assert engine.query(Document("X", "anything")) == []
    assert list(engine.pairs()) == []
    empty = Document("E", "")
    engine.fit([empty])
    assert engine.query(empty) == []
    assert engine.query(Document("F", "", "")) == []
    engine.add(Document("G", "Age assurance"))
    assert engine.query(Document("H", "age assurance"))[0].id == "G"
    assert Engine().fit([]).query(NEAR_COPY) == []


def test_fit_on_one_document() -> None:
    engine = Engine().fit([NEAR_COPY])
    assert len(engine) == 1
    assert engine.query(NEAR_COPY) == []
    other = Document("O", "Child online protection guidelines for industry")
    assert engine.query(other)[0].id == "NEW-1"


def test_grows_from_empty_by_adds(docs: list[Document]) -> None:
    engine = Engine()
    for doc in docs:
        engine.add(doc)
    assert len(engine) == len(docs)
    assert engine.query(NEAR_COPY, k=1)[0].id == "ITU-T COP-1"


def test_save_load_round_trip(tmp_path, engine: Engine, docs: list[Document]) -> None:
    engine.add(NEAR_COPY)
    engine.remove("Y.4500")
    path = tmp_path / "engine.pkl"
    engine.save(path)
    loaded = Engine.load(path)
    assert len(loaded) == len(engine) and loaded.version == engine.version
    for doc in [*docs, NEAR_COPY, UNRELATED]:
        assert loaded.query(doc) == engine.query(doc)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["engine.pkl"]  # no temporary file left behind


def test_load_refuses_other_files(tmp_path) -> None:
    import pickle

    import pytest

    path = tmp_path / "bad.pkl"
    path.write_bytes(pickle.dumps({"format": -1}))
    with pytest.raises(ValueError):
        Engine.load(path)


def test_load_refuses_an_index_of_another_engine_version(tmp_path, engine: Engine) -> None:
    """An index saved before its features changed lacks what they read: the app rebuilds it."""
    import pickle

    import pytest

    path = tmp_path / "engine.pkl"
    engine.save(path)
    saved = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps({**saved, "engine": "tfidf-fuzzy-e5/2"}))
    with pytest.raises(ValueError, match="engine"):
        Engine.load(path)


def _ccitt(doc_id: str, subject: str) -> Document:
    """An OSI Recommendation of 1988, framed as CCITT titled them."""
    return Document(doc_id, f"{subject} for Open Systems Interconnection for CCITT applications", "", group="ITU-T/SG7")


def _iso_osi(doc_id: str, subject: str) -> Document:
    """The ISO standard of the same years, framed as ISO titled them."""
    return Document(doc_id, f"Information processing systems - Open Systems Interconnection - {subject}", "",
                    group="ISO/JTC1")


def test_title_same_tells_a_twin_under_another_body_from_a_sibling_of_one_series() -> None:
    """ITU-T and ISO/IEC publish one text under differently framed titles; the sibling Recommendation
    of the same series shares more words with the query's title than the twin does."""
    query, twin = _ccitt("ITU-T X.214", "Transport service definition"), _iso_osi("ISO 8072", "Transport service definition")
    sibling = _ccitt("ITU-T X.216", "Presentation service definition")
    engine = Engine().fit([twin, sibling])
    assert engine.breakdown(query, twin)["title_same"] == 1.0
    assert engine.breakdown(query, sibling)["title_same"] == 0.5
    assert engine.breakdown(query, sibling)["title_fuzzy"] > engine.breakdown(query, twin)["title_fuzzy"]


def test_a_full_title_match_outranks_a_sibling_sharing_the_series_framing() -> None:
    """title_twin counts a full subject match far above a half one, so the twin under another body's
    framing ranks first although the sibling shares more words with the query."""
    query = _ccitt("ITU-T X.216", "Presentation service definition")
    twin = _iso_osi("ISO 8822", "Presentation service definition")
    sibling = _ccitt("ITU-T X.214", "Transport service definition")
    others = [Document(f"ITU-T X.{n}", title, "", group="ITU-T/SG7") for n, title in (
        (200, "Reference model of Open Systems Interconnection for CCITT applications"),
        (210, "Open Systems Interconnection layer service definition conventions"),
        (400, "Message handling system and service overview"))]
    engine = Engine().fit([twin, sibling, *others])
    twin_features, sibling_features = engine.breakdown(query, twin), engine.breakdown(query, sibling)
    assert twin_features["title_twin"] == 1.0
    assert sibling_features["title_twin"] == sibling_features["title_same"] ** TWIN_POWER <= 0.125
    assert sibling_features["words"] > twin_features["words"]
    assert [m.id for m in engine.query(query, k=2)] == ["ISO 8822", "ITU-T X.214"]


def test_a_title_that_states_the_subject_in_fewer_words_lies_within_its_twin() -> None:
    """title_within is 1 when one body names the subject in fewer words (X.224 and ISO 8073), where
    title_same scores the added words against the pair nearly as much as a sibling's changed one."""
    query = _ccitt("ITU-T X.224", "Transport protocol specification")
    twin = _iso_osi("ISO 8073", "Connection oriented transport protocol specification")
    sibling = _ccitt("ITU-T X.226", "Presentation protocol specification")
    part = Document("ISO 8073-2", "Open Systems Interconnection - Part 2: Transport protocol", "", group="ISO/JTC1")
    other_part = Document("ISO 8073-3", "Open Systems Interconnection - Part 3: Transport protocol", "",
                          group="ISO/JTC1")
    engine = Engine().fit([twin, sibling, part, other_part])
    twin_features, sibling_features = engine.breakdown(query, twin), engine.breakdown(query, sibling)
    assert twin_features["title_same"] == 0.5
    assert sibling_features["title_same"] == pytest.approx(1 / 3)
    assert twin_features["title_within"] == 1.0
    assert sibling_features["title_within"] == 0.5 ** WITHIN_POWER
    assert engine.breakdown(part, other_part)["title_within"] == 0.0  # parts 2 and 3 are not one text
    assert "one title's subject lies within the other's" in engine.explain(query, twin)
    assert "one title's subject lies within the other's" not in engine.explain(query, sibling)
    # A subject of one word names nothing alone.
    assert engine.breakdown(Document("a", "Security", ""), Document("b", "Security of transport protocols", ""))[
        "title_within"] == 0.0


def test_a_protocol_is_not_within_the_title_of_an_extension_for_it() -> None:
    """Only the head of the longer title counts: "Session Initiation Protocol" is what the extension
    is for, not what it is, and a generic specification must not look like each extension's twin."""
    base = Document("RFC3261", "SIP: Session Initiation Protocol", "")
    extension = Document("RFC3329", "Security Mechanism Agreement for the Session Initiation Protocol (SIP)", "")
    revision = Document("RFC9999", "Session Initiation Protocol (SIP) Core Specification", "")
    engine = Engine().fit([base, extension, revision])
    assert engine.breakdown(base, extension)["title_within"] < 0.01
    assert engine.breakdown(base, revision)["title_within"] == 1.0


def test_explanation_says_titles_match_once_framing_is_set_aside() -> None:
    engine = Engine().fit([Document("ISO/IEC 23090-3", "Information technology - Coded representation of immersive "
                                    "media - Part 3: Versatile video coding", "", group="ISO/JTC1")])
    reasons = engine.explain(Document("ITU-T H.266", "Versatile video coding", "", group="ITU-T/SG16"),
                             engine.get("ISO/IEC 23090-3"))
    assert "titles say the same once series and body names are set aside: 1.00" in reasons


def test_model_hook_changes_scores_and_version(engine: Engine, docs: list[Document]) -> None:
    before = engine.version
    assert before == ENGINE_VERSION
    engine.set_model({"words": 1.0, "chars": 0.0, "title_fuzzy": 0.0, "identifiers": 0.0, "keywords": 0.0},
                     threshold=0.6, intercept=0.0)
    assert engine.version != before and engine.threshold == 0.6
    assert abs(engine.score(docs[0], docs[4]) - 0.5) < 0.05  # logistic(0 + 1 * words ~ 0)
    custom = Engine(weights={"words": 1.0}, threshold=0.3)
    assert custom.threshold == 0.3 and custom.version != before


def test_all_pairs_of_a_small_corpus_are_found(docs: list[Document]) -> None:
    engine = Engine(pair_top_n=len(docs)).fit(docs)
    every = {frozenset((p.a, p.b)): p.score for p in engine.pairs(threshold=0.0)}
    for a, b in itertools.combinations(docs, 2):
        if engine.score(a, b) >= engine.threshold:
            assert frozenset((a.id, b.id)) in every


def test_other_names_a_document_goes_by_count_as_its_identifiers() -> None:
    engine = Engine().fit([
        Document("17", "Age assurance framework", identifiers=("X.1901",)),
        Document("18", "Platform duties for children", "Builds on X.1901 for age checks."),
        Document("19", "Smart city digital twins"),
    ])
    match = engine.query(engine.get("18"), k=1)[0]
    assert match.id == "17" and "cites the other's number X.1901" in match.reasons


def test_skipping_frequent_terms_only_affects_candidate_choice(docs: list[Document]) -> None:
    capped, full = Engine(posting_cap=1).fit(docs), Engine(posting_cap=None).fit(docs)
    top_capped, top_full = capped.query(NEAR_COPY, k=1)[0], full.query(NEAR_COPY, k=1)[0]
    assert top_capped.id == top_full.id and abs(top_capped.score - top_full.score) < 1e-6


def test_a_learned_model_with_a_negative_weight_still_finds_candidates(engine: Engine) -> None:
    engine.set_model({"words": 5.0, "chars": 1.0, "title_fuzzy": -1.0, "identifiers": 5.0, "keywords": 0.0},
                     threshold=0.5, intercept=-4.0)
    assert engine.query(NEAR_COPY, k=1)[0].id == "ITU-T COP-1"


def test_a_prepared_query_answers_as_a_plain_one_and_survives_a_refit():
    from liaison.similarity import Document, Engine

    docs = [Document(id=str(n), title=f"Age assurance guideline part {n}", summary="age verification online",
                     keywords=("age",), group="G", body="B") for n in range(6)]
    engine = Engine(refit_fraction=None).fit(docs)
    draft = Document(id="draft", title="Age assurance", summary="verification of age", group="H", body="B")
    prepared = engine.prepare(draft)
    assert engine.query(draft, k=3, prepared=prepared) == engine.query(draft, k=3)
    engine.add(Document(id="new", title="Parental controls", summary="controls", group="G", body="B"))
    engine.refit()
    assert engine.query(draft, k=3, prepared=prepared) == engine.query(draft, k=3), "encoded again after a refit"


def test_identifiers_whose_hashes_collide_do_not_link_documents() -> None:
    # "X.246" and "ISO/TS 13136:2012" fall in one hashed column: a microbiology standard scored 0.98
    # against an OSI protocol on that alone.
    osi = Document("ITU-T X.246 (07/1994)", "Connection-oriented presentation protocol conformance proforma")
    food = Document("ISO/TS 13136:2012", "Detection of food-borne pathogens by real-time PCR",
                    "Cites X.246 nowhere.")
    quoting = Document("N1", "Presentation protocol notes", "Quotes ISO/TS 13136:2012 verbatim.")
    engine = Engine().fit([osi, food, quoting, Document("N2", "Smart city digital twins")])
    assert engine.breakdown(osi, food)["identifiers"] == 0.0
    assert engine.breakdown(osi, quoting)["cites"] == 0.0
    assert all(m.id != food.id or m.features["identifiers"] == 0.0 for m in engine.query(osi, k=3))
    assert all(m.features["cites"] == 0.0 for m in engine.query(quoting, k=3) if m.id == osi.id)


def test_titles_of_one_shape_keep_what_each_is_for_on_the_same_side() -> None:
    """Two titles "X for Y", one with more words, lie within each other when the shorter one's head
    is in the other's head and what it is for is in the other too; a sibling for another protocol does not."""
    shorter = Document("a", "Test suite for the session protocol", "")
    longer = Document("b", "Abstract test suite for the connection oriented session protocol", "")
    sibling = Document("c", "Abstract test suite for the connection oriented transport protocol", "")
    engine = Engine().fit([longer, sibling])
    assert engine.breakdown(shorter, longer)["title_within"] == 1.0
    assert engine.breakdown(shorter, sibling)["title_within"] == pytest.approx(0.75 ** WITHIN_POWER)
    assert engine.breakdown(shorter, longer)["title_within"] > engine.breakdown(shorter, sibling)["title_within"]


def test_a_head_of_one_word_is_no_subject_to_lie_within_another_title() -> None:
    """"Moving RFC 9999 to Historic" has one word before "to": it names no subject, so the title does
    not lie within every other "Moving ... to Historic"."""
    short = Document("a", "Moving RFC 9999 to Historic", "")
    other = Document("b", "Moving the Gopher Directory Protocol to Historic", "")
    engine = Engine().fit([other])
    assert engine.breakdown(short, other)["title_within"] < 0.01
