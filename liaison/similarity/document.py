"""The value types exchanged with the engine: documents in, matches and pairs out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One work item as the engine sees it.

    ``group`` is the code of the group that owns the item (e.g. ``"ITU-T/SG17/Q6"`` or
    ``"IETF / tls"``); ``body`` the organisation (e.g. ``"ITU-T"``); ``question`` the text of the
    Question the item belongs to, when there is one. ``identifiers`` are further names the
    document goes by besides its id (an application keys documents by database id and passes the
    reference, e.g. ``X.1901``, and equivalent numbers such as ``ISO/IEC 27566-1`` here).
    """

    id: str
    title: str
    summary: str = ""
    keywords: tuple[str, ...] = ()
    group: str = ""
    body: str = ""
    question: str = ""
    identifiers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Callers often hand over lists (JSON, forms); a tuple keeps the dataclass hashable.
        if not isinstance(self.keywords, tuple):
            object.__setattr__(self, "keywords", tuple(self.keywords))
        if not isinstance(self.identifiers, tuple):
            object.__setattr__(self, "identifiers", tuple(self.identifiers))


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
