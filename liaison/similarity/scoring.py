"""Per-feature scores, vectorised: one query against every row, or a batch of row pairs.

Features, all in [0, 1]:
- ``words``: cosine of the field-weighted word TF-IDF rows;
- ``chars``: cosine of the title/keyword character n-gram rows;
- ``title_fuzzy``: rapidfuzz similarity of the normalised titles (only computed for candidates);
- ``title_same``: how far the titles say the same once the framing words of bodies and series
  are set aside, a part's own title is compared with a title without parts, and different part
  numbers rule a match out (:func:`.text.title_match`; only computed for candidates);
- ``identifiers``: 1 when both carry the same identifier (the same publication under two
  numbers, or one lists the other's number among its own as an equivalent);
- ``keywords``: Jaccard overlap of the normalised keyword sets;
- ``cites``: 1 when one document quotes the other's identifier; otherwise up to
  ``SHARED_MENTION`` when both quote the same identifiers, less for identifiers that many
  documents quote. Citing is evidence of a relation, not of a duplicate: ISO/IEC 15444-10
  cites T.801 but ISO/IEC 15444-2 *is* T.801's text;
- ``semantic``: the sentence embeddings' cosine, rescaled (:func:`.dense.semantic`); 0 when
  either document has no vector yet; across two languages the cosine is first read on French's
  scale (:func:`.dense.read_across`);
- ``semantic_across``: ``semantic`` again for two documents in different (known) languages, else
  0. Across languages the embedding is the only evidence there is (words, n-grams and titles
  score near 0 for a French text and its English twin), so the same cosine must weigh more there
  than where those features say it too;
- ``title_twin``: ``title_same`` to the power :data:`TWIN_POWER`, near 1 only when the titles' subjects
  are (almost) the same words. A linear weight on ``title_same`` alone cannot say that a full match
  is worth far more than a half one: siblings of one series share half their subject words and
  all their framing ("Transport service definition ..." and "Presentation service definition ...
  for CCITT applications"), and their shared words and n-grams outranked the ISO twin that states
  the same subject under another body's framing;
- ``title_within``: how far the shorter title's subject lies within the head of the other
  (:func:`.text.title_within`), to the power :data:`WITHIN_POWER`: 1 when one body names the
  subject in fewer words ("Transport protocol" and "Connection oriented transport protocol"),
  where ``title_same`` counts the added words against the pair nearly as much as a sibling's
  changed one; not when the shorter title is only what the other is for ("Session Initiation
  Protocol" and "Security Mechanism Agreement for the Session Initiation Protocol");
- ``revises``: 1 when one document says it updates, obsoletes, replaces... the other's identifier
  (:func:`.text.revised_identifiers`): a citation that states the relation, the one this tracker
  looks for. RFC 8615 "obsoletes RFC 5785 and updates RFC 7230" shares few words with RFC 7230,
  and two in five labelled RFC pairs are stated so in an abstract, while most citations are not
  a revision (an RFC quotes RFC 2119 for its keywords).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process

from .dense import read_across, row_cosines, semantic
from .featurize import Encoded, RowSets, quoted_between
from .index import Index
from .model import FEATURES
from .text import title_match, title_within

SHARED_MENTION = 0.5
# Both powers chosen leave-one-set-out by bench/bench_similarity.py --fit (best mean held-out R@1; a
# tie keeps the shipped power; bench/README.md). TWIN_POWER among 2, 3, 4, 6, 8: common_text held
# out 0.894 without title_twin, 0.943 with it; 3 since revises came (mean 0.846, 4 gives 0.844).
# WITHIN_POWER among 1 to 32: 1 gives 0.838, 16 gives 0.846: only a (near) whole subject within the
# other title says "the same work".
TWIN_POWER = 3
WITHIN_POWER = 16
_COLUMN = {name: i for i, name in enumerate(FEATURES)}


def title_similarity(query: str, titles: list[str]) -> np.ndarray:
    """Fuzzy similarity in [0, 1] of one normalised title against several."""
    if not titles:
        return np.zeros(0, dtype=np.float32)
    return process.cdist([query], titles, scorer=_title_scorer, dtype=np.float32)[0] / 100.0


def title_similarity_pairs(a: list[str], b: list[str], workers: int = 1) -> np.ndarray:
    """Fuzzy similarity in [0, 1] of ``a[i]`` with ``b[i]`` for each i."""
    if not a:
        return np.zeros(0, dtype=np.float32)
    return process.cpdist(a, b, scorer=_title_scorer, dtype=np.float32, workers=workers) / 100.0


# token_sort_ratio, not token_set_ratio: the latter calls a short title a perfect match of any
# longer title that contains its words ("IP" and "IP over avian carriers").
_title_scorer = fuzz.token_sort_ratio


class QueryScores:
    """Feature scores of one encoded query document against every row of an index."""

    def __init__(self, query: Encoded, index: Index) -> None:
        n = index.n_rows
        ch = index.channels
        q = query.matrices
        self.query = query
        # Approximate (frequent terms skipped, see SegmentedMatrix): for choosing candidates only.
        self.words = ch["words"].scores(q["words"], n)
        self.chars = ch["chars"].scores(q["chars"], n)
        self.identifiers, self.cites = _query_identifiers(q["own"], q["mentions"], index)
        self.keywords = _jaccard(ch["keywords"].scores(q["keywords"], n), q["keywords"].nnz, index)
        self.title = query.titles[0]

    def features(self, rows: np.ndarray, index: Index) -> np.ndarray:
        """The full feature matrix (rows x FEATURES) for the given candidate rows."""
        out = np.zeros((len(rows), len(FEATURES)), dtype=np.float32)
        out[:, _COLUMN["words"]] = index.channels["words"].dot(self.query.matrices["words"], rows)
        out[:, _COLUMN["chars"]] = index.channels["chars"].dot(self.query.matrices["chars"], rows)
        mine = self.query.sets[0]
        out[:, _COLUMN["identifiers"]] = self.identifiers[rows]
        out[:, _COLUMN["cites"]] = self.cites[rows]
        _confirm_identifiers_and_revisions(out, [mine] * len(rows), [index.sets[r] for r in rows])
        out[:, _COLUMN["keywords"]] = self.keywords[rows]
        dense = index.dense
        both = np.zeros(len(rows), dtype=bool)
        theirs = [index.sets[r].language for r in rows]
        across = _languages_differ(np.array([mine.language] * len(rows)), np.array(theirs))
        if self.query.has[0] and dense.dim:
            both = dense.has[rows]
            cosines = row_cosines(np.repeat(self.query.vectors, len(rows), axis=0), np.ones(len(rows), dtype=bool),
                                  dense.matrix[rows], dense.has[rows])
            out[:, _COLUMN["semantic"]] = semantic(read_across(cosines, [mine.language] * len(rows), theirs, across))
        impute_semantic(out, both)
        out[:, _COLUMN["title_fuzzy"]] = title_similarity(self.title, [index.titles[r] for r in rows])
        set_title_match(out, [mine] * len(rows), [index.sets[r] for r in rows])
        out[:, _COLUMN["semantic_across"]] = np.where(across & both, out[:, _COLUMN["semantic"]], 0.0)
        return out

    def proxy(self, weights: np.ndarray) -> np.ndarray:
        """A cheap stand-in for the model's linear score over every row, for picking candidates.

        The title scores are too costly to compute for every row; the title character n-gram
        cosine, which tracks them closely, stands in for them.
        """
        w = dict(zip(FEATURES, weights))
        return (w["words"] * self.words + title_proxy_weight(w) * self.chars
                + w["identifiers"] * self.identifiers + w["cites"] * self.cites + w["keywords"] * self.keywords)


# The features of a title that only candidates get (too costly for every row): the title n-gram
# cosine stands in for all of them when candidates are picked.
_TITLE_SCORES = ("chars", "title_fuzzy", "title_same", "title_twin", "title_within")


def title_proxy_weight(weights: dict[str, float]) -> float:
    """The weight of the title n-gram cosine in the candidate proxy: its own and that of the title
    scores it stands in for."""
    return sum(weights[f] for f in _TITLE_SCORES)


def set_title_match(out: np.ndarray, left: Sequence[RowSets], right: Sequence[RowSets]) -> None:
    """Fill ``title_same``, ``title_twin`` and ``title_within`` of pairs of rows (``left[i]`` with ``right[i]``)."""
    scores = np.array([(title_match(a.title, b.title), title_within(a.title, b.title)) for a, b in zip(left, right)],
                      dtype=np.float32).reshape(-1, 2)
    out[:, _COLUMN["title_same"]] = scores[:, 0]
    out[:, _COLUMN["title_twin"]] = scores[:, 0] ** TWIN_POWER
    out[:, _COLUMN["title_within"]] = scores[:, 1] ** WITHIN_POWER


def _query_identifiers(own: sp.csr_matrix, mentions: sp.csr_matrix, index: Index) -> tuple[np.ndarray, np.ndarray]:
    """The ``identifiers`` (same identifier) and ``cites`` features of a query against every row."""
    n = index.n_rows
    ch = index.channels
    same = (ch["own"].scores(own, n) > 0).astype(np.float32)
    quoted = (ch["own"].scores(mentions, n) + ch["mentions"].scores(own, n)) > 0
    weighted = mentions.copy()
    weighted.data = index.mention_weight(weighted.indices).astype(np.float32)
    shared = SHARED_MENTION * np.minimum(ch["mentions"].scores(weighted, n), 1.0)
    return same, np.where(quoted, 1.0, shared).astype(np.float32)


def _confirm_identifiers_and_revisions(out: np.ndarray, left: Sequence[RowSets], right: Sequence[RowSets]) -> None:
    """Clear the ``identifiers`` and ``cites`` hits of row i that ``left[i]`` and ``right[i]`` do not share,
    and set ``revises`` where a confirmed citation is a stated revision.

    The channels hash each identifier into ``HASH_COLUMNS`` columns, and distinct identifiers
    collide: "X.246" and "ISO/TS 13136:2012" share one, and so do 2,255 pairs of the 67,396
    identifiers of the evaluation data (bench/README.md); a collision alone scored a microbiology
    standard 0.98 against an OSI protocol. Only hit rows are checked, against the exact sets.
    """
    same, cites, revises = out[:, _COLUMN["identifiers"]], out[:, _COLUMN["cites"]], out[:, _COLUMN["revises"]]
    for i in np.flatnonzero(same).tolist():
        if not left[i].own & right[i].own:
            same[i] = 0.0
    for i in np.flatnonzero(cites).tolist():
        a, b = left[i], right[i]
        if cites[i] == 1.0 and quoted_between(a, b):
            revises[i] = 1.0 if quoted_between(a, b, revised=True) else 0.0
            continue
        # A citation that was a collision leaves what both quote, if they truly quote one.
        cites[i] = min(float(cites[i]), SHARED_MENTION) if a.mentions & b.mentions else 0.0


def _languages_differ(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise :func:`.language.languages_differ` of primary language codes ("" when unknown)."""
    return (a != b) & (a != "") & (b != "")


def _jaccard(intersection: np.ndarray, query_size: int, index: Index) -> np.ndarray:
    if not query_size:
        return np.zeros_like(intersection)
    hit = np.flatnonzero(intersection)
    out = np.zeros_like(intersection)
    if hit.size:
        sizes = np.diff(index.channels["keywords"].rows(hit).indptr)
        out[hit] = intersection[hit] / (query_size + sizes - intersection[hit])
    return out


def _rowwise_dot(a: sp.csr_matrix, b: sp.csr_matrix) -> np.ndarray:
    return np.asarray(a.multiply(b).sum(axis=1), dtype=np.float32).ravel()


def pair_features(left: Encoded, right: Encoded, mention_weight: Callable[[np.ndarray], np.ndarray],
                  workers: int = 1) -> np.ndarray:
    """The feature matrix (pairs x FEATURES) of ``left`` row i against ``right`` row i."""
    out = np.zeros((len(left), len(FEATURES)), dtype=np.float32)
    if not len(left):
        return out
    a, b = left.matrices, right.matrices
    out[:, _COLUMN["words"]] = _rowwise_dot(a["words"], b["words"])
    out[:, _COLUMN["chars"]] = _rowwise_dot(a["chars"], b["chars"])
    quoted = (_rowwise_dot(a["mentions"], b["own"]) + _rowwise_dot(a["own"], b["mentions"])) > 0
    shared = a["mentions"].multiply(b["mentions"]).tocsr()
    shared.data = mention_weight(shared.indices).astype(np.float32)
    shared_score = SHARED_MENTION * np.minimum(np.asarray(shared.sum(axis=1)).ravel(), 1.0)
    out[:, _COLUMN["identifiers"]] = _rowwise_dot(a["own"], b["own"]) > 0
    out[:, _COLUMN["cites"]] = np.where(quoted, 1.0, shared_score)
    _confirm_identifiers_and_revisions(out, left.sets, right.sets)
    languages_a, languages_b = [x.language for x in left.sets], [x.language for x in right.sets]
    across = _languages_differ(np.array(languages_a), np.array(languages_b))
    cosines = row_cosines(left.vectors, left.has, right.vectors, right.has)
    out[:, _COLUMN["semantic"]] = semantic(read_across(cosines, languages_a, languages_b, across))
    impute_semantic(out, left.has & right.has)
    inter = _rowwise_dot(a["keywords"], b["keywords"])
    union = np.diff(a["keywords"].indptr) + np.diff(b["keywords"].indptr) - inter
    out[:, _COLUMN["keywords"]] = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    out[:, _COLUMN["title_fuzzy"]] = title_similarity_pairs(left.titles, right.titles, workers=workers)
    set_title_match(out, left.sets, right.sets)
    out[:, _COLUMN["semantic_across"]] = np.where(across & left.has & right.has, out[:, _COLUMN["semantic"]], 0.0)
    return out


def index_rows(index: Index, rows: np.ndarray) -> Encoded:
    """The stored encoding of the given rows of an index."""
    return Encoded(
        matrices={name: seg.rows(rows) for name, seg in index.channels.items()},
        titles=[index.titles[r] for r in rows],
        sets=[index.sets[r] for r in rows],
        vectors=index.dense.matrix[rows],
        has=index.dense.has[rows],
    )


def impute_semantic(features: np.ndarray, both_have_vectors: np.ndarray) -> None:
    """Where a pair lacks a vector on either side, stand the character n-gram cosine in for ``semantic``.

    The shipped model was fitted with every document embedded: scored with ``semantic`` at 0, two
    items with near identical titles and abstracts would lose that feature's share of the score
    and fall under the threshold. Within one language the character cosine tracks the embedding's
    closely enough that items not embedded yet (embedding turned off, or a scan still to run) keep
    matching as before.
    """
    missing = ~np.asarray(both_have_vectors, dtype=bool)
    features[missing, _COLUMN["semantic"]] = features[missing, _COLUMN["chars"]]
