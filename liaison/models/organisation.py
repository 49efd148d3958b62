"""Bodies (ITU-T, UNICEF, IETF, ...), their groups as a tree, and each group's liaison contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.languages import DEFAULT_LANGUAGE, INTERFACE_LANGUAGES, LANGUAGE_CODE_LENGTH
from liaison.models.base import Base, TimestampMixin, bounded_text, enum_check, intpk, str200

if TYPE_CHECKING:
    from liaison.models.work_items import WorkItem

BODY_KINDS = ("itu", "external")
GROUP_KINDS = (
    "study_group",
    "working_party",
    "question",
    "council_working_group",
    "focus_group",
    "jca",
    "committee",
    "other",
)
GROUP_KIND_LABELS = {
    "study_group": "Study group",
    "working_party": "Working party",
    "question": "Question",
    "council_working_group": "Council working group",
    "focus_group": "Focus group",
    "jca": "Joint coordination activity",
    "committee": "Committee",
    "other": "Other",
}


class Body(TimestampMixin, Base):
    """An organisation whose groups work on child online protection."""

    __tablename__ = "bodies"
    __table_args__ = (CheckConstraint(enum_check("kind", BODY_KINDS), name="kind"),)

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str200]
    kind: Mapped[str] = mapped_column(String(20), default="external")
    url: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = bounded_text(20_000)

    groups: Mapped[list[Group]] = relationship(back_populates="body", order_by="Group.code")

    def __repr__(self) -> str:
        return f"<Body {self.code}>"


class Group(TimestampMixin, Base):
    """A study group, working party, Question, committee...: its code is stable, e.g. ``ITU-T/SG17/Q6``."""

    __tablename__ = "groups"
    __table_args__ = (
        CheckConstraint(enum_check("kind", GROUP_KINDS), name="kind"),
        CheckConstraint(enum_check("language", tuple(INTERFACE_LANGUAGES)), name="language"),
    )

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str200]
    kind: Mapped[str] = mapped_column(String(30), default="other")
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    mandate: Mapped[str] = bounded_text(20_000)
    url: Mapped[str] = mapped_column(String(500), default="")
    #: The language the group's mail goes out in to people whose own language is not known.
    language: Mapped[str] = mapped_column(
        String(LANGUAGE_CODE_LENGTH), default=DEFAULT_LANGUAGE, server_default=DEFAULT_LANGUAGE
    )

    body: Mapped[Body] = relationship(back_populates="groups")
    parent: Mapped[Group | None] = relationship(remote_side="Group.id", back_populates="children")
    children: Mapped[list[Group]] = relationship(back_populates="parent", order_by="Group.code")
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Contact.name"
    )
    work_items: Mapped[list[WorkItem]] = relationship(back_populates="group", viewonly=True)

    @property
    def kind_label(self) -> str:
        """The kind as a person reads it."""
        return GROUP_KIND_LABELS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Group {self.code}>"


class Contact(Base):
    """Somebody to write to about a group's work: a liaison officer, rapporteur or chair."""

    __tablename__ = "contacts"
    __table_args__ = (CheckConstraint(enum_check("language", tuple(INTERFACE_LANGUAGES)), name="language"),)

    id: Mapped[intpk]
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    name: Mapped[str200]
    role: Mapped[str] = mapped_column(String(100), default="")
    organization: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    #: The language mail to this contact is written in; None: the group's.
    language: Mapped[str | None] = mapped_column(String(LANGUAGE_CODE_LENGTH))

    group: Mapped[Group] = relationship(back_populates="contacts")
