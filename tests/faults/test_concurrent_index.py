"""Threads of one worker share its similarity index: registering items (which adds them to the index)
while others check as they type must neither fail nor mix the two up.

Found by the load benchmark: gunicorn threads answered 500 ("operands could not be broadcast
together") when a query ran while another thread's refresh added an item to the engine.
"""

from __future__ import annotations

import random
import threading
import time

from liaison.indexing import current_index
from liaison.services import work_items
from liaison.services.organisation import ensure_group
from liaison.services.overlaps import similar_to_text

WORDS = ("privacy", "children", "gaming", "chat", "moderation", "reporting", "age", "parents", "filters",
         "advertising", "profiling", "consent", "education", "wellbeing", "safety", "platform", "design")
SECONDS = 3.0


def _text(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def test_queries_and_additions_from_many_threads_never_fail(own_app):
    own = own_app("index")
    rng = random.Random(7)
    with own.app.app_context():
        session = own.session()
        ensure_group(session, None, "ITU-T/SG17")
        for n in range(300):
            work_items.create_work_item(
                session, None, {"reference": f"X.seed-{n}", "title": _text(rng, 5), "summary": _text(rng, 20),
                                "group": "ITU-T/SG17"},
            )
        session.commit()
        session.close()

    errors: list[BaseException] = []
    counts = {"queries": 0, "added": 0}
    stop = time.monotonic() + SECONDS

    def typing(seed: int) -> None:
        local = random.Random(seed)
        with own.app.app_context():
            while time.monotonic() < stop and not errors:
                session = own.session()
                try:
                    found = similar_to_text(session, current_index(), None, {"title": _text(local, 4)}, k=5)
                    assert all(0 <= match.score <= 1 for match in found)
                    counts["queries"] += 1
                except BaseException as exc:
                    errors.append(exc)
                finally:
                    session.close()

    def registering(seed: int) -> None:
        local = random.Random(seed)
        with own.app.app_context():
            number = 0
            while time.monotonic() < stop and not errors:
                session = own.session()
                try:
                    work_items.create_work_item(
                        session, None, {"reference": f"X.new-{seed}-{number}", "title": _text(local, 5),
                                        "summary": _text(local, 20), "group": "ITU-T/SG17"},
                    )
                    session.commit()
                    counts["added"] += 1
                    number += 1
                except BaseException as exc:
                    errors.append(exc)
                finally:
                    session.close()

    threads = [threading.Thread(target=typing, args=(n,)) for n in range(4)]
    # One writer: two would only meet SQLite's single write lock, which is not what this is about.
    threads.append(threading.Thread(target=registering, args=(100,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [], errors[:3]
    assert counts["queries"] > 20 and counts["added"] > 5, counts
