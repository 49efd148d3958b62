"""Reasons: short, concrete sentences saying which terms and fields made a score."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .document import Document
from .featurize import keyword_set, mentioned_identifiers
from .text import carried_identifiers

TOP_TERMS = 4
MIN_TERM = 0.01
TITLE_ALIKE = 0.7
CHARS_ALIKE = 0.5


def shared_terms(a: sp.csr_matrix, b: sp.csr_matrix, vocabulary: np.ndarray, top: int = TOP_TERMS) -> list[tuple[str, float]]:
    """The terms two word rows share, with their share of the cosine, largest first.

    A shared word that is part of a shared two-word phrase is folded into the phrase, so that
    "age verification" is listed once rather than next to "age" and "verification".
    """
    product = a.multiply(b).tocsr()
    if not product.nnz:
        return []
    terms = {str(vocabulary[c]): float(v) for c, v in zip(product.indices, product.data)}
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


def identifier_reasons(a: Document, b: Document) -> list[str]:
    """Identifiers that link two documents: carried by both, or carried by one and quoted by the other."""
    own_a, own_b = carried_identifiers(a.id, a.identifiers), carried_identifiers(b.id, b.identifiers)
    cited_a, cited_b = mentioned_identifiers(a), mentioned_identifiers(b)
    same = sorted((own_a & own_b) | (cited_a & own_b) | (own_a & cited_b))
    both_cite = sorted((cited_a & cited_b) - set(same))
    out = [f"same identifier {x}" for x in same]
    if both_cite:
        out.append("both cite " + ", ".join(both_cite[:3]))
    return out


def reasons(a: Document, b: Document, features: dict[str, float], terms: list[tuple[str, float]]) -> tuple[str, ...]:
    """Reasons for the score of ``a`` against ``b``, most telling first."""
    out: list[str] = []
    if features.get("identifiers", 0.0) > 0:
        out.extend(identifier_reasons(a, b))
    if features.get("title_fuzzy", 0.0) >= TITLE_ALIKE:
        out.append(f"titles {round(100 * features['title_fuzzy'])}% alike")
    elif features.get("chars", 0.0) >= CHARS_ALIKE:
        out.append(f"title spelling {round(100 * features['chars'])}% alike")
    if features.get("keywords", 0.0) > 0:
        common = sorted(keyword_set(a) & keyword_set(b))
        if common:
            out.append("shared keywords: " + ", ".join(common))
    if terms:
        out.append("shared terms: " + ", ".join(f"{t} ({v:.2f})" for t, v in terms))
    return tuple(out)
