"""The outbox as admins see it: deliveries by status, and queueing a failed or uncertain one again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from liaison.core.audit import record_event
from liaison.core.errors import Conflict, NotFound
from liaison.core.pagination import Page, paginate
from liaison.core.permissions import require
from liaison.models import Delivery, User, utcnow
from liaison.statements.edits import require_actor

RETRYABLE = ("failed", "uncertain")


def get_delivery(session: Session, delivery_id: int) -> Delivery:
    """The delivery with ``delivery_id``, or :class:`NotFound`."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound(f"no delivery with id {delivery_id}")
    return delivery


def list_deliveries(session: Session, status: str = "", page: int = 1, per_page: int = 50) -> Page[Delivery]:
    """Deliveries, newest first, optionally of one ``status`` (``failed`` and ``uncertain`` need a person)."""
    query = select(Delivery).options(joinedload(Delivery.message)).order_by(Delivery.id.desc())
    if status:
        query = query.where(Delivery.status == status)
    return paginate(session, query, page, per_page)


def retry_delivery(session: Session, actor: User | None, delivery: Delivery) -> Delivery:
    """Queue a failed or uncertain delivery again (admins only; ``actor`` None is the command line).

    It keeps its Message-ID, so a receiver that already has an uncertain one can drop the copy. Its
    attempts start again from zero; the audit log keeps how many there were.
    """
    if actor is not None:
        user = require_actor(actor, "to retry a delivery")
        require(user.is_admin, "only admins may retry a delivery")
    if delivery.status not in RETRYABLE:
        raise Conflict(f"only {' or '.join(RETRYABLE)} deliveries can be retried; this one is {delivery.status}")
    old = [delivery.status, delivery.attempts, delivery.last_error]
    delivery.status = "queued"
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.claim_token = None
    session.flush()
    record_event(
        session,
        actor,
        "delivery.retry",
        "delivery",
        delivery.id,
        f"Queued the delivery to {delivery.address} again",
        {"status": [old[0], "queued"], "attempts": [old[1], 0], "last_error": [old[2], None]},
    )
    return delivery
