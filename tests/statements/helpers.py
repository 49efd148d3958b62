"""Statements ready to use in tests, made through the services."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.models import LiaisonStatement, OverlapAlert, WorkItem, utcnow
from liaison.statements.operations import create_statement
from liaison.statements.workflow import approve_statement, send_statement, submit_for_approval


def in_days(days: int) -> str:
    return (utcnow().date() + dt.timedelta(days=days)).isoformat()


def ls_data(**overrides: Any) -> dict[str, Any]:
    """A complete outgoing statement from ITU-T/SG17: for action to ITU-D/SG2, for information to the IETF."""
    return {
        "title": "LS on age assurance guidelines",
        "abstract": "SG17 informs SG2 of its work on age assurance and asks for coordination.",
        "body": "SG17 agreed to start X.age-assurance.\n\nWe would welcome SG2's views on its scope.",
        "source_group": "ITU-T/SG17",
        "questions": "Q6/17",
        "study_group": "SG17",
        "working_party": "WP2/17",
        "meeting_place": "Geneva",
        "meeting_dates": "20-29 January 2026",
        "recipients": [
            {"group": "ITU-D/SG2", "purpose": "action", "deadline": in_days(30)},
            {"email": "liaisons@ietf.example", "name": "IETF liaison manager", "purpose": "information"},
        ],
        "contacts": [
            {
                "name": "Olga Officer",
                "organization": "ITU",
                "country": "Switzerland",
                "phone": "+41 22 730 5111",
                "email": "olga@sg17.example",
            }
        ],
        "approval_level": "study_group",
    } | overrides


def approved_statement(db: Session, world: SimpleNamespace, **overrides: Any) -> LiaisonStatement:
    """A statement drafted by the officer and approved by the chair."""
    ls = create_statement(db, world.officer, ls_data(**overrides))
    submit_for_approval(db, world.officer, ls)
    return approve_statement(db, world.chair, ls)


def sent_statement(db: Session, world: SimpleNamespace, upload_dir: str, **overrides: Any) -> LiaisonStatement:
    """A statement sent by the officer (its mail queued in the outbox)."""
    ls = approved_statement(db, world, **overrides)
    return send_statement(db, world.officer, ls, upload_dir=upload_dir)


def alert_between(db: Session, a: WorkItem, b: WorkItem, *, score: float = 0.8, reasons: list[str] | None = None) -> OverlapAlert:
    """The alert of the pair (the overlap engine may have raised it already), with ``score`` and ``reasons``."""
    low, high = sorted((a.id, b.id))
    alert = db.scalar(select(OverlapAlert).where(OverlapAlert.item_a_id == low, OverlapAlert.item_b_id == high))
    if alert is None:
        alert = OverlapAlert(item_a_id=low, item_b_id=high, score=score, features={})
        db.add(alert)
    alert.score = score
    alert.reasons = reasons or ["shared terms: age, assurance", "similar titles"]
    db.flush()
    return alert
