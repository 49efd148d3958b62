"""The combination of per-feature scores into one score: a replaceable, logistic-linear model.

The score is ``sigmoid(intercept + sum(weight[f] * feature[f]))``. That is exactly the form a
scikit-learn ``LogisticRegression`` fitted on chairs' decisions produces (``coef_``,
``intercept_``), so learned weights drop in through :meth:`Engine.set_model` unchanged.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

FEATURES = ("words", "chars", "title_fuzzy", "title_same", "identifiers", "keywords", "cites", "semantic", "semantic_across",
            "title_twin", "title_within", "revises")

# The shipped model: logistic regression fitted on candidate pairs of every development set
# (RFC obsoletes/updates, ITU-T/ISO common text and replacements, IEC French/English), checked
# leave-one-set-out; bench/fit_model.py writes it and says how it was chosen.
_SHIPPED = json.loads(resources.files(__package__).joinpath("default_model.json").read_text(encoding="utf-8"))
DEFAULT_WEIGHTS: dict[str, float] = {f: float(w) for f, w in _SHIPPED["weights"].items()}
DEFAULT_INTERCEPT = float(_SHIPPED["intercept"])
DEFAULT_THRESHOLD = float(_SHIPPED["threshold"])
# Alerts one item raises at most in a scan (its best partners above the threshold).
DEFAULT_PER_ITEM = int(_SHIPPED["per_item"])


@dataclass(frozen=True)
class Model:
    """Feature weights, intercept and alert threshold."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    intercept: float = DEFAULT_INTERCEPT
    threshold: float = DEFAULT_THRESHOLD

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown features {sorted(unknown)}; expected some of {FEATURES}")
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError("threshold must be within [0, 1]")

    @property
    def vector(self) -> np.ndarray:
        """Weights in :data:`FEATURES` order (missing features weigh 0)."""
        return np.array([self.weights.get(f, 0.0) for f in FEATURES], dtype=np.float64)

    def linear(self, features: np.ndarray) -> np.ndarray:
        """The model's logit for rows of features (columns in :data:`FEATURES` order)."""
        return self.intercept + np.asarray(features, dtype=np.float64) @ self.vector

    def score(self, features: np.ndarray) -> np.ndarray:
        """Scores in [0, 1] for rows of features (columns in :data:`FEATURES` order)."""
        return 1.0 / (1.0 + np.exp(-self.linear(features)))

    def fingerprint(self) -> str:
        """A short digest that changes whenever the weights, intercept or threshold do."""
        text = json.dumps([self.vector.round(6).tolist(), round(self.intercept, 6), round(self.threshold, 6)])
        return hashlib.sha256(text.encode()).hexdigest()[:8]
