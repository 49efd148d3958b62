"""One page of a query's results, with the total, for lists in pages and in the API."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
MAX_PAGE = 1_000_000
MAX_PER_PAGE = 1_000


@dataclass(frozen=True)
class Page(Generic[T]):
    """``items`` of page ``page`` (from 1) of ``total`` results, ``per_page`` at a time."""

    items: Sequence[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least 1, so that an empty list still has a page 1)."""
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(session: Session, query: Select, page: int, per_page: int) -> Page:
    """Run ``query`` for one page; the count runs on the same filters without the ordering."""
    # Beyond these an OFFSET overflows the database's 64-bit integers (a 500 instead of an empty page).
    page = min(max(1, page), MAX_PAGE)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items=items, page=page, per_page=per_page, total=total)
