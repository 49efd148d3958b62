"""``liaison items``: import and export a work programme as CSV or JSON Lines."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any, ContextManager, TextIO, cast

import click

from liaison.accounts import operations as accounts
from liaison.cli.common import checkpoint, run_service
from liaison.indexing import current_index
from liaison.items.importing import (
    FORMATS,
    ImportReport,
    SourceRow,
    export_items,
    export_query,
    format_for_name,
    import_records,
    read_rows,
    sniff_format,
)
from liaison.models import ITEM_STATUSES
from liaison.overlaps.operations import ScanReport, import_scans_every_pair, raise_alerts_after_import
from liaison.similarity.embedding import batches_on_every_core

#: Groups created on the fly that the report names (an RFC import creates hundreds).
GROUPS_SHOWN = 20
FORMAT_HELP = """
\b
Formats (--format, or from the extension: .csv; .jsonl, .ndjson, .json):
  csv    one item a row, header = field names as exported; keywords and
         equivalents separated by ';', editors 'Name | Affiliation | e-mail'
         separated by ';'; a ';', '|' or '\\' inside a value is written
         '\\;', '\\|' or '\\\\'
  jsonl  one JSON object a line: liaison's fields as exported, or the
         evaluation records {"id","title","summary","body","source","date","url"}
"""
IMPORT_HELP = FORMAT_HELP + """
\b
Read-only fields (id, body, version, created_at, updated_at) are ignored; a
field left out keeps its stored value. In evaluation records, id is the
reference, date the start date, status is 'published', source 'xxx:TR' makes a
technical report (else type 'other'), and body names the group: 'IETF / httpbis'
is group IETF/httpbis, '3GPP SP' is 3GPP/SP, '3GPP' alone the group 3GPP.

Groups that do not exist are created, with their bodies, when the system or an
admin imports; a user given with --as who is not an admin imports only into
the groups where they hold a role.
"""


@click.group()
def items() -> None:
    """Import and export work items (CSV or JSON Lines)."""


@items.command("import", epilog=IMPORT_HELP)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="Default: from the file's extension (stdin: sniffed)."
)
@click.option("--dry-run", is_flag=True, help="Check every row and report what would change; write nothing.")
@click.option("--as", "actor_email", metavar="EMAIL", help="Act as this user (their roles apply; default: the system).")
def import_items(path: str, fmt: str | None, dry_run: bool, actor_email: str | None) -> None:
    """Create or update one work item per record of PATH ('-' for stdin), by reference.

    Re-running an import changes nothing that is already as the file says. Rows are written in
    batches, each row whole or not at all, with the sentence embeddings of the batch's items; a rejected row is reported with its line and reason and
    does not stop the others. An interrupted import keeps the batches it finished: run it again.
    """
    with run_service() as session:
        actor = accounts.user_by_email(session, actor_email) if actor_email else None
        if actor is not None and not actor.is_active:
            raise click.ClickException(f"{actor.email} is deactivated")
        # The import is its own process: its batches' embeddings may take every core.
        with _open(path) as stream, _progress(path) as bar, batches_on_every_core():
            lines, fmt = _format(path, stream, fmt)
            rows = _tracked(read_rows(lines, fmt), bar)
            report = import_records(
                session, actor, rows, dry_run=dry_run, checkpoint=None if dry_run else checkpoint,
                embedder=current_index().embedder,
            )
    _print_report(report)
    if report.changed_ids and not dry_run:
        _raise_alerts(report.changed_ids)
    if not report.accepted:
        raise click.ClickException(
            "no valid rows: nothing was imported" if report.rejected else f"{path} holds no records"
        )


@items.command("export", epilog=FORMAT_HELP)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from --output's extension, else jsonl.")
@click.option("--output", "-o", default="-", type=click.Path(dir_okay=False, allow_dash=True), help="Default: stdout.")
@click.option("--group", "group_code", metavar="CODE", help="Only this group and its sub-groups, e.g. ITU-T/SG17.")
@click.option(
    "--status", "statuses", multiple=True, type=click.Choice(ITEM_STATUSES), help="Only these statuses (repeatable)."
)
def export(fmt: str | None, output: str, group_code: str | None, statuses: tuple[str, ...]) -> None:
    """Write every work item, public or not, ordered by reference (streamed)."""
    fmt = fmt or format_for_name(output) or "jsonl"
    with run_service() as session:
        # Built before the file is opened: an unknown group must not leave an empty file behind.
        query = export_query(session, group_code, statuses)
        with click.open_file(output, "w", encoding="utf-8") as out:
            count = export_items(session, cast(TextIO, out), fmt, query)
    click.echo(f"Exported {count} work item{'s' if count != 1 else ''} as {fmt}.", err=True)


def _raise_alerts(item_ids: list[int]) -> None:
    """Compare what the import changed with everything else, as saving one item by form does."""
    if import_scans_every_pair(len(item_ids)):
        click.echo("Scanning every pair for overlaps...", err=True)
    with run_service() as session:
        outcome = raise_alerts_after_import(session, current_index(), item_ids)
    if isinstance(outcome, ScanReport):
        click.echo(f"Overlap scan: {outcome.created} new alerts, {outcome.updated} updated.")
    else:
        click.echo(f"Overlap check: {outcome} alert(s) raised or refreshed for the imported items.")


def _open(path: str) -> ContextManager[TextIO]:
    # utf-8-sig: spreadsheet programs start their CSV files with a byte-order mark.
    if path == "-":
        return cast(ContextManager[TextIO], click.open_file("-", "r", encoding="utf-8-sig"))
    return open(path, encoding="utf-8-sig", newline="")


def _progress(path: str) -> ContextManager[Any]:
    """A bar on stderr (stdout is for the report) that follows the line numbers of a file; none for stdin."""
    if path == "-":
        return nullcontext()
    return click.progressbar(
        length=_count_lines(path), label="Importing", file=sys.stderr, show_pos=True
    )


def _format(path: str, stream: Iterable[str], fmt: str | None) -> tuple[Iterable[str], str]:
    """The lines to read and their format: given, from the extension, or (stdin) from the first line."""
    if fmt is not None:
        return stream, fmt
    if path != "-":
        known = format_for_name(path)
        if known is None:
            raise click.UsageError(f"cannot tell the format of {path!r} from its name: give --format csv or jsonl")
        return stream, known
    iterator = iter(stream)
    first = next(iterator, "")
    return itertools.chain([first], iterator), sniff_format(first)


def _count_lines(path: str) -> int:
    count = 0
    with Path(path).open("rb") as raw:
        while chunk := raw.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _tracked(rows: Iterator[SourceRow], bar: Any) -> Iterator[SourceRow]:
    for row in rows:
        if bar is not None:
            bar.update(row.line - bar.pos)
        yield row
    if bar is not None:
        bar.update(bar.length - bar.pos)


def _print_report(report: ImportReport) -> None:
    click.echo(("Dry run: " if report.dry_run else "") + report.summary())
    if report.groups_created:
        verb = "Would create" if report.dry_run else "Created"
        shown = ", ".join(report.groups_created[:GROUPS_SHOWN])
        more = len(report.groups_created) - GROUPS_SHOWN
        click.echo(f"{verb} {len(report.groups_created)} group(s): {shown}" + (f" and {more} more" if more > 0 else ""))
    if report.rejected:
        click.echo(f"Rejected ({len(report.rejected)} rows, none of them imported):")
        for rejection in report.rejected:
            label = f" {rejection.reference}" if rejection.reference else ""
            click.echo(f"  line {rejection.line}{label}: {rejection.reason}")
    if report.dry_run:
        click.echo("Nothing was written (dry run).")
