"""``liaison overlaps``: batch scans of every pair of items."""

from __future__ import annotations

import click

from liaison.cli.common import run_service
from liaison.indexing import current_index
from liaison.services.overlaps import find_pairs, record_pairs


@click.group()
def overlaps() -> None:
    """Find overlapping work items."""


@overlaps.command()
def scan() -> None:
    """Rescan every pair of items and raise alerts above the threshold.

    Idempotent (one alert per pair, ever) and safe to run while the app serves: decided
    alerts are left as decided, open ones get the newest score and reasons.
    """
    index = current_index()
    with run_service() as session:
        click.echo("Indexing work items and finding pairs...")
        report, pairs = find_pairs(session, index)
        with click.progressbar(pairs, label="Recording alerts", show_pos=True) as bar:
            record_pairs(session, index, bar, report)
    threshold = index.engine.threshold if index.engine else 0.0
    click.echo(
        f"Scanned {report.items} items: {report.pairs} pairs at or above the threshold {threshold:.2f}; "
        f"{report.created} new alerts, {report.updated} updated, {report.unchanged} unchanged."
    )
