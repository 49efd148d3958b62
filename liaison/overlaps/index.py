"""Each process's similarity index, kept in step with the database (the source of truth).

Several gunicorn workers each hold an :class:`OverlapIndex`. Before answering, an index asks the
database which items changed since it last looked (by ``updated_at``, with a safety margin for
transactions that committed out of order, read whole every few seconds) and applies just those. The
fitted engine is saved to disk so that a new process loads it instead of refitting every item at
start-up.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from liaison.items.documents import INACTIVE_STATUSES, document_for
from liaison.items.vectors import with_vectors
from liaison.models import CalibrationModel, Group, ItemVector, WorkItem, utcnow
from liaison.overlaps.calibration import active_calibration_id, model_of
from liaison.similarity import Engine
from liaison.similarity.embedding import Embedder
from liaison.similarity.model import DEFAULT_PER_ITEM, Model

log = logging.getLogger(__name__)

#: How far back a refresh looks again, before the moment the last one read: a transaction that set
#: ``updated_at`` before that moment may have committed after it.
CATCH_UP_MARGIN = dt.timedelta(seconds=120)
#: The whole margin is read again at most this often; in between, only the last few seconds are. Every
#: row written within the margin comes back with it: for two minutes after an import of 100,000 items
#: that was 100,000 rows (80 ms of SQLite alone) on every check-as-you-type request. A transaction
#: that commits more than RECENT_MARGIN after setting ``updated_at`` is then seen within this period
#: rather than at once; a request's own transaction is far shorter.
FULL_CATCH_UP_EVERY = dt.timedelta(seconds=10)
RECENT_MARGIN = dt.timedelta(seconds=5)
#: Up to this many items, refitting the whole engine takes a fraction of a second.
INLINE_REFIT_LIMIT = 5000
#: From this many items, a freshly built or loaded index is moved out of the garbage collector's
#: sight (see :meth:`OverlapIndex._settle`).
FREEZE_FROM = 10_000


@dataclass
class OverlapIndex:
    """An engine plus what it knows of the database: each item's version, how far it has read, and
    which fitted model (``CalibrationModel`` id; None for the hand-set one) it scores with.

    ``embedder`` embeds the text of a query (None: the app does not embed, and documents carry no
    vectors); the vectors of stored items are read from the database, never computed here.
    ``alerts_per_item`` is how many alerts one item raises at most.
    """

    path: Path | None = None
    embedder: Embedder | None = None
    alerts_per_item: int = DEFAULT_PER_ITEM
    engine: Engine | None = None
    versions: dict[int, int] = field(default_factory=dict)
    watermark: dt.datetime | None = None
    model_id: int | None = None
    full_catch_up_at: dt.datetime | None = None
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    freeze_from: int = FREEZE_FROM

    def refresh(self, session: Session) -> int:
        """Catch up with the database; returns how many items were (re)indexed or dropped.

        Also switches to the newest fitted model when another process calibrated one: the engine's
        ``version`` changes with it, and alerts raised from then on record it.

        The database is read without holding the lock, which guards the engine only: the threads of
        a worker then wait for each other's few milliseconds of engine work, not for each other's
        round trips to the database.
        """
        with self.lock:
            if self.engine is None:
                if not self._load():
                    return self.rebuild(session)
                self._settle()
        changed = self._catch_up(session)
        self._apply_model(session)
        return changed

    def rebuild(self, session: Session) -> int:
        """Fit a new engine on every active item (and save it when the index has a path)."""
        with self.lock:
            read_at = utcnow()
            rows = session.execute(
                select(WorkItem)
                .options(joinedload(WorkItem.group).joinedload(Group.body))
                .where(WorkItem.status.not_in(INACTIVE_STATUSES))
            ).scalars()
            documents, versions = [], {}
            for item in rows:
                documents.append(document_for(item))
                versions[item.id] = item.version
            documents = with_vectors(session, self.embedding_model, documents)
            # The engine refits itself once additions outgrow its vocabulary; that refit runs inside
            # whichever request adds the item, so it is allowed only while it costs well under a second.
            # Larger indexes pick up new vocabulary at the next `liaison overlaps scan`.
            engine = Engine(refit_fraction=0.25 if len(documents) <= INLINE_REFIT_LIMIT else None)
            engine.fit(documents)
            self.engine, self.versions, self.model_id = engine, versions, None
            self.watermark = read_at
            self._apply_model(session)
            self.save()
            self._settle()
            return len(documents)

    def current_model(self, session: Session) -> Model:
        """The model the engine scores with, once the index has caught up with the database."""
        self.refresh(session)
        assert self.engine is not None
        return self.engine.model

    @property
    def embedding_model(self) -> str | None:
        """The name of the embedder whose stored vectors the index reads (None: it reads none)."""
        return self.embedder.name if self.embedder is not None else None

    def _settle(self) -> None:
        # A large index is hundreds of thousands of long-lived objects (700,000 at 100,000 items), and
        # every full collection walks them all: a 280 ms pause of every thread of the worker, seen in
        # the load benchmark as the p99 of every endpoint. Collected once now, then frozen
        # (gc.freeze, Python's permanent generation), they are never walked again.
        if self.engine is not None and len(self.engine) >= self.freeze_from:
            gc.collect()
            gc.freeze()

    def _apply_model(self, session: Session) -> None:
        # One indexed lookup of an id per refresh; the model itself is read only when it changed.
        wanted = active_calibration_id(session)
        if wanted == self.model_id:
            return
        model = model_of(session.get(CalibrationModel, wanted) if wanted is not None else None)
        with self.lock:
            assert self.engine is not None
            self.engine.set_model(model.weights, model.threshold, model.intercept)
            self.model_id = wanted

    def _catch_up(self, session: Session) -> int:
        # The window starts from when the last refresh read, not from the newest change it saw: after a
        # burst of changes (a bulk import) followed by quiet, the latter would re-read the whole burst
        # on every refresh, for good.
        read_at = utcnow()
        since, full = self._look_back(read_at)
        query = select(WorkItem.id, WorkItem.version, WorkItem.status)
        if since is not None:
            query = query.where(WorkItem.updated_at >= since)
        inactive, changed_ids = [], []
        for item_id, version, status in session.execute(query):
            if status in INACTIVE_STATUSES:
                if item_id in self.versions:
                    inactive.append(item_id)
            elif self.versions.get(item_id) != version:
                changed_ids.append(item_id)
        changed_ids += self._newly_embedded(session, set(changed_ids))
        documents = []
        if changed_ids:
            items = list(
                session.scalars(
                    select(WorkItem)
                    .options(joinedload(WorkItem.group).joinedload(Group.body))
                    .where(WorkItem.id.in_(changed_ids))
                )
            )
            loaded = with_vectors(session, self.embedding_model, [document_for(item) for item in items])
            documents = [(item.id, item.version, document) for item, document in zip(items, loaded)]
        # Another thread may have applied a newer read meanwhile; an older one applied after it is
        # undone by the next refresh, which reads the same window again and finds the versions differ.
        with self.lock:
            assert self.engine is not None
            dropped = 0
            for item_id in inactive:
                if self.versions.pop(item_id, None) is not None:
                    self.engine.remove(str(item_id))
                    dropped += 1
            for item_id, version, document in documents:
                self.engine.add(document)
                self.versions[item_id] = version
            self._mark_read(read_at, full)
        return len(documents) + dropped

    def _mark_read(self, read_at: dt.datetime, full: bool) -> None:
        # Under the lock: another thread may have marked a later read meanwhile.
        self.watermark = read_at if self.watermark is None else max(self.watermark, read_at)
        if full:
            self.full_catch_up_at = read_at if self.full_catch_up_at is None else max(self.full_catch_up_at, read_at)

    def _look_back(self, read_at: dt.datetime) -> tuple[dt.datetime | None, bool]:
        """Where a refresh reading at ``read_at`` starts (None: from the start), and whether it reads
        the whole margin (:data:`FULL_CATCH_UP_EVERY`)."""
        full = self.full_catch_up_at is None or read_at - self.full_catch_up_at >= FULL_CATCH_UP_EVERY
        if self.watermark is None:
            return None, full
        return self.watermark - (CATCH_UP_MARGIN if full else RECENT_MARGIN), full

    def _newly_embedded(self, session: Session, changed: set[int]) -> list[int]:
        """Indexed items without a vector that another process (a scan) has embedded since."""
        if self.embedding_model is None or self.watermark is None:
            return []
        with self.lock:
            assert self.engine is not None
            if not self.engine.n_without_vector:
                # The usual state once everything is embedded: no need to read what a scan or an
                # import embedded within the margin (all of it, for two minutes after one ends).
                return []
        query = select(ItemVector.item_id).where(
            ItemVector.computed_at >= self.watermark - CATCH_UP_MARGIN, ItemVector.model == self.embedding_model
        )
        embedded = [item_id for item_id in session.scalars(query) if item_id not in changed]
        with self.lock:
            assert self.engine is not None
            indexed = (str(item_id) for item_id in embedded if item_id in self.versions)
            return [int(doc_id) for doc_id in self.engine.without_vector(indexed)]

    def forget(self, item_ids: list[int]) -> None:
        """Drop items the database no longer has (e.g. a transaction that added them rolled back)."""
        with self.lock:
            for item_id in item_ids:
                if self.versions.pop(item_id, None) is not None and self.engine is not None:
                    self.engine.remove(str(item_id))

    def save(self) -> None:
        """Write the engine and what it has read next to each other, atomically enough to reload."""
        if self.path is None or self.engine is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine.save(self.path)
        state = {
            "versions": {str(k): v for k, v in self.versions.items()},
            "watermark": self.watermark.isoformat() if self.watermark else None,
            "model_id": self.model_id,
            "embedding_model": self.embedding_model,
        }
        temporary = self.path.with_suffix(".state.tmp")
        temporary.write_text(json.dumps(state))
        os.replace(temporary, self._state_path())

    def _load(self) -> bool:
        if self.path is None or not self.path.exists() or not self._state_path().exists():
            return False
        try:
            engine = Engine.load(self.path)
            state = json.loads(self._state_path().read_text())
        except Exception as exc:  # a stale or damaged file is rebuilt, never fatal
            log.warning("similarity index at %s not loaded (%s); rebuilding", self.path, exc)
            return False
        if state.get("embedding_model") != self.embedding_model:
            # Its vectors are another model's (or it has none): they do not compare with this one's.
            log.info("similarity index at %s holds vectors of another embedder; rebuilding", self.path)
            return False
        self.engine = engine
        self.versions = {int(k): int(v) for k, v in state["versions"].items()}
        self.watermark = dt.datetime.fromisoformat(state["watermark"]) if state["watermark"] else None
        self.model_id = state.get("model_id")
        if self.model_id is None:
            # A saved engine carries the default model of the day it was saved; an upgrade may ship
            # another (a refit keeps the engine version when the features stay). A fitted model is
            # a stored row that never changes, so only the default needs setting again.
            default = model_of(None)
            engine.set_model(default.weights, default.threshold, default.intercept)
        return True

    def _state_path(self) -> Path:
        assert self.path is not None
        return self.path.with_suffix(".state.json")
