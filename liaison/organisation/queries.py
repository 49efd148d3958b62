"""Reading the directory of bodies and groups, a page at a time, with what each listing shows loaded."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from liaison.core.pagination import Page, paginate
from liaison.models import Body, Group


def groups_page(session: Session, page: int, per_page: int, *, body: str | None = None) -> Page[Group]:
    """One page of groups by code (only ``body``'s when given), with body, parent and contacts loaded."""
    query = (
        select(Group)
        .options(joinedload(Group.body), joinedload(Group.parent), selectinload(Group.contacts))
        .order_by(Group.code)
    )
    if body:
        query = query.where(Group.body_id.in_(select(Body.id).where(Body.code == body)))
    return paginate(session, query, page, per_page)


def bodies_page(session: Session, page: int, per_page: int) -> tuple[Page[Body], dict[int, int]]:
    """One page of bodies by code, and how many groups each of them has (one query for the page)."""
    result: Page[Body] = paginate(session, select(Body).order_by(Body.code), page, per_page)
    counts: dict[int, int] = {
        body_id: count
        for body_id, count in session.execute(
            select(Group.body_id, func.count())
            .where(Group.body_id.in_([body.id for body in result.items]))
            .group_by(Group.body_id)
        )
    }
    return result, counts
