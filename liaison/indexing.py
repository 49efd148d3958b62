"""Wiring of the similarity index into the app: one index per process, alerts raised on save."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from liaison.items.documents import INACTIVE_STATUSES
from liaison.items.operations import on_item_saved
from liaison.items.vectors import embed_items
from liaison.models import WorkItem
from liaison.overlaps.index import OverlapIndex
from liaison.overlaps.operations import raise_alerts_for_item
from liaison.similarity.embedding import default_embedder

EXTENSION = "liaison.index"


def init_app(app: Flask) -> None:
    """Give ``app`` its index (loaded lazily on first use); whenever an item is saved, store its vector
    and raise its alerts."""
    reset(app, Path(app.config["LIAISON_INDEX_PATH"]))
    on_item_saved(_raise_alerts_on_save)


def reset(app: Flask, path: Path | None) -> OverlapIndex:
    """Replace the app's index with an empty one (tests, and after a restore from backup)."""
    # One model per process (0.2 s and 100 MB to load), shared by its apps.
    embedder = default_embedder() if app.config["LIAISON_EMBEDDINGS"] else None
    index = OverlapIndex(path=path, embedder=embedder, alerts_per_item=int(app.config["LIAISON_ALERTS_PER_ITEM"]))
    app.extensions[EXTENSION] = index
    return index


def current_index() -> OverlapIndex:
    """This process's index for the current app."""
    return current_app.extensions[EXTENSION]


def _raise_alerts_on_save(session: Session, item: WorkItem) -> None:
    # Services also run outside any app (benchmarks, scripts): there is no index to consult then.
    if has_app_context() and EXTENSION in current_app.extensions:
        index = current_index()
        if item.status not in INACTIVE_STATUSES:
            embed_items(session, index.embedder, [item])
        raise_alerts_for_item(session, index, item)
