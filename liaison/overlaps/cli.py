"""``liaison overlaps``: batch scans of every pair of items, calibration from chairs' decisions, digests."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy.orm import Session

from liaison.cli.common import checkpoint, run_service
from liaison.indexing import current_index
from liaison.items.vectors import embed_missing, stale_item_ids
from liaison.overlaps import calibration
from liaison.overlaps.digests import MODES_SENT, queue_digests
from liaison.overlaps.index import OverlapIndex
from liaison.overlaps.operations import find_pairs, record_pairs
from liaison.similarity.embedding import batches_on_every_core


@click.group()
def overlaps() -> None:
    """Find overlapping work items."""


@overlaps.command()
def scan() -> None:
    """Rescan every pair of items and raise alerts above the threshold.

    Idempotent (one alert per pair, ever) and safe to run while the app serves: decided
    alerts are left as decided, open ones get the newest score and reasons. Scores come from
    the newest calibrated model, if there is one. Each item raises at most its
    LIAISON_ALERTS_PER_ITEM best alerts.

    First computes the vector of every item that has none for the current text and model (an
    existing database after an upgrade: all of them), committing batch by batch: an interrupted
    scan keeps what it embedded, and the app keeps serving meanwhile. The scan is its own process
    and embeds on every core (twice as fast on an idle 2-core machine; its threads take only cores
    that are free) unless LIAISON_EMBED_THREADS sets a number (bench/README.md).
    """
    index = current_index()
    with run_service() as session:
        _embed_missing(session, index)
        click.echo("Indexing work items and finding pairs...")
        report, pairs = find_pairs(session, index)
        with click.progressbar(pairs, label="Recording alerts", show_pos=True) as bar:
            record_pairs(session, index, bar, report)
    threshold = index.engine.threshold if index.engine else 0.0
    click.echo(
        f"Scanned {report.items} items: {report.pairs} pairs at or above the threshold {threshold:.2f}; "
        f"{report.created} new alerts, {report.updated} updated, {report.reopened} reopened "
        f"(dismissed pairs whose text changed), {report.unchanged} unchanged."
    )


def _embed_missing(session: Session, index: OverlapIndex) -> None:
    if index.embedder is None:
        return
    missing = len(stale_item_ids(session, index.embedder.name))
    if not missing:
        return
    with click.progressbar(length=missing, label="Embedding items", show_pos=True) as bar, batches_on_every_core():
        embedded = embed_missing(session, index.embedder, checkpoint=checkpoint, progress=bar.update)
    click.echo(f"Embedded {embedded} items ({missing - embedded} had a vector of the same text already).")


@overlaps.command()
@click.option(
    "--min-labels",
    type=click.IntRange(min=2),
    default=None,
    help="Decisions of each kind (positive, not an overlap) needed at least; "
    "default: the LIAISON_CALIBRATION_MIN_LABELS setting.",
)
@click.option("--reset", is_flag=True, help="Stop using fitted models: go back to the hand-set one.")
def calibrate(min_labels: int | None, reset: bool) -> None:
    """Fit the engine's feature weights and alert threshold to the chairs' decisions so far.

    Cross-validated: the precision and recall printed are those on decisions each fold held out,
    beside the current model's. Refused (the current model stays) with too few decisions of either
    kind, or when the fit would alert less precisely at the current model's recall. Every process
    switches to the new model on its next request; run ``liaison overlaps scan`` to rescore alerts.
    """
    if reset:
        with run_service() as session:
            count = calibration.reset_calibration(session, None)
        click.echo("Back to the hand-set model." if count else "No fitted model was in use.")
        return
    index = current_index()
    needed = min_labels or current_app.config["LIAISON_CALIBRATION_MIN_LABELS"]
    with run_service() as session:
        index.refresh(session)
        assert index.engine is not None
        row = calibration.calibrate(session, None, index.engine.model, min_per_class=needed)
    click.echo(f"Fitted on {row.n_positive} positive and {row.n_negative} negative decisions ({_kinds(row.labels)}).")
    click.echo("Held-out decisions     precision  recall   F1")
    click.echo(f"  model in use before   {row.baseline_precision:8.2f}  {row.baseline_recall:6.2f}  {row.cv['baseline_f1']:5.2f}")
    click.echo(f"  fitted model          {row.precision:8.2f}  {row.recall:6.2f}  {row.cv['f1']:5.2f}")
    click.echo(
        f"  fitted, at the recall of the model before: precision {row.cv['precision_at_baseline_recall']:.2f}"
    )
    weights = ", ".join(f"{name} {value:+.2f}" for name, value in row.weights.items())
    click.echo(f"Weights: {weights}; intercept {row.intercept:+.2f}; alert threshold {row.threshold:.2f}.")
    click.echo("Now in use. Run `liaison overlaps scan` to rescore the open alerts with it.")


@overlaps.command()
@click.option("--mode", type=click.Choice(MODES_SENT), default="daily", show_default=True,
              help="Whose digests: people who chose a daily digest, or immediate mail.")
def digest(mode: str) -> None:
    """Queue mail digests of new alerts for chairs and officers (run daily, and every few minutes for immediate).

    Each alert is mailed to a chair once; ``liaison outbox send`` (or the worker) delivers the mail.
    """
    config = current_app.config
    with run_service() as session:
        report = queue_digests(
            session, mode, base_url=config["LIAISON_BASE_URL"], coordination_group=config["LIAISON_COORDINATION_GROUP"]
        )
    click.echo(f"Queued {report.messages} digests ({mode}) listing {report.alerts} alerts for {report.people} people.")


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in counts.items())
