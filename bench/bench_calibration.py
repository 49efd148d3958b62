"""Benchmark of learning from chairs' decisions: alert precision and recall before and after calibration.

    python bench/bench_calibration.py [--data ../shared/data] [--pool-threshold 0.02] [--cache DIR]
                                      [--sizes 20,50,100,200,500,1000] [--repeats 5] [--min-labels 10]

Simulates chairs deciding overlap alerts on the RFC evaluation data:

1. every RFC record is indexed by the engine (the shipped model) with its sentence embedding, as the
   app indexes an item (embedded once, cached under ``--cache`` as bench/dev_sets.py does), and the
   pairs it proposes at a threshold below the model's (``--pool-threshold``) are the alerts chairs
   could be shown;
2. each alert is labelled from ``pairs.jsonl``: "a obsoletes b" or "a updates b" is an overlap
   (positive), any other pair is "not an overlap". Unlabelled pairs are not necessarily unrelated,
   so every precision here is a lower bound;
3. chairs decide N alerts (N from ``--sizes``), picked in one of three orders: at random, top of the
   queue first (highest score), or most useful first (the "uncertain" order of the review queue:
   score closest to 0.5, as active learning does);
4. the decisions are fed to :func:`liaison.overlaps.calibration.fit_calibration`, the very function
   ``liaison overlaps calibrate`` runs, on plain arrays;
5. both models are measured on the alerts nobody decided: the shipped model at its threshold
   ("before") and the fitted one at the threshold it chose ("after"). Recall is the share of the
   positive pairs among those alerts that a model raises. Calibration must not lower precision at
   equal recall: the fitted model's best precision at the shipped model's recall is printed beside
   the shipped precision and checked.

Before any decision, the shipped model's alerts at its threshold are also measured against every
labelled pair (the issue's "precision at the default threshold with recall"), and once more counting
as overlaps the pairs of one obsoletes lineage (a obsoletes b, b obsoletes c: a and c are one work
revised twice, which the labels imply though they do not list it).

Random orders are repeated ``--repeats`` times with different seeds; the table shows means, and the
check must hold for every repeat. Reads the evaluation data from --data; copies nothing into the
repository.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from dev_sets import CACHE, VectorCache, embed_sets, every_rfc, read_jsonl  # noqa: E402

from liaison.overlaps.calibration import (  # noqa: E402
    CalibrationRefused,
    fit_calibration,
    metrics_at,
    precision_at_recall,
)
from liaison.similarity import FEATURES, Document, Engine, Model  # noqa: E402
from liaison.similarity.embedding import batches_on_every_core, default_embedder  # noqa: E402
from liaison.similarity.model import DEFAULT_PER_ITEM  # noqa: E402

ORDERS = ("random", "score", "uncertain")


def load(data: Path, cache: Path) -> tuple[list[Document], set[frozenset[str]]]:
    """Every RFC as the app indexes it, its vector included, and the labelled pairs."""
    with batches_on_every_core():
        rfc = embed_sets([every_rfc(data)], VectorCache(default_embedder(), cache))[0]
    return rfc.corpus, rfc.positives


@dataclass
class Pool:
    """The alerts chairs could be shown: feature rows, labels, the shipped model's scores, and which
    unlabelled pairs are of one obsoletes lineage."""

    features: np.ndarray
    labels: np.ndarray
    scores: np.ndarray
    labelled_total: int
    lineage: np.ndarray


def build_pool(docs: list[Document], positives: set[frozenset[str]], threshold: float,
               lines: dict[str, str]) -> Pool:
    engine = Engine().fit(docs)
    pairs = list(engine.pairs(threshold=threshold))
    features = np.array([[p.features[name] for name in FEATURES] for p in pairs], dtype=np.float64)
    labels = np.array([int(frozenset((p.a, p.b)) in positives) for p in pairs], dtype=np.int64)
    known = {d.id for d in docs}
    labelled_total = sum(1 for pair in positives if pair <= known)
    lineage = np.array([int(not label and _root(lines, p.a) == _root(lines, p.b)) for p, label in zip(pairs, labels)],
                       dtype=np.int64)
    return Pool(features, labels, Model().score(features), labelled_total, lineage)


def _root(parent: dict[str, str], doc_id: str) -> str:
    while parent.get(doc_id, doc_id) != doc_id:
        doc_id = parent[doc_id]
    return doc_id


def obsoletes_lineages(data: Path) -> dict[str, str]:
    """Union-find parents joining the documents linked by a chain of labelled "obsoletes" pairs."""
    parent: dict[str, str] = {}
    for pair in read_jsonl(data / "rfc" / "pairs.jsonl"):
        if pair["label"] == "obsoletes":
            a, b = _root(parent, pair["a"]), _root(parent, pair["b"])
            if a != b:
                parent[a] = b
    return parent


def decision_order(pool: Pool, order: str, seed: int) -> np.ndarray:
    """Indices of the pool in the order chairs decide them."""
    if order == "random":
        return np.random.default_rng(seed).permutation(len(pool.labels))
    if order == "score":
        return np.argsort(-pool.scores, kind="stable")
    return np.argsort(np.abs(pool.scores - 0.5), kind="stable")


REFUSALS = {
    "labels": "fewer than the minimum decisions of a kind",
    "near_threshold": "too few decisions near the threshold",
    "worse": "the fit would be less precise at equal recall",
}


@dataclass
class Row:
    refused: Counter[str] = field(default_factory=Counter)
    fitted: int = 0
    positives: float = 0.0
    threshold: float = 0.0
    before_p: float = 0.0
    before_r: float = 0.0
    after_p: float = 0.0
    after_r: float = 0.0
    at_equal_recall: float = 0.0
    check_ok: bool = True
    seconds: float = 0.0


def run(pool: Pool, n: int, order: str, seeds: list[int], min_labels: int) -> Row:
    row, current = Row(), Model()
    for seed in seeds:
        chosen = decision_order(pool, order, seed)[:n]
        rest = np.ones(len(pool.labels), dtype=bool)
        rest[chosen] = False
        row.positives += int(pool.labels[chosen].sum()) / len(seeds)
        started = time.perf_counter()
        try:
            result = fit_calibration(pool.features[chosen], pool.labels[chosen], current, min_per_class=min_labels, seed=seed)
        except CalibrationRefused as refusal:
            row.refused[refusal.reason] += 1
            continue
        row.seconds += time.perf_counter() - started
        held_features, held_labels = pool.features[rest], pool.labels[rest]
        before = metrics_at(held_labels, current.score(held_features), current.threshold)
        after_scores = result.model.score(held_features)
        after = metrics_at(held_labels, after_scores, result.model.threshold)
        at_equal = precision_at_recall(held_labels, after_scores, before.recall)
        row.fitted += 1
        row.threshold += result.model.threshold
        row.before_p += before.precision
        row.before_r += before.recall
        row.after_p += after.precision
        row.after_r += after.recall
        row.at_equal_recall += at_equal
        row.check_ok &= at_equal >= before.precision - 1e-9
    if row.fitted:
        for name in ("threshold", "before_p", "before_r", "after_p", "after_r", "at_equal_recall", "seconds"):
            setattr(row, name, getattr(row, name) / row.fitted)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path, default=CACHE,
                        help=f"embedding cache shared with bench/dev_sets.py (default {CACHE}, or $LIAISON_BENCH_CACHE)")
    parser.add_argument("--pool-threshold", type=float, default=0.02,
                        help="Score from which alerts could be shown (below the model's threshold).")
    parser.add_argument("--sizes", default="20,50,100,200,500,1000", help="Numbers of decisions, comma-separated.")
    parser.add_argument("--repeats", type=int, default=5, help="Seeds for the random order.")
    parser.add_argument("--min-labels", type=int, default=10, help="Decisions of each kind needed (as the app).")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    started = time.perf_counter()
    docs, positives = load(args.data, args.cache)
    pool = build_pool(docs, positives, args.pool_threshold, obsoletes_lineages(args.data))
    print(f"{len(docs)} RFC records indexed; {len(pool.labels)} alerts proposed at score >= {args.pool_threshold} "
          f"({time.perf_counter() - started:.0f} s), {int(pool.labels.sum())} of them labelled obsoletes/updates "
          f"({pool.labels.mean():.1%}); {pool.labelled_total} labelled pairs in all.")
    shipped = Model()
    raised = pool.scores >= shipped.threshold
    hits, lineage = int(pool.labels[raised].sum()), int(pool.lineage[raised].sum())
    print(f"Before any decision, the shipped model at its threshold {shipped.threshold:.2f} ({DEFAULT_PER_ITEM} per "
          f"item) raises {int(raised.sum())} alerts, {hits} labelled: precision {hits / max(int(raised.sum()), 1):.3f} "
          f"(lower bound), {(hits + lineage) / max(int(raised.sum()), 1):.3f} counting the {lineage} pairs of one "
          f"obsoletes lineage; recall {hits / max(int(pool.labels.sum()), 1):.3f} of the labelled alerts the pool holds "
          f"(the issue's frame), {hits / pool.labelled_total:.3f} of all labelled pairs.\n")
    print("Precision is a lower bound (unlabelled pairs may overlap too); recall is over the positive alerts "
          f"left undecided. 'before': shipped model at {shipped.threshold:.2f}; 'after': fitted model at its threshold.")
    print("'P@R=before': the fitted model's best precision at the shipped model's recall; check: it is not lower.\n")

    header = (f"{'order':<9} {'decisions':>9} {'pos':>5} {'fitted':>7} {'thresh':>6} {'P before':>8} {'P after':>7} "
              f"{'R before':>8} {'R after':>7} {'P@R=before':>10} {'check':>6}")
    print(header)
    print("-" * len(header))
    failures = 0
    for order in ORDERS:
        seeds = list(range(args.repeats)) if order == "random" else [0]
        for n in sizes:
            if n >= len(pool.labels):
                continue
            row = run(pool, n, order, seeds, args.min_labels)
            fitted = f"{row.fitted}/{len(seeds)}"
            refused = "; ".join(f"{count} refused: {REFUSALS[reason]}" for reason, count in row.refused.items())
            if not row.fitted:
                print(f"{order:<9} {n:>9} {row.positives:>5.1f} {fitted:>7}   {refused} (the current model stays)")
                continue
            failures += not row.check_ok
            print(f"{order:<9} {n:>9} {row.positives:>5.1f} {fitted:>7} {row.threshold:>6.2f} {row.before_p:>8.3f} "
                  f"{row.after_p:>7.3f} {row.before_r:>8.3f} {row.after_r:>7.3f} {row.at_equal_recall:>10.3f} "
                  f"{'ok' if row.check_ok else 'FAIL':>6}" + (f"   ({refused})" if refused else ""))
        print()
    print(f"Done in {time.perf_counter() - started:.0f} s. "
          + ("Calibration never lowered precision at equal recall." if not failures
             else f"{failures} rows FAILED the equal-recall check."))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
