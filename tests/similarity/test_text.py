"""Identifier extraction, boilerplate removal and tokenising."""

from __future__ import annotations

from liaison.similarity.text import (
    WordAnalyzer,
    identifiers,
    own_identifiers,
    revised_identifiers,
    strip_boilerplate,
    title_core,
    title_match,
)


def test_identifier_forms_are_found_and_normalised() -> None:
    text = ("Updates RFC 5246 and RFCs 2045, 2046 and 2047; see RFC0791. Builds on ITU-T X.1901, Y.4500 "
            "and ISO/IEC 27001, 27566-1, IMT-2020, IEEE 802.11ac, 3GPP TS 23.501 and ETSI EN 303 645.")
    assert identifiers(text) == {
        "RFC5246", "RFC2045", "RFC2046", "RFC2047", "RFC791", "X.1901", "Y.4500", "ISO 27001",
        "ISO 27566-1", "IMT-2020", "IEEE 802.11ac", "3GPP TS 23.501", "ETSI EN 303645",
    }


def test_iso_and_the_iec_are_found_under_their_french_spanish_and_russian_names() -> None:
    assert identifiers("Voir la norme CEI 62443-3-3 et l'ISO/CEI 27001:2022.") == {"ISO 62443-3-3", "ISO 27001"}
    assert revised_identifiers("La presente norma sustituye a la CEI 60050-161.") == {"ISO 60050-161"}
    assert identifiers("Стандарт ИСО/МЭК 27001 и МЭК 62443-3-3") == {"ISO 27001", "ISO 62443-3-3"}


def test_cross_references_and_dates_are_not_identifiers() -> None:
    assert identifiers("See Annex A.1, clause B.2 and the 2020-12 meeting in the U.S.") == set()


def test_a_stated_revision_is_told_from_a_citation() -> None:
    text = ("This document obsoletes RFCs 1034 and 1035, and is updated by RFC 7230. The key words are to be "
            "interpreted as described in RFC 2119. It is an update to RFC 6125. TLS is used as in RFC 5246.")
    assert revised_identifiers(text) == {"RFC1034", "RFC1035", "RFC7230", "RFC6125"}
    assert revised_identifiers("This edition cancels and replaces ISO/IEC 27001:2013.") == {"ISO 27001"}
    assert revised_identifiers("La présente édition remplace la Recommandation UIT-T X.1901.") == {"X.1901"}
    assert revised_identifiers("Esta norma sustituye a la ISO 9001:2008.") == {"ISO 9001"}
    assert revised_identifiers("Le texte met à jour la Recommandation Y.4500.") == {"Y.4500"}
    assert revised_identifiers("Настоящий стандарт заменяет ИСО 9001:2008.") == {"ISO 9001"}
    assert revised_identifiers("تحل هذه التوصية محل التوصية X.1254.") == {"X.1254"}
    assert revised_identifiers("本标准代替ISO/IEC 27001:2013。") == {"ISO 27001"}
    assert revised_identifiers("Builds on X.1901 and Y.4500.") == set()
    assert revised_identifiers("") == set()


def test_own_identifiers() -> None:
    assert own_identifiers("RFC0791") == {"RFC791"}
    assert own_identifiers("ISO/IEC 27001") == {"ISO 27001"}
    assert own_identifiers("cop guidelines") == {"COP GUIDELINES"}
    assert own_identifiers("") == set()


def test_boilerplate_sentences_are_dropped() -> None:
    text = ("This memo provides information for the Internet community. It does not specify an Internet "
            "standard of any kind. Age assurance matters.")
    assert strip_boilerplate(text) == "Age assurance matters."


def test_word_analyzer_drops_stop_words_and_numbers() -> None:
    grams = WordAnalyzer()("This Recommendation specifies age assurance for 5G networks in 2024")
    assert grams == ["age", "assurance", "5g", "network", "age assurance", "assurance 5g", "5g network"]


def test_char_analyzer_matches_scikit_learn_char_wb() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from liaison.similarity.text import CharAnalyzer

    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()
    for text in ["Age assurance framework (IMT-2020)", "x", "", "HTTP/1.1:  Message\tSyntax"]:
        assert sorted(CharAnalyzer(3, 5)(text)) == sorted(reference(text))


def test_title_core_sets_framing_aside_and_reads_the_part() -> None:
    core = title_core("Information technology - Coded representation of immersive media - Part 3: Versatile video coding")
    assert core.part == "3"
    assert core.tail == {"versatile", "video", "coding"}
    assert "information" not in core.words and "technology" not in core.words
    assert title_core("Transport service definition for Open Systems Interconnection for CCITT applications").words \
        == {"transport", "service", "definition"}


def test_title_match_same_subject_under_two_framings() -> None:
    itu = title_core("Transport service definition for Open Systems Interconnection for CCITT applications")
    iso = title_core("Information processing systems - Open Systems Interconnection - Transport service definition")
    sibling = title_core("Presentation service definition for Open Systems Interconnection for CCITT applications")
    assert title_match(itu, iso) == 1.0
    assert title_match(itu, sibling) == 0.5


def test_title_match_compares_a_part_title_with_a_title_without_parts() -> None:
    rec = title_core("Versatile video coding")
    part = title_core("Information technology - Coded representation of immersive media - Part 3: Versatile video coding")
    assert title_match(rec, part) == 1.0 == title_match(part, rec)


def test_title_match_different_parts_never_match() -> None:
    one = title_core("Enhanced communications transport protocol: Specification of simplex multicast transport - Part 1:")
    two = title_core("Enhanced communications transport protocol: Specification of simplex multicast transport - Part 2:")
    assert title_match(one, two) == 0.0
    assert title_match(one, title_core("Enhanced communications transport protocol")) > 0


def test_title_match_keeps_subject_words_that_english_stop_lists_drop() -> None:
    systems = title_core("Generic coding of moving pictures and associated audio information: Systems")
    video = title_core("Generic coding of moving pictures and associated audio information - Part 2: Video")
    assert title_match(systems, video) < 1.0
    assert title_match(title_core(""), systems) == 0.0
