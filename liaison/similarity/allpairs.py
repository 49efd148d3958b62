"""Candidate pairs over the whole index, by blocked top-n sparse products (never a dense N x N).

Each channel proposes, for every row, its best ``top_n`` partners above a floor; the union of
the proposals is then scored exactly. Rows are processed in blocks so that the intermediate
products stay small whatever the corpus size.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sparse_dot_topn import sp_matmul_topn

BLOCK_ROWS = 20_000


def top_pairs(left: sp.csr_matrix, right_t: sp.csr_matrix, top_n: int, floor: float,
              threads: int, symmetric: bool) -> np.ndarray:
    """Row pairs ``(i, j)`` with ``left[i] . right_t[:, j]`` above ``floor``, the best ``top_n`` per row.

    Returns an (m, 2) int64 array with ``i != j``; when ``symmetric`` each pair comes as ``i < j``.
    """
    found: list[np.ndarray] = []
    n_left = left.shape[0]
    if not n_left or not right_t.shape[1] or not left.nnz:
        return np.zeros((0, 2), dtype=np.int64)
    for start in range(0, n_left, BLOCK_ROWS):
        block = left[start : start + BLOCK_ROWS]
        # One more than top_n: in a self-join every row finds itself first.
        product = sp_matmul_topn(block, right_t, top_n=top_n + 1, threshold=floor,
                                 n_threads=threads if threads > 1 else None)
        product = product.tocoo()
        rows = product.row.astype(np.int64) + start
        cols = product.col.astype(np.int64)
        keep = rows != cols
        found.append(np.column_stack([rows[keep], cols[keep]]))
    pairs = np.concatenate(found)
    if symmetric:
        pairs = np.sort(pairs, axis=1)
    return pairs


def unique_pairs(*parts: np.ndarray, n: int) -> np.ndarray:
    """The union of several (m, 2) arrays of ``i < j`` pairs, each pair once, sorted."""
    if not parts:
        return np.zeros((0, 2), dtype=np.int64)
    stacked = np.concatenate(parts)
    stacked = np.sort(stacked, axis=1)
    keys = np.unique(stacked[:, 0] * n + stacked[:, 1])
    return np.column_stack([keys // n, keys % n])
