"""Benchmark of the bulk import: n records into a fresh SQLite database, then the same file again.

    python bench/bench_import.py [--data ../shared/data] [--n 100000] [--batch-size 1000] [--seed 20240601]

The records are the shared RFC and 3GPP records in their own JSON Lines shape (imported as they
are), topped up to n with records recombined from their titles, abstracts and bodies by a seeded
RNG. They go to a temporary file; the database is a temporary SQLite file migrated by Alembic.
The first run creates every item (with one audit event each); the second finds them all
unchanged. The target is under a minute for 100,000 records. Wall-clock and CPU seconds are both
printed: on a busy machine the first is the second plus waiting for a core. Copies nothing into
the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from liaison import migrate  # noqa: E402
from liaison.db import make_engine  # noqa: E402
from liaison.items.importing import ImportReport, import_records, read_rows  # noqa: E402
from liaison.models import AuditEvent, WorkItem  # noqa: E402

TARGET_SECONDS = 60.0


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def records(data: Path, n: int, seed: int) -> list[dict]:
    """The real records, then synthetic ones recombined from them until there are n (deterministic)."""
    real = read_jsonl(data / "rfc" / "records.jsonl") + read_jsonl(data / "3gpp-records.jsonl")
    rng = random.Random(seed)
    title_words = [w for r in real for w in r["title"].split()]
    sentences = [s for r in real for s in r["summary"].split(". ") if len(s) > 20]
    out = real[:n]
    for i in range(n - len(out)):
        base = rng.choice(real)
        title = " ".join(w if rng.random() > 0.4 else rng.choice(title_words) for w in base["title"].split())
        summary = ". ".join(rng.choice(sentences) for _ in range(rng.randint(1, 4))) if rng.random() < 0.6 else ""
        out.append(base | {"id": f"SYN-{i}", "title": title[:500], "summary": summary})
    return out


def run(url: str, path: Path, batch_size: int) -> tuple[ImportReport, float, float]:
    """Import the file once; return the report, the wall-clock seconds and this process's CPU seconds."""
    engine = make_engine(url)
    try:
        with Session(engine) as session, path.open(encoding="utf-8") as lines:
            started, cpu = time.perf_counter(), time.process_time()
            report = import_records(
                session, None, read_rows(lines, "jsonl"), batch_size=batch_size, checkpoint=session.commit
            )
            session.commit()
            return report, time.perf_counter() - started, time.process_time() - cpu
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="liaison-bench-") as tmp:
        path = Path(tmp) / "records.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for record in records(args.data, args.n, args.seed):
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        migrate.upgrade(url)
        print(f"{args.n:,} records ({path.stat().st_size / 1e6:.1f} MB of JSON Lines), batches of {args.batch_size}")

        first, first_seconds, first_cpu = run(url, path, args.batch_size)
        print(f"first import: {first.summary()}  {first_seconds:.1f} s ({first_cpu:.1f} s CPU), "
              f"{args.n / first_seconds:,.0f} records/s")
        second, second_seconds, second_cpu = run(url, path, args.batch_size)
        print(f"re-run:       {second.summary()}  {second_seconds:.1f} s ({second_cpu:.1f} s CPU), "
              f"{args.n / second_seconds:,.0f} records/s")

        engine = make_engine(url)
        with engine.connect() as connection:
            items = connection.scalar(select(func.count()).select_from(WorkItem))
            events = connection.scalar(select(func.count()).where(AuditEvent.action == "work_item.create"))
        engine.dispose()
        print(f"database: {items:,} work items, {events:,} creation events; "
              f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        for rejection in first.rejected[:5]:
            print(f"  rejected line {rejection.line} ({rejection.reference}): {rejection.reason}")

    ok = first_seconds < TARGET_SECONDS and second.unchanged == first.accepted and not second.created
    print(f"target (< {TARGET_SECONDS:.0f} s, re-run all unchanged): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
