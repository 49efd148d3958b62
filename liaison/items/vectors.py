"""Each work item's sentence embedding: computed once per text, stored, and read back as one matrix.

The vector of an item is computed when the item is saved or imported (and by ``liaison overlaps
scan`` for those that have none), never when a process starts: every process reads the stored
vectors. A stored vector is current while it is the embedder's in use (``model``) and of the text
the item would be embedded from now (``text_hash``); anything else counts as missing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from liaison.items.documents import INACTIVE_STATUSES, document_for
from liaison.models import Group, ItemVector, WorkItem, utcnow
from liaison.similarity import Document
from liaison.similarity.embedding import Embedder, document_text

#: Items read, embedded and committed together by :func:`embed_missing` (a batch is about two
#: seconds of the model's time on two cores: an interrupted run loses at most that).
EMBED_BATCH = 64
#: Stored vectors read per query when loading many (bounds the statement's parameters).
READ_BATCH = 5000
#: How the vectors are stored: float32, little-endian.
STORED_DTYPE = np.dtype("<f4")


def text_hash(text: str) -> str:
    """What tells whether a stored vector is of the text an item has now."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embed_items(session: Session, embedder: Embedder | None, items: Sequence[WorkItem]) -> int:
    """Store a current vector for each of ``items`` (groups loaded), embedding in one batch only the
    texts that no item has a vector of; returns how many items were given a vector (none when the
    app does not embed).

    A vector whose text is unchanged is kept and marked as checked against the item's version.
    """
    if embedder is None or not items:
        return 0
    texts = [document_text(document_for(item)) for item in items]
    hashes = [text_hash(text) for text in texts]
    stored = {
        row.item_id: row
        for row in session.scalars(select(ItemVector).where(ItemVector.item_id.in_([item.id for item in items])))
    }
    todo = []
    for position, item in enumerate(items):
        row = stored.get(item.id)
        if row is not None and row.model == embedder.name and row.text_hash == hashes[position]:
            if row.item_version != item.version:
                row.item_version = item.version
        else:
            todo.append(position)
    if todo:
        # One text, one vector: editions of a publication often keep its title and abstract (11% of
        # the first 100,000 records of the development data repeat an earlier text), so a vector
        # already stored for the same text is copied instead of computed again.
        known = {
            stored_hash: data
            for stored_hash, data in session.execute(
                select(ItemVector.text_hash, ItemVector.vector).where(
                    ItemVector.model == embedder.name, ItemVector.text_hash.in_({hashes[p] for p in todo})
                )
            )
        }
        fresh = {hashes[p]: texts[p] for p in todo if hashes[p] not in known}
        for digest, vector in zip(fresh, embedder.embed(list(fresh.values())) if fresh else []):
            known[digest] = np.ascontiguousarray(vector, dtype=STORED_DTYPE).tobytes()
        now = utcnow()
        for position in todo:
            item = items[position]
            data = known[hashes[position]]
            row = stored.get(item.id)
            if row is None:
                session.add(ItemVector(item_id=item.id, item_version=item.version, model=embedder.name,
                                       text_hash=hashes[position], vector=data, computed_at=now))
            else:
                row.item_version, row.model, row.text_hash, row.vector = item.version, embedder.name, hashes[position], data
                row.computed_at = now
    session.flush()
    return len(todo)


def stale_item_ids(session: Session, model: str) -> list[int]:
    """Ids of the active items whose stored vector is missing, of another model or of an older version."""
    query = (
        select(WorkItem.id)
        .outerjoin(ItemVector, ItemVector.item_id == WorkItem.id)
        .where(WorkItem.status.not_in(INACTIVE_STATUSES))
        .where(or_(ItemVector.item_id.is_(None), ItemVector.model != model, ItemVector.item_version != WorkItem.version))
        .order_by(WorkItem.id)
    )
    return list(session.scalars(query))


def embed_missing(
    session: Session,
    embedder: Embedder | None,
    *,
    batch_size: int = EMBED_BATCH,
    checkpoint: Callable[[], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Give every active item a current vector; returns how many texts were embedded.

    Works through the items in batches: ``checkpoint`` runs after each (the command commits there,
    so that an interrupted run keeps what it did and the app keeps serving), ``progress`` is told
    how many items each batch covered.
    """
    if embedder is None:
        return 0
    ids = stale_item_ids(session, embedder.name)
    embedded = 0
    for start in range(0, len(ids), batch_size):
        batch = list(
            session.scalars(
                select(WorkItem)
                .options(joinedload(WorkItem.group).joinedload(Group.body))
                .where(WorkItem.id.in_(ids[start : start + batch_size]))
                .order_by(WorkItem.id)
            )
        )
        embedded += embed_items(session, embedder, batch)
        if checkpoint is not None:
            checkpoint()
        if progress is not None:
            progress(len(ids[start : start + batch_size]))
    return embedded


def with_vectors(session: Session, model: str | None, documents: Sequence[Document]) -> list[Document]:
    """``documents`` (keyed by item id) with their current stored vectors, rows of one contiguous
    float32 matrix; a document whose vector is missing or stale is returned as it is."""
    if model is None or not documents:
        return list(documents)
    wanted = {int(document.id): position for position, document in enumerate(documents)}
    found: dict[int, bytes] = {}
    ids = list(wanted)
    for start in range(0, len(ids), READ_BATCH):
        rows = session.execute(
            select(ItemVector.item_id, ItemVector.text_hash, ItemVector.vector).where(
                ItemVector.item_id.in_(ids[start : start + READ_BATCH]), ItemVector.model == model
            )
        )
        for item_id, stored_hash, data in rows:
            if stored_hash == text_hash(document_text(documents[wanted[item_id]])):
                found[item_id] = data
    if not found:
        return list(documents)
    dim = len(next(iter(found.values()))) // STORED_DTYPE.itemsize
    matrix = np.empty((len(found), dim), dtype=np.float32)
    row_of = {}
    for row, (item_id, data) in enumerate(found.items()):
        matrix[row] = np.frombuffer(data, dtype=STORED_DTYPE)
        row_of[item_id] = row
    out = list(documents)
    for item_id, row in row_of.items():
        position = wanted[item_id]
        out[position] = replace(out[position], vector=matrix[row])
    return out
