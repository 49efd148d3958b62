"""Alerts at 100,000 real items with real vectors: how many a scan raises, and how many are right.

    python bench/bench_alerts_scale.py [--db /work/cache/full/store.sqlite3] [--data ../shared/data]

Reads the SQLite database that ``bench_embedding.py --store 100000`` leaves in its ``--cache``: the
first 100,000 records of the data (every ITU-T/ISO record, then IEC) as work items, each embedded
for real by ``embed_missing`` (what ``liaison overlaps scan`` runs). The app's index is rebuilt on it
as a scan does, all pairs are listed once at the lowest threshold with no cap, and each cap and
threshold is then applied the way ``Engine.pairs`` applies them (an item keeps its best pairs; a
cap applied above the lowest threshold keeps the same pairs above any higher one).

Precision is over pairs whose two records are a labelled itu-iso pair (common text or replaced) or
two editions of one publication (``dev_sets.family``): a lower bound, since unlabelled pairs may be
related too. Recall is over those labelled pairs with both sides among the items.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import numpy as np  # noqa: E402
from bench_embedding import records  # noqa: E402
from bench_similarity import capped  # noqa: E402
from dev_sets import family, read_jsonl  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from liaison import create_app  # noqa: E402
from liaison.models import ItemVector, WorkItem  # noqa: E402

CAPS = (1, 2, 3, 4, 5)
THRESHOLDS = (0.05, 0.10, 0.15, 0.20, 0.30, 0.50)


def positives(record_ids: list[str], data: Path) -> set[frozenset[str]]:
    """Labelled itu-iso pairs and same-family editions among ``record_ids``."""
    present = set(record_ids)
    out = {frozenset((p["a"], p["b"])) for p in read_jsonl(data / "itu-iso" / "pairs.jsonl")
           if p["a"] in present and p["b"] in present and p["a"] != p["b"]}
    by_family: dict[str, list[str]] = defaultdict(list)
    for record_id in record_ids:
        by_family[family(record_id)].append(record_id)
    out |= {frozenset(pair) for same in by_family.values() for pair in itertools.combinations(same, 2)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/work/cache/full/store.sqlite3"))
    parser.add_argument("--data", type=Path, default=REPO.parent.parent / "shared" / "data")
    args = parser.parse_args()
    if not args.data.exists():
        args.data = Path("/work/shared/data")
    print("load average (1/5/15 min) at the start: " + "/".join(f"{x:.2f}" for x in os.getloadavg()))
    app = create_app({"DATABASE_URL": f"sqlite:///{args.db}", "SECRET_KEY": "bench",
                      "LIAISON_INDEX_PATH": str(args.db.with_suffix(".index"))})
    with app.app_context():
        from liaison.db import get_session
        from liaison.indexing import current_index

        session = get_session()
        items = session.scalar(select(func.count()).select_from(WorkItem))
        embedded = session.scalar(select(func.count(func.distinct(ItemVector.item_id))))
        # Item i is the i-th record of the data with a title (bench_embedding.fill), by its reference.
        ids = [r["id"] for r in itertools.islice(records(args.data), items)]
        by_item = {item_id: ids[int(reference[2:])] for item_id, reference in
                   session.execute(select(WorkItem.id, WorkItem.reference))}
        index = current_index()
        started = time.perf_counter()
        index.rebuild(session)
        fit = time.perf_counter() - started
        engine = index.engine
        assert engine is not None
        started = time.perf_counter()
        found = list(engine.pairs(threshold=min(THRESHOLDS), per_item=0))
        listing = time.perf_counter() - started
    print(f"{items:,} items, {embedded:,} with a vector; index rebuilt in {fit:.0f} s, all pairs >= "
          f"{min(THRESHOLDS)} uncapped listed in {listing:.0f} s ({len(found):,}); engine {engine.version}, "
          f"shipped threshold {engine.threshold:.2f}, cap {engine.per_item}")
    labelled_pairs = positives(list(by_item.values()), args.data)
    scores = np.array([p.score for p in found])
    ends = np.array([(p.a, p.b) for p in found], dtype=object).reshape(len(found), 2)
    labelled = np.array([frozenset((by_item[int(p.a)], by_item[int(p.b)])) in labelled_pairs for p in found])
    print(f"labelled pairs among the items: {len(labelled_pairs):,} (itu-iso pairs and editions of one publication)")
    print(f"\n{'cap':>3} {'threshold':>9} {'alerts':>8} {'per 1,000':>9} {'precision':>9} {'recall':>7}")
    for cap in CAPS:
        keep = capped(scores, ends, cap)
        for t in THRESHOLDS:
            raised = keep & (scores >= t)
            n = int(raised.sum())
            hits = int(labelled[raised].sum())
            mark = "  <- shipped" if (cap, t) == (engine.per_item, round(engine.threshold, 2)) else ""
            print(f"{cap:>3} {t:>9.2f} {n:>8,} {1000 * n / items:>9.0f} {hits / max(n, 1):>9.3f} "
                  f"{hits / max(len(labelled_pairs), 1):>7.3f}{mark}")
    print(f"\npeak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; load average at the end: "
          + "/".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
