"""The row store: sparse channel matrices split into a main and a delta segment, plus tombstones.

Rows are addressed by a global row number. The main segment holds the rows present at the last
fit or merge, with a transposed copy (term -> rows, the inverted index) for fast queries. New rows
go to a small delta segment whose transposed copy is rebuilt lazily, so an ``add`` costs a few
microseconds and the next query pays only for the delta. Removed rows stay in place, masked out
by ``alive``, until the next merge compacts them away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from .dense import DenseChannel, grow
from .document import Document
from .featurize import CHANNELS, HASH_COLUMNS, TEXT_CHANNELS, Encoded, RowSets


class SegmentedMatrix:
    """A row-appendable CSR matrix with an inverted (term -> rows) copy for sparse queries.

    With ``posting_cap``, terms found in more than that many main-segment rows are left out of
    the inverted copy: they weigh little (low idf) yet make the longest posting lists, so
    skipping them keeps candidate generation fast on large corpora. Exact scores of the chosen
    candidates are still computed from the full rows (:meth:`dot`).
    """

    def __init__(self, main: sp.csr_matrix, posting_cap: int | None = None) -> None:
        self.main = main.tocsr()
        self.main.sort_indices()
        self.posting_cap = posting_cap
        self.inverted = _inverted(self.main, posting_cap)
        self._pending: list[sp.csr_matrix] = []
        self._delta = sp.csr_matrix((0, main.shape[1]), dtype=main.dtype)
        self._delta_inverted = self._delta.T.tocsr()

    # The inverted copies are rebuilt on load rather than saved: a second of transposing at
    # start-up against 130 MB more on disk and to read at 100,000 documents.
    def __getstate__(self) -> dict[str, object]:
        self._flush()
        state = dict(self.__dict__)
        del state["inverted"], state["_delta_inverted"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        if "inverted" not in state:  # a file of an earlier format carries them (and load() refuses it)
            self.inverted = _inverted(self.main, self.posting_cap)
            self._delta_inverted = self._delta.T.tocsr()

    @property
    def n_main(self) -> int:
        """Number of rows in the main segment."""
        return self.main.shape[0]

    def append(self, rows: sp.csr_matrix) -> None:
        """Add rows at the end of the delta segment."""
        self._pending.append(rows.tocsr())

    def _flush(self) -> None:
        if self._pending:
            self._delta = sp.vstack([self._delta, *self._pending], format="csr")
            self._delta.sort_indices()
            self._delta_inverted = self._delta.T.tocsr()
            self._pending = []

    def scores(self, query: sp.csr_matrix, n_rows: int) -> np.ndarray:
        """Dot products of a 1-row ``query`` with every stored row, over the inverted copy."""
        out = np.zeros(n_rows, dtype=np.float32)
        if query.nnz == 0:
            return out
        self._flush()
        _accumulate(self.inverted, query.indices, query.data, out, 0, self.n_main)
        _accumulate(self._delta_inverted, query.indices, query.data, out, self.n_main, n_rows - self.n_main)
        return out

    def dot(self, query: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Exact dot products of a 1-row ``query`` with the given rows."""
        if query.nnz == 0 or not len(rows):
            return np.zeros(len(rows), dtype=np.float32)
        dense = np.zeros(query.shape[1], dtype=np.float32)
        dense[query.indices] = query.data
        return np.asarray(self.rows(rows) @ dense, dtype=np.float32)

    def rows(self, index: np.ndarray) -> sp.csr_matrix:
        """The stored rows at the given global row numbers, in that order."""
        index = np.asarray(index, dtype=np.int64)
        in_main = index < self.n_main
        if in_main.all():
            return self.main[index]
        self._flush()
        parts = sp.vstack([self.main[index[in_main]], self._delta[index[~in_main] - self.n_main]], format="csr")
        order = np.argsort(np.concatenate([np.flatnonzero(in_main), np.flatnonzero(~in_main)]), kind="stable")
        return parts[order]

    def full(self) -> sp.csr_matrix:
        """All rows, main then delta."""
        self._flush()
        return sp.vstack([self.main, self._delta], format="csr") if self._delta.shape[0] else self.main


def _inverted(main: sp.csr_matrix, posting_cap: int | None) -> sp.csr_matrix:
    """The term -> rows copy of ``main``, without the terms of more than ``posting_cap`` rows."""
    inverted = main.T.tocsr()
    if posting_cap is not None:
        long = np.flatnonzero(np.diff(inverted.indptr) > posting_cap)
        if long.size:
            keep = np.ones(inverted.shape[0], dtype=np.float32)
            keep[long] = 0.0
            inverted = (sp.diags(keep) @ inverted).tocsr()
            inverted.eliminate_zeros()
    return inverted


def _accumulate(inverted: sp.csr_matrix, terms: np.ndarray, weights: np.ndarray, out: np.ndarray,
                offset: int, length: int) -> None:
    """Add ``weights[t] * posting(t)`` for every query term into ``out[offset:offset+length]``.

    Reads the posting lists straight from the CSR arrays: a handful of numpy calls whatever the
    number of terms, without building intermediate sparse matrices.
    """
    if not length or terms.size == 0:
        return
    starts = inverted.indptr[terms]
    lengths = inverted.indptr[terms + 1] - starts
    total = int(lengths.sum())
    if not total:
        return
    positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    values = inverted.data[positions] * np.repeat(weights, lengths)
    rows = inverted.indices[positions]
    if total < length // 16:  # few hits (identifiers, keywords): skip a pass over every row
        np.add.at(out, rows + offset, values)
    else:
        out[offset : offset + length] += np.bincount(rows, weights=values, minlength=length).astype(np.float32)


class Index:
    """Documents, their encoded rows and the bookkeeping that maps ids to rows."""

    def __init__(self, docs: Sequence[Document], encoded: Encoded, posting_cap: int | None = None,
                 dense: DenseChannel | None = None, threads: int = 1) -> None:
        self.posting_cap = posting_cap
        # Each vector is kept once, in the dense channel's matrix (see :meth:`document`).
        self.docs: list[Document | None] = [_without_vector(d) for d in docs]
        self.titles: list[str] = list(encoded.titles)
        self.sets: list[RowSets] = list(encoded.sets)
        self.channels = {
            name: SegmentedMatrix(encoded.matrices[name], posting_cap if name in TEXT_CHANNELS else None)
            for name in CHANNELS
        }
        self.dense = DenseChannel(encoded.vectors, encoded.has, threads) if dense is None else dense
        self.row_of: dict[str, int] = {d.id: i for i, d in enumerate(docs)}
        self._alive = np.ones(len(self.docs), dtype=bool)
        self._group_code: dict[str, int] = {}
        self._groups = np.array([self._code(d.group) for d in docs], dtype=np.int32)
        self._n = len(self.docs)
        # How many live documents quote each identifier: an identifier quoted everywhere
        # (RFC 2119, say) says little about two documents that both quote it.
        self.mention_df = np.bincount(encoded.matrices["mentions"].indices, minlength=HASH_COLUMNS).astype(np.int32)
        self.n_live = len(self.row_of)
        if self.n_live != self._n:
            raise ValueError("document ids must be unique")

    def __len__(self) -> int:
        return self.n_live

    @property
    def n_rows(self) -> int:
        """Number of rows, tombstoned ones included."""
        return self._n

    @property
    def n_delta(self) -> int:
        """Number of rows added since the last fit or merge."""
        return self._n - self.channels["words"].n_main

    @property
    def alive(self) -> np.ndarray:
        """Mask of rows that are not tombstoned."""
        return self._alive[: self._n]

    @property
    def groups(self) -> np.ndarray:
        """Group code of each row (see :meth:`group_code`)."""
        return self._groups[: self._n]

    def group_code(self, group: str) -> int:
        """The integer code of a group name, -1 if no row has that group."""
        return self._group_code.get(group, -1)

    def _code(self, group: str) -> int:
        return self._group_code.setdefault(group, len(self._group_code))

    def add(self, docs: Sequence[Document], encoded: Encoded) -> None:
        """Append rows for ``docs`` (ids not yet present) to the delta segment."""
        start = self._n
        self._n += len(docs)
        self._alive = grow(self._alive, self._n, True)
        self._groups = grow(self._groups, self._n, 0)
        self._alive[start : self._n] = True
        self._groups[start : self._n] = [self._code(d.group) for d in docs]
        for name in CHANNELS:
            self.channels[name].append(encoded.matrices[name])
        self.dense.append(encoded.vectors, encoded.has)
        np.add.at(self.mention_df, encoded.matrices["mentions"].indices, 1)
        for offset, doc in enumerate(docs):
            self.row_of[doc.id] = start + offset
        self.docs.extend(_without_vector(d) for d in docs)
        self.titles.extend(encoded.titles)
        self.sets.extend(encoded.sets)
        self.n_live += len(docs)

    def remove(self, doc_id: str) -> bool:
        """Tombstone the row of ``doc_id``; return whether it was present."""
        row = self.row_of.pop(doc_id, None)
        if row is None:
            return False
        self._alive[row] = False
        self.dense.remove(row)
        np.subtract.at(self.mention_df, self.channels["mentions"].rows(np.array([row])).indices, 1)
        self.docs[row] = None
        self.n_live -= 1
        return True

    def document(self, row: int) -> Document | None:
        """The document of a row as it was indexed, with its vector; None for a tombstoned row."""
        doc = self.docs[row]
        if doc is None or not self.dense.has[row]:
            return doc
        return replace(doc, vector=self.dense.matrix[row].copy())

    def live_docs(self) -> list[Document]:
        """The documents of the live rows, in row order, with their vectors."""
        return [doc for doc in map(self.document, range(self._n)) if doc is not None]

    def merged(self) -> "Index":
        """A new index with the delta folded into the main segment and tombstoned rows dropped.

        Vocabularies are not refitted here (see ``Engine.refit``): merging only keeps the delta
        small so that queries stay fast.
        """
        keep = np.flatnonzero(self.alive)
        everyone = len(keep) == self._n  # no tombstone: the stacked rows serve as they are, uncopied
        # Tombstoned rows are the only ones without a document, and ``keep`` leaves them out.
        docs = [doc for doc in (self.docs[i] for i in keep) if doc is not None]
        encoded = Encoded(
            matrices={name: m.full() if everyone else m.full()[keep] for name, m in self.channels.items()},
            titles=[self.titles[i] for i in keep],
            sets=[self.sets[i] for i in keep],
            vectors=np.zeros((len(keep), 0), dtype=np.float32),
            has=np.zeros(len(keep), dtype=bool),
        )
        return Index(docs, encoded, self.posting_cap, dense=self.dense.compacted(keep))

    def mention_weight(self, columns: np.ndarray) -> np.ndarray:
        """Weight of a shared quoted identifier: 1 when one document quotes it, less when many do."""
        df = np.maximum(self.mention_df[columns], 1)
        return 1.0 / (1.0 + np.log(df))



def _without_vector(doc: Document) -> Document:
    return doc if doc.vector is None else replace(doc, vector=None)
