"""Benchmark of the app's embedding: how long embedding the items takes, and check-as-you-type with it.

    python bench/bench_embedding.py [--data ../shared/data] [--texts 512] [--store 1000]
                                    [--items 100000] [--real 2000] [--requests 100] [--cache DIR]
                                    [--skip-throughput] [--no-baseline] [--similar-db PATH] [--touch]

1. Throughput of the model alone: ``--texts`` title + abstract texts of the evaluation records,
   embedded in batches as an import or a scan does, and single short queries as check-as-you-type
   sends them; projected to 100,000 items. Then one text alone on one OpenMP thread (before)
   against the app's query threads, idle and beside a scan or processes that hold the cores.
2. The same through the app: ``embed_missing`` (what ``liaison overlaps scan`` runs) on a fresh
   SQLite database of ``--store`` items: embedding, hashing, storing and committing batch by batch,
   on every core as the scan runs it, then on one thread (before; left out by ``--no-baseline``).
3. Check-as-you-type at ``--items`` items: a SQLite database of real records (ITU-T, ISO, IEC, RFC),
   every item with a stored vector, served by the app; ``POST /api/v1/similar`` with new text
   (French, then English descriptions) timed over ``--requests`` requests, embedding included, beside
   the time of the embedding alone. Embedding 100,000 texts takes about an hour, so ``--real`` texts
   are embedded for real and the other items reuse those vectors (under their own text's hash): the
   cost of a query depends on how many vectors there are, not on their values. The database is kept
   in ``--cache`` (default /work/cache/d2, outside the repository) and reused by the next run;
   ``--similar-db`` times the requests on another database instead, such as the one ``--store
   100000`` leaves with every vector real.

Baseline: the same requests with embedding off (``LIAISON_EMBEDDINGS=false``), the app as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, ContextManager, Iterator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
from sqlalchemy import func, insert, select, update  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from liaison import create_app, migrate  # noqa: E402
from liaison.db import make_engine  # noqa: E402
from liaison.items.vectors import STORED_DTYPE, embed_missing, text_hash  # noqa: E402
from liaison.models import Body, Group, ItemVector, WorkItem, utcnow  # noqa: E402
from liaison.similarity import Document  # noqa: E402
from liaison.similarity.embedding import (  # noqa: E402
    MODEL_BATCH,
    batches_on_every_core,
    default_embedder,
    document_text,
)

SETS = ("itu-iso/records.jsonl", "iec-fr/records_en.jsonl", "rfc/records.jsonl", "3gpp-records.jsonl")
CHUNK = 5000


def records(data: Path) -> Iterator[dict[str, Any]]:
    """Evaluation records with a title, every set in turn."""
    for name in SETS:
        with (data / name).open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if record.get("title"):
                    yield record


def text_of(record: dict[str, Any]) -> str:
    return document_text(Document(id="", title=record["title"], summary=record.get("summary") or ""))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def model_throughput(data: Path, n: int) -> None:
    embedder = default_embedder()
    texts = [text_of(r) for r in itertools.islice(records(data), 0, None, 97)][:n]
    embedder.embed(texts[:32])
    batched = {}
    # The app's batch beside the 32 texts a call it used until 2026-12-05 (same texts, same vectors).
    for batch in (MODEL_BATCH, 32):
        started, cpu = time.perf_counter(), time.thread_time()
        embedder.embed(texts, batch_size=batch)
        batched[batch] = ((time.perf_counter() - started) * 1000 / len(texts),
                          (time.thread_time() - cpu) * 1000 / len(texts))
    short = [t.split(".")[0][:80] for t in texts[:100]]
    singles, singles_cpu, fulls, fulls_cpu = [], [], [], []
    for sample, wall, used in ((short, singles, singles_cpu), (texts[:100], fulls, fulls_cpu)):
        for text in sample:
            started, cpu = time.perf_counter(), time.thread_time()
            embedder.embed([text])
            wall.append((time.perf_counter() - started) * 1000)
            used.append((time.thread_time() - cpu) * 1000)
    print(f"model {embedder.name}: {len(texts)} texts of {statistics.mean(map(len, texts)):.0f} characters on average")
    # CPU time is the model's own cost (one OpenMP thread runs in the calling thread): what it
    # takes on an idle core, whatever the load of a shared machine adds to the wall clock.
    for batch, (per_doc, cpu_per_doc) in batched.items():
        label = f"batched ({batch}{', the app' if batch == MODEL_BATCH else ''}):"
        print(f"  {label:<20}{per_doc:6.1f} ms per text ({cpu_per_doc:.1f} CPU), {1000 / per_doc:5.1f} texts/s -> "
              f"100,000 items in {per_doc * 100_000 / 60_000:.0f} min ({cpu_per_doc * 100_000 / 60_000:.0f} min of CPU)")
    print(f"  single short query (<= 80 characters): p50 {percentile(singles, 0.5):.1f} ms, "
          f"p95 {percentile(singles, 0.95):.1f} ms (CPU p50 {percentile(singles_cpu, 0.5):.1f}, "
          f"p95 {percentile(singles_cpu, 0.95):.1f})")
    print(f"  single full text (<= 320 characters): p50 {percentile(fulls, 0.5):.1f} ms, "
          f"p95 {percentile(fulls, 0.95):.1f} ms (CPU p50 {percentile(fulls_cpu, 0.5):.1f}, "
          f"p95 {percentile(fulls_cpu, 0.95):.1f})")


@contextlib.contextmanager
def load_of(kind: str, embedder: Any, texts: list[str]) -> Iterator[None]:
    """Run beside ``kind``: "idle", "beside a scan" (a thread embedding batches on one thread, as the
    app's scan does) or "N cores held" (N processes spinning, as busy web workers would)."""
    stop = threading.Event()

    def scanning() -> None:
        while not stop.is_set():
            embedder.embed(texts[:MODEL_BATCH])

    scan = threading.Thread(target=scanning) if kind == "beside a scan" else None
    holders = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
               for _ in range(int(kind[0]) if kind.endswith("held") else 0)]
    if scan:
        scan.start()
    time.sleep(0.5)
    try:
        yield
    finally:
        stop.set()
        for holder in holders:
            holder.kill()
            holder.wait()
        if scan:
            scan.join()


def single_text_threads(data: Path, n: int = 60) -> None:
    """One text alone on one OpenMP thread (before) against the query threads (the app), under load."""
    embedder = default_embedder()
    with (data / "iec-fr/queries_fr.jsonl").open(encoding="utf-8") as lines:
        queries = [json.loads(line) for line in itertools.islice(lines, n)]
    texts = [document_text(Document(id="", title=q["title"], summary=q.get("summary") or "")) for q in queries]
    query_threads = getattr(embedder, "query_threads", 1)

    def timed(threads: int) -> list[float]:
        embedder.query_threads = threads  # type: ignore[attr-defined]
        out = []
        for text in texts:
            started = time.perf_counter()
            embedder.embed([text])
            out.append((time.perf_counter() - started) * 1000)
        return out

    print(f"single full text, {len(texts)} French texts of {statistics.mean(map(len, texts)):.0f} characters, "
          f"p50 / p95 ms, one thread (before) against {query_threads} (the app):")
    for kind in ("idle", "beside a scan", "1 core held", "2 cores held"):
        runs: dict[int, list[float]] = {threads: [] for threads in (1, query_threads)}
        with load_of(kind, embedder, texts):
            for _ in range(2):  # alternated, so that a change of load falls on both
                for threads, values in runs.items():
                    values.extend(timed(threads))
        print(f"  {kind:<16}" + "   ".join(f"{threads} thread{'s' if threads > 1 else ''} {percentile(v, 0.5):6.1f} / "
                                          f"{percentile(v, 0.95):6.1f}" for threads, v in runs.items()))
    embedder.query_threads = query_threads  # type: ignore[attr-defined]


def fill(url: str, data: Path, n: int, stride: int = 1) -> list[int]:
    """Insert ``n`` records, every ``stride``-th, as work items (one group per source body); returns their ids."""
    engine = make_engine(url)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(insert(Body), [{"code": "B", "name": "B", "kind": "external", "url": "", "description": "",
                                     "created_at": now, "updated_at": now}])
        body_id = conn.execute(select(Body.id)).scalar_one()
        groups: dict[str, int] = {}
        rows: list[dict[str, Any]] = []
        for number, record in enumerate(itertools.islice(records(data), 0, n * stride, stride)):
            code = "B/" + (record.get("body") or "other").replace("/", "-")[:60]
            if code not in groups:
                conn.execute(insert(Group), [{"code": code, "name": code, "kind": "other", "body_id": body_id,
                                              "parent_id": None, "mandate": "", "url": "",
                                              "created_at": now, "updated_at": now}])
                groups[code] = conn.execute(select(Group.id).where(Group.code == code)).scalar_one()
            rows.append({
                "reference": f"R.{number:06d}", "title": record["title"][:500], "summary": record.get("summary") or "",
                "type": "other", "status": "published", "group_id": groups[code], "question": "", "editors": [],
                "approval_process": "", "start_date": None, "target_date": None, "keywords": [], "equivalents": [],
                "base_text": "", "url": "", "language": "en", "is_public": True, "created_by_id": None,
                "updated_by_id": None, "version": 1, "created_at": now, "updated_at": now,
            })
            if len(rows) == CHUNK:
                conn.execute(insert(WorkItem), rows)
                rows = []
        if rows:
            conn.execute(insert(WorkItem), rows)
        ids = list(conn.execute(select(WorkItem.id).order_by(WorkItem.id)).scalars())
    engine.dispose()
    return ids


def app_throughput(data: Path, n: int, directory: Path, baseline: bool) -> None:
    """``embed_missing`` as ``liaison overlaps scan`` runs it (every core), and on one thread (before)."""
    ways: list[tuple[str, Callable[[], ContextManager[None]]]] = [("every core (the scan)", batches_on_every_core)]
    if baseline:
        ways.append(("one thread (before)", contextlib.nullcontext))
    for label, threads in ways:
        path = directory / "store.sqlite3"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        migrate.upgrade(url)
        # Spread over the first 100,000 records, the ones a scan of the large database embeds: their
        # lengths vary by source (ITU-T titles first are short, IEC abstracts long).
        fill(url, data, n, stride=max(1, 100_000 // n))
        engine = make_engine(url)
        embedder = default_embedder()
        covered = 0

        def report(items: int) -> None:
            # A line every 5,000 items: a run over 100,000 takes about an hour and must show it is moving.
            nonlocal covered
            before, covered = covered, covered + items
            if covered // 5000 != before // 5000 or covered == n:
                spent = time.perf_counter() - started
                print(f"  {covered:,}/{n:,} items in {spent / 60:.1f} min ({spent * 1000 / covered:.1f} ms per item, "
                      f"load {os.getloadavg()[0]:.1f})", flush=True)

        with Session(engine) as session, threads():
            started, cpu = time.perf_counter(), time.thread_time()
            done = embed_missing(session, embedder, checkpoint=session.commit, progress=report)
            elapsed, used = time.perf_counter() - started, time.thread_time() - cpu
        engine.dispose()
        per_item, cpu_per_item = elapsed * 1000 / done, used * 1000 / done
        print(f"embed_missing (liaison overlaps scan) on {done} items, {label}, SQLite, committed batch by batch: "
              f"{per_item:.1f} ms per item ({cpu_per_item:.1f} CPU of this thread) -> 100,000 items in "
              f"{per_item * 100_000 / 60_000:.0f} min")


def build_large(url: str, data: Path, n: int, real: int) -> None:
    """``n`` items, each with a stored vector: ``real`` embedded, the rest reusing them in turn."""
    ids = fill(url, data, n)
    embedder = default_embedder()
    engine = make_engine(url)
    with Session(engine) as session:
        texts = {}
        for first in range(0, len(ids), CHUNK):
            for item in session.scalars(select(WorkItem).where(WorkItem.id.in_(ids[first : first + CHUNK]))):
                texts[item.id] = document_text(Document(id="", title=item.title, summary=item.summary))
    vectors = embedder.embed([texts[i] for i in ids[:real]])
    now = utcnow()
    with engine.begin() as conn:
        for first in range(0, len(ids), CHUNK):
            conn.execute(insert(ItemVector), [
                {"item_id": i, "item_version": 1, "model": embedder.name, "text_hash": text_hash(texts[i]),
                 "vector": np.ascontiguousarray(vectors[position % real], dtype=STORED_DTYPE).tobytes(),
                 "computed_at": now}
                for position, i in enumerate(ids[first : first + CHUNK], start=first)
            ])
    engine.dispose()


def check_as_you_type(url: str, data: Path, requests: int, directory: Path,
                      embeddings: bool) -> tuple[list[float], list[float], float]:
    # Anonymous check-as-you-type is rate-limited per address; the benchmark is one address.
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LIAISON_EMBEDDINGS": embeddings,
                      "LIAISON_SIMILAR_RATE_LIMIT": "1000000 per minute",
                      "LIAISON_INDEX_PATH": str(directory / f"index-{embeddings}.pickle")})
    client = app.test_client()
    with (data / "iec-fr/queries_fr.jsonl").open(encoding="utf-8") as lines:
        french = [json.loads(line) for line in itertools.islice(lines, requests // 2)]
    english = list(itertools.islice(records(data), 40_000, None, 997))[: requests - len(french)]
    bodies = [{"title": q["title"], "summary": q.get("summary") or ""} for q in french + english]
    started = time.perf_counter()
    client.post("/api/v1/similar", json={"title": "warm-up: loads or builds the index"})
    warm = time.perf_counter() - started
    timings, cpu, embedding = [], [], []
    embedder = default_embedder()
    for body in bodies:
        # The test client serves the request in this thread: thread time is the request's CPU.
        started, used = time.perf_counter(), time.thread_time()
        response = client.post("/api/v1/similar", json=body)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - used) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
        if embeddings:
            started = time.perf_counter()
            embedder.embed([document_text(Document(id="", title=body["title"], summary=body["summary"]))])
            embedding.append((time.perf_counter() - started) * 1000)
    with app.app_context():
        from liaison.db import get_session

        count = get_session().scalar(select(func.count()).select_from(WorkItem))
    print(f"  index of {count:,} items ready in {warm:.0f} s (first request: load or build)")
    return timings, cpu, statistics.median(embedding) if embedding else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent.parent / "shared" / "data")
    parser.add_argument("--texts", type=int, default=512)
    parser.add_argument("--store", type=int, default=1000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--real", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--cache", type=Path, default=Path("/work/cache/d2"))
    parser.add_argument("--skip-throughput", action="store_true", help="only check-as-you-type (parts 1 and 2 skipped)")
    parser.add_argument("--no-baseline", action="store_true", help="leave out the run without embedding")
    parser.add_argument("--similar-db", type=Path,
                        help="time check-as-you-type on this database instead (e.g. the one --store 100000 left, "
                             "every vector real)")
    parser.add_argument("--touch", action="store_true",
                        help="first set every item's updated_at to now, as a bulk import leaves them (the index "
                             "refresh's look-back then holds every row)")
    args = parser.parse_args()
    if not args.data.exists():
        args.data = Path("/work/shared/data")
    args.cache.mkdir(parents=True, exist_ok=True)
    print("load average (1/5/15 min) at the start: " + "/".join(f"{x:.2f}" for x in os.getloadavg()))

    if not args.skip_throughput:
        model_throughput(args.data, args.texts)
        single_text_threads(args.data)
        app_throughput(args.data, args.store, args.cache, baseline=not args.no_baseline)

    path = args.similar_db or args.cache / f"similar-{args.items}-{args.real}.sqlite3"
    url = f"sqlite:///{path}"
    if not path.exists():
        started = time.perf_counter()
        migrate.upgrade(url)
        build_large(url, args.data, args.items, args.real)
        print(f"built {args.items:,} items with vectors in {time.perf_counter() - started:.0f} s ({path})")
    if args.touch:
        engine = make_engine(url)
        with Session(engine) as session, session.begin():
            session.execute(update(WorkItem).values(updated_at=utcnow()))
        engine.dispose()
        print("every item's updated_at set to now")
    # Each database's saved indexes beside its own name: an index saved for another database would load.
    indexes = args.cache / f"indexes-{path.stem}"
    indexes.mkdir(exist_ok=True)
    print(f"\nPOST /api/v1/similar on {path.name}, {args.requests} requests (half French, half English):")
    rows = []
    for embeddings in (True,) if args.no_baseline else (True, False):
        timings, cpu, embed_ms = check_as_you_type(url, args.data, args.requests, indexes, embeddings)
        rows.append(("with embedding (the app)" if embeddings else "without (baseline: before)", timings, cpu, embed_ms))
    print(f"{'':30}{'p50 ms':>8}{'p95 ms':>8}{'CPU p50':>9}{'CPU p95':>9}{'embedding p50':>15}")
    for label, timings, cpu, embed_ms in rows:
        print(f"{label:30}{percentile(timings, 0.5):8.1f}{percentile(timings, 0.95):8.1f}"
              f"{percentile(cpu, 0.5):9.1f}{percentile(cpu, 0.95):9.1f}{(f'{embed_ms:.1f}' if embed_ms else '-'):>15}")
    print("target: p95 <= 150 ms with embedding; load average (1/5/15 min) at the end: "
          + "/".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
