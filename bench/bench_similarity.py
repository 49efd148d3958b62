"""Benchmark of liaison's similarity engine: ranking quality on RFC data, speed and memory at scale.

    python bench/bench_similarity.py [--data ../shared/data] [--n 100000] [--quick] [--skip-scale]

Quality: for every labelled RFC pair "a obsoletes/updates b", query a and look for b among all
other documents (RFCs plus 3GPP titles as distractors); then, for pairs whose sides are in
different groups, search only other groups (exclude_group=a's group). Reported for the engine and
for a plain baseline (word TF-IDF cosine alone) in the same run.

Scale: n documents (the real records plus synthetic ones recombined from them with a seeded
RNG), engine against scikit-learn's brute-force cosine NearestNeighbors on the same TF-IDF. Each
side runs in its own process so that its peak memory (ru_maxrss) is its own.

Reads the evaluation data from --data; copies nothing into the repository.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from liaison.similarity import Document, Engine  # noqa: E402

K = 10


# -- data ----------------------------------------------------------------------------------------

def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def to_doc(record: dict) -> Document:
    return Document(id=record["id"], title=record["title"], summary=record.get("summary") or "",
                    group=record.get("body") or "")


def load(data: Path) -> tuple[list[Document], list[dict], list[Document]]:
    rfc = [to_doc(r) for r in read_jsonl(data / "rfc" / "records.jsonl")]
    pairs = read_jsonl(data / "rfc" / "pairs.jsonl")
    gpp = [to_doc(r) for r in read_jsonl(data / "3gpp-records.jsonl")]
    return rfc, pairs, gpp


def synthesise(real: list[Document], n: int, seed: int = 20240601) -> list[Document]:
    """n documents recombined from the words and sentences of real ones (deterministic)."""
    rng = random.Random(seed)
    title_words = [w for d in real for w in d.title.split()]
    sentences = [s for d in real for s in d.summary.split(". ") if len(s) > 20]
    groups = sorted({d.group for d in real})
    out = []
    for i in range(n):
        base = rng.choice(real).title.split()
        title = " ".join(w if rng.random() > 0.4 else rng.choice(title_words) for w in base)
        summary = ". ".join(rng.choice(sentences) for _ in range(rng.randint(1, 4))) if rng.random() < 0.85 else ""
        out.append(Document(id=f"SYN-{i}", title=title, summary=summary, group=rng.choice(groups)))
    return out


# -- baseline ------------------------------------------------------------------------------------

class Baseline:
    """Plain word TF-IDF cosine (scikit-learn defaults, English stop words): no extras."""

    def __init__(self, docs: list[Document]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.ids = [d.id for d in docs]
        self.row = {d.id: i for i, d in enumerate(docs)}
        self.groups = np.array([d.group for d in docs], dtype=object)
        self.vectorizer = TfidfVectorizer(stop_words="english", dtype=np.float32)
        self.matrix = self.vectorizer.fit_transform([f"{d.title} {d.summary}" for d in docs])
        self.matrix_t = self.matrix.T.tocsr()

    def query(self, doc_id: str, k: int, exclude_group: str | None = None) -> list[str]:
        row = self.row[doc_id]
        scores = (self.matrix[row] @ self.matrix_t).toarray().ravel()
        scores[row] = -1
        if exclude_group is not None:
            scores[self.groups == exclude_group] = -1
        top = np.argpartition(-scores, k)[:k]
        top = top[np.argsort(-scores[top])]
        return [self.ids[i] for i in top if scores[i] > 0]


# -- quality -------------------------------------------------------------------------------------

def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    hit = lambda k: sum(1 for r in ranks if r is not None and r <= k) / n  # noqa: E731
    mrr = sum(1.0 / r for r in ranks if r is not None and r <= K) / n
    return {"n": n, "R@1": hit(1), "R@5": hit(5), "R@10": hit(10), "MRR@10": mrr}


def rank_of(target: str, found: list[str]) -> int | None:
    return found.index(target) + 1 if target in found else None


def evaluate(search, docs_by_id: dict[str, Document], pairs: list[dict]) -> dict[tuple[str, str], dict]:
    """Ranks of b when querying a, per (label, setting); ``search(doc, exclude_group)`` -> ids."""
    ranks: dict[tuple[str, str], list[int | None]] = defaultdict(list)
    cache: dict[tuple[str, str | None], list[str]] = {}
    for p in pairs:
        a, b = docs_by_id[p["a"]], docs_by_id[p["b"]]
        settings = [("all", None)] + ([("cross-group", a.group)] if a.group != b.group else [])
        for setting, exclude in settings:
            key = (a.id, exclude)
            if key not in cache:
                cache[key] = search(a, exclude)
            ranks[(p["label"], setting)].append(rank_of(b.id, cache[key]))
    return {key: metrics(r) for key, r in sorted(ranks.items())}


def quality(data: Path) -> None:
    rfc, pairs, gpp = load(data)
    docs = rfc + gpp
    by_id = {d.id: d for d in docs}
    pairs = [p for p in pairs if p["a"] in by_id and p["b"] in by_id]

    t = time.perf_counter()
    engine = Engine().fit(docs)
    fit_s = time.perf_counter() - t
    t = time.perf_counter()
    engine_results = evaluate(lambda d, g: [m.id for m in engine.query(d, k=K, exclude_group=g)], by_id, pairs)
    engine_s = time.perf_counter() - t

    baseline = Baseline(docs)
    base_results = evaluate(lambda d, g: baseline.query(d.id, K, g), by_id, pairs)

    print(f"\n## Quality: {len(rfc)} RFCs + {len(gpp)} 3GPP distractors, {len(pairs)} labelled pairs")
    print(f"engine {engine.version}: fit {fit_s:.1f} s, {engine_s:.1f} s for all queries\n")
    header = f"{'label':<10} {'search':<12} {'n':>5} | {'system':<8} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7}"
    print(header)
    print("-" * len(header))
    for key in engine_results:
        for name, res in (("engine", engine_results[key]), ("baseline", base_results[key])):
            r = res
            print(f"{key[0]:<10} {key[1]:<12} {r['n']:>5} | {name:<8} {r['R@1']:>6.3f} {r['R@5']:>6.3f} "
                  f"{r['R@10']:>6.3f} {r['MRR@10']:>7.3f}")
    beaten = all(engine_results[k][m] > base_results[k][m] for k in engine_results for m in ("R@1", "R@5", "R@10", "MRR@10"))
    print(f"\nengine beats baseline on every figure: {beaten}")
    print(f"R@10 obsoletes {engine_results[('obsoletes', 'all')]['R@10']:.3f} (target >= 0.90), "
          f"updates {engine_results[('updates', 'all')]['R@10']:.3f} (target >= 0.55)")


# -- scale ---------------------------------------------------------------------------------------

def corpus(data: Path, n: int) -> list[Document]:
    rfc, _, gpp = load(data)
    real = rfc + gpp
    return (real + synthesise(real, max(n - len(real), 0)))[:n]


def percentiles(samples: list[float]) -> tuple[float, float]:
    return float(np.percentile(samples, 50)) * 1000, float(np.percentile(samples, 95)) * 1000


def timed(calls) -> tuple[tuple[float, float], tuple[float, float]]:
    """Wall-clock and CPU-time (this thread) p50/p95 in ms of each call in ``calls``.

    CPU time is reported too because a shared machine's load inflates wall-clock latency.
    """
    wall, cpu = [], []
    for call in calls:
        t, c = time.perf_counter(), time.thread_time()
        call()
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - t)
    return percentiles(wall), percentiles(cpu)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale_engine(data: Path, n: int, n_queries: int, n_adds: int, result: dict) -> None:
    docs = corpus(data, n)
    extra = synthesise(docs[:5000], n_adds, seed=7)
    extra = [Document(id=f"ADD-{i}", title=d.title, summary=d.summary, group=d.group) for i, d in enumerate(extra)]
    rng = random.Random(1)
    queries = rng.sample(docs, n_queries)
    base_mb = peak_mb()

    t, c = time.perf_counter(), time.process_time()
    engine = Engine().fit(docs)
    result["fit"], result["fit_cpu"] = time.perf_counter() - t, time.process_time() - c
    engine.query(queries[0])  # warm-up
    result["query"], result["query_cpu"] = timed(lambda q=q: engine.query(q, k=K) for q in queries)
    result["add"], result["add_cpu"] = timed(lambda d=d: engine.add(d) for d in extra)
    result["query_after_adds"], _ = timed(lambda q=q: engine.query(q, k=K) for q in queries[: n_queries // 2])
    t, c = time.perf_counter(), time.process_time()
    result["pairs_count"] = sum(1 for _ in engine.pairs())
    result["pairs"], result["pairs_cpu"] = time.perf_counter() - t, time.process_time() - c
    result["peak_mb"] = peak_mb()
    result["data_mb"] = base_mb


def scale_baseline(data: Path, n: int, n_queries: int, pair_sample: int, result: dict) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors

    docs = corpus(data, n)
    rng = random.Random(1)
    query_rows = [docs.index(q) for q in rng.sample(docs, n_queries)] if n <= 20000 else None
    base_mb = peak_mb()
    t = time.perf_counter()
    matrix = TfidfVectorizer(stop_words="english", dtype=np.float32).fit_transform(
        [f"{d.title} {d.summary}" for d in docs])
    nn = NearestNeighbors(metric="cosine", algorithm="brute").fit(matrix)
    result["fit"] = time.perf_counter() - t
    if query_rows is None:
        row_of = {d.id: i for i, d in enumerate(docs)}
        query_rows = [row_of[q.id] for q in rng.sample(docs, n_queries)]
    result["query"], result["query_cpu"] = timed(
        lambda r=r: nn.kneighbors(matrix[r], n_neighbors=K + 1) for r in query_rows)
    # All pairs = every row's neighbours; timed on a sample of rows and scaled up linearly.
    sample = np.random.default_rng(2).choice(n, size=min(pair_sample, n), replace=False)
    t = time.perf_counter()
    nn.kneighbors(matrix[sample], n_neighbors=K + 1)
    result["pairs"] = (time.perf_counter() - t) * n / len(sample)
    result["peak_mb"] = peak_mb()
    result["data_mb"] = base_mb


def in_child(target, *args) -> dict:
    with mp.Manager() as manager:
        result = manager.dict()
        proc = mp.get_context("spawn").Process(target=target, args=(*args, result))
        proc.start()
        proc.join()
        if proc.exitcode:
            raise RuntimeError(f"{target.__name__} failed with exit code {proc.exitcode}")
        return dict(result)


def scale(data: Path, n: int, quick: bool) -> None:
    n_queries = 100 if quick else 500
    n_adds = 50 if quick else 200
    load_before = os.getloadavg()[0]
    eng = in_child(scale_engine, data, n, n_queries, n_adds)
    base = in_child(scale_baseline, data, n, n_queries, 500 if quick else 2000)
    print(f"\n## Speed and memory: {n:,} documents, {n_queries} queries (k={K}), {n_adds} adds, "
          f"{os.cpu_count()} cores, load average {load_before:.1f} before / {os.getloadavg()[0]:.1f} after")
    rows = [
        ("fit (s)", f"{eng['fit']:.1f}", f"{base['fit']:.1f}", "", base["fit"] / eng["fit"]),
        ("fit CPU (s)", f"{eng['fit_cpu']:.1f}", "", "", None),
        ("query p50 (ms)", f"{eng['query'][0]:.2f}", f"{base['query'][0]:.2f}", "", base["query"][0] / eng["query"][0]),
        ("query p95 (ms)", f"{eng['query'][1]:.2f}", f"{base['query'][1]:.2f}", "<= 10", base["query"][1] / eng["query"][1]),
        ("query CPU p50 (ms)", f"{eng['query_cpu'][0]:.2f}", f"{base['query_cpu'][0]:.2f}", "", base["query_cpu"][0] / eng["query_cpu"][0]),
        ("query CPU p95 (ms)", f"{eng['query_cpu'][1]:.2f}", f"{base['query_cpu'][1]:.2f}", "", base["query_cpu"][1] / eng["query_cpu"][1]),
        ("query p95 after adds (ms)", f"{eng['query_after_adds'][1]:.2f}", "", "<= 10", None),
        ("add p50 (ms)", f"{eng['add'][0]:.2f}", "", "", None),
        ("add p95 (ms)", f"{eng['add'][1]:.2f}", "n/a (refit)", "<= 10", None),
        ("add CPU p95 (ms)", f"{eng['add_cpu'][1]:.2f}", "", "", None),
        ("all pairs (s)", f"{eng['pairs']:.1f}", f"~{base['pairs']:.0f} (est.)", "<= 60", base["pairs"] / eng["pairs"]),
        ("all pairs CPU, all threads (s)", f"{eng['pairs_cpu']:.1f}", "", "", None),
        ("pairs at threshold", f"{eng['pairs_count']:,}", "", "", None),
        ("peak RSS (MB)", f"{eng['peak_mb']:.0f}", f"{base['peak_mb']:.0f}", "<= 2048", base["peak_mb"] / eng["peak_mb"]),
        ("  of which data loading (MB)", f"{eng['data_mb']:.0f}", f"{base['data_mb']:.0f}", "", None),
    ]
    header = f"{'measure':<30} {'engine':>10} {'baseline':>14} {'target':>8} {'baseline/engine':>16}"
    print(header)
    print("-" * len(header))
    for name, e, b, target, ratio in rows:
        print(f"{name:<30} {e:>10} {b:>14} {target:>8} {'' if ratio is None else f'{ratio:.1f}x':>16}")
    print("(baseline all pairs: brute-force kneighbors timed on a sample of rows, scaled to n)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--n", type=int, default=100_000, help="documents for the scale benchmark")
    parser.add_argument("--quick", action="store_true", help="smaller scale run (n=20,000 unless --n given)")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    if args.quick and "--n" not in sys.argv:
        args.n = 20_000
    if not args.skip_quality:
        quality(args.data)
    if not args.skip_scale:
        scale(args.data, args.n, args.quick)


if __name__ == "__main__":
    main()
