"""Learning from chairs' decisions: fit the engine's combination of features and its alert threshold.

Each decided alert is a label. ``duplicate`` and ``overlap`` are positive, ``not_overlap`` negative,
and ``related`` counts as positive too: the alert was worth a chair's time and ended in a link, which
is what alerts are for; a chair who finds such pairs noise decides "not an overlap" instead.

The fit is a logistic regression on the stored feature vectors, the form the engine's
:class:`~liaison.similarity.Model` already has, so its weights drop in unchanged. It is anchored on
the model in use: the current model's logit is a fixed offset, and the fit learns corrections to its
weights (penalised: :data:`PRIOR_STRENGTH`) and to its intercept. Decisions are never a random
sample of pairs (chairs see only what was alerted, and decide from the top of the queue or near its
threshold), and a free fit on such a one-sided sample extrapolates badly to the pairs it never saw:
on the RFC data (``bench/bench_calibration.py``), scikit-learn's ``LogisticRegression`` fitted freely
lost precision at equal recall in 1 to 3 runs out of 5 on random samples of 100 to 1,000 decisions,
and lost it badly on decisions taken near the threshold; the anchored fit lost it in none of those
runs.
scikit-learn's estimator takes no fixed offset, so the anchored fit minimises the same penalised
log-loss with SciPy's L-BFGS; scikit-learn still does the cross-validation (``StratifiedKFold``) and
the precision-recall curves.

It is measured by stratified cross-validation: in each fold the model is fitted and its threshold
chosen (best F1) on the training decisions only, then counted on the held-out ones, so the precision
and recall reported are those of decisions the model never saw. The model in use is measured on the
same decisions. A new model that would lower precision at the recall the current one reaches is
refused, and so is any fit with fewer than ``min_per_class`` decisions of either kind, or with fewer
than ``min_per_class`` decisions near the current threshold (:data:`NEAR_THRESHOLD`): decisions taken
only at the top of the queue say nothing about where alerts stop being useful, and a threshold fitted
on them would silence most alerts. In all these cases the current model stays.

:func:`fit_calibration` works on plain arrays (no database), so the benchmark runs the very code
that ``liaison overlaps calibrate`` runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import StratifiedKFold
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from liaison.core.audit import record_event
from liaison.core.errors import Conflict
from liaison.core.queries import rowcount
from liaison.models import CalibrationModel, OverlapAlert, User
from liaison.similarity import FEATURES, Model

#: Each decision as a label: 1 = the alert was right to be raised, 0 = it was noise.
LABELS = {"duplicate": 1, "overlap": 1, "related": 1, "not_overlap": 0}
DEFAULT_MIN_LABELS = 10
FOLDS = 5
#: A fitted threshold is kept within these bounds: below, a rescan would propose nearly every
#: pair; above, nearly none. Both happen when few decisions sit near the boundary.
THRESHOLD_BOUNDS = (0.05, 0.95)
#: Decisions on alerts scoring this close to the current threshold are what tell where alerts stop
#: being useful; without ``min_per_class`` of them a fit only learns about the top of the queue.
NEAR_THRESHOLD = 0.25
#: Penalty on each weight's departure from the current model (a Gaussian prior of variance 1/this):
#: with a few decisions the model barely moves, with thousands the decisions decide.
PRIOR_STRENGTH = 1.0
_TOLERANCE = 1e-9


class CalibrationRefused(Conflict):
    """Not enough decisions, or a fit that would do worse than the model in use: nothing changes.

    ``reason`` says which: ``labels`` (too few of a kind), ``near_threshold`` (too few near the
    current threshold) or ``worse`` (less precise at equal recall).
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Metrics:
    """Precision and recall of alerts on labelled pairs, with the counts they come from."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """Share of alerts that were right (1 when nothing was alerted: no alert was wrong)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of the positive pairs that were alerted."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Metrics) -> Metrics:
        return Metrics(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(frozen=True)
class Calibration:
    """A fitted model and how it did on held-out decisions, beside the model it would replace."""

    model: Model
    held_out: Metrics
    baseline: Metrics
    #: The best precision the fitted model reaches (held-out probabilities) at the baseline's recall or more.
    precision_at_baseline_recall: float
    n_positive: int
    n_negative: int
    folds: list[dict[str, Any]] = field(default_factory=list)


def feature_matrix(vectors: Iterable[Mapping[str, float]]) -> np.ndarray:
    """Rows of feature values in :data:`FEATURES` order (a feature missing from a vector is 0)."""
    rows = [[float(v.get(name, 0.0)) for name in FEATURES] for v in vectors]
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


def metrics_at(labels: np.ndarray, scores: np.ndarray, threshold: float) -> Metrics:
    """Counts of alerts raised at ``scores >= threshold`` against ``labels``."""
    alerted = scores >= threshold
    positive = labels == 1
    return Metrics(int(np.sum(alerted & positive)), int(np.sum(alerted & ~positive)), int(np.sum(~alerted & positive)))


def best_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold with the best F1 on these labels (the higher one on a tie: fewer alerts)."""
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, _TOLERANCE), 0.0)[:-1]
    best = np.flatnonzero(f1 >= f1.max() - _TOLERANCE)[-1]
    return float(np.clip(thresholds[best], *THRESHOLD_BOUNDS))


def precision_at_recall(labels: np.ndarray, scores: np.ndarray, recall: float) -> float:
    """The best precision reached at ``recall`` or more, over every threshold."""
    precision, achieved, _ = precision_recall_curve(labels, scores)
    reachable = precision[achieved >= recall - _TOLERANCE]
    return float(reachable.max()) if reachable.size else 0.0


def fit_calibration(
    features: np.ndarray,
    labels: np.ndarray,
    current: Model,
    *,
    min_per_class: int = DEFAULT_MIN_LABELS,
    folds: int = FOLDS,
    seed: int = 0,
) -> Calibration:
    """Fit weights, intercept and threshold to ``labels`` (1/0) of ``features`` rows; compare with ``current``.

    Raises :class:`CalibrationRefused` with fewer than ``min_per_class`` labels of either kind or near
    ``current``'s threshold, or when the fitted model would alert less precisely than ``current`` at
    the recall ``current`` reaches.
    """
    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    n_positive, n_negative = int(np.sum(y == 1)), int(np.sum(y == 0))
    # Cross-validation needs two decisions of each kind at the very least, whatever the setting says.
    min_per_class = max(min_per_class, 2)
    if n_positive < min_per_class or n_negative < min_per_class:
        raise CalibrationRefused(
            f"not enough decisions to learn from: {n_positive} positive (duplicate, overlap, related) and "
            f"{n_negative} negative (not an overlap); at least {min_per_class} of each are needed. "
            "The current model stays in use.",
            "labels",
        )
    near = int(np.sum(np.abs(current.score(x) - current.threshold) <= NEAR_THRESHOLD))
    if near < min_per_class:
        raise CalibrationRefused(
            f"only {near} decisions are on alerts scoring within {NEAR_THRESHOLD} of the current threshold "
            f"({current.threshold:.2f}); at least {min_per_class} are needed to tell where alerts stop being useful. "
            "Decide some in the queue's \"most useful to decide next\" order first. The current model stays in use.",
            "near_threshold",
        )
    splitter = StratifiedKFold(n_splits=min(folds, n_positive, n_negative), shuffle=True, random_state=seed)
    held_out_scores = np.zeros(len(y))
    held_out = Metrics(0, 0, 0)
    details = []
    for number, (train, test) in enumerate(splitter.split(x, y), start=1):
        fitted = fit_anchored(x[train], y[train], current)
        threshold = best_threshold(y[train], fitted.score(x[train]))
        held_out_scores[test] = fitted.score(x[test])
        fold = metrics_at(y[test], held_out_scores[test], threshold)
        held_out += fold
        details.append(
            {"fold": number, "train": len(train), "test": len(test), "threshold": round(threshold, 4),
             "tp": fold.tp, "fp": fold.fp, "fn": fold.fn}
        )
    baseline = metrics_at(y, current.score(x), current.threshold)
    at_equal_recall = precision_at_recall(y, held_out_scores, baseline.recall)
    if at_equal_recall < baseline.precision - _TOLERANCE:
        raise CalibrationRefused(
            f"the fitted model would alert less precisely than the current one at the same recall "
            f"({at_equal_recall:.2f} against {baseline.precision:.2f} at recall {baseline.recall:.2f}, on held-out "
            "decisions); the current model stays in use",
            "worse",
        )
    final = fit_anchored(x, y, current)
    model = Model(
        weights={name: round(w, 6) for name, w in final.weights.items()},
        intercept=round(final.intercept, 6),
        threshold=round(best_threshold(y, held_out_scores), 6),
    )
    return Calibration(model, held_out, baseline, at_equal_recall, n_positive, n_negative, details)


def fit_anchored(features: np.ndarray, labels: np.ndarray, current: Model, strength: float = PRIOR_STRENGTH) -> Model:
    """Logistic regression of ``labels`` on ``features`` that starts from, and is pulled towards, ``current``.

    The logit is ``current.linear(x) + d0 + d . x``: the intercept correction ``d0`` is free, the weight
    corrections ``d`` pay ``strength / 2 * |d|^2``. Returns ``current`` corrected (its threshold kept).
    """
    offset = current.linear(features)

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        z = offset + params[0] + features @ params[1:]
        residual = expit(z) - labels
        value = float(np.sum(np.logaddexp(0.0, z) - labels * z) + 0.5 * strength * params[1:] @ params[1:])
        gradient = np.concatenate([[residual.sum()], features.T @ residual + strength * params[1:]])
        return value, gradient

    found = minimize(loss, np.zeros(1 + features.shape[1]), jac=True, method="L-BFGS-B")
    weights = current.vector + found.x[1:]
    return Model(
        weights={name: float(w) for name, w in zip(FEATURES, weights)},
        intercept=float(current.intercept + found.x[0]),
        threshold=current.threshold,
    )


# --- with the database --------------------------------------------------------------------------


def labelled_decisions(session: Session) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Feature rows and labels of every decided alert, and how many decisions of each kind there are."""
    rows = session.execute(
        select(OverlapAlert.state, OverlapAlert.features)
        .where(OverlapAlert.state.in_(tuple(LABELS)))
        .order_by(OverlapAlert.id)
    ).all()
    counts = {kind: 0 for kind in LABELS}
    for state, _ in rows:
        counts[state] += 1
    labels = np.array([LABELS[state] for state, _ in rows], dtype=np.int64)
    return feature_matrix(features or {} for _, features in rows), labels, counts


def calibrate(
    session: Session, actor: User | None, current: Model, *, min_per_class: int = DEFAULT_MIN_LABELS
) -> CalibrationModel:
    """Fit a model on every decision so far and make it the one in use (see :func:`fit_calibration`)."""
    features, labels, counts = labelled_decisions(session)
    result = fit_calibration(features, labels, current, min_per_class=min_per_class)
    session.execute(update(CalibrationModel).where(CalibrationModel.is_active.is_(True)).values(is_active=False))
    row = CalibrationModel(
        trained_by_id=actor.id if actor else None,
        weights=dict(result.model.weights),
        intercept=result.model.intercept,
        threshold=result.model.threshold,
        labels=counts,
        n_positive=result.n_positive,
        n_negative=result.n_negative,
        precision=round(result.held_out.precision, 4),
        recall=round(result.held_out.recall, 4),
        baseline_precision=round(result.baseline.precision, 4),
        baseline_recall=round(result.baseline.recall, 4),
        cv={
            "folds": result.folds,
            "f1": round(result.held_out.f1, 4),
            "baseline_f1": round(result.baseline.f1, 4),
            "precision_at_baseline_recall": round(result.precision_at_baseline_recall, 4),
            "baseline_model": {"weights": current.weights, "intercept": current.intercept, "threshold": current.threshold},
        },
        is_active=True,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        actor,
        "calibration.train",
        "calibration_model",
        row.id,
        f"Fitted on {len(labels)} decisions: precision {row.precision:.2f}, recall {row.recall:.2f} "
        f"(was {row.baseline_precision:.2f}, {row.baseline_recall:.2f}), threshold {row.threshold:.2f}",
        {"threshold": [current.threshold, row.threshold], "weights": [current.weights, row.weights]},
    )
    return row


def reset_calibration(session: Session, actor: User | None) -> int:
    """Go back to the hand-set model: no fitted model is active any more. Returns how many were."""
    result = session.execute(
        update(CalibrationModel).where(CalibrationModel.is_active.is_(True)).values(is_active=False)
    )
    count = rowcount(result)
    if count:
        record_event(session, actor, "calibration.reset", "calibration_model", "active", "Back to the hand-set model")
    session.flush()
    return count


def active_calibration(session: Session) -> CalibrationModel | None:
    """The fitted model in use, if any (the newest active one)."""
    return session.scalar(
        select(CalibrationModel).where(CalibrationModel.is_active.is_(True)).order_by(CalibrationModel.id.desc()).limit(1)
    )


def active_calibration_id(session: Session) -> int | None:
    """The id of the fitted model in use: the cheap question each index asks before answering."""
    return session.scalar(
        select(CalibrationModel.id).where(CalibrationModel.is_active.is_(True)).order_by(CalibrationModel.id.desc()).limit(1)
    )


def model_of(row: CalibrationModel | None) -> Model:
    """The engine model a stored calibration stands for (the hand-set default for None)."""
    if row is None:
        return Model()
    return Model(weights=dict(row.weights), intercept=float(row.intercept), threshold=float(row.threshold))


def calibration_history(session: Session, limit: int = 20) -> list[CalibrationModel]:
    """The newest fitted models, newest first."""
    return list(session.scalars(select(CalibrationModel).order_by(CalibrationModel.id.desc()).limit(limit)))
