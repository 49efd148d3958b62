"""Work items (Recommendations, Reports, Questions, guidelines...) and the typed links between them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, cast, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.core.enums import LabelledEnum
from liaison.models.accounts import User
from liaison.models.base import Base, TimestampMixin, bounded_list, bounded_text, created_at, enum_check, intpk
from liaison.models.organisation import Group

ITEM_TYPES = (
    "recommendation",
    "supplement",
    "technical_report",
    "question",
    "resolution",
    "guideline",
    "study",
    "handbook",
    "other",
)
ITEM_TYPE_LABELS = {
    "recommendation": _l("Recommendation"),
    "supplement": _l("Supplement"),
    "technical_report": _l("Technical Report"),
    "question": _l("Question"),
    "resolution": _l("Resolution"),
    "guideline": _l("Guideline"),
    "study": _l("Study"),
    "handbook": _l("Handbook"),
    "other": _l("Other"),
}
ITEM_STATUSES = ("proposed", "active", "approved", "published", "withdrawn")
ITEM_STATUS_LABELS = {
    "proposed": _l("Proposed"),
    "active": _l("Active"),
    "approved": _l("Approved"),
    "published": _l("Published"),
    "withdrawn": _l("Withdrawn"),
}


class ApprovalProcess(LabelledEnum):
    """How a Recommendation is approved (ITU-T A.8 alternative, or traditional), if it says."""

    NOT_SET = "", _l("Not set")
    AAP = "AAP", _l("AAP (alternative approval)")
    TAP = "TAP", _l("TAP (traditional approval)")
    OTHER = "other", _l("Other")


APPROVAL_PROCESSES = ApprovalProcess.values()
#: "translation": the same work in another language, registered by an officer as an equivalent version
#: (never a duplicate: the overlap scan stays quiet about such a pair).
LINK_TYPES = ("duplicates", "overlaps", "related", "supersedes", "translation")
#: Editors of one item, and the characters of each of their fields (name, affiliation, e-mail).
MAX_EDITORS = 20
EDITOR_FIELD_LENGTHS = {"name": 200, "affiliation": 200, "email": 254}
#: Link types that read the same both ways; stored with the smaller id first.
SYMMETRIC_LINK_TYPES = frozenset({"duplicates", "overlaps", "related", "translation"})
#: How a link reads from its source ("X.a duplicates X.b"), and "superseded_by" from a superseding
#: link's target: the words of the link form, of an item's page and of the annual report.
LINK_PHRASES = {
    "related": _l("is related to"),
    "overlaps": _l("overlaps with"),
    "duplicates": _l("duplicates"),
    "supersedes": _l("supersedes"),
    "superseded_by": _l("is superseded by"),
    "translation": _l("is the same work in another language as"),
}


class WorkItem(TimestampMixin, Base):
    """One piece of work of a group, with the fields of ITU-T A.1 Annex A and the work-programme record."""

    __tablename__ = "work_items"
    __table_args__ = (
        CheckConstraint(enum_check("type", ITEM_TYPES), name="type"),
        CheckConstraint(enum_check("status", ITEM_STATUSES), name="status"),
        CheckConstraint(enum_check("approval_process", APPROVAL_PROCESSES), name="approval_process"),
        CheckConstraint("target_date IS NULL OR start_date IS NULL OR target_date >= start_date", name="timing"),
        Index("ix_work_items_group_status", "group_id", "status"),
        # The default sort of every list, and how each process's similarity index finds what changed.
        Index("ix_work_items_updated_at", "updated_at"),
        # Public lists in their default order, and counts per group and status of public items (dashboard).
        Index("ix_work_items_public_updated", "is_public", "updated_at", "id"),
        Index("ix_work_items_public_group_status", "is_public", "group_id", "status"),
    )

    id: Mapped[intpk]
    reference: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = bounded_text(20_000)
    type: Mapped[str] = mapped_column(String(30), default="other", index=True)
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    question: Mapped[str] = mapped_column(String(200), default="")
    editors: Mapped[list[Any]] = mapped_column(default=list, info={"max_items": MAX_EDITORS})
    approval_process: Mapped[str] = mapped_column(String(10), default="")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    target_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    keywords: Mapped[list[str]] = bounded_list(50, 100)
    equivalents: Mapped[list[str]] = bounded_list(50, 100)
    # The contribution or document the work starts from: a reference or a title, not the text itself.
    base_text: Mapped[str] = bounded_text(2000, server_default=None)
    url: Mapped[str] = mapped_column(String(500), default="")
    language: Mapped[str] = mapped_column(String(10), default="en")
    is_public: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    group: Mapped[Group] = relationship(back_populates="work_items")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    # SQLAlchemy bumps `version` on every UPDATE and refuses one whose WHERE finds an older
    # version: a concurrent edit fails instead of overwriting the other person's change.
    __mapper_args__ = {"version_id_col": version}

    @property
    def type_label(self) -> str:
        """The type as a person reads it."""
        return str(ITEM_TYPE_LABELS.get(self.type, self.type))

    def __repr__(self) -> str:
        return f"<WorkItem {self.reference}>"


# Search ("q") matches any part of the reference, title, summary or keywords: trigram indexes let
# PostgreSQL find and count those rows without reading every summary (100,000 items: 213 ms a count
# before, 47 ms for a word in one item of ten). SQLite has no such index: there the column ones are
# empty (WHERE 0), kept so that both schemas match the models, and the keywords one is not made
# (see migration 0007).
for _name in ("reference", "title", "summary"):
    Index(
        f"ix_work_items_{_name}_trgm", WorkItem.__table__.c[_name], postgresql_using="gin",
        postgresql_ops={_name: "gin_trgm_ops"}, sqlite_where=false(),
    )
Index(
    "ix_work_items_keywords_trgm", cast(WorkItem.__table__.c.keywords, String).label("keywords_text"),
    postgresql_using="gin", postgresql_ops={"keywords_text": "gin_trgm_ops"}, sqlite_where=false(),
)


class ItemLink(Base):
    """A typed relation between two items, with who made it and why."""

    __tablename__ = "item_links"
    __table_args__ = (
        UniqueConstraint("source_id", "target_id"),
        CheckConstraint("source_id <> target_id", name="not_self"),
        CheckConstraint(enum_check("type", LINK_TYPES), name="type"),
    )

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(ForeignKey("work_items.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("work_items.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = bounded_text(2000, server_default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    source: Mapped[WorkItem] = relationship(foreign_keys=[source_id])
    target: Mapped[WorkItem] = relationship(foreign_keys=[target_id])
    created_by: Mapped[User | None] = relationship()
