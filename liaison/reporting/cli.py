"""``liaison report``: the annual report to Council for a period, as .docx, HTML or CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app

from liaison.core.errors import ValidationError
from liaison.db import get_session
from liaison.languages import DEFAULT_LANGUAGE, INTERFACE_LANGUAGES
from liaison.reporting.annual import FORMATS, council_header, make_report, parse_period
from liaison.reporting.links import site_linker
from liaison.speaking import language


@click.command("report")
@click.option("--from", "date_from", required=True, metavar="YYYY-MM-DD", help="First day of the period.")
@click.option("--to", "date_to", required=True, metavar="YYYY-MM-DD", help="Last day of the period (included).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="docx", show_default=True, help="File format.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    help="Where to write it ('-' for standard output); by default liaison-report-FROM-TO.FORMAT here.",
)
@click.option(
    "--language", "lang", type=click.Choice(list(INTERFACE_LANGUAGES)), default=DEFAULT_LANGUAGE, show_default=True,
    help="The language it is written in (one of ITU's six; Council receives each version of a document).",
)
def report(date_from: str, date_to: str, fmt: str, output: Path | None, lang: str) -> None:
    """Write the annual report to Council (Resolution 1306) for a period, from public data.

    Links in the report point at LIAISON_BASE_URL, the address of the public site.
    """
    try:
        period = parse_period(date_from, date_to)
    except ValidationError as exc:
        raise click.UsageError("; ".join(f"--{name}: {problem}" for name, problem in exc.errors.items())) from exc
    with current_app.test_request_context(base_url=current_app.config["LIAISON_BASE_URL"]), language(lang):
        header = council_header(current_app.config, period.end, dt.datetime.now(dt.timezone.utc).date())
        rendered = make_report(get_session(), period, fmt, site_linker(), header=header)
    if output is not None and str(output) == "-":
        with click.open_file("-", "wb") as stdout:
            stdout.write(rendered.content)
        return
    path = output or Path(rendered.filename)
    path.write_bytes(rendered.content)
    click.echo(f"Wrote the report for {period} to {path} ({len(rendered.content):,} bytes).")
