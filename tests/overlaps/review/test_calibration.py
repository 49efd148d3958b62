"""Learning the engine's weights and threshold from decisions: the fit, its refusals, and its use."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from liaison.indexing import current_index
from liaison.models import CalibrationModel, OverlapAlert
from liaison.overlaps import calibration
from liaison.overlaps import operations as overlaps
from liaison.overlaps.index import OverlapIndex
from liaison.similarity import ENGINE_VERSION, FEATURES, Model


def synthetic(n_positive: int, n_negative: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Positives share identifiers and keywords more often and are closer in meaning; negatives mostly look
    alike in their words.

    Both kinds score around the hand-set threshold, as decided alerts do.
    """
    rng = np.random.default_rng(seed)
    positive = {
        "words": rng.uniform(0.1, 0.7, n_positive), "chars": rng.uniform(0.1, 0.6, n_positive),
        "title_fuzzy": rng.uniform(0.2, 0.8, n_positive), "identifiers": rng.choice([0.0, 1.0], n_positive, p=[0.6, 0.4]),
        "keywords": rng.uniform(0.1, 0.7, n_positive), "semantic": rng.uniform(0.1, 0.3, n_positive),
    }
    negative = {
        "words": rng.uniform(0.2, 0.8, n_negative), "chars": rng.uniform(0.0, 0.4, n_negative),
        "title_fuzzy": rng.uniform(0.1, 0.5, n_negative), "identifiers": rng.choice([0.0, 1.0], n_negative, p=[0.95, 0.05]),
        "keywords": rng.uniform(0.0, 0.3, n_negative), "semantic": rng.uniform(0.0, 0.2, n_negative),
    }
    # Columns in FEATURES order; a feature the engine gains later is 0 until this table names it.
    columns = [np.concatenate([positive.get(f, np.zeros(n_positive)), negative.get(f, np.zeros(n_negative))])
               for f in FEATURES]
    return np.column_stack(columns), np.array([1] * n_positive + [0] * n_negative)


def test_fitting_measures_on_held_out_decisions_and_beats_a_blunt_model():
    features, labels = synthetic(40, 60)
    blunt = Model(weights={"words": 8.0}, intercept=-4.0, threshold=0.5)  # words alone: no use here
    result = calibration.fit_calibration(features, labels, blunt, min_per_class=10)
    assert set(result.model.weights) == set(FEATURES)
    assert result.model.weights["identifiers"] > 0 and result.model.weights["keywords"] > 0
    assert result.model.weights["semantic"] > 0  # the multilingual channel is fitted like the others
    assert calibration.THRESHOLD_BOUNDS[0] <= result.model.threshold <= calibration.THRESHOLD_BOUNDS[1]
    assert (result.n_positive, result.n_negative) == (40, 60)
    assert sum(f["test"] for f in result.folds) == 100 and len(result.folds) == calibration.FOLDS
    assert result.held_out.tp + result.held_out.fn == 40  # every positive was held out exactly once
    assert result.held_out.precision > result.baseline.precision
    assert result.precision_at_baseline_recall >= result.baseline.precision


def test_too_few_decisions_of_either_kind_are_refused():
    features, labels = synthetic(30, 9)
    with pytest.raises(calibration.CalibrationRefused, match="9 negative"):
        calibration.fit_calibration(features, labels, Model(), min_per_class=10)
    assert calibration.fit_calibration(features, labels, Model(), min_per_class=5).n_negative == 9


def test_a_fit_that_would_lower_precision_at_equal_recall_is_refused(monkeypatch):
    features, labels = synthetic(30, 30)
    perfect = Model(weights={"keywords": 40.0}, intercept=-12.0, threshold=0.5)
    # The current model separates the pairs perfectly, just either side of its threshold.
    features[:, FEATURES.index("keywords")] = np.where(labels == 1, 0.31, 0.29)
    backwards = Model(weights={"keywords": -40.0}, intercept=12.0)
    monkeypatch.setattr(calibration, "fit_anchored", lambda features, labels, current: backwards)
    with pytest.raises(calibration.CalibrationRefused, match="less precisely"):
        calibration.fit_calibration(features, labels, perfect, min_per_class=10)


def test_the_fit_starts_from_the_current_model_and_moves_with_the_evidence():
    features, labels = synthetic(40, 60)
    current = Model()
    assert calibration.fit_anchored(features[:0], labels[:0], current) == current  # no decisions: no change
    few = calibration.fit_anchored(features[:4], labels[:4], current)
    many = calibration.fit_anchored(features, labels, current)

    def moved(model: Model) -> float:
        return float(np.abs(model.vector - current.vector).sum())

    assert 0 < moved(few) < moved(many)
    assert many.threshold == current.threshold


def test_decisions_only_far_above_the_threshold_are_refused():
    features, labels = synthetic(30, 30)
    features[:, FEATURES.index("identifiers")] = 1.0  # every pair quotes the other: all score near 1
    with pytest.raises(calibration.CalibrationRefused, match="most useful to decide next"):
        calibration.fit_calibration(features, labels, Model(), min_per_class=10)


def test_metrics_count_alerts_against_labels():
    metrics = calibration.metrics_at(np.array([1, 1, 0, 0]), np.array([0.9, 0.4, 0.6, 0.1]), 0.5)
    assert (metrics.tp, metrics.fp, metrics.fn) == (1, 1, 1)
    assert metrics.precision == metrics.recall == metrics.f1 == 0.5
    assert calibration.metrics_at(np.array([1]), np.array([0.1]), 0.5).precision == 1.0


def label_alerts(db, factory, positives: int, negatives: int) -> None:
    """Alerts between items, decided directly: the labels calibration reads."""
    current_index().alerts_per_item = 10  # every pair of the nine items: 36 alerts
    for number in range(9):
        factory.item(f"X.cal-{number}", title="Guidelines on child online protection for industry")
    alerts = db.scalars(select(OverlapAlert).order_by(OverlapAlert.id)).all()
    assert len(alerts) >= positives + negatives
    features, labels = synthetic(positives, negatives)
    for alert, row, label in zip(alerts, features, labels):
        alert.features = dict(zip(FEATURES, map(float, row)))
        alert.state = "overlap" if label else "not_overlap"
    db.flush()


def test_calibrate_stores_the_model_and_every_index_switches_to_it(db, factory):
    label_alerts(db, factory, 15, 15)
    index = current_index()
    index.refresh(db)
    assert index.engine.version == ENGINE_VERSION and index.model_id is None
    row = calibration.calibrate(db, None, index.engine.model, min_per_class=10)
    assert row.is_active and row.labels == {"duplicate": 0, "overlap": 15, "related": 0, "not_overlap": 15}
    assert 0 <= row.precision <= 1 and 0 <= row.recall <= 1 and row.cv["folds"]
    index.refresh(db)
    assert index.model_id == row.id and index.engine.model == calibration.model_of(row)
    assert index.engine.version != ENGINE_VERSION
    fresh = factory.item("X.cal-new", title="Guidelines on child online protection for industry")
    raised = db.scalars(select(OverlapAlert).where(OverlapAlert.item_b_id == fresh.id)).all()
    assert raised and {a.engine_version for a in raised} == {index.engine.version}
    overlaps.scan_overlaps(db, index)  # a rescan refits the index and keeps scoring with the fitted model
    assert index.model_id == row.id and index.engine.model == calibration.model_of(row)

    # From the shipped model again: refitting the first fit on the same 30 decisions may rightly be
    # refused as no better (it was with the model of issue 13: 0.75 against 0.79 held out).
    second = calibration.calibrate(db, None, Model(), min_per_class=10)
    active = db.scalars(select(CalibrationModel.id).where(CalibrationModel.is_active.is_(True))).all()
    assert active == [second.id]
    assert calibration.reset_calibration(db, None) == 1
    index.refresh(db)
    assert index.model_id is None and index.engine.version == ENGINE_VERSION


def test_a_saved_index_remembers_its_model(db, factory, tmp_path):
    label_alerts(db, factory, 12, 12)
    row = calibration.calibrate(db, None, Model(), min_per_class=10)
    OverlapIndex(path=tmp_path / "index.bin").rebuild(db)
    restarted = OverlapIndex(path=tmp_path / "index.bin")
    restarted.refresh(db)
    assert restarted.model_id == row.id and restarted.engine.model == calibration.model_of(row)


def test_a_saved_index_scores_with_the_shipped_model_of_the_release_that_loads_it(db, factory, tmp_path):
    """An index saved under last release's default model (the same engine version: a refit that kept
    the features) scores with this release's default once loaded, not with the one it was saved with."""
    factory.item("X.saved-1", title="Guidelines on child online protection for industry")
    saved = OverlapIndex(path=tmp_path / "index.bin")
    saved.rebuild(db)
    last_release = Model(weights={name: 1.0 for name in FEATURES}, intercept=-3.0, threshold=0.4)
    saved.engine.set_model(last_release.weights, last_release.threshold, last_release.intercept)
    saved.save()
    restarted = OverlapIndex(path=tmp_path / "index.bin")
    restarted.refresh(db)
    assert restarted.model_id is None and restarted.engine.model == Model()
    assert restarted.engine.version == ENGINE_VERSION


def test_the_command_refuses_with_few_decisions_and_keeps_the_model(app, db, factory):
    label_alerts(db, factory, 4, 3)
    result = app.test_cli_runner().invoke(args=["overlaps", "calibrate"])
    assert result.exit_code == 1
    assert "at least 10 of each" in result.output and "current model stays" in result.output
    assert db.scalar(select(CalibrationModel.id)) is None


def test_the_command_fits_and_prints_precision_and_recall(app, db, factory):
    label_alerts(db, factory, 12, 12)
    result = app.test_cli_runner().invoke(args=["overlaps", "calibrate", "--min-labels", "10"])
    assert result.exit_code == 0, result.output
    assert "model in use before" in result.output and "fitted model" in result.output
    assert "alert threshold" in result.output
    assert db.scalar(select(CalibrationModel.id).where(CalibrationModel.is_active.is_(True))) is not None
    reset = app.test_cli_runner().invoke(args=["overlaps", "calibrate", "--reset"])
    assert reset.exit_code == 0 and "hand-set" in reset.output
