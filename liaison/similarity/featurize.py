"""Turn documents into the sparse rows the index stores, one matrix per channel.

Channels: ``words`` (field-weighted word TF-IDF), ``chars`` (character n-gram TF-IDF of title and
keywords), ``own`` (identifiers a document carries by its id), ``mentions`` (identifiers its text
quotes) and ``keywords``. The last three are hashed into a fixed number of columns, so documents
added after fitting never meet an unknown identifier or keyword.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.utils import murmurhash3_32

from .dense import stack
from .document import Document
from .language import primary_language
from .text import (
    CharAnalyzer,
    TitleCore,
    WordAnalyzer,
    carried_identifiers,
    identifiers,
    normalise_keyword,
    normalise_title,
    revised_identifiers,
    strip_boilerplate,
    title_core,
)

HASH_COLUMNS = 1 << 20
CHANNELS = ("words", "chars", "own", "mentions", "keywords")
TEXT_CHANNELS = ("words", "chars")


@dataclass(frozen=True)
class RowSets:
    """The identifiers, keywords and title core of one document, kept for scoring and explaining its matches."""

    own: frozenset[str]
    mentions: frozenset[str]
    keywords: frozenset[str]
    title: TitleCore = TitleCore()
    language: str = ""
    revised: frozenset[str] = frozenset()  # quoted as revised ("updates RFC 2616"): part of mentions


@dataclass
class Encoded:
    """The channel rows of a batch of documents, row i for document i."""

    matrices: dict[str, sp.csr_matrix]
    titles: list[str]
    sets: list[RowSets]
    vectors: np.ndarray  # (n, dim) float16 unit rows, zero where missing; dim 0 when none has one
    has: np.ndarray  # mask of rows with a vector

    def __len__(self) -> int:
        return len(self.titles)


def quoted_between(a: RowSets, b: RowSets, revised: bool = False) -> frozenset[str]:
    """The numbers one of two documents quotes from what the other carries; with ``revised``, only
    those it says it updates or replaces (or is updated by). Scores and explanations both ask this."""
    if revised:
        return (a.revised & b.own) | (a.own & b.revised)
    return (a.mentions & b.own) | (a.own & b.mentions)


def _hashed(items: Sequence[set[str]]) -> sp.csr_matrix:
    """Binary rows with one column per (hashed) string."""
    indptr = np.zeros(len(items) + 1, dtype=np.int64)
    cols: list[int] = []
    for i, strings in enumerate(items):
        cols.extend(sorted({murmurhash3_32(s, positive=True) % HASH_COLUMNS for s in strings}))
        indptr[i + 1] = len(cols)
    indices = np.asarray(cols, dtype=np.int32)
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(items), HASH_COLUMNS))


def _row_sets(own: list[set[str]], mentions: list[set[str]], revised: list[set[str]], keywords: list[set[str]],
              docs: Sequence[Document]) -> list[RowSets]:
    """The :class:`RowSets` of each document, equal sets and words shared between rows.

    An index keeps five sets a row, most of them empty or alike (a title's last segment is often
    the whole title): built one by one they took 270 MB at 100,000 rows.
    """
    shared: dict[frozenset[str], frozenset[str]] = {}

    def one(items: Iterable[str]) -> frozenset[str]:
        key = frozenset(map(sys.intern, items))
        return shared.setdefault(key, key)

    out = []
    for o, m, r, k, doc in zip(own, mentions, revised, keywords, docs):
        core = title_core(doc.title)
        out.append(RowSets(one(o), one(m), one(k), TitleCore(one(core.words), one(core.tail), sys.intern(core.part), one(core.head)),
                           primary_language(doc.language), one(r)))
    return out


def _title_text(doc: Document) -> str:
    return " . ".join([doc.title, *doc.keywords])


def _rest_text(doc: Document, summary: str) -> str:
    return " . ".join([summary, doc.question])


def mentioned_identifiers(doc: Document, summary: str, own: set[str]) -> tuple[set[str], set[str]]:
    """Identifiers quoted in a document's text, and those of them it says it revises, less ``own``,
    those it carries (:func:`.text.carried_identifiers`).

    ``summary`` is the summary already stripped of boilerplate.
    """
    text = " \n ".join([doc.title, summary, doc.question, *doc.keywords])
    found = identifiers(text)
    if not found:
        return found, set()
    return found - own, revised_identifiers(text) - own


def keyword_set(doc: Document) -> set[str]:
    """The normalised, non-empty keywords of a document."""
    return {k for k in (normalise_keyword(k) for k in doc.keywords) if k}


class TermWeights:
    """A vocabulary with smoothed idf weights, and the sublinear TF-IDF rows built on it.

    Hand-rolled rather than a TfidfVectorizer so that one tokenisation serves several fields
    and encoding a single query costs a few dictionary look-ups, not a validation pipeline.
    The weights follow scikit-learn's (``sublinear_tf=True``, ``smooth_idf=True``).
    """

    def __init__(self) -> None:
        self.terms: dict[str, int] = {}
        self.idf = np.ones(1, dtype=np.float32)

    def count(self, texts: Iterable[str], analyzer: Callable[[str], list[str]], grow: bool = False) -> sp.csr_matrix:
        """Raw term counts, one row per text, tokenised as it streams past (never all tokens at once).

        With ``grow`` unseen terms join the vocabulary (when fitting); otherwise they are dropped.
        """
        terms = self.terms
        columns = array("i")
        indptr = array("q", [0])
        for text in texts:
            tokens = analyzer(text)
            if grow:
                columns.extend([terms.setdefault(t, len(terms)) for t in tokens])
            else:
                columns.extend([c for c in map(terms.get, tokens) if c is not None])
            indptr.append(len(columns))
        counts = sp.csr_matrix((np.ones(len(columns), dtype=np.float32), np.frombuffer(columns, dtype=np.int32),
                                np.frombuffer(indptr, dtype=np.int64)), shape=(len(indptr) - 1, max(len(terms), 1)))
        counts.sum_duplicates()
        return counts

    def fit_idf(self, *fields: sp.csr_matrix) -> list[sp.csr_matrix]:
        """Set idf from the counts of each field of the same documents; return the counts resized
        to the final vocabulary."""
        width = max(len(self.terms), 1)
        resized = [sp.csr_matrix((f.data, f.indices, f.indptr), shape=(f.shape[0], width)) for f in fields]
        df = np.bincount(sum(resized[1:], resized[0]).indices, minlength=width)
        self.idf = (np.log((1 + resized[0].shape[0]) / (1 + df)) + 1).astype(np.float32)
        return resized

    def weigh(self, *weighted_counts: tuple[sp.csr_matrix, float]) -> sp.csr_matrix:
        """L2-normalised sum of ``weight * (1 + log tf) * idf`` over the given fields."""
        total = None
        for counts, weight in weighted_counts:
            np.log(counts.data, out=counts.data)
            counts.data += 1.0
            counts.data *= weight
            total = counts if total is None else total + counts
        if total is None:
            raise ValueError("weigh() needs at least one field")
        total = total.tocsr()
        total.data *= self.idf[total.indices]
        norms = np.sqrt(np.bincount(np.repeat(np.arange(total.shape[0]), np.diff(total.indptr)),
                                    weights=total.data.astype(np.float64) ** 2, minlength=total.shape[0]))
        norms[norms == 0] = 1.0
        total.data /= np.repeat(norms, np.diff(total.indptr)).astype(np.float32)
        return total

    def names(self) -> np.ndarray:
        """The vocabulary, indexed by column."""
        names = np.empty(len(self.terms), dtype=object)
        for term, column in self.terms.items():
            names[column] = term
        return names


class Featurizer:
    """Fitted vocabularies and idf weights, and the recipe that turns documents into rows.

    Word rows are TF-IDF with sublinear term frequency, counted per field: the title's (and
    keywords') term weights are multiplied by ``title_weight`` before the row is L2-normalised,
    because a shared title word says more about the subject than a shared abstract word. Each
    field is tokenised once, which is most of the cost of fitting. Character rows are TF-IDF of
    the n-grams of the title and keywords.
    """

    def __init__(self, title_weight: float = 2.0, char_ngrams: tuple[int, int] = (3, 5)) -> None:
        self.title_weight = title_weight
        self.word_analyzer = WordAnalyzer()
        self.char_analyzer = CharAnalyzer(*char_ngrams)
        self.words = TermWeights()
        self.chars = TermWeights()
        self.fitted = False

    def fit_transform(self, docs: Sequence[Document]) -> Encoded:
        """Learn vocabularies and idf weights from ``docs`` (may be empty) and encode them."""
        self.fitted = bool(docs)
        self.words, self.chars = TermWeights(), TermWeights()
        summaries = [strip_boilerplate(d.summary) for d in docs]
        titles = [_title_text(d) for d in docs]
        title_words, rest_words = self.words.fit_idf(
            self.words.count(titles, self.word_analyzer, grow=True),
            self.words.count((_rest_text(d, s) for d, s in zip(docs, summaries)), self.word_analyzer, grow=True),
        )
        (title_chars,) = self.chars.fit_idf(self.chars.count(titles, self.char_analyzer, grow=True))
        words = self.words.weigh((title_words, self.title_weight), (rest_words, 1.0))
        return self._encode(docs, summaries, words, self.chars.weigh((title_chars, 1.0)))

    def transform(self, docs: Sequence[Document]) -> Encoded:
        """Encode ``docs`` with the fitted vocabularies; unknown words are simply not counted."""
        summaries = [strip_boilerplate(d.summary) for d in docs]
        titles = [_title_text(d) for d in docs]
        words = self.words.weigh(
            (self.words.count(titles, self.word_analyzer), self.title_weight),
            (self.words.count((_rest_text(d, s) for d, s in zip(docs, summaries)), self.word_analyzer), 1.0),
        )
        chars = self.chars.weigh((self.chars.count(titles, self.char_analyzer), 1.0))
        return self._encode(docs, summaries, words, chars)

    def word_names(self) -> np.ndarray:
        """The word vocabulary, indexed by column."""
        return self.words.names()

    @staticmethod
    def _encode(docs: Sequence[Document], summaries: list[str], words: sp.csr_matrix,
                chars: sp.csr_matrix) -> Encoded:
        own = [carried_identifiers(d.id, d.identifiers) for d in docs]
        quoted = [mentioned_identifiers(d, s, o) for d, s, o in zip(docs, summaries, own)]
        mentions, revised = [m for m, _ in quoted], [r for _, r in quoted]
        keywords = [keyword_set(d) for d in docs]
        vectors, has = stack([d.vector for d in docs])
        return Encoded(
            matrices={"words": words, "chars": chars, "own": _hashed(own), "mentions": _hashed(mentions),
                      "keywords": _hashed(keywords)},
            titles=[normalise_title(d.title) for d in docs],
            sets=_row_sets(own, mentions, revised, keywords, docs),
            vectors=vectors,
            has=has,
        )
