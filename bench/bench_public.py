"""Benchmark of the public pages with a large registry: p50/p95 per page over N requests.

    python bench/bench_public.py [--items 100000] [--alerts 5000] [--statements 1000] [--requests 20] [--seed 1306]

Builds a fresh SQLite database in a temporary directory, migrated by Alembic (``liaison.migrate``),
with ``--items`` work items spread over ten bodies and some two hundred groups (5% of them private),
``--alerts`` overlap alerts of which two thirds are decided, and ``--statements`` liaison statements,
all inserted with SQLAlchemy Core executemany. Then it times the public pages with Flask's test
client as an anonymous visitor: one warm-up request, then ``--requests`` timed ones per page.

The dashboard and the annual report are timed twice: as served (cached per process for 60 s and
300 s) and with the cache off, which is what the first request of each period pays. Copies nothing into the repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import insert, select  # noqa: E402

from liaison import create_app, migrate  # noqa: E402
from liaison.db import make_engine  # noqa: E402
from liaison.models import (  # noqa: E402
    ITEM_STATUSES,
    ITEM_TYPES,
    Body,
    Group,
    LiaisonStatement,
    OverlapAlert,
    StatementRecipient,
    WorkItem,
)

BODIES = [
    ("ITU-T", "itu"), ("ITU-D", "itu"), ("ITU-R", "itu"), ("ITU Council", "itu"), ("UNICEF", "external"),
    ("ISO-IEC JTC 1", "external"), ("IEEE SA", "external"), ("IETF", "external"), ("OECD", "external"),
    ("Council of Europe", "external"),
]
WORDS = ["child", "online", "protection", "age", "assurance", "verification", "estimation", "parental", "controls", "safety", "by", "design", "platform", "reporting", "abuse", "material", "grooming", "detection", "privacy", "data", "minimisation", "consent", "guidelines", "framework", "requirements", "education", "literacy", "helpline", "cyberbullying", "gaming", "streaming", "social", "media", "moderation", "transparency", "accountability", "risk", "assessment", "rights", "wellbeing", "devices", "network", "filtering"]
DECISIONS = ("duplicate", "overlap", "related", "not_overlap")
START = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
CHUNK = 5000


def build(url: str, n_items: int, n_alerts: int, n_statements: int, seed: int) -> dict[str, Any]:
    """Fill a migrated database; returns ids and codes the timed pages need."""
    rng = random.Random(seed)
    engine = make_engine(url)
    now = dt.datetime.now(dt.timezone.utc)
    span = (now - START).total_seconds()
    with engine.begin() as conn:
        conn.execute(insert(Body), [
            {"code": code, "name": code, "kind": kind, "url": "", "description": "", "created_at": START, "updated_at": START}
            for code, kind in BODIES
        ])
        body_ids = dict(conn.execute(select(Body.code, Body.id)).all())
        groups = []
        for code, _kind in BODIES:
            for sg in range(1, 5):
                groups.append((f"{code}/SG{sg}", body_ids[code], None))
        conn.execute(insert(Group), [
            {"code": c, "name": c, "kind": "study_group", "body_id": b, "parent_id": None, "mandate": "", "url": "",
             "created_at": START, "updated_at": START}
            for c, b, _p in groups
        ])
        parents = dict(conn.execute(select(Group.code, Group.id)).all())
        questions = []
        for code, group_id in list(parents.items()):
            for q in range(1, 5):
                questions.append({"code": f"{code}/Q{q}", "name": f"Question {q}", "kind": "question",
                                  "body_id": conn.execute(select(Group.body_id).where(Group.id == group_id)).scalar_one(),
                                  "parent_id": group_id, "mandate": "", "url": "", "created_at": START, "updated_at": START})
        conn.execute(insert(Group), questions)
        group_ids = list(conn.execute(select(Group.id)).scalars())

        for first in range(0, n_items, CHUNK):
            rows = []
            for i in range(first, min(n_items, first + CHUNK)):
                created = START + dt.timedelta(seconds=span * i / n_items)
                updated = created + dt.timedelta(days=rng.random() * 60) if rng.random() < 0.3 else created
                words = rng.sample(WORDS, 6)
                rows.append({
                    "reference": f"X.cop-{i:06d}", "title": " ".join(words).capitalize(),
                    "summary": " ".join(rng.sample(WORDS, 20)), "type": rng.choice(ITEM_TYPES),
                    "status": rng.choice(ITEM_STATUSES), "group_id": rng.choice(group_ids), "question": "",
                    "editors": [], "approval_process": "", "start_date": None, "target_date": None,
                    "keywords": words[:3], "equivalents": [], "base_text": "", "url": "", "language": "en",
                    "is_public": rng.random() >= 0.05, "created_by_id": None, "updated_by_id": None,
                    "version": 1 if updated == created else 2,
                    "created_at": created, "updated_at": min(updated, now),
                })
            conn.execute(insert(WorkItem), rows)

        public_ids = list(conn.execute(select(WorkItem.id).where(WorkItem.is_public.is_(True))).scalars())
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < n_alerts:
            a, b = sorted(rng.sample(public_ids, 2))
            pairs.add((a, b))
        alerts = []
        for a, b in sorted(pairs):
            created = START + dt.timedelta(seconds=rng.random() * span)
            decided = rng.random() < 2 / 3
            alerts.append({
                "item_a_id": a, "item_b_id": b, "score": round(0.5 + rng.random() / 2, 4), "features": {},
                "reasons": ["shared terms: age, assurance"], "engine_version": "bench",
                "state": rng.choice(DECISIONS) if decided else "open", "decided_by_id": None,
                "decided_at": min(now, created + dt.timedelta(days=rng.random() * 30)) if decided else None,
                "decision_note": "Coordinate through a liaison statement." if decided else "", "version": 1,
                "created_at": created, "updated_at": created,
            })
        conn.execute(insert(OverlapAlert), alerts)

        statements = []
        for i in range(n_statements):
            sent = START + dt.timedelta(seconds=rng.random() * span)
            outgoing = rng.random() < 0.7
            statements.append({
                "reference": f"SG{i % 20}-LS{i}" if outgoing else None,
                "reference_series": f"ITU-T/SG{i % 20}" if outgoing else None,
                "reference_period": "2025-2028" if outgoing else None,
                "reference_number": i if outgoing else None, "direction": "outgoing" if outgoing else "incoming",
                "state": rng.choice(("sent", "answered", "closed")) if outgoing else rng.choice(("received", "answered")),
                "source_group_id": rng.choice(group_ids), "source_text": "", "questions": "", "study_group": "",
                "working_party": "", "meeting_place": "", "meeting_dates": "", "title": f"LS on {' '.join(rng.sample(WORDS, 4))}",
                "abstract": "", "body": "", "approval_level": "", "approval_evidence": "", "external_references": [],
                "sent_at": sent, "version": 1, "created_at": sent, "updated_at": sent,
            })
        conn.execute(insert(LiaisonStatement), statements)
        statement_ids = list(conn.execute(select(LiaisonStatement.id)).scalars())
        conn.execute(insert(StatementRecipient), [
            {"statement_id": sid, "position": 0, "group_id": rng.choice(group_ids), "name": "", "email": "",
             "purpose": "action", "deadline": (START + dt.timedelta(days=rng.random() * 1000)).date(),
             "action_taken_at": None, "action_taken_by_id": None, "action_note": "", "answered_by_id": None}
            for sid in statement_ids
        ])
        decided_id = conn.execute(select(OverlapAlert.id).where(OverlapAlert.state == "duplicate").limit(1)).scalar_one()
        big_group = conn.execute(select(Group.id).where(Group.code == "ITU-T/SG1")).scalar_one()
    engine.dispose()
    return {"decided": decided_id, "group": big_group, "pages": n_items // 25, "overlap_pages": n_alerts * 2 // 3 // 25}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_pages(url: str, ids: dict[str, Any], requests: int, instance: Path) -> list[tuple[str, float, float, int]]:
    app = create_app({
        "DATABASE_URL": url, "SECRET_KEY": "bench", "LIAISON_INDEX_PATH": str(instance / "similarity.index"),
        "LIAISON_UPLOAD_DIR": str(instance / "uploads"),
    })
    client = app.test_client()
    year = dt.datetime.now(dt.timezone.utc).year
    pages = [
        ("home", "/"),
        ("items, page 1", "/items/"),
        ("items, deep page", f"/items/?page={ids['pages'] - 10}"),
        ("items, search", "/items/?q=age+assurance+privacy"),
        ("group page", f"/groups/{ids['group']}"),
        ("overlaps, page 1", "/overlaps/"),
        ("overlaps, filtered", "/overlaps/?body=UNICEF&decision=duplicate"),
        ("overlaps, deep page", f"/overlaps/?page={ids['overlap_pages'] // 2}"),
        ("overlap detail", f"/overlaps/{ids['decided']}"),
        ("dashboard (cached)", "/dashboard/"),
        ("dashboard (uncached)", "/dashboard/"),
        ("feed, all items", "/feeds/items.atom"),
        ("feed, one group", "/feeds/items.atom?group=ITU-T/SG1"),
        ("report, html, a year (cached)", f"/report/?from={year}-01-01&to={year}-12-31&format=html"),
        ("report, html, a year (uncached)", f"/report/?from={year}-01-01&to={year}-12-31&format=html"),
    ]
    results = []
    for label, path in pages:
        app.config["DASHBOARD_CACHE_SECONDS"] = 0 if "uncached" in label else 60
        app.config["LIAISON_REPORT_CACHE_SECONDS"] = 0 if "uncached" in label else 300
        warm = client.get(path)
        assert warm.status_code == 200, f"{label}: {warm.status_code}"
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        results.append((label, statistics.median(times) * 1000, percentile(times, 0.95) * 1000, len(response.data)))
    started = time.perf_counter()
    size = sum(len(chunk) for chunk in client.get("/exports/items.csv", buffered=False).response)
    results.append(("export, items.csv (once)", (time.perf_counter() - started) * 1000, 0.0, size))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--alerts", type=int, default=5_000)
    parser.add_argument("--statements", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1306)
    parser.add_argument("--keep", type=Path, help="build the database at this path and leave it there (to query it later)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="liaison-bench-") as tmp:
        path = args.keep or Path(tmp) / "bench.sqlite3"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        started = time.perf_counter()
        migrate.upgrade(url)
        ids = build(url, args.items, args.alerts, args.statements, args.seed)
        print(f"Built {args.items:,} items, {args.alerts:,} alerts, {args.statements:,} statements "
              f"in {time.perf_counter() - started:.1f} s")
        results = time_pages(url, ids, args.requests, Path(tmp))
    print(f"\n{'page':<34}{'p50 ms':>10}{'p95 ms':>10}{'bytes':>12}   ({args.requests} requests each)")
    for label, p50, p95, size in results:
        print(f"{label:<34}{p50:>10.1f}{(f'{p95:.1f}' if p95 else '-'):>10}{size:>12,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
