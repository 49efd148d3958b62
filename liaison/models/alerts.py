"""Overlap alerts: a pair of items the similarity engine found alike, and what a chair decided about it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.core.enums import LabelledEnum
from liaison.models.accounts import User
from liaison.models.base import Base, TimestampMixin, bounded_text, enum_check, intpk
from liaison.models.work_items import WorkItem


class AlertState(LabelledEnum):
    """Where an alert stands: open, one of the chairs' decisions, or closed (an item was withdrawn)."""

    OPEN = "open", _l("Open")
    DUPLICATE = "duplicate", _l("Duplicate")
    OVERLAP = "overlap", _l("Overlap")
    RELATED = "related", _l("Related")
    NOT_OVERLAP = "not_overlap", _l("Not an overlap")
    CLOSED = "closed", _l("Closed")


ALERT_STATES = AlertState.values()
#: What a chair may decide about an alert, in the order pages list them.
DECISIONS = tuple(s.value for s in AlertState if s not in (AlertState.OPEN, AlertState.CLOSED))


class OverlapAlert(TimestampMixin, Base):
    """One alert per unordered pair, ever: ``item_a_id < item_b_id`` makes the pair unique."""

    __tablename__ = "overlap_alerts"
    __table_args__ = (
        UniqueConstraint("item_a_id", "item_b_id"),
        CheckConstraint("item_a_id < item_b_id", name="ordered_pair"),
        CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
        CheckConstraint(enum_check("state", ALERT_STATES), name="state"),
        Index("ix_overlap_alerts_state_score", "state", "score"),
        # Decided overlaps, newest decision first (public list, home page, annual report).
        Index("ix_overlap_alerts_state_decided_at", "state", "decided_at"),
    )

    id: Mapped[intpk]
    item_a_id: Mapped[int] = mapped_column(ForeignKey("work_items.id", ondelete="CASCADE"), index=True)
    item_b_id: Mapped[int] = mapped_column(ForeignKey("work_items.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reasons: Mapped[list[str]] = mapped_column(default=list)
    engine_version: Mapped[str] = mapped_column(String(40), default="")
    state: Mapped[str] = mapped_column(String(20), default="open")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None]
    decision_note: Mapped[str] = bounded_text(2000, server_default=None)
    version: Mapped[int] = mapped_column(default=1)

    item_a: Mapped[WorkItem] = relationship(foreign_keys=[item_a_id])
    item_b: Mapped[WorkItem] = relationship(foreign_keys=[item_b_id])
    decided_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
