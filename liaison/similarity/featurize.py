"""Turn documents into the sparse rows the index stores, one matrix per channel.

Channels: ``words`` (field-weighted word TF-IDF), ``chars`` (character n-gram TF-IDF of title and
keywords), ``own`` (identifiers a document carries by its id), ``mentions`` (identifiers its text
quotes) and ``keywords``. The last three are hashed into a fixed number of columns, so documents
added after fitting never meet an unknown identifier or keyword.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

from .document import Document
from .text import (
    WordAnalyzer,
    identifiers,
    normalise_keyword,
    normalise_title,
    carried_identifiers,
    strip_boilerplate,
)

HASH_COLUMNS = 1 << 20
CHANNELS = ("words", "chars", "own", "mentions", "keywords")
TEXT_CHANNELS = ("words", "chars")


@dataclass(frozen=True)
class RowSets:
    """The identifiers and keywords of one document, kept for explaining its matches."""

    own: frozenset[str]
    mentions: frozenset[str]
    keywords: frozenset[str]


@dataclass
class Encoded:
    """The channel rows of a batch of documents, row i for document i."""

    matrices: dict[str, sp.csr_matrix]
    titles: list[str]
    sets: list[RowSets]

    def __len__(self) -> int:
        return len(self.titles)


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


def hash_column(string: str) -> int:
    """The column a hashed identifier or keyword lands in."""
    return murmurhash3_32(string, positive=True) % HASH_COLUMNS


def _title_text(doc: Document) -> str:
    return " . ".join([doc.title, *doc.keywords])


def _rest_text(doc: Document, summary: str) -> str:
    return " . ".join([summary, doc.question])


def mentioned_identifiers(doc: Document, summary: str | None = None) -> set[str]:
    """Identifiers quoted in a document's text, less those it carries by its own id.

    ``summary`` is the summary already stripped of boilerplate, when the caller has it.
    """
    summary = strip_boilerplate(doc.summary) if summary is None else summary
    found = identifiers(" \n ".join([doc.title, summary, doc.question, *doc.keywords]))
    return found - carried_identifiers(doc.id, doc.identifiers)


def keyword_set(doc: Document) -> set[str]:
    """The normalised, non-empty keywords of a document."""
    return {k for k in (normalise_keyword(k) for k in doc.keywords) if k}


class Featurizer:
    """Fitted vocabularies and idf weights, and the recipe that turns documents into rows.

    Word rows are TF-IDF with sublinear term frequency, counted per field: the title's (and
    keywords') term weights are multiplied by ``title_weight`` before the row is L2-normalised,
    because a shared title word says more about the subject than a shared abstract word. Each
    field is tokenised once, which is most of the cost of fitting.
    """

    def __init__(self, title_weight: float = 2.0, char_ngrams: tuple[int, int] = (3, 5)) -> None:
        self.title_weight = title_weight
        self.analyzer = WordAnalyzer()
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0, dtype=np.float32)
        # char_wb n-grams stay within words: they see acronyms, plurals and spelling variants
        # ("organisation"/"organization") that word tokens miss.
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams, sublinear_tf=True,
                                     lowercase=True, dtype=np.float32)
        self.fitted = False

    def fit_transform(self, docs: Sequence[Document]) -> Encoded:
        """Learn vocabularies and idf weights from ``docs`` (may be empty) and encode them."""
        self.fitted = bool(docs)
        if not docs:
            self.vocabulary, self.idf = {}, np.zeros(0, dtype=np.float32)
            return self.transform(docs)
        summaries = [strip_boilerplate(d.summary) for d in docs]
        titles = [self.analyzer(_title_text(d)) for d in docs]
        rests = [self.analyzer(_rest_text(d, summary)) for d, summary in zip(docs, summaries)]
        vocabulary: dict[str, int] = {}
        for tokens in (*titles, *rests):
            for token in tokens:
                vocabulary.setdefault(token, len(vocabulary))
        self.vocabulary = vocabulary
        title_counts, rest_counts = self._counts(titles), self._counts(rests)
        df = np.bincount((title_counts + rest_counts).indices, minlength=len(vocabulary))
        # scikit-learn's smoothed idf, so that figures match a plain TfidfVectorizer's.
        self.idf = (np.log((1 + len(docs)) / (1 + df)) + 1).astype(np.float32) if vocabulary else np.ones(1, np.float32)
        try:
            chars = self.chars.fit_transform([_title_text(d) for d in docs]).astype(np.float32)
        except ValueError:  # no title has a single character n-gram: keep an inert vocabulary
            self.chars.fit(["-"])
            chars = self.chars.transform([_title_text(d) for d in docs]).astype(np.float32)
        return self._encode(docs, summaries, self._weigh(title_counts, rest_counts), chars)

    def transform(self, docs: Sequence[Document]) -> Encoded:
        """Encode ``docs`` with the fitted vocabularies; unknown words are simply not counted."""
        summaries = [strip_boilerplate(d.summary) for d in docs]
        if not self.fitted:
            empty = sp.csr_matrix((len(docs), 1), dtype=np.float32)
            return self._encode(docs, summaries, empty, empty)
        words = self._weigh(self._counts([self.analyzer(_title_text(d)) for d in docs]),
                            self._counts([self.analyzer(_rest_text(d, s)) for d, s in zip(docs, summaries)]))
        chars = self.chars.transform([_title_text(d) for d in docs]).astype(np.float32)
        return self._encode(docs, summaries, words, chars)

    def word_names(self) -> np.ndarray:
        """The word vocabulary, indexed by column."""
        names = np.empty(len(self.vocabulary), dtype=object)
        for term, column in self.vocabulary.items():
            names[column] = term
        return names

    def _counts(self, token_lists: list[list[str]]) -> sp.csr_matrix:
        vocabulary = self.vocabulary
        indptr = np.zeros(len(token_lists) + 1, dtype=np.int64)
        columns: list[int] = []
        for i, tokens in enumerate(token_lists):
            columns.extend(c for c in (vocabulary.get(t) for t in tokens) if c is not None)
            indptr[i + 1] = len(columns)
        data = np.ones(len(columns), dtype=np.float32)
        counts = sp.csr_matrix((data, np.asarray(columns, dtype=np.int32), indptr),
                               shape=(len(token_lists), max(len(vocabulary), 1)))
        counts.sum_duplicates()
        return counts

    def _weigh(self, title_counts: sp.csr_matrix, rest_counts: sp.csr_matrix) -> sp.csr_matrix:
        for counts in (title_counts, rest_counts):
            np.log(counts.data, out=counts.data)
            counts.data += 1.0
        weighted = (title_counts * self.title_weight + rest_counts).tocsr().astype(np.float32)
        weighted.data *= self.idf[weighted.indices]
        return normalize(weighted, copy=False)

    @staticmethod
    def _encode(docs: Sequence[Document], summaries: list[str], words: sp.csr_matrix,
                chars: sp.csr_matrix) -> Encoded:
        own = [carried_identifiers(d.id, d.identifiers) for d in docs]
        mentions = [mentioned_identifiers(d, s) for d, s in zip(docs, summaries)]
        keywords = [keyword_set(d) for d in docs]
        return Encoded(
            matrices={"words": words, "chars": chars, "own": _hashed(own), "mentions": _hashed(mentions),
                      "keywords": _hashed(keywords)},
            titles=[normalise_title(d.title) for d in docs],
            sets=[RowSets(frozenset(o), frozenset(m), frozenset(k)) for o, m, k in zip(own, mentions, keywords)],
        )
