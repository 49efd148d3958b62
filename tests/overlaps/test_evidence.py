"""The evidence the side-by-side page shows, read the way the engine reads text."""

from liaison.overlaps.evidence import score_breakdown, shared_words, word_spans
from liaison.similarity import FEATURES


def test_shared_words_fold_plurals_and_case_and_skip_stop_words():
    words = shared_words("Protecting children on social networks", "The NETWORK and its CHILDREN: for protecting them")
    assert words == {"protecting", "children", "network"}


def test_word_spans_mark_only_the_shared_words_and_keep_the_rest_verbatim():
    spans = word_spans("Child <online> protection", {"online"})
    assert "".join(piece for piece, _ in spans) == "Child <online> protection"
    assert [piece for piece, marked in spans if marked] == ["online"]


def test_score_breakdown_lists_every_feature_with_its_share():
    shares = score_breakdown({"chars": 0.5}, {"chars": 4.0, "words": 1.0})
    assert [share.name for share in shares] == list(FEATURES)
    chars = next(share for share in shares if share.name == "chars")
    assert chars.contribution == 2.0
    assert all(share.contribution == 0.0 for share in shares if share.name != "chars")
