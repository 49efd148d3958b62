"""Reasons: short, concrete sentences saying which terms and fields made a score."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .featurize import RowSets, quoted_between

TOP_TERMS = 4
MIN_TERM = 0.01
TITLE_ALIKE = 0.7
TITLE_SAME = 0.8
TITLE_WITHIN = 1.0  # every subject word of the shorter title (title_within is a power of the share)
CHARS_ALIKE = 0.5
SEMANTIC_ALIKE = 0.4


def shared_terms(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], vocabulary: np.ndarray,
                 top: int = TOP_TERMS) -> list[tuple[str, float]]:
    """The terms two word rows share, with their share of the cosine, largest first.

    Rows are given as (column indices, values) of L2-normalised TF-IDF rows. A shared word that
    is part of a shared two-word phrase is folded into the phrase, so that "age verification"
    is listed once rather than next to "age" and "verification".
    """
    common, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    if not common.size:
        return []
    products = a[1][ia] * b[1][ib]
    terms = {str(vocabulary[c]): float(v) for c, v in zip(common, products)}
    phrases = sorted((t for t in terms if " " in t), key=terms.__getitem__, reverse=True)
    totals = {t: terms[t] for t in phrases}
    folded: set[str] = set()
    for phrase in phrases:
        for word in phrase.split():
            if word in terms and word not in folded:
                totals[phrase] += terms[word]
                folded.add(word)
    totals.update({t: v for t, v in terms.items() if " " not in t and t not in folded})
    ranked = sorted(totals.items(), key=lambda item: item[1], reverse=True)
    return [(t, v) for t, v in ranked[:top] if v >= MIN_TERM]


def row_terms(matrix: sp.csr_matrix, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Row ``i`` of a CSR matrix as (column indices, values), without building a matrix."""
    start, end = matrix.indptr[i], matrix.indptr[i + 1]
    return matrix.indices[start:end], matrix.data[start:end]


def identifier_reasons(a: RowSets, b: RowSets) -> list[str]:
    """Identifiers that link two documents: carried by both (the same publication), quoted by one
    from the other as what it updates or replaces (or is updated by), quoted by one from the other
    (a citation), or quoted by both."""
    same = sorted(a.own & b.own)
    revised = sorted(quoted_between(a, b, revised=True) - set(same))
    cited = sorted(quoted_between(a, b) - set(same) - set(revised))
    both_cite = sorted((a.mentions & b.mentions) - set(same) - set(cited) - set(revised))
    out = [f"carries the same identifier {x}" for x in same]
    out.extend(f"states that one updates or replaces the other ({x})" for x in revised)
    out.extend(f"cites the other's number {x}" for x in cited)
    if both_cite:
        out.append("both cite " + ", ".join(both_cite[:3]))
    return out


def semantic_reason(score: float, languages: tuple[str, str]) -> str:
    """The meaning match in words, saying when it crosses languages."""
    first, second = (lang.lower() for lang in languages)
    if first and second and first != second:
        return f"same subject across languages ({first}/{second}): {score:.2f}"
    return f"same subject in other words: {score:.2f}"


def reasons(a: RowSets, b: RowSets, features: dict[str, float], terms: list[tuple[str, float]],
            languages: tuple[str, str] = ("", "")) -> tuple[str, ...]:
    """Reasons for the score of two documents, most telling first."""
    out: list[str] = []
    if features.get("identifiers", 0.0) > 0 or features.get("cites", 0.0) > 0:
        out.extend(identifier_reasons(a, b))
    if features.get("semantic", 0.0) >= SEMANTIC_ALIKE:
        out.append(semantic_reason(features["semantic"], languages))
    if features.get("title_fuzzy", 0.0) >= TITLE_ALIKE:
        out.append(f"titles {round(100 * features['title_fuzzy'])}% alike")
    elif features.get("title_same", 0.0) >= TITLE_SAME:
        out.append(f"titles say the same once series and body names are set aside: {features['title_same']:.2f}")
    elif features.get("chars", 0.0) >= CHARS_ALIKE:
        out.append(f"title spelling {round(100 * features['chars'])}% alike")
    if features.get("title_within", 0.0) >= TITLE_WITHIN and features.get("title_same", 0.0) < TITLE_SAME:
        out.append("one title's subject lies within the other's")
    common = sorted(a.keywords & b.keywords)
    if common and features.get("keywords", 0.0) > 0:
        out.append("shared keywords: " + ", ".join(common))
    if terms:
        out.append("shared terms: " + ", ".join(f"{t} ({v:.2f})" for t, v in terms))
    return tuple(out)
