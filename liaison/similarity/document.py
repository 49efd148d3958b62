"""The value types exchanged with the engine: documents in, matches and pairs out."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Document:
    """One work item as the engine sees it.

    ``group`` is the code of the group that owns the item (e.g. ``"ITU-T/SG17/Q6"`` or
    ``"IETF / tls"``); ``body`` the organisation (e.g. ``"ITU-T"``); ``question`` the text of the
    Question the item belongs to, when there is one. ``identifiers`` are further names the
    document goes by besides its id (an application keys documents by database id and passes the
    reference, e.g. ``X.1901``, and equivalent numbers such as ``ISO/IEC 27566-1`` here).
    ``vector`` is the document's sentence embedding (see :mod:`.embedding`; float32 or float16,
    L2-normalised), ``None`` while it has not been computed: the document then matches through
    the other features only. ``language`` is its ISO 639-1 code, empty when unknown.
    """

    id: str
    title: str
    summary: str = ""
    keywords: tuple[str, ...] = ()
    group: str = ""
    body: str = ""
    question: str = ""
    identifiers: tuple[str, ...] = ()
    # Not part of equality or the hash: an array has neither, and a document is the same
    # document whether or not its embedding has been computed yet.
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    language: str = ""

    def __post_init__(self) -> None:
        # Callers often hand over lists (JSON, forms); a tuple keeps the dataclass hashable.
        if not isinstance(self.keywords, tuple):
            object.__setattr__(self, "keywords", tuple(self.keywords))
        if not isinstance(self.identifiers, tuple):
            object.__setattr__(self, "identifiers", tuple(self.identifiers))
        if self.vector is not None:
            vector = np.asarray(self.vector)
            if vector.dtype not in (np.float16, np.float32):
                vector = vector.astype(np.float32)
            if vector.ndim != 1 or not vector.size:
                raise ValueError(f"document {self.id!r}: vector must be one non-empty row, not shape {vector.shape}")
            object.__setattr__(self, "vector", vector)


@dataclass(frozen=True)
class Match:
    """A document found by :meth:`Engine.query`, best first."""

    id: str
    score: float
    reasons: tuple[str, ...] = ()
    features: dict[str, float] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Pair:
    """An unordered pair of indexed documents found by :meth:`Engine.pairs` (``a < b``)."""

    a: str
    b: str
    score: float
    reasons: tuple[str, ...] = ()
    features: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
