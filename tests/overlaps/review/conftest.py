"""A pair of alike items in two groups with an open alert, and the people around it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from liaison.accounts import operations as accounts
from liaison.models import OverlapAlert, User, WorkItem
from tests.factories import Factory
from tests.overlaps.test_alerts import AGE_A, AGE_B

CWG = "ITU Council/CWG-COP"


@dataclass
class Pair:
    alert: OverlapAlert
    a: WorkItem
    b: WorkItem


@dataclass
class People:
    admin: User
    officer: User
    chair_a: User
    chair_b: User
    chair_other: User
    cwg_chair: User


def alert_between(db: Session, first: WorkItem, second: WorkItem) -> OverlapAlert:
    a, b = sorted((first.id, second.id))
    alert = db.scalar(select(OverlapAlert).where(OverlapAlert.item_a_id == a, OverlapAlert.item_b_id == b))
    assert alert is not None, "the engine raised no alert for the pair"
    return alert


def fresh(db: Session, alert: OverlapAlert) -> OverlapAlert:
    """The alert as the views committed it (the test session's copy is older)."""
    db.refresh(alert)
    return alert


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests make many accounts and never test passwords: hash them cheaply."""
    monkeypatch.setattr(
        accounts, "generate_password_hash", lambda password: generate_password_hash(password, "pbkdf2:sha256:1")
    )


@pytest.fixture()
def pair(db: Session, factory: Factory) -> Pair:
    first = factory.item("X.age", group="ITU-T/SG17", **AGE_A)
    second = factory.item("D.age", group="ITU-D/SG2", **AGE_B)
    return Pair(alert_between(db, first, second), first, second)


@pytest.fixture()
def people(factory: Factory) -> People:
    return People(
        admin=factory.user("admin@example.org", name="Ada Admin", admin=True),
        officer=factory.user("officer@example.org", name="Otto Officer", officer_of=("ITU-T/SG17",)),
        chair_a=factory.user("chair.a@example.org", name="Alice Chair", chair_of=("ITU-T/SG17",)),
        chair_b=factory.user("chair.b@example.org", name="Bob Chair", chair_of=("ITU-D/SG2",)),
        chair_other=factory.user("chair.c@example.org", name="Carol Chair", chair_of=("ITU-T/SG13",)),
        cwg_chair=factory.user("cwg@example.org", name="Cleo Coordinator", chair_of=(CWG,)),
    )
