"""A small public world: items of several bodies, decided and open overlaps, statements in every state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison import indexing
from liaison.items.operations import link_items
from liaison.models import LiaisonStatement, OverlapAlert, User, WorkItem
from liaison.organisation import operations as organisation
from liaison.overlaps import review
from liaison.statements.operations import create_statement
from liaison.statements.workflow import mark_action_taken
from tests.factories import Factory
from tests.statements.helpers import approved_statement, ls_data, sent_statement

CWG = "ITU Council/CWG-COP"


@pytest.fixture(autouse=True)
def no_dashboard_cache(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees its own data: figures are computed on every request."""
    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 0)


@pytest.fixture(autouse=True)
def alerts_only_where_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """Saving an item raises no alert here: each test makes exactly the alerts it counts on."""
    monkeypatch.setattr(indexing, "raise_alerts_for_item", lambda session, index, item: [])


def alert_between(db: Session, first: WorkItem, second: WorkItem, score: float = 0.8) -> OverlapAlert:
    """The pair's alert, open, made here if there is none yet (the engine is not under test)."""
    a, b = sorted((first.id, second.id))
    alert = db.scalar(select(OverlapAlert).where(OverlapAlert.item_a_id == a, OverlapAlert.item_b_id == b))
    if alert is None:
        alert = OverlapAlert(item_a_id=a, item_b_id=b, score=score, state="open", reasons=["shared terms: age"])
        db.add(alert)
        db.flush()
    return alert


def decide(db: Session, actor: User, alert: OverlapAlert, decision: str, note: str) -> OverlapAlert:
    """A chair's decision, through the review service."""
    review.decide_alert(db, actor, alert, decision, note, alert.version, coordination_group=CWG)
    return alert


@dataclass
class World:
    """What the public tests read; ``private`` holds the strings no public page may show."""

    db: Session
    factory: Factory
    admin: User
    officer: User
    chair: User
    items: dict[str, WorkItem] = field(default_factory=dict)
    private: dict[str, str] = field(default_factory=dict)

    def item(self, reference: str, group: str, **fields: Any) -> WorkItem:
        item = self.factory.item(reference, group=group, **fields)
        self.items[reference] = item
        return item

    def decided(self, first: WorkItem, second: WorkItem, decision: str, note: str = "") -> OverlapAlert:
        return decide(self.db, self.admin, alert_between(self.db, first, second), decision, note)

    def sent(self, upload_dir: str, **overrides: Any) -> LiaisonStatement:
        """An outgoing statement from ITU-T/SG17, sent (for action to ITU-D/SG2)."""
        return sent_statement(self.db, self, upload_dir, **overrides)


@pytest.fixture()
def world(db: Session, factory: Factory) -> World:
    """ITU-T/SG17 and ITU-D/SG2 with liaison contacts, people in each role, no items yet."""
    sg17 = factory.group("ITU-T/SG17")
    sg2 = factory.group("ITU-D/SG2")
    factory.group("UNICEF/Innocenti")
    organisation.add_contact(db, None, sg17, {"name": "Sam Secretary", "email": "tsbsg17@itu.example"})
    organisation.add_contact(db, None, sg2, {"name": "Rita Rapporteur", "email": "rita@sg2.example"})
    return World(
        db=db,
        factory=factory,
        admin=factory.user("ada@itu.example", name="Ada Admin", admin=True),
        officer=factory.user("olga@sg17.example", name="Olga Officer", officer_of=("ITU-T/SG17",)),
        chair=factory.user("chen@sg17.example", name="Chen Chair", chair_of=("ITU-T/SG17",)),
    )


@pytest.fixture()
def populated(world: World, upload_dir: str) -> World:
    """Public and private things of every kind, each private one with a distinctive string.

    * public items in three bodies, a decided duplicate and a decided "related" pair;
    * a private item, a link from a public item to it with a note, a decided overlap with it and its note;
    * an open alert between public items, and one whose decision was undone;
    * a sent statement (answered by SG2), a draft and a statement pending approval.
    """
    w = world
    age_t = w.item("X.age-assurance", "ITU-T/SG17", title="Age assurance for online services",
                   summary="Methods to check the age of children online.", keywords=["age assurance"])
    age_d = w.item("D.age-assurance", "ITU-D/SG2", title="Age assurance in developing countries",
                   summary="How online services check the age of children.", keywords=["age assurance"])
    w.item("U.digital-play", "UNICEF/Innocenti", title="Responsible design of digital play for children")
    w.item("X.reporting", "ITU-T/SG17", title="Reporting of child sexual abuse material by platforms")
    w.item("D.helplines", "ITU-D/SG2", title="Child helplines and online reporting")
    w.decided(age_t, age_d, "duplicate", "SG2 to contribute to X.age-assurance rather than start its own text.")
    w.decided(w.items["U.digital-play"], w.items["X.reporting"], "related", "Different scope; keep informed.")

    secret = w.item("X.zzsecretitem", "ITU-T/SG17", title="Qqprivatetitle draft strategy", is_public=False,
                    summary="Qqprivatesummary of an early idea.")
    w.private["private item title"] = "Qqprivatetitle"
    w.private["private item summary"] = "Qqprivatesummary"
    w.private["private item reference"] = "X.zzsecretitem"
    link_items(w.db, None, w.items["X.reporting"], secret, "related", "Qqprivatelinknote about the draft")
    w.private["link note to a private item"] = "Qqprivatelinknote"

    w.decided(w.items["X.age-assurance"], secret, "overlap", "Qqprivatedecisionnote: fold the draft into X.age")
    w.private["chair's note on a pair with a private item"] = "Qqprivatedecisionnote"

    alert_between(w.db, w.items["X.reporting"], w.items["D.helplines"])
    # An undone decision leaves an open alert; its note was public while it held and stays in the items' history.
    undone = w.decided(w.items["D.helplines"], w.items["U.digital-play"], "overlap", "Both continue, coordinate.")
    review.reopen_alert(w.db, w.admin, undone, undone.version, coordination_group=CWG)

    ls = w.sent(upload_dir, title="LS on age assurance coordination")
    sg2_officer = w.factory.user("omar@sg2.example", name="Omar SG2", officer_of=("ITU-D/SG2",))
    mark_action_taken(w.db, sg2_officer, ls.recipients[0], "SG2 will contribute.")
    create_statement(w.db, w.officer, ls_data(title="Qqdraftstatement to the IETF"))
    w.private["draft statement title"] = "Qqdraftstatement"
    approved_statement(w.db, w, title="Qqapprovedstatement not yet sent", abstract="Qqapprovedabstract")
    w.private["approved statement title"] = "Qqapprovedstatement"
    w.private["approved statement abstract"] = "Qqapprovedabstract"
    return w


def days_ago(days: int) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)
