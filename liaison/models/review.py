"""Chairs' review of overlap alerts: each decision (a label), the models fitted from them, digests sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.models.accounts import User
from liaison.models.alerts import DECISIONS, OverlapAlert
from liaison.models.base import Base, bounded_text, created_at, enum_check, intpk


class AlertDecision(Base):
    """One decision a chair took on an alert, kept even after it is undone.

    It is the label the engine learns from (``features`` and ``score`` as the chair saw them), and it
    remembers what the decision did to the pair's link so that undoing it gives back the link people
    had made by hand (``link_base``: ``[type, note]``, or null when the items were not linked).
    ``fingerprint`` holds both items' normalised text at decision time, so that a pair dismissed as
    "not an overlap" stays quiet until either text changes materially.
    """

    __tablename__ = "alert_decisions"
    __table_args__ = (
        CheckConstraint(enum_check("decision", DECISIONS), name="decision"),
        Index("ix_alert_decisions_alert_id_undone_at", "alert_id", "undone_at"),
    )

    id: Mapped[intpk]
    alert_id: Mapped[int] = mapped_column(ForeignKey("overlap_alerts.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = bounded_text(2000, server_default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    decided_at: Mapped[created_at]
    score: Mapped[float] = mapped_column(Float)
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)
    engine_version: Mapped[str] = mapped_column(String(40), default="")
    fingerprint: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Whether this decision changed the link between the two items (created, retyped or removed it).
    link_touched: Mapped[bool] = mapped_column(Boolean, default=False)
    link_base: Mapped[list[Any] | None] = mapped_column(default=None)
    undone_at: Mapped[dt.datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undo_reason: Mapped[str] = mapped_column(String(500), default="")

    alert: Mapped[OverlapAlert] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class CalibrationModel(Base):
    """Weights, intercept and alert threshold fitted from chairs' decisions, with how well they did.

    ``precision`` and ``recall`` were measured on decisions held out of each cross-validation fold;
    ``baseline_*`` are those of the model in use before, on the same decisions. The newest active row
    is the model every process's engine applies.
    """

    __tablename__ = "calibration_models"
    __table_args__ = (
        CheckConstraint("threshold >= 0 AND threshold <= 1", name="threshold_range"),
        Index("ix_calibration_models_is_active_id", "is_active", "id"),
    )

    id: Mapped[intpk]
    trained_at: Mapped[created_at]
    trained_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    weights: Mapped[dict[str, Any]] = mapped_column(default=dict)
    intercept: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    #: Decisions used, by kind (duplicate, overlap, related, not_overlap).
    labels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    n_positive: Mapped[int] = mapped_column(default=0)
    n_negative: Mapped[int] = mapped_column(default=0)
    precision: Mapped[float] = mapped_column(Float)
    recall: Mapped[float] = mapped_column(Float)
    baseline_precision: Mapped[float] = mapped_column(Float)
    baseline_recall: Mapped[float] = mapped_column(Float)
    #: Folds, per-fold counts and thresholds, and precision at the baseline's recall.
    cv: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    trained_by: Mapped[User | None] = relationship()


class AlertNotification(Base):
    """An alert mailed to one person in a digest: never twice to the same person."""

    __tablename__ = "alert_notifications"
    __table_args__ = (UniqueConstraint("alert_id", "user_id"),)

    id: Mapped[intpk]
    alert_id: Mapped[int] = mapped_column(ForeignKey("overlap_alerts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    mode: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[created_at]
