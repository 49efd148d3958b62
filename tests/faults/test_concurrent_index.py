"""Threads of one worker share its similarity index: registering items (which adds them to the index)
while others check as they type must neither fail nor mix the two up.

Found by the load benchmark: gunicorn threads answered 500 ("operands could not be broadcast
together") when a query ran while another thread's refresh added an item to the engine.
"""

from __future__ import annotations

import random
import threading

from liaison.indexing import current_index
from liaison.items import operations as work_items
from liaison.organisation.operations import ensure_group
from liaison.overlaps.operations import similar_to_text

WORDS = ("privacy", "children", "gaming", "chat", "moderation", "reporting", "age", "parents", "filters",
         "advertising", "profiling", "consent", "education", "wellbeing", "safety", "platform", "design")
TYPISTS = 4
ADDITIONS = 12
MIN_QUERIES_EACH = 5


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
    made_by = [0] * TYPISTS  # each typist counts its own queries: no shared counter to race on
    added: list[dict[str, str]] = []
    writer_done = threading.Event()
    # Everyone starts at once; the typists go on until the writer has added all its items (and
    # each has made a few queries): however fast or slow the machine, queries and additions overlap.
    start = threading.Barrier(TYPISTS + 1)

    def typing(seed: int) -> None:
        local = random.Random(seed)
        with own.app.app_context():
            start.wait()
            made = 0
            while (not writer_done.is_set() or made < MIN_QUERIES_EACH) and not errors:
                session = own.session()
                try:
                    found = similar_to_text(session, current_index(), None, {"title": _text(local, 4)}, k=5)
                    assert all(0 <= match.score <= 1 for match in found)
                    made += 1
                    made_by[seed] = made
                except BaseException as exc:
                    errors.append(exc)
                finally:
                    session.close()

    def registering(seed: int) -> None:
        local = random.Random(seed)
        with own.app.app_context():
            start.wait()
            try:
                for number in range(ADDITIONS):
                    session = own.session()
                    try:
                        fields = {"reference": f"X.new-{seed}-{number}", "title": _text(local, 5),
                                  "summary": _text(local, 20), "group": "ITU-T/SG17"}
                        work_items.create_work_item(session, None, fields)
                        session.commit()
                        added.append(fields)
                    finally:
                        session.close()
            except BaseException as exc:
                errors.append(exc)
            finally:
                writer_done.set()

    threads = [threading.Thread(target=typing, args=(n,)) for n in range(TYPISTS)]
    # One writer: two would only meet SQLite's single write lock, which is not what this is about.
    threads.append(threading.Thread(target=registering, args=(100,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == [], errors[:3]
    assert len(added) == ADDITIONS
    assert min(made_by) >= MIN_QUERIES_EACH, made_by
    # Nothing was mixed up: each added item is found by its own text, first.
    with own.app.app_context():
        session = own.session()
        try:
            for fields in added:
                found = similar_to_text(session, current_index(), None, fields, k=1)
                assert [match.item.reference for match in found] == [fields["reference"]]
        finally:
            session.close()
