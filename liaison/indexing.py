"""Wiring of the similarity index into the app: one index per process, alerts raised on save."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from liaison.models import WorkItem
from liaison.services.overlap_index import OverlapIndex
from liaison.services.overlaps import raise_alerts_for_item
from liaison.services.work_items import on_item_saved

EXTENSION = "liaison.index"


def init_app(app: Flask) -> None:
    """Give ``app`` its index (loaded lazily on first use) and raise alerts whenever an item is saved."""
    reset(app, Path(app.config["LIAISON_INDEX_PATH"]))
    on_item_saved(_raise_alerts_on_save)


def reset(app: Flask, path: Path | None) -> OverlapIndex:
    """Replace the app's index with an empty one (tests, and after a restore from backup)."""
    index = OverlapIndex(path=path)
    app.extensions[EXTENSION] = index
    return index


def current_index() -> OverlapIndex:
    """This process's index for the current app."""
    return current_app.extensions[EXTENSION]


def _raise_alerts_on_save(session: Session, item: WorkItem) -> None:
    # Services also run outside any app (benchmarks, scripts): there is no index to consult then.
    if has_app_context() and EXTENSION in current_app.extensions:
        raise_alerts_for_item(session, current_index(), item)
