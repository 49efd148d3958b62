"""Sample data for trying liaison: real child-online-protection work of several bodies, fictional people.

``sample.json`` holds the bodies, groups (with mandates and liaison contacts), demo users and work
items, and the ``story`` that follows them on a first load: the demo chair decides alerts (one of each
kind), an expired draft is withdrawn, a liaison statement is sent and answered, and another waits past
its deadline, so that the public pages, the dashboard and the report have something to show. Everything
is created through the services, so the audit log reads as if the people had done it, and the overlap
listeners see every item as it is saved.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison.accounts import operations as accounts
from liaison.items import operations as work_items
from liaison.models import AlertDecision, Body, Group, LiaisonStatement, OverlapAlert, User, WorkItem, utcnow
from liaison.organisation import operations as organisation
from liaison.overlaps import review
from liaison.statements.operations import create_statement
from liaison.statements.workflow import approve_statement, send_statement, submit_for_approval

SAMPLE = Path(__file__).with_name("sample.json")


@dataclass(frozen=True)
class DemoLogin:
    """A demo account: its password is shown once, when the account is created (None if it existed)."""

    email: str
    role: str
    password: str | None


@dataclass
class DemoReport:
    """What :func:`load_demo` created; what already existed is left as it is."""

    bodies: int = 0
    groups: int = 0
    contacts: int = 0
    items: int = 0
    decisions: int = 0
    statements: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


def sample_data() -> dict[str, Any]:
    """The sample data file, parsed."""
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def has_work_items(session: Session) -> bool:
    """Whether the database holds any work item at all."""
    return bool(session.scalar(select(func.count()).select_from(WorkItem)))


def load_demo(
    session: Session, data: Mapping[str, Any] | None = None, *, upload_dir: str = "", coordination_group: str = ""
) -> DemoReport:
    """Create the sample bodies, groups, contacts, users and items that do not exist yet.

    Loading twice creates nothing the second time. Passwords are generated, so that a demo
    database copied to a server has no known password; they are returned in the report.
    """
    data = sample_data() if data is None else data
    report = DemoReport()
    for spec in data["bodies"]:
        if session.scalar(select(Body.id).where(Body.code == spec["code"])) is None:
            organisation.create_body(session, None, spec)
            report.bodies += 1
    for spec in data["groups"]:
        if session.scalar(select(Group.id).where(Group.code == spec["code"])) is None:
            group = organisation.create_group(session, None, _group_values(session, spec))
            report.groups += 1
            for contact in spec.get("contacts", []):
                organisation.add_contact(session, None, group, contact)
                report.contacts += 1
    for spec in data["users"]:
        report.logins.append(_ensure_user(session, spec))
    for spec in data["items"]:
        if session.scalar(select(WorkItem.id).where(WorkItem.reference == spec["reference"])) is None:
            work_items.create_work_item(session, None, spec)
            report.items += 1
    story = data.get("story")
    if story and not _story_told(session):
        _tell_story(session, story, report, upload_dir=upload_dir, coordination_group=coordination_group)
    return report


def _story_told(session: Session) -> bool:
    # The story runs once, on a database nobody has decided or written in yet.
    return bool(
        session.scalar(select(func.count()).select_from(AlertDecision))
        or session.scalar(select(func.count()).select_from(LiaisonStatement))
    )


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == accounts.normalise_email(email)))
    assert user is not None, f"the story names {email}, which the sample's users do not hold"
    return user


def _tell_story(
    session: Session, story: Mapping[str, Any], report: DemoReport, *, upload_dir: str, coordination_group: str
) -> None:
    """Decisions on the strongest alerts (one of each kind), a withdrawal, a sent and answered statement,
    and an incoming statement whose deadline has passed."""
    chair, officer = _user(session, story["chair"]), _user(session, story["officer"])
    alerts = session.scalars(
        select(OverlapAlert).where(OverlapAlert.state == "open").order_by(OverlapAlert.score.desc(), OverlapAlert.id)
    ).all()
    for alert, decision in zip(alerts, story["decisions"]):
        review.decide_alert(
            session, chair, alert, decision["decision"], decision.get("note", ""), alert.version,
            coordination_group=coordination_group,
        )
        report.decisions += 1
    withdrawn = session.scalar(select(WorkItem).where(WorkItem.reference == story["withdraw"]))
    if withdrawn is not None and withdrawn.status != "withdrawn":
        work_items.withdraw_work_item(session, None, withdrawn, withdrawn.version)
    today = utcnow().date()
    sent = create_statement(session, officer, _dated(story["sent_statement"], today))
    submit_for_approval(session, officer, sent)
    approve_statement(session, chair, sent)
    send_statement(session, officer, sent, upload_dir=upload_dir)
    create_statement(session, officer, _dated(story["reply"], today) | {"in_reply_to": sent.id})
    create_statement(session, officer, _dated(story["overdue"], today))
    report.statements += 3


def _dated(spec: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """A statement of the story with its dates, written in days from today (``deadline_in_days``,
    ``sent_days_ago``), made real: the demo stays current whenever it is loaded."""
    values = {k: v for k, v in spec.items() if k != "sent_days_ago"}
    if "sent_days_ago" in spec:
        values["sent_at"] = (today - dt.timedelta(days=spec["sent_days_ago"])).isoformat()
    values["recipients"] = [
        {k: v for k, v in r.items() if k != "deadline_in_days"}
        | ({"deadline": (today + dt.timedelta(days=r["deadline_in_days"])).isoformat()} if "deadline_in_days" in r else {})
        for r in spec.get("recipients", [])
    ]
    return values


def _group_values(session: Session, spec: Mapping[str, Any]) -> dict[str, Any]:
    # The parent is the group whose code this one extends, if the sample (or the database) has it.
    parent_code = spec["code"].rpartition("/")[0]
    return {
        "code": spec["code"],
        "name": spec["name"],
        "kind": spec.get("kind", "other"),
        "mandate": spec.get("mandate", ""),
        "url": spec.get("url", ""),
        "body_id": session.scalar(select(Body.id).where(Body.code == spec["body"])),
        "parent_id": session.scalar(select(Group.id).where(Group.code == parent_code)) if parent_code else None,
    }


def _ensure_user(session: Session, spec: Mapping[str, Any]) -> DemoLogin:
    roles = [("officer", code) for code in spec.get("officer_of", [])]
    roles += [("chair", code) for code in spec.get("chair_of", [])]
    label = "admin" if spec.get("admin") else ", ".join(f"{role} of {code}" for role, code in roles)
    existing = session.scalar(select(User).where(User.email == accounts.normalise_email(spec["email"])))
    if existing is not None:
        return DemoLogin(existing.email, label, None)
    password = secrets.token_urlsafe(12)
    user = accounts.create_user(session, None, spec["email"], spec["name"], password, is_admin=bool(spec.get("admin")))
    for role, code in roles:
        accounts.grant_role(session, None, user, organisation.group_by_code(session, code), role)
    return DemoLogin(user.email, label, password)
