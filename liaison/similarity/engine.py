"""The similarity engine: fit, incremental add/remove, query, all pairs, explain, save/load."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .allpairs import top_pairs, unique_pairs
from .document import Document, Match, Pair
from .embedding import available_cores
from .explain import reasons, row_terms, shared_terms
from .featurize import Encoded, Featurizer
from .index import Index
from .model import DEFAULT_INTERCEPT, DEFAULT_PER_ITEM, DEFAULT_THRESHOLD, DEFAULT_WEIGHTS, FEATURES, Model
from .scoring import QueryScores, index_rows, pair_features, title_proxy_weight

# Changes whenever the features or what the index stores for them change: a saved index of another
# version is refused by load(), and the app rebuilds it from the database.
ENGINE_VERSION = "tfidf-fuzzy-e5/9"
FORMAT_VERSION = 3
_PAIR_CHUNK = 20_000


@dataclass(frozen=True)
class Prepared:
    """A document encoded by one fitted featurizer (see :meth:`Engine.prepare`)."""

    featurizer: Featurizer
    encoded: Encoded


class Engine:
    """Finds overlapping work items by meaning (sentence embeddings, across languages), text,
    title, identifier and keyword similarity.

    Options (keyword arguments):
    - ``weights``, ``intercept``, ``threshold``: the scoring model (see :mod:`.model`);
    - ``title_weight``: how much more a title word counts than an abstract word;
    - ``candidates``: rows reranked per query after sparse candidate generation;
    - ``dense_candidates``: nearest rows by embedding added to them (documents with a vector);
    - ``merge_every``: delta rows that trigger a merge into the main segment (keeps queries fast);
    - ``refit_fraction``: rows added since the last fit, as a fraction of the fitted corpus, that
      trigger a full refit inside ``add`` (new vocabulary and idf); ``None`` leaves refitting to
      explicit :meth:`refit` calls. Until a refit, words a document brings that the fitted
      vocabulary lacks count only through the character n-gram, fuzzy title, identifier and
      keyword features;
    - ``pair_top_n``: partners proposed per document and channel by :meth:`pairs`;
    - ``per_item``: alerts one document raises at most in :meth:`pairs` (its best partners);
    - ``posting_cap``: terms in more documents than this are skipped when generating candidates
      (they weigh little and cost most); candidates are still scored on all their terms;
    - ``workers``: threads for :meth:`pairs` (default: all cores).
    """

    def __init__(self, *, weights: dict[str, float] | None = None, threshold: float | None = None,
                 intercept: float | None = None, title_weight: float = 2.0, candidates: int = 100,
                 dense_candidates: int = 30, merge_every: int = 2_000, refit_fraction: float | None = 0.25,
                 pair_top_n: int = 30, per_item: int | None = DEFAULT_PER_ITEM, posting_cap: int | None = 1_000,
                 workers: int | None = None) -> None:
        self._model = Model(
            weights=dict(DEFAULT_WEIGHTS) if weights is None else dict(weights),
            intercept=DEFAULT_INTERCEPT if intercept is None else float(intercept),
            threshold=DEFAULT_THRESHOLD if threshold is None else float(threshold),
        )
        self.title_weight = title_weight
        self.candidates = candidates
        self.dense_candidates = dense_candidates
        self.per_item = per_item
        self.merge_every = merge_every
        self.refit_fraction = refit_fraction
        self.pair_top_n = pair_top_n
        self.posting_cap = posting_cap
        self.workers = workers or available_cores()
        self._fit_docs([])

    # -- model ---------------------------------------------------------------------------------

    @property
    def threshold(self) -> float:
        """Score at or above which a pair raises an alert."""
        return self._model.threshold

    @property
    def model(self) -> Model:
        """The current scoring model (weights, intercept, threshold)."""
        return self._model

    @property
    def version(self) -> str:
        """Identifies the scoring: changes with the engine's algorithm or its model."""
        default = Model()
        if self._model == default and self.title_weight == 2.0:
            return ENGINE_VERSION
        return f"{ENGINE_VERSION}+{self._model.fingerprint()}{'' if self.title_weight == 2.0 else f'-t{self.title_weight:g}'}"

    def set_model(self, weights: dict[str, float], threshold: float | None = None, intercept: float = 0.0) -> None:
        """Replace the feature combination, e.g. with a fitted logistic regression.

        ``weights`` maps feature names (:data:`FEATURES`) to coefficients, as
        ``dict(zip(FEATURES, clf.coef_[0]))``; ``intercept`` is ``clf.intercept_[0]``.
        """
        self._model = Model(weights=dict(weights), intercept=float(intercept),
                            threshold=self.threshold if threshold is None else float(threshold))

    # -- building ------------------------------------------------------------------------------

    def fit(self, documents: Iterable[Document]) -> "Engine":
        """Build the index from scratch; a later document with the same id replaces an earlier one."""
        self._fit_docs(list({d.id: d for d in documents}.values()))
        return self

    def refit(self) -> None:
        """Refit vocabularies and idf on the live documents and rebuild the index."""
        self._fit_docs(self._index.live_docs())

    def _fit_docs(self, docs: list[Document]) -> None:
        self._featurizer = Featurizer(title_weight=self.title_weight)
        encoded = self._featurizer.fit_transform(docs)
        self._vocabulary = self._featurizer.word_names()
        self._index = Index(docs, encoded, self.posting_cap, threads=self.workers)
        self._fitted_size = len(docs)
        self._added_since_fit = 0

    def add(self, doc: Document) -> None:
        """Index one document, searchable at once; an existing id is replaced."""
        self._index.remove(doc.id)
        self._added_since_fit += 1
        if self.refit_fraction is not None and self._added_since_fit > self.refit_fraction * self._fitted_size:
            self._fit_docs([*self._index.live_docs(), doc])
            return
        self._index.add([doc], self._featurizer.transform([doc]))
        if self._index.n_delta > self.merge_every:
            self._index = self._index.merged()

    def remove(self, doc_id: str) -> bool:
        """Remove a document at once (tombstoned until the next merge); return whether it was there."""
        return self._index.remove(doc_id)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._index.row_of

    def get(self, doc_id: str) -> Document | None:
        """The indexed document with this id, if any (its vector as the index keeps it: unit, float16)."""
        row = self._index.row_of.get(doc_id)
        return None if row is None else self._index.document(row)

    def without_vector(self, doc_ids: Iterable[str]) -> list[str]:
        """Those of ``doc_ids`` that are indexed without a vector.

        Reads the index's mask only: :meth:`get` copies each vector, which a refresh asking about
        the thousands of items a scan has just embedded would pay on every request.
        """
        has, row_of = self._index.dense.has, self._index.row_of
        return [doc_id for doc_id in doc_ids if (row := row_of.get(doc_id)) is not None and not has[row]]

    @property
    def n_without_vector(self) -> int:
        """How many indexed documents have no vector."""
        index = self._index
        return int(np.count_nonzero(index.alive & ~index.dense.has))

    # -- searching -----------------------------------------------------------------------------

    def prepare(self, doc: Document) -> Prepared:
        """``doc`` encoded for :meth:`query`, which then skips the costliest part of its work.

        Encoding only reads the fitted vocabularies, which a refit replaces rather than changes, so
        a caller that guards the engine with a lock may prepare outside it: a long draft then
        holds up nobody's writes. Prepared before a refit, the document is encoded again.
        """
        return Prepared(self._featurizer, self._featurizer.transform([doc]))

    def query(self, doc: Document, k: int = 10, exclude_group: str | None = None,
              prepared: Prepared | None = None) -> list[Match]:
        """The ``k`` indexed documents most similar to ``doc``, best first.

        ``doc`` itself (by id) never appears; with ``exclude_group`` no document of that group
        does either. Documents sharing no evidence at all with ``doc`` are not returned.
        ``prepared`` is :meth:`prepare`'s encoding of ``doc``, if the caller made it.
        """
        index = self._index
        if not len(index) or k <= 0:
            return []
        if prepared is not None and prepared.featurizer is self._featurizer:
            encoded = prepared.encoded
        else:
            encoded = self._featurizer.transform([doc])
        scores = QueryScores(encoded, index)
        # Candidates are rows with positive evidence, even if a learned model weighs a feature down.
        proxy = scores.proxy(np.maximum(self._model.vector, 0.0))
        eligible = index.alive & (proxy > 0)
        own_row = index.row_of.get(doc.id)
        if own_row is not None:
            eligible[own_row] = False
        if exclude_group is not None:
            eligible &= index.groups != index.group_code(exclude_group)
        rows = np.flatnonzero(eligible)
        if len(rows) > self.candidates:
            rows = rows[np.argpartition(-proxy[rows], self.candidates - 1)[: self.candidates]]
        if encoded.has[0]:
            rows = np.union1d(rows, self._dense_rows(encoded, own_row, exclude_group))
        if not len(rows):
            return []
        features = scores.features(rows, index)
        final = self._model.score(features)
        best = np.argsort(-final, kind="stable")[:k]
        words = index.channels["words"].rows(rows[best])
        query_terms = row_terms(encoded.matrices["words"], 0)
        out = []
        for rank, i in enumerate(best):
            row = rows[i]
            feats = dict(zip(FEATURES, map(float, features[i])))
            if not (encoded.has[0] and index.dense.has[row]):
                feats["semantic"] = 0.0  # a stand-in (see impute_semantic), not a finding to explain
            terms = shared_terms(query_terms, row_terms(words, rank), self._vocabulary)
            out.append(Match(id=index.docs[row].id, score=float(final[i]),
                             reasons=reasons(encoded.sets[0], index.sets[row], feats, terms,
                                             (doc.language, index.docs[row].language)), features=feats))
        return out

    def _dense_rows(self, encoded: Encoded, own_row: int | None, exclude_group: str | None) -> np.ndarray:
        """Nearest rows by meaning, whatever words they use: the only channel that crosses languages.
        Extra neighbours make up for those the filters drop."""
        index = self._index
        near, _ = index.dense.neighbours(encoded.vectors, self.dense_candidates + 5)
        near = near[0][near[0] >= 0]
        near = near[index.alive[near]]
        if own_row is not None:
            near = near[near != own_row]
        if exclude_group is not None:
            near = near[index.groups[near] != index.group_code(exclude_group)]
        return near[: self.dense_candidates]

    def pairs(self, threshold: float | None = None, per_item: int | None = None) -> Iterator[Pair]:
        """Pairs of indexed documents scoring at or above ``threshold``, best first.

        ``None`` means the engine's alert threshold. Each pair comes once, with ``a < b``.
        A document takes part in at most ``per_item`` pairs (``None``: the engine's ``per_item``;
        0: no cap), its best ones: a pair is kept when neither side has yet reached the cap among
        the better pairs. Candidates are each document's ``pair_top_n`` best partners per
        channel, so with a very low threshold the list is the strongest pairs rather than
        literally all of them.
        """
        threshold = self.threshold if threshold is None else threshold
        cap = self.per_item if per_item is None else per_item
        if self._index.n_delta or len(self._index) != self._index.n_rows:
            self._index = self._index.merged()
        index = self._index
        candidates = self._pair_candidates(threshold)
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for start in range(0, len(candidates), _PAIR_CHUNK):
            chunk = candidates[start : start + _PAIR_CHUNK]
            features = pair_features(index_rows(index, chunk[:, 0]), index_rows(index, chunk[:, 1]),
                                     index.mention_weight, workers=self.workers)
            score = self._model.score(features)
            keep = score >= threshold
            found.append((chunk[keep], score[keep], features[keep]))
        if not found:
            return
        pairs = np.concatenate([f[0] for f in found])
        scores = np.concatenate([f[1] for f in found])
        features = np.concatenate([f[2] for f in found])
        words = index.channels["words"].main
        taken = np.zeros(index.n_rows, dtype=np.int64)
        for i in np.argsort(-scores, kind="stable"):
            left, right = pairs[i]
            if cap:
                if taken[left] >= cap or taken[right] >= cap:
                    continue
                taken[left] += 1
                taken[right] += 1
            if index.docs[left].id > index.docs[right].id:
                left, right = right, left
            feats = dict(zip(FEATURES, map(float, features[i])))
            terms = shared_terms(row_terms(words, left), row_terms(words, right), self._vocabulary)
            yield Pair(a=index.docs[left].id, b=index.docs[right].id, score=float(scores[i]),
                       reasons=reasons(index.sets[left], index.sets[right], feats, terms,
                                       (index.docs[left].language, index.docs[right].language)), features=feats)

    def _pair_candidates(self, threshold: float) -> np.ndarray:
        """Row pairs worth scoring: text and meaning neighbours plus every identifier and keyword link."""
        index = self._index
        m = {name: seg.main for name, seg in index.channels.items()}
        inverted = {name: seg.inverted for name, seg in index.channels.items()}
        n = index.n_rows
        w = dict(zip(FEATURES, self._model.vector))
        text_weight = max(w["words"], 0.0), max(title_proxy_weight(w), 0.0)
        # Stacked inverted lists (frequent terms already left out) give the text proxy of
        # QueryScores.proxy as one product.
        text_t = sp.vstack([inverted["words"] * np.float32(np.sqrt(text_weight[0])),
                            inverted["chars"] * np.float32(np.sqrt(text_weight[1]))], format="csr")
        # A text-only pair can reach the threshold only if its text score covers the logit gap;
        # half of it is a safe floor, since the fuzzy title score can exceed its n-gram proxy.
        gap = _logit(threshold) - self._model.intercept
        floor = max(0.5 * gap, 0.0)
        top, threads = self.pair_top_n, self.workers
        parts = [top_pairs(text_t.T.tocsr(), text_t, top, floor, threads, symmetric=True)]
        for a, b in (("mentions", "own"), ("own", "own"), ("mentions", "mentions"), ("keywords", "keywords")):
            parts.append(top_pairs(m[a], inverted[b], top, 0.0, threads, symmetric=True))
        parts.append(self._dense_pairs(top))
        return unique_pairs(*parts, n=n)

    def _dense_pairs(self, top: int) -> np.ndarray:
        """Each row with a vector and its ``top`` nearest rows by meaning."""
        dense = self._index.dense
        rows = np.flatnonzero(dense.has)
        if not len(rows):
            return np.zeros((0, 2), dtype=np.int64)
        near, _ = dense.neighbours(dense.matrix[rows], top + 1, threads=self.workers)
        left = np.repeat(rows, near.shape[1])
        right = near.ravel()
        keep = (right >= 0) & (right != left)
        return np.sort(np.column_stack([left[keep], right[keep]]), axis=1)

    # -- explaining ----------------------------------------------------------------------------

    def breakdown(self, doc_a: Document, doc_b: Document) -> dict[str, float]:
        """Per-feature scores of two documents (indexed or not), each in [0, 1]."""
        features = pair_features(self._featurizer.transform([doc_a]), self._featurizer.transform([doc_b]),
                                 self._index.mention_weight)
        return dict(zip(FEATURES, map(float, features[0])))

    def score(self, doc_a: Document, doc_b: Document) -> float:
        """The combined score of two documents, in [0, 1]."""
        features = np.array([list(self.breakdown(doc_a, doc_b).values())])
        return float(self._model.score(features)[0])

    def explain(self, doc_a: Document, doc_b: Document) -> list[str]:
        """The terms and fields that made the score of two documents, most telling first."""
        a, b = self._featurizer.transform([doc_a]), self._featurizer.transform([doc_b])
        feats = dict(zip(FEATURES, map(float, pair_features(a, b, self._index.mention_weight)[0])))
        if doc_a.vector is None or doc_b.vector is None:
            feats["semantic"] = 0.0  # a stand-in (see impute_semantic), not a finding to explain
        terms = shared_terms(row_terms(a.matrices["words"], 0), row_terms(b.matrices["words"], 0), self._vocabulary)
        return list(reasons(a.sets[0], b.sets[0], feats, terms, (doc_a.language, doc_b.language)))

    # -- persistence ---------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the fitted engine to ``path`` atomically (temporary file, then rename)."""
        path = Path(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump({"format": FORMAT_VERSION, "engine": ENGINE_VERSION, "state": self.__dict__},
                            fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "Engine":
        """Read an engine written by :meth:`save`; refuses files of another format or engine version
        (their rows lack what this version's features read)."""
        with open(path, "rb") as fh:
            saved = pickle.load(fh)
        if not isinstance(saved, dict) or saved.get("format") != FORMAT_VERSION:
            raise ValueError(f"{path}: not a similarity engine file of format {FORMAT_VERSION}")
        if saved.get("engine") != ENGINE_VERSION:
            raise ValueError(f"{path}: written by engine {saved.get('engine')}, not {ENGINE_VERSION}")
        engine = cls.__new__(cls)
        engine.__dict__.update(saved["state"])
        return engine


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return float(np.log(p / (1 - p)))
