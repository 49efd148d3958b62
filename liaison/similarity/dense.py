"""The dense channel: one sentence embedding per row, and an approximate nearest-neighbour graph over them.

Vectors are kept as one contiguous float16 matrix aligned with the index's rows (half the memory
of float32, and exact enough for a cosine read to two decimals); rows without a vector are zero
and masked out. Candidates come from a usearch HNSW graph: at 100,000 rows a brute-force product
of a 384-column matrix cost 40 to 90 ms a query on the shared 2-core machine, the graph well
under a millisecond. Graph keys are stable serial numbers, not row numbers, so compacting the
index (merge) never rebuilds the graph.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from usearch.index import Index as Graph

# Typical cosine of two unrelated texts under multilingual-e5 is 0.75-0.8: the ``semantic``
# feature rescales the cosine above this floor to [0, 1], so "no vector" (0) and "unrelated"
# (about 0) mean the same to the scoring model. See bench/README.md.
SEMANTIC_FLOOR = 0.75


def semantic(cosine: np.ndarray) -> np.ndarray:
    """The ``semantic`` feature of cosines: 0 at or below :data:`SEMANTIC_FLOOR`, 1 for identical texts."""
    return np.clip((np.asarray(cosine, dtype=np.float32) - SEMANTIC_FLOOR) / (1.0 - SEMANTIC_FLOOR), 0.0, 1.0)


# How far below French the encoder puts each language's translations of English text, measured on
# the application's own translated messages by bench/language_bias.py, which writes this file.
BIAS_FILE = Path(__file__).with_name("language_bias.json")


@functools.cache
def language_bias() -> dict[str, float]:
    """What to add to a cosine across languages for each language's side, by primary language tag.

    The weight of a meaning shared across languages was fitted on French/English pairs, the only
    labelled ones. The encoder leaves a Chinese translation of an English text further from it than
    a French one (mean cosine 0.874 against 0.912 on the same 320-character texts), and an unrelated
    pair by as much; read on French's scale, a Chinese twin scores what a French one saying as much
    does. French and English add nothing: every figure of the dev sets stays as it was measured. A
    language without a measure adds nothing either.
    """
    data = json.loads(BIAS_FILE.read_text(encoding="utf-8"))
    reference = data["cosine"][data["reference"]]
    return {lang: round(reference - cosine, 4) for lang, cosine in data["cosine"].items()}


def read_across(cosines: np.ndarray, languages_a: Sequence[str], languages_b: Sequence[str],
                across: np.ndarray) -> np.ndarray:
    """``cosines`` of pairs, those across two languages raised by both sides' :func:`language_bias`."""
    cosines = np.asarray(cosines, dtype=np.float32)
    pairs = np.flatnonzero(across).tolist()
    if not pairs:  # one language (most corpora): all pairs score nothing more
        return cosines
    bias = language_bias()
    read = cosines.copy()
    read[pairs] += np.array([bias.get(languages_a[i], 0.0) + bias.get(languages_b[i], 0.0) for i in pairs],
                            dtype=np.float32)
    return read


def stack(vectors: list[np.ndarray | None]) -> tuple[np.ndarray, np.ndarray]:
    """Rows of float16 unit vectors (zero where missing) and the mask of rows that have one.

    float16 from the start, as the index keeps them: a float32 stack of 100,000 rows is 150 MB
    more at the peak of a fit, for nothing.
    """
    dims = {v.shape[0] for v in vectors if v is not None}
    if len(dims) > 1:
        raise ValueError(f"documents carry vectors of different sizes {sorted(dims)}")
    dim = dims.pop() if dims else 0
    out = np.zeros((len(vectors), dim), dtype=np.float16)
    has = np.zeros(len(vectors), dtype=bool)
    for i, v in enumerate(vectors):
        if v is not None:
            v = v.astype(np.float32, copy=False)
            norm = float(np.linalg.norm(v))
            if norm > 0:
                out[i] = v / norm
                has[i] = True
    return out, has


def row_cosines(a: np.ndarray, a_has: np.ndarray, b: np.ndarray, b_has: np.ndarray) -> np.ndarray:
    """Cosine of ``a[i]`` with ``b[i]``, 0 where either row has no vector."""
    if not a.shape[1] or not b.shape[1]:
        return np.zeros(len(a), dtype=np.float32)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"vectors of {a.shape[1]} and {b.shape[1]} dimensions cannot be compared")
    dots = np.einsum("ij,ij->i", a.astype(np.float32), b.astype(np.float32))
    return np.where(a_has & b_has, dots, 0.0).astype(np.float32)


class DenseChannel:
    """Row-aligned vectors (float16) plus an HNSW graph of the rows that have one."""

    def __init__(self, vectors: np.ndarray, has: np.ndarray, threads: int = 1) -> None:
        self.dim = vectors.shape[1]
        self._n = len(vectors)
        self._matrix = vectors.astype(np.float16, copy=False)
        self._has = has.copy()
        self._keys = np.arange(self._n, dtype=np.int64)
        self._row_of_key = np.arange(self._n, dtype=np.int64)
        self._graph = self._new_graph() if self.dim else None
        if self._graph is not None and has.any():
            rows = np.flatnonzero(has)
            self._graph.add(rows.astype(np.uint64), self._matrix if has.all() else self._matrix[rows], threads=threads)

    def _new_graph(self) -> Graph:
        return Graph(ndim=self.dim, metric="cos", dtype="f16", connectivity=16, expansion_add=128,
                     expansion_search=64)

    def __len__(self) -> int:
        return self._n

    @property
    def matrix(self) -> np.ndarray:
        """The vectors of every row (float16, zero rows where missing)."""
        return self._matrix[: self._n]

    @property
    def has(self) -> np.ndarray:
        """Mask of rows that carry a vector."""
        return self._has[: self._n]

    def append(self, vectors: np.ndarray, has: np.ndarray) -> None:
        """Add rows at the end (after the index's last row)."""
        if vectors.shape[1] and not self.dim:
            self.dim = vectors.shape[1]
            self._matrix = np.zeros((len(self._matrix), self.dim), dtype=np.float16)
            self._graph = self._new_graph()
        if vectors.shape[1] and vectors.shape[1] != self.dim:
            raise ValueError(f"a vector of {vectors.shape[1]} dimensions cannot join an index of {self.dim}")
        start, self._n = self._n, self._n + len(vectors)
        self._matrix = grow(self._matrix, self._n)
        self._has = grow(self._has, self._n)
        self._keys = grow(self._keys, self._n)
        if vectors.shape[1]:
            self._matrix[start : self._n] = vectors
        self._has[start : self._n] = has
        first_key = len(self._row_of_key)
        keys = np.arange(first_key, first_key + len(vectors), dtype=np.int64)
        self._keys[start : self._n] = keys
        self._row_of_key = np.concatenate([self._row_of_key, np.arange(start, self._n, dtype=np.int64)])
        if self._graph is not None and has.any():
            self._graph.add(keys[has].astype(np.uint64), self._matrix[start : self._n][has])

    def remove(self, row: int) -> None:
        """Take a row out of the graph (its vector stays until the index is compacted)."""
        if self._has[row] and self._graph is not None:
            self._graph.remove(int(self._keys[row]))
            self._has[row] = False
        self._row_of_key[self._keys[row]] = -1

    def compacted(self, keep: np.ndarray) -> "DenseChannel":
        """The channel restricted to rows ``keep`` (in that order), sharing the same graph."""
        out = DenseChannel.__new__(DenseChannel)
        out.dim, out._n, out._graph = self.dim, len(keep), self._graph
        out._matrix = self._matrix[keep]  # fancy indexing copies already
        out._has = self._has[keep]
        out._keys = self._keys[keep]
        out._row_of_key = np.full(len(self._row_of_key), -1, dtype=np.int64)
        out._row_of_key[out._keys] = np.arange(len(keep), dtype=np.int64)
        return out

    def neighbours(self, vectors: np.ndarray, count: int, threads: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """For each query vector, up to ``count`` (rows, cosines) nearest, as two (m, count) arrays.

        Missing neighbours are row -1.
        """
        m = len(vectors)
        rows = np.full((m, count), -1, dtype=np.int64)
        cosines = np.zeros((m, count), dtype=np.float32)
        if self._graph is None or not len(self._graph) or not m or count <= 0:
            return rows, cosines
        # float16 as stored: a float32 copy of every row for all pairs would be 150 MB at 100,000.
        found = self._graph.search(vectors, count=count, threads=threads)
        keys = np.asarray(found.keys, dtype=np.int64).reshape(m, -1)
        dist = np.asarray(found.distances, dtype=np.float32).reshape(m, -1)
        counts = np.asarray(found.counts).reshape(m) if hasattr(found, "counts") else np.full(m, keys.shape[1])
        width = min(count, keys.shape[1])
        valid = np.arange(width)[None, :] < counts[:, None]
        safe = np.where(valid, keys[:, :width], 0)
        mapped = np.where(valid, self._row_of_key[np.clip(safe, 0, len(self._row_of_key) - 1)], -1)
        rows[:, :width] = mapped
        cosines[:, :width] = np.where(mapped >= 0, 1.0 - np.where(valid, dist[:, :width], 1.0), 0.0)
        return rows, cosines

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        saved = None if self._graph is None else self._graph.save()
        state["_graph"] = None if saved is None else bytes(saved)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        graph = state.pop("_graph")
        self.__dict__.update(state)
        self._graph = None if graph is None else Graph.restore(graph)


def grow(array: np.ndarray, size: int, fill: object = 0) -> np.ndarray:
    """``array`` with room for ``size`` rows, a quarter more each time so appends stay cheap.

    A quarter, not double: the first item added to an index of 100,000 would otherwise reserve
    another 100,000 rows of vectors (75 MB) that a merge soon throws away.
    """
    if size <= len(array):
        return array
    grown = np.full((max(size, len(array) + len(array) // 4, 16), *array.shape[1:]), fill, dtype=array.dtype)
    grown[: len(array)] = array
    return grown
