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


@dataclass
class Encoded:
    """The channel rows of a batch of documents, row i for document i."""

    matrices: dict[str, sp.csr_matrix]
    titles: list[str]

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


def _rest_text(doc: Document) -> str:
    return " . ".join([strip_boilerplate(doc.summary), doc.question])


def mentioned_identifiers(doc: Document) -> set[str]:
    """Identifiers quoted in a document's text, less those it carries by its own id."""
    found = identifiers(" \n ".join([doc.title, strip_boilerplate(doc.summary), doc.question, *doc.keywords]))
    return found - carried_identifiers(doc.id, doc.identifiers)


def keyword_set(doc: Document) -> set[str]:
    """The normalised, non-empty keywords of a document."""
    return {k for k in (normalise_keyword(k) for k in doc.keywords) if k}


class Featurizer:
    """Fitted vocabularies and idf weights, and the recipe that turns documents into rows.

    ``title_weight`` multiplies the title's (and keywords') word weights before the row is
    normalised: a shared title word says more about the subject than a shared abstract word.
    """

    def __init__(self, title_weight: float = 2.0, char_ngrams: tuple[int, int] = (3, 5),
                 char_max_df: float = 1.0, word_max_df: float = 1.0) -> None:
        self.title_weight = title_weight
        self.words = TfidfVectorizer(analyzer=WordAnalyzer(), sublinear_tf=True, max_df=word_max_df,
                                     norm=None, dtype=np.float32)
        # char_wb n-grams stay within words: they see acronyms, plurals and spelling variants
        # ("organisation"/"organization") that word tokens miss.
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams, sublinear_tf=True,
                                     max_df=char_max_df, lowercase=True, dtype=np.float32)
        self.fitted = False

    def fit(self, docs: Sequence[Document]) -> "Featurizer":
        """Learn vocabularies and idf weights from ``docs`` (may be empty)."""
        corpus = [_title_text(d) + " . " + _rest_text(d) for d in docs]
        titles = [_title_text(d) for d in docs]
        self.fitted = bool(docs)
        if not docs:
            return self
        try:
            self.words.fit(corpus)
        except ValueError:  # nothing but stop words in the whole corpus
            self.words.fit(["placeholder"])
        try:
            self.chars.fit(titles)
        except ValueError:
            self.chars.fit(["placeholder"])
        return self

    def transform(self, docs: Sequence[Document]) -> Encoded:
        """Encode ``docs`` with the fitted vocabularies; unknown words are simply not counted."""
        return Encoded(
            matrices={
                "words": self._words(docs),
                "chars": self._chars(docs),
                "own": _hashed([carried_identifiers(d.id, d.identifiers) for d in docs]),
                "mentions": _hashed([mentioned_identifiers(d) for d in docs]),
                "keywords": _hashed([keyword_set(d) for d in docs]),
            },
            titles=[normalise_title(d.title) for d in docs],
        )

    def word_names(self) -> np.ndarray:
        """The word vocabulary, indexed by column."""
        return self.words.get_feature_names_out() if self.fitted else np.array([], dtype=object)

    def _words(self, docs: Sequence[Document]) -> sp.csr_matrix:
        if not self.fitted:
            return sp.csr_matrix((len(docs), 1), dtype=np.float32)
        title = self.words.transform([_title_text(d) for d in docs])
        rest = self.words.transform([_rest_text(d) for d in docs])
        return normalize((title * self.title_weight + rest).tocsr(), copy=False).astype(np.float32)

    def _chars(self, docs: Sequence[Document]) -> sp.csr_matrix:
        if not self.fitted:
            return sp.csr_matrix((len(docs), 1), dtype=np.float32)
        return self.chars.transform([_title_text(d) for d in docs]).astype(np.float32)
