"""``liaison items import`` killed (SIGKILL) in the middle of a large file: what it wrote is whole
batches of whole rows, never half of one, and running it again finishes the work without duplicates."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select

from liaison.items.importing import BATCH_SIZE, import_records, read_rows
from liaison.models import AuditEvent, WorkItem

SEEDED = BATCH_SIZE
TOTAL = 5 * BATCH_SIZE


SYLLABLES = ("ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "vu", "ze", "bo", "di", "fa", "gu", "he", "ji")


def words(seed: int, count: int) -> str:
    """Made-up words, different for each seed: the import ends with an overlap scan, which texts
    that all look alike would turn into millions of alerts."""
    rng = random.Random(seed)
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(4)) for _ in range(count))


def old_row(n: int) -> dict:
    return {"reference": f"X.bulk-{n:05d}", "title": words(n, 4), "summary": "", "keywords": [], "group": "ITU-T/SG17"}


def new_row(n: int) -> dict:
    """Row ``n`` of the file: a new version of a seeded item, or a new item; every field differs from ``old_row``."""
    return {"reference": f"X.bulk-{n:05d}", "title": words(-n - 1, 4), "summary": words(n + TOTAL, 10),
            "keywords": [words(n + 2 * TOTAL, 1)], "status": "active", "group": "ITU-T/SG17", "question": f"Q{n % 7 + 1}/17"}


def _stored(session) -> dict[str, dict]:
    rows = session.execute(
        select(WorkItem.reference, WorkItem.title, WorkItem.summary, WorkItem.keywords, WorkItem.status,
               WorkItem.question, WorkItem.version)
    )
    return {r.reference: r._asdict() for r in rows}


def _whole(stored: dict, expected: dict, version: int) -> bool:
    return stored["version"] == version and all(
        stored[name] == expected.get(name, default)
        for name, default in (("title", ""), ("summary", ""), ("keywords", []), ("status", "proposed"), ("question", ""))
    )


def _events(session, action: str) -> int:
    return session.scalar(select(func.count()).where(AuditEvent.action == action))


@contextmanager
def importing(url: str, path: Path, cwd: Path) -> Iterator[subprocess.Popen]:
    """``liaison items import PATH`` running in a process of its own, killed if the test ends first."""
    liaison = Path(sys.executable).with_name("liaison")
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": "import-crash", "LIAISON_INDEX_PATH": str(cwd / "index")}
    process = subprocess.Popen([str(liaison), "items", "import", str(path)], env=env, cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_an_import_killed_midway_leaves_whole_rows_and_a_rerun_completes_it(own_app, tmp_path):
    own = own_app("import")
    with own.session() as session:
        import_records(session, None, read_rows((json.dumps(old_row(n)) for n in range(SEEDED)), "jsonl"))
        session.commit()
    path = tmp_path / "programme.jsonl"
    path.write_text("".join(json.dumps(new_row(n)) + "\n" for n in range(TOTAL)), encoding="utf-8")

    deadline = time.monotonic() + 60
    with importing(own.url, path, tmp_path) as process, own.session() as watcher:
        # Kill it once it has committed at least one batch of new items (the first updates the seeded ones).
        while watcher.scalar(select(func.count()).select_from(WorkItem)) < SEEDED + BATCH_SIZE:
            watcher.rollback()
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "the import wrote nothing within 60 s"
            time.sleep(0.02)
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL

    with own.session() as session:
        stored = _stored(session)
        assert SEEDED + BATCH_SIZE <= len(stored) < TOTAL
        assert (len(stored) - SEEDED) % BATCH_SIZE == 0, "only whole batches were committed"
        for n in range(SEEDED):
            row = stored[f"X.bulk-{n:05d}"]
            assert _whole(row, old_row(n), 1) or _whole(row, new_row(n), 2), row
        for n in range(SEEDED, len(stored)):
            assert _whole(stored[f"X.bulk-{n:05d}"], new_row(n), 1)
        updated = sum(1 for n in range(SEEDED) if stored[f"X.bulk-{n:05d}"]["version"] == 2)
        assert updated == SEEDED, "the batches of updates came first and were committed"
        assert _events(session, "work_item.create") == len(stored), "no item without its history, no history without its item"
        assert _events(session, "work_item.update") == updated
        kept = len(stored)

    with importing(own.url, path, tmp_path) as rerun:
        output = rerun.communicate(timeout=120)[0].decode()
    assert rerun.returncode == 0, output
    assert f"{TOTAL - kept} created" in output and f"{kept} unchanged" in output, output
    with own.session() as session:
        stored = _stored(session)
        assert len(stored) == TOTAL
        for n in range(TOTAL):
            assert _whole(stored[f"X.bulk-{n:05d}"], new_row(n), 2 if n < SEEDED else 1)
        assert _events(session, "work_item.create") == TOTAL
        assert _events(session, "work_item.update") == SEEDED
