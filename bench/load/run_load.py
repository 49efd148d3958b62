"""Load benchmark: liaison under `liaison serve` (gunicorn) on PostgreSQL with 100,000 work items, driven by
locust (``bench/load/locustfile.py``) with 50 concurrent users for 60 s, headless.

    .venv/bin/python bench/load/run_load.py                       # prepare, serve, load, report
    .venv/bin/python bench/load/run_load.py --reuse                # skip preparing (the database is kept)
    .venv/bin/python bench/load/run_load.py --users 100 --duration 120 --workers 4 --threads 8

Preparing: the database (``--url``, default ``postgresql://postgres@127.0.0.1:5432/liaison_load``) is
dropped and migrated; 100,000 items are imported by the import service (batched Core inserts, each item
with its audit event) from the shared RFC and 3GPP records topped up with recombined ones (seeded; read
from ``--data``, copied nowhere) and dated over ten years; an admin and an API token are made; the similarity index is fitted once
and saved where every worker loads it. Then gunicorn serves on a free loopback port, every worker is
warmed up (index loaded), and locust runs the mix of the locustfile.

Printed: requests, throughput, p50/p95/p99 and failures per endpoint; whether reads and check-as-you-type
kept p95 under 200 ms with no errors; and the writes: acknowledged (201) against the items really in
the database afterwards, so a lost write shows; and the memory gunicorn's processes take together.
Exit status 0 when every target is met.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_import import records  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from liaison import create_app, migrate  # noqa: E402
from liaison.accounts import operations as accounts  # noqa: E402
from liaison.db import database, normalise_url  # noqa: E402
from liaison.indexing import current_index  # noqa: E402
from liaison.items.importing import import_records, read_rows  # noqa: E402
from liaison.models import Group, WorkItem  # noqa: E402
from liaison.organisation.operations import ensure_group  # noqa: E402
from liaison.similarity.text import stop_words  # noqa: E402

BIN = Path(sys.executable).parent
P95_TARGET_MS = 200.0
WRITE_NAME = "POST /api/v1/work-items"
WRITE_GROUP = "ITU-T/SG17"
ADMIN = "load.admin@itu.example"
#: The revision before ``0007_search_trigrams``.
BEFORE_SEARCH_INDEXES = "0006"


def recreate_database(url: str) -> None:
    """Drop and create the database of ``url`` (PostgreSQL), tuned as the README advises for production."""
    parsed = make_url(normalise_url(url))
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        # Data in memory or on SSD: random reads cost about what sequential ones do. With the default
        # (4), the planner reads the whole table in parallel rather than use the search's trigram indexes.
        conn.execute(text(f'ALTER DATABASE "{parsed.database}" SET random_page_cost = 1.1'))
    admin.dispose()


def prepare(url: str, data: Path, n: int, seed: int, index_path: Path) -> None:
    """A database with ``n`` items, an admin with a token, and the similarity index saved at ``index_path``."""
    started = time.perf_counter()
    recreate_database(url)
    # The search's trigram indexes are built once over the loaded table (seconds) rather than kept up
    # row by row during the import (which made it six times slower).
    migrate.upgrade(url, BEFORE_SEARCH_INDEXES)
    app = create_app(_app_config(url, index_path))
    with app.app_context():
        session = database(app).sessionmaker()
        lines = (json.dumps(record) for record in records(data, n, seed))
        report = import_records(session, None, read_rows(lines, "jsonl"), checkpoint=session.commit)
        accounts.create_user(session, None, ADMIN, "Load Admin", "load-test-password", is_admin=True)
        ensure_group(session, None, WRITE_GROUP)
        # A registry holds years of work, not items all changed in the last minute: spread the
        # imported items' timestamps over ten years, as real data would have them.
        session.execute(text(
            "UPDATE work_items SET created_at = now() - (id % 3650) * interval '1 day', "
            "updated_at = now() - (id % 3650) * interval '1 day'"
        ))
        session.commit()
        print(f"imported: {report.summary()} in {time.perf_counter() - started:.0f} s")
        migrate.upgrade(url)
        fitted = time.perf_counter()
        indexed = current_index().rebuild(session)
        session.close()
        print(f"similarity index: {indexed:,} items fitted and saved in {time.perf_counter() - fitted:.0f} s")
    database(app).engine.dispose()
    engine = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def _app_config(url: str, index_path: Path) -> dict[str, object]:
    return {"DATABASE_URL": url, "SECRET_KEY": "load-test", "LIAISON_INDEX_PATH": str(index_path)}


def scenario_config(url: str, index_path: Path, workdir: Path, prefix: str) -> dict:
    """What the locustfile needs to know of the database: ids, words to search, titles to type, a token."""
    app = create_app(_app_config(url, index_path))
    with app.app_context(), database(app).sessionmaker() as session:
        low, high = session.execute(select(func.min(WorkItem.id), func.max(WorkItem.id))).one()
        group_ids = session.scalars(select(Group.id).order_by(Group.id)).all()
        titles = session.scalars(select(WorkItem.title).order_by(func.random()).limit(500)).all()
        admin = accounts.user_by_email(session, ADMIN)
        _, token = accounts.create_api_token(session, None, admin, f"load {prefix}")
        session.commit()
    database(app).engine.dispose()
    stops = stop_words()
    counts = Counter(w for t in titles for w in re.findall(r"[a-z]{5,}", t.lower()) if w not in stops)
    return {
        "min_item_id": low,
        "max_item_id": high,
        "group_ids": group_ids,
        "words": [w for w, _ in counts.most_common(60)],
        "titles": titles,
        "token": token,
        "write_group": WRITE_GROUP,
        "prefix": prefix,
        "acknowledged_file": str(workdir / "acknowledged.json"),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(url: str, index_path: Path, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    """``liaison serve`` in the background; its access log goes to ``log``."""
    env = os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": "load-test",
        "LIAISON_ENV": "production",
        "LIAISON_INDEX_PATH": str(index_path),
    }
    command = [str(BIN / "liaison"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--threads", str(threads)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=log.parent)
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return process
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"liaison serve did not start; see {log}")
        time.sleep(0.5)


def warm_up(base: str, workers: int) -> float:
    """Check-as-you-type until every worker answers fast (four times a worker in a row), then a few pages."""
    started = time.perf_counter()
    body = json.dumps({"title": "Security considerations for routing protocols"}).encode()
    fast = 0
    while fast < 4 * workers and time.perf_counter() - started < 600:
        request = urllib.request.Request(f"{base}/api/v1/similar", data=body, headers={"Content-Type": "application/json"})
        began = time.perf_counter()
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
        fast = fast + 1 if time.perf_counter() - began < 0.5 else 0
    for path in ("/items/", "/items/?q=security", "/groups/", "/api/v1/work-items?q=routing"):
        with urllib.request.urlopen(base + path, timeout=120) as response:
            response.read()
    return time.perf_counter() - started


def run_locust(base: str, users: int, spawn_rate: float, duration: int, config_path: Path, prefix: Path) -> None:
    env = os.environ | {"LIAISON_LOAD_CONFIG": str(config_path)}
    command = [
        str(BIN / "locust"), "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
        "-u", str(users), "-r", str(spawn_rate), "-t", f"{duration}s", "--host", base,
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
    ]
    subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL)


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with Path(f"{prefix}_stats.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/liaison_load")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10.0)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"),
                        help="seconds each user pauses between requests (default: 1 to 3)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "liaison-load",
                        help="the saved index, the server's log and locust's CSV files")
    parser.add_argument("--reuse", action="store_true", help="use the database and index a previous run prepared")
    args = parser.parse_args()

    args.workdir.mkdir(parents=True, exist_ok=True)
    index_path = args.workdir / "similarity.index"
    if not args.reuse:
        prepare(args.url, args.data, args.items, args.seed, index_path)
    prefix = f"LOAD-{int(time.time())}"
    config = scenario_config(args.url, index_path, args.workdir, prefix) | {"think": args.think}
    config_path = args.workdir / "scenario.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    items = config["max_item_id"] - config["min_item_id"] + 1
    print(f"database: ~{items:,} work items, {len(config['group_ids'])} groups; {args.users} users pausing "
          f"{args.think[0]:g}-{args.think[1]:g} s between requests, for {args.duration} s "
          f"against liaison serve --workers {args.workers} --threads {args.threads} (cores: {os.cpu_count()})")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(args.url, index_path, port, args.workers, args.threads, args.workdir / "server.log")
    try:
        print(f"warm-up (every worker answers check-as-you-type fast): {warm_up(base, args.workers):.1f} s")
        run_locust(base, args.users, args.spawn_rate, args.duration, config_path, args.workdir / "locust")
        memory = server_memory(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()

    code = report(args, config, read_stats(args.workdir / "locust"))
    print(memory)
    return code


def server_memory(master: int) -> str:
    """The memory of gunicorn's master and workers after the load: proportional set size (a page
    shared by n processes counts 1/n in each, so the sum is what they take together) and RSS each."""
    pids = [master] + [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    pss = rss = 0.0
    each = []
    for pid in pids:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
        pss += int(fields["Pss"].split()[0]) / 1024
        each.append(int(fields["Rss"].split()[0]) / 1024)
        rss += each[-1]
    return (f"server memory: {len(pids)} processes, {pss:,.0f} MB in all (proportional set size; "
            f"RSS {', '.join(f'{r:,.0f}' for r in each)} MB)")


def report(args: argparse.Namespace, config: dict, stats: list[dict[str, str]]) -> int:
    """Print the figures per endpoint and the write check; 0 when every target is met."""
    print()
    print(f"{'endpoint':34} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}")
    ok = True
    total = None
    for row in stats:
        if row["Name"] == "Aggregated":
            total = row
            continue
        p95 = float(row["95%"])
        met = p95 < P95_TARGET_MS if row["Name"] != WRITE_NAME else True
        ok &= met and int(row["Failure Count"]) == 0
        print(f"{row['Name']:34} {int(row['Request Count']):8d} {float(row['Requests/s']):7.1f} "
              f"{float(row['50%']):7.0f} {p95:7.0f} {float(row['99%']):7.0f} {int(row['Failure Count']):6d}"
              f"{'' if met else '  p95 over target'}")
    if total is not None:
        print(f"{'all':34} {int(total['Request Count']):8d} {float(total['Requests/s']):7.1f} {float(total['50%']):7.0f} "
              f"{float(total['95%']):7.0f} {float(total['99%']):7.0f} {int(total['Failure Count']):6d}")

    acknowledged = set(json.loads(Path(config["acknowledged_file"]).read_text(encoding="utf-8")))
    engine = create_engine(normalise_url(args.url))
    with Session(engine) as session:
        stored = set(session.scalars(select(WorkItem.reference).where(WorkItem.reference.like(f"{config['prefix']}-%"))))
    engine.dispose()
    lost = acknowledged - stored
    print(f"\nwrites: {len(acknowledged)} acknowledged (201), {len(stored)} in the database, {len(lost)} lost, "
          f"{len(stored - acknowledged)} stored without an acknowledgement (a client gave up waiting)")
    ok &= not lost and bool(acknowledged)
    print(f"targets (reads and check-as-you-type p95 < {P95_TARGET_MS:.0f} ms, no errors, no lost writes): "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
