"""One page of a query's results, with the total, for lists in pages and in the API."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
#: Far beyond any real list: bounding page numbers and sizes keeps an OFFSET well inside the
#: database's 64-bit integers (an absurd page number is an empty page, not a 500).
MAX_PAGE = 10_000_000
MAX_PER_PAGE = 1_000


@dataclass(frozen=True)
class Page(Generic[T]):
    """``items`` of page ``page`` (from 1) of ``total`` results, ``per_page`` at a time.

    ``total_is_exact`` is False when counting stopped at a limit: there are more than ``total``.
    """

    items: Sequence[T]
    page: int
    per_page: int
    total: int
    total_is_exact: bool = True

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


def page_bounds(page: int, per_page: int) -> tuple[int, int]:
    """``page`` and ``per_page`` brought within 1..MAX_PAGE and 1..MAX_PER_PAGE."""
    return min(max(1, page), MAX_PAGE), min(max(1, per_page), MAX_PER_PAGE)


def paginate(session: Session, query: Select, page: int, per_page: int, count_limit: int | None = None) -> Page:
    """Run ``query`` for one page; the count runs on the same filters without the ordering.

    With ``count_limit``, counting stops that many results past the start of the page: a search
    for a common word then costs what its first thousand results cost, not what all of them do.
    """
    page, per_page = page_bounds(page, per_page)
    offset = (page - 1) * per_page
    counted = query.order_by(None)
    bound = None if count_limit is None else offset + max(count_limit, per_page)
    if bound is not None:
        counted = counted.limit(bound + 1)
    total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    shown = total if bound is None or total <= bound else bound
    items = session.scalars(query.limit(per_page).offset(offset)).unique().all()
    return Page(items=items, page=page, per_page=per_page, total=shown, total_is_exact=shown == total)
