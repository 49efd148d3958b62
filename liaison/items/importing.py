"""Bulk import and export of work items, as CSV or JSON Lines, idempotent by reference.

Two record shapes are read:

* liaison's own, as exported: the fields of :data:`EXPORT_COLUMNS`. ``id``, ``body``, ``version``,
  ``created_at`` and ``updated_at`` are read-only and ignored on import (``body`` follows from the
  group; the file wins over whatever version is stored). A field left out keeps its stored value.
* the evaluation records of ``shared/data`` (``{"id", "title", "summary", "body", "source", "date",
  "url"}``), recognised by an ``id`` and no ``reference``: see :func:`record_to_item`.

In CSV, ``keywords`` and ``equivalents`` are separated by ``;`` and each editor is written
``Name | Affiliation | e-mail``, editors separated by ``;``. A ``;``, ``|`` or ``\\`` inside a value
is written ``\\;``, ``\\|`` or ``\\\\`` (a backslash before any other character stays as it is), so
every value survives an export and a re-import.

Every row is validated by the same cleaners as the forms and the API. Rows are written in batches,
each batch in a SAVEPOINT; a batch the database refuses is redone row by row, each row (its item and
its audit event) in a SAVEPOINT of its own, so a bad row never takes good ones with it and never
leaves half of itself behind. Listeners of :func:`~liaison.items.operations.on_item_saved` are
not called per row: :attr:`ImportReport.changed_ids` lists what a batch overlap scan should look at.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Mapping, NamedTuple, TextIO, cast

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Row, Select, String, Table, insert, or_, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from liaison.core import strict_json
from liaison.core.csv_cells import cell_value, inert_cell
from liaison.core.errors import ValidationError
from liaison.core.permissions import can_edit_group
from liaison.items.documents import INACTIVE_STATUSES
from liaison.items.fields import clean_field, clean_item_fields, detected_language
from liaison.items.operations import as_dict
from liaison.items.schemas import EDITABLE_FIELDS, READ_ONLY_FIELDS, REQUIRED_FIELDS
from liaison.items.schemas import WorkItem as WorkItemSchema
from liaison.items.vectors import embed_items
from liaison.models import ITEM_STATUSES, AuditEvent, Body, Group, User, WorkItem, utcnow
from liaison.organisation.operations import ensure_group, group_by_code
from liaison.similarity.embedding import Embedder

FORMATS = ("csv", "jsonl")
#: Columns of an export: the fields of an item as the API shows it, in their order.
EXPORT_COLUMNS = tuple(WorkItemSchema.model_fields)
LIST_SEPARATOR = ";"
EDITOR_SEPARATOR = "|"
#: Keys of a shared-data record; any other key is passed on, and refused as an unknown field.
RECORD_KEYS = frozenset({"id", "title", "summary", "body", "source", "date", "url"})
_RECORD_FIELDS = {"id": "reference", "title": "title", "summary": "summary", "date": "start_date", "url": "url"}
BATCH_SIZE = 1000
# Rows are inserted through the tables (Core executemany), not the ORM's bulk path: the values are
# already clean and complete, and the ORM's per-row bookkeeping would double the time of an import.
_ITEM_TABLE = cast(Table, WorkItem.__table__)
_AUDIT_TABLE = cast(Table, AuditEvent.__table__)


def _length(column: Any) -> int:
    length = cast(String, column.type).length
    assert length is not None, f"{column} has no length"
    return length


_GROUP_CODE_LENGTH = _length(Group.__table__.c.code)
_GROUP_NAME_LENGTH = _length(Group.__table__.c.name)
_BODY_CODE_LENGTH = _length(Body.__table__.c.code)

# The two fields whose checks in clean_item_fields are queries (does the group exist, is the
# reference free): the import answers those from what it loaded per batch, and cleans their text
# with the very cleaners clean_item_fields uses, so that it accepts exactly what the forms accept.
_KEY_FIELDS = ("reference", "group")
_VALUE_FIELDS = tuple(f for f in EDITABLE_FIELDS if f not in _KEY_FIELDS)
# Fields of as_dict that change on every write and so are not part of an item's history.
_UNTRACKED = frozenset({"id", "version", "created_at", "updated_at"})
# What the database may refuse in a row that passed validation: a constraint (a reference taken
# by a concurrent import), a value too long for a column, or an item edited meanwhile.
_ROW_ERRORS = (IntegrityError, DataError, StaleDataError)


@dataclass(frozen=True)
class SourceRow:
    """One record read from a file: where it starts, and its fields or why it could not be read."""

    line: int
    record: dict[str, Any] | None
    error: str = ""


@dataclass(frozen=True)
class Rejection:
    """A row that was not imported, and why."""

    line: int
    reference: str
    reason: str


@dataclass(frozen=True)
class LineOutcome:
    """What became of one line: "created", "updated", "unchanged" or "rejected" (with why)."""

    line: int
    reference: str
    outcome: str
    reason: str = ""


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    groups_created: list[str] = field(default_factory=list)
    #: Ids of the items created or updated, for one overlap scan after the import.
    changed_ids: list[int] = field(default_factory=list)
    #: Every line's outcome, when asked for (the browser's report; a command's import of 100,000
    #: lines keeps only the counts and the rejections).
    lines: list[LineOutcome] | None = None

    def note(self, line: int, reference: str, outcome: str, reason: str = "") -> None:
        """Record one line's outcome, if this report keeps them."""
        if self.lines is not None:
            self.lines.append(LineOutcome(line, reference, outcome, reason))

    @property
    def accepted(self) -> int:
        """Rows that are in the database as the file has them."""
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        """One line for people: the four counts."""
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                  "rejected": len(self.rejected)}
        if self.dry_run:
            return _("%(created)s would be created, %(updated)s would be updated, %(unchanged)s unchanged, "
                     "%(rejected)s rejected.", **counts)
        return _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(rejected)s rejected.", **counts)


# -- reading ------------------------------------------------------------------------------------


def format_for_name(name: str) -> str | None:
    """The format a file name's extension implies, if any."""
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    return None


def sniff_format(first_line: str) -> str:
    """The format of a file whose name says nothing, from its first line: JSON Lines start with ``{``."""
    return "jsonl" if first_line.lstrip("\ufeff \t").startswith("{") else "csv"


def read_rows(lines: Iterable[str], fmt: str) -> Iterator[SourceRow]:
    """The records of a CSV or JSON Lines text, one :class:`SourceRow` each, with line numbers."""
    if fmt == "csv":
        return _read_csv(lines)
    if fmt == "jsonl":
        return _read_jsonl(lines)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def _read_jsonl(lines: Iterable[str]) -> Iterator[SourceRow]:
    for number, line in enumerate(lines, start=1):
        text = line.lstrip("\ufeff").strip()
        if not text:
            continue
        try:
            record = strict_json.parse(text)
        except (strict_json.MalformedJSON, strict_json.UnusableJSON) as exc:
            yield SourceRow(number, None, _("invalid JSON: %(reason)s", reason=exc))
            continue
        if not isinstance(record, dict):
            yield SourceRow(number, None, _("each line must hold one JSON object"))
            continue
        yield SourceRow(number, record)


def _read_csv(lines: Iterable[str]) -> Iterator[SourceRow]:
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return
    names = [name.lstrip("\ufeff").strip() for name in header]
    problem = _header_problem(names)
    if problem:
        yield SourceRow(1, None, _("wrong CSV header: %(problem)s", problem=problem))
        return
    start = reader.line_num + 1
    for cells in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            yield SourceRow(line, None, _("expected %(expected)s columns as in the header, found %(found)s",
                                          expected=len(names), found=len(cells)))
            continue
        try:
            record = _from_csv_cells(dict(zip(names, cells)))
        except ValueError as exc:
            yield SourceRow(line, None, str(exc))
            continue
        yield SourceRow(line, record)


def _header_problem(names: Sequence[str]) -> str:
    known = set(EDITABLE_FIELDS) | READ_ONLY_FIELDS
    unknown = [n for n in names if n not in known]
    if unknown:
        return ngettext("unknown column %(names)s", "unknown columns %(names)s", len(unknown),
                        names=", ".join(repr(n) for n in unknown))
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        return _("column %(name)s appears twice", name=repr(duplicates[0]))
    if "reference" not in names:
        return _("a 'reference' column is required")
    return ""


def _from_csv_cells(cells: Mapping[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name, cell in cells.items():
        value = cell_value(cell)
        if name in ("keywords", "equivalents"):
            record[name] = _split(value)
        elif name == "editors":
            editors = [part for part in _split_escaped(value, LIST_SEPARATOR) if part.strip()]
            record[name] = [_editor_from_csv(number, text) for number, text in enumerate(editors, start=1)]
        else:
            record[name] = value
    return record


_ESCAPED = re.compile(r"\\([\\;|])")
_TO_ESCAPE = re.compile(r"([\\;|])")


def _split(text: str) -> list[str]:
    """The values of a list cell, unescaped."""
    return [_unescape(part).strip() for part in _split_escaped(text, LIST_SEPARATOR) if part.strip()]


def _split_escaped(text: str, separator: str) -> list[str]:
    """``text`` cut at each ``separator`` not escaped by a backslash; escapes are kept for the caller."""
    parts, start, i = [], 0, 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == separator:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _escape(value: str) -> str:
    return _TO_ESCAPE.sub(r"\\\1", value)


def _unescape(value: str) -> str:
    return _ESCAPED.sub(r"\1", value)


def _editor_to_csv(editor: Mapping[str, str]) -> str:
    parts = [_escape(editor.get(key, "")) for key in ("name", "affiliation", "email")]
    while parts and not parts[-1]:  # "Name | Affiliation", not "Name | Affiliation | "
        parts.pop()
    return f" {EDITOR_SEPARATOR} ".join(parts)


def _editor_from_csv(number: int, text: str) -> dict[str, str]:
    parts = [_unescape(part).strip() for part in _split_escaped(text, EDITOR_SEPARATOR)]
    if len(parts) > 3:
        raise ValueError(_("editors: editor %(number)s has more than Name | Affiliation | e-mail", number=number))
    return dict(zip(("name", "affiliation", "email"), parts + ["", ""]))


def record_to_item(record: Mapping[str, Any]) -> tuple[dict[str, Any], str, str]:
    """The item fields of one record, the name for its group if created, and where it came from.

    liaison's own shape passes through without its read-only fields. A shared-data record maps as
    follows: ``id`` is the reference; ``date`` (YYYY-MM or YYYY-MM-DD) the start date; ``url`` and
    ``summary`` are kept; ``body`` names the group (see :func:`group_for_body`); these records are
    issued documents, so the status is ``published``; ``source`` sets the type (``...:TR`` is a
    technical report, anything else ``other``) and is named in the audit event of the import. It
    is not made a keyword: a keyword shared by every RFC would make them all look alike.
    """
    if "reference" in record or "id" not in record:
        return {k: v for k, v in record.items() if k not in READ_ONLY_FIELDS}, "", ""
    data = {k: v for k, v in record.items() if k not in RECORD_KEYS}
    # Only what the record has: a key left out keeps the stored value, as in liaison's own shape.
    data.update((name, record[key]) for key, name in _RECORD_FIELDS.items() if key in record)
    source = record.get("source")
    source = source if isinstance(source, str) else ""
    data.update(status="published", type="technical_report" if source.upper().endswith(":TR") else "other")
    group_name = ""
    if isinstance(record.get("body"), str):
        data["group"], group_name = group_for_body(record["body"])
    elif "body" in record:
        data["group"] = record["body"]
    return data, group_name, source


def group_for_body(body: str) -> tuple[str, str]:
    """The group code and name a shared-data ``body`` stands for.

    ``"IETF / httpbis"`` is group ``IETF/httpbis`` (named ``httpbis``) of body ``IETF``; a slash
    inside the group's name becomes ``-`` since codes are paths (``IETF / Audio/Video Transport``
    is ``IETF/Audio-Video Transport``). Without `` / `` the first word is the body: ``"3GPP SP"``
    is ``3GPP/SP``. A body alone (``"3GPP"``, or ``"3GPP -"``) is a group with the body's code.
    """
    text = " ".join(body.split())
    organisation, separator, unit = text.partition(" / ")
    if not separator:
        organisation, _, unit = text.partition(" ")
    organisation, unit = organisation.replace("/", "-").strip(), unit.strip()
    if not unit.strip("-").strip():
        return organisation, organisation
    return f"{organisation}/{unit.replace('/', '-')}", unit


# -- importing ----------------------------------------------------------------------------------


class _GroupRef(NamedTuple):
    """What rows need of a group. Plain values: a checkpoint's commit may expire ORM objects."""

    id: int
    code: str
    body_code: str

    @classmethod
    def of(cls, group: Group) -> _GroupRef:
        return cls(group.id, group.code, group.body.code)

    def stand_in(self) -> Any:
        """An object that reads like the group to :func:`~liaison.items.operations.as_dict`."""
        return SimpleNamespace(code=self.code, body=SimpleNamespace(code=self.body_code))


@dataclass
class _Row:
    """A row on its way in: what the file says, then what it means."""

    line: int
    data: dict[str, Any]
    group_name: str = ""
    origin: str = ""
    reference: str = ""
    group_code: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    group: _GroupRef | None = None
    #: The stored item's columns (:data:`_STORED_COLUMNS`) when the reference exists already.
    stored: Row[Any] | None = None
    item_id: int | None = None


# What a batch reads of the items it may update: plain columns, not ORM objects, since most rows
# of a re-run are unchanged and only need comparing.
_STORED_COLUMNS = (WorkItem.id, WorkItem.version, WorkItem.reference, WorkItem.group_id) + tuple(
    getattr(WorkItem, name) for name in _VALUE_FIELDS
)


class _Importer:
    """One import run: the caches it keeps between batches, and the report it fills."""

    def __init__(self, session: Session, actor: User | None, report: ImportReport) -> None:
        self.session = session
        self.actor = actor
        self.actor_id = actor.id if actor is not None else None
        self.report = report
        self.groups = {g.code: _GroupRef.of(g) for g in session.scalars(select(Group).options(joinedload(Group.body)))}
        self.first_line: dict[str, int] = {}
        optional = [f for f in _VALUE_FIELDS if f not in REQUIRED_FIELDS]
        self.defaults = clean_item_fields(session, dict.fromkeys(optional), partial=True)

    # Groups created on the fly are the system's or an admin's doing: an officer importing the
    # work programme of their group must not invent groups through a typo.
    @property
    def may_create_groups(self) -> bool:
        return self.actor is None or self.actor.is_admin

    def run_batch(self, batch: Sequence[SourceRow]) -> list[_Row]:
        """Validate and classify a batch, then write what changed; return the rows written."""
        rows = [row for row in (self._read(source) for source in batch) if row is not None]
        stored = self._stored([row.reference for row in rows])
        writes = [row for row in rows if self._classify(row, stored.get(row.reference))]
        if not writes:
            return []
        try:
            with self.session.begin_nested():
                self._write(writes)
        except _ROW_ERRORS:
            return self._write_one_by_one(writes)
        return writes

    def _read(self, source: SourceRow) -> _Row | None:
        """The row with its fields cleaned, or None (and a rejection) if any field is wrong."""
        if source.record is None:
            self._reject(source.line, "", source.error)
            return None
        data, group_name, origin = record_to_item(source.record)
        keys, errors = _clean_keys(data)
        if "reference" not in data:
            errors["reference"] = _("this field is required")
        values: dict[str, Any] = {}
        try:
            values = clean_item_fields(self.session, _without_keys(data), partial=True)
        except ValidationError as exc:
            errors.update(exc.errors)
        if not errors:
            first = self.first_line.setdefault(keys["reference"], source.line)
            if first != source.line:
                errors["reference"] = _("%(reference)s appears again (first on line %(first)s)", reference=repr(keys['reference']), first=first)
        if errors:
            self._reject(source.line, _raw_reference(data), ValidationError(errors).message)
            return None
        return _Row(source.line, data, group_name, origin, keys["reference"], keys.get("group"), values)

    def _stored(self, references: list[str]) -> dict[str, Row[Any]]:
        if not references:
            return {}
        found = self.session.execute(select(*_STORED_COLUMNS).where(WorkItem.reference.in_(references)))
        return {stored.reference: cast(Row[Any], stored) for stored in found}

    def _classify(self, row: _Row, stored: Row[Any] | None) -> bool:
        """Settle the row's group and fate; False if it is rejected or already as the file says."""
        row.stored = stored
        try:
            if row.group_code is not None:
                row.group = self._group(row)
            if stored is None:
                self._check_new(row)
                return True
            if not _differs(stored, row.values, row.group):
                self.report.unchanged += 1
                self.report.note(row.line, row.reference, "unchanged")
                return False
            self._check_update(row, stored)
            return True
        except ValidationError as exc:
            self._reject(row.line, row.reference, exc.message)
            return False

    def _group(self, row: _Row) -> _GroupRef:
        code = row.group_code or ""
        group = self.groups.get(code)
        if group is None:
            group = self._new_group(code, row.group_name)
            self.groups[code] = group
        if self.actor is not None and not can_edit_group(self.actor, group.id):
            raise ValidationError({"group": _("you hold no role in %(group_code)s: ask its chair or an admin", group_code=group.code)})
        return group

    def _new_group(self, code: str, name: str) -> _GroupRef:
        if not self.may_create_groups:
            raise ValidationError({"group": _("no group with code %(code)s", code=repr(code))})
        if len(code) > _GROUP_CODE_LENGTH or len(code.split("/", 1)[0].strip()) > _BODY_CODE_LENGTH:
            raise ValidationError({"group": _(
                "a new group's code has at most %(group_length)s characters, its body's %(body_length)s",
                group_length=_GROUP_CODE_LENGTH, body_length=_BODY_CODE_LENGTH,
            )})
        try:
            with self.session.begin_nested():
                created = ensure_group(self.session, self.actor, code, name=name[:_GROUP_NAME_LENGTH] or None)
                group = _GroupRef.of(created)
        except _ROW_ERRORS as exc:
            raise ValidationError({"group": _("cannot be created: %(value)s", value=_database_reason(exc))}) from exc
        # ensure_group tidies the code ("A / B" is "A/B"): an existing group may answer a new spelling.
        if group.code not in self.groups:
            self.report.groups_created.append(group.code)
            self.groups[group.code] = group
        return group

    def _check_new(self, row: _Row) -> None:
        missing = {"title": row.values.get("title"), "group": row.group}
        errors = {name: "this field is required" for name, given in missing.items() if not given}
        if errors:
            raise ValidationError(errors)
        row.values = self.defaults | row.values
        if not row.values.get("language"):
            row.values["language"] = detected_language(row.values["title"], row.values.get("summary", ""))

    def _check_update(self, row: _Row, stored: Row[Any]) -> None:
        if self.actor is not None and not can_edit_group(self.actor, stored.group_id):
            raise ValidationError({"reference": _("you may only edit the work items of your own groups")})
        # Cleaned again with the stored dates as defaults: a lone new target date must not fall
        # before the stored start date (clean_item_fields checks the order of the two it is given).
        dates = {"start_date": stored.start_date, "target_date": stored.target_date}
        clean_item_fields(self.session, dates | _without_keys(row.data), partial=True)

    def _write_one_by_one(self, rows: Sequence[_Row]) -> list[_Row]:
        written = []
        for row in rows:
            try:
                with self.session.begin_nested():
                    self._write([row])
            except _ROW_ERRORS as exc:
                self._reject(row.line, row.reference, _("the database refused it: %(reason)s", reason=_database_reason(exc)))
            else:
                written.append(row)
        return written

    def _write(self, rows: Sequence[_Row]) -> None:
        """Insert the new items, update the changed ones, and record one audit event for each."""
        now = utcnow()
        events = self._insert([row for row in rows if row.stored is None], now)
        events += self._update([row for row in rows if row.stored is not None], now)
        self.session.execute(insert(_AUDIT_TABLE), events)

    def _insert(self, rows: Sequence[_Row], now: dt.datetime) -> list[dict[str, Any]]:
        if not rows:
            return []
        params = [
            row.values
            | {
                "reference": row.reference,
                "group_id": row.group.id if row.group else None,
                "created_by_id": self.actor_id,
                "updated_by_id": self.actor_id,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for row in rows
        ]
        returning = insert(_ITEM_TABLE).returning(_ITEM_TABLE.c.reference, _ITEM_TABLE.c.id)
        ids: dict[str, int] = dict(self.session.execute(returning, params).all())
        events = []
        for row, values in zip(rows, params):
            row.item_id = ids[row.reference]
            # as_dict only reads attributes: a plain stand-in for the new row gives the event a form
            # would have recorded, without building 100,000 instrumented ORM objects.
            group = row.group.stand_in() if row.group else None
            stand_in = cast(WorkItem, SimpleNamespace(id=row.item_id, group=group, **values))
            summary = f"Imported {row.reference}" + (f" ({row.origin})" if row.origin else "")
            events.append(self._event("work_item.create", row.item_id, summary, as_dict(stand_in), now))
        return events

    def _update(self, rows: Sequence[_Row], now: dt.datetime) -> list[dict[str, Any]]:
        if not rows:
            return []
        items = self.session.scalars(
            select(WorkItem)
            .options(joinedload(WorkItem.group).joinedload(Group.body))
            .where(WorkItem.id.in_([row.stored.id for row in rows if row.stored is not None]))
        )
        by_id = {item.id: item for item in items}
        events = []
        for row in rows:
            assert row.stored is not None
            item = by_id.get(row.stored.id)
            # Classified against one version, about to write over another: someone saved meanwhile.
            if item is None or item.version != row.stored.version:
                raise StaleDataError(f"{row.reference} changed since this batch read it")
            before = as_dict(item)
            for name, value in row.values.items():
                setattr(item, name, value)
            if row.group is not None and row.group.id != item.group_id:
                item.group = self.session.get_one(Group, row.group.id)
            after = as_dict(item)
            changes = {k: [before[k], after[k]] for k in after if before[k] != after[k] and k not in _UNTRACKED}
            item.updated_by_id = self.actor_id
            row.item_id = item.id
            withdrawn = changes.get("status", [None, None])[1] == "withdrawn"
            action = "work_item.withdraw" if withdrawn else "work_item.update"
            summary = f"Changed {', '.join(sorted(changes))} of {item.reference}"
            events.append(self._event(action, item.id, summary, changes, now))
        self.session.flush()
        return events

    def _event(
        self, action: str, item_id: int, summary: str, changes: dict[str, Any], now: dt.datetime
    ) -> dict[str, Any]:
        # The columns record_event fills, for one executemany per batch instead of one ORM object per row.
        return {
            "actor_id": self.actor_id,
            "action": action,
            "object_type": "work_item",
            "object_id": str(item_id),
            "summary": summary[:500],
            "changes": changes,
            "created_at": now,
        }

    def _reject(self, line: int, reference: str, reason: str) -> None:
        self.report.rejected.append(Rejection(line, reference, reason))
        self.report.note(line, reference, "rejected", reason)


def import_records(
    session: Session,
    actor: User | None,
    rows: Iterable[SourceRow],
    *,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    checkpoint: Callable[[], None] | None = None,
    per_line: bool = False,
    embedder: Embedder | None = None,
) -> ImportReport:
    """Create or update one work item per row, by reference; never a duplicate, never half a row.

    ``actor`` None is the system (an operator's command); otherwise the actor's roles apply as in
    the forms. ``checkpoint`` runs after each batch is written (the command commits there, so that
    an interrupted import keeps whole batches and a re-run finishes the rest). With ``dry_run``
    everything happens inside a SAVEPOINT that is rolled back: the report says what would happen.
    With ``per_line`` the report lists every line's outcome, in the order of the file.
    With an ``embedder``, each batch's new and changed items get their vectors before the checkpoint
    (one batched call of the model per batch).
    """
    report = ImportReport(dry_run=dry_run, lines=[] if per_line else None)
    scope = session.begin_nested() if dry_run else None
    try:
        importer = _Importer(session, actor, report)
        iterator = iter(rows)
        while batch := list(itertools.islice(iterator, batch_size)):
            written = []
            for row in importer.run_batch(batch):
                if row.stored is None:
                    report.created += 1
                else:
                    report.updated += 1
                report.note(row.line, row.reference, "created" if row.stored is None else "updated")
                if not dry_run and row.item_id is not None:
                    report.changed_ids.append(row.item_id)
                    written.append(row.item_id)
            if embedder is not None and written:
                embed_items(session, embedder, _active_items(session, written))
            if checkpoint is not None and not dry_run:
                checkpoint()
    finally:
        if scope is not None:
            scope.rollback()
    report.rejected.sort(key=lambda rejection: rejection.line)
    if report.lines is not None:
        report.lines.sort(key=lambda outcome: outcome.line)
    return report


def _active_items(session: Session, item_ids: list[int]) -> list[WorkItem]:
    return list(
        session.scalars(
            select(WorkItem)
            .options(joinedload(WorkItem.group).joinedload(Group.body))
            .where(WorkItem.id.in_(item_ids), WorkItem.status.not_in(INACTIVE_STATUSES))
        )
    )


def _differs(stored: Row[Any], values: Mapping[str, Any], group: _GroupRef | None) -> bool:
    if group is not None and group.id != stored.group_id:
        return True
    return any(getattr(stored, name) != value for name, value in values.items())


def _clean_keys(data: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The row's reference and group as stored, and what is wrong with each (both are required)."""
    errors: dict[str, str] = {}
    keys: dict[str, str] = {}
    for name in _KEY_FIELDS:
        if name not in data:
            continue
        try:
            keys[name] = clean_field(name, data[name])
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if not keys[name]:
            errors[name] = _("this field is required")
    return keys, errors


def _without_keys(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in _KEY_FIELDS}


def _raw_reference(data: Mapping[str, Any]) -> str:
    value = data.get("reference")
    return value.strip()[:120] if isinstance(value, str) else ""


def _database_reason(exc: Exception) -> str:
    if isinstance(exc, StaleDataError):
        return _("the item was changed by someone else meanwhile; run the import again")
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# -- exporting ----------------------------------------------------------------------------------


def export_query(session: Session, group_code: str | None = None, statuses: Sequence[str] = ()) -> Select:
    """Every item (public or not), by reference; narrowed to a group and its sub-groups, and to statuses."""
    query = select(WorkItem).options(joinedload(WorkItem.group).joinedload(Group.body)).order_by(WorkItem.reference)
    if group_code:
        group = group_by_code(session, group_code)
        subgroup = Group.code.startswith(group.code + "/", autoescape=True)
        sub = select(Group.id).where(or_(Group.id == group.id, subgroup))
        query = query.where(WorkItem.group_id.in_(sub))
    unknown = sorted(set(statuses) - set(ITEM_STATUSES))
    if unknown:
        raise ValidationError({"status": _("%(value)s is not one of: %(value2)s", value=repr(unknown[0]), value2=', '.join(ITEM_STATUSES))})
    if statuses:
        query = query.where(WorkItem.status.in_(list(statuses)))
    return query


def export_items(session: Session, out: TextIO, fmt: str, query: Select | None = None) -> int:
    """Write the items of ``query`` (default: :func:`export_query`, every item) to ``out`` as they
    are read, as CSV or JSON Lines; return how many."""
    if fmt not in FORMATS:
        raise ValidationError({"format": _("must be one of: %(value)s", value=', '.join(FORMATS))})
    query = (export_query(session) if query is None else query).execution_options(yield_per=500)
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writeheader()
    count = 0
    for item in session.scalars(query):
        record = as_dict(item)
        if writer is not None:
            writer.writerow(_to_csv_cells(record))
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


#: The example row of the import template: a made-up item showing how each kind of field is written.
TEMPLATE_EXAMPLE = {
    "reference": "X.example-cop",
    "title": "Guidelines on child online protection for example services",
    "summary": "What the work covers, in a few sentences.",
    "type": "recommendation",
    "status": "proposed",
    "group": "ITU-T/SG17",
    "question": "Q6/17",
    "editors": [{"name": "Ana Editor", "affiliation": "Example Org", "email": "ana.editor@example.org"}],
    "approval_process": "AAP",
    "start_date": "2026-01-20",
    "target_date": "2027-09-30",
    "keywords": ["child online protection", "age assurance"],
    "equivalents": [],
    "base_text": "C-123",
    "url": "https://www.itu.int/",
    "language": "en",
    "is_public": True,
}


def import_template(fmt: str) -> str:
    """A file to fill in for an import: the writable columns and one example row, as CSV or JSON Lines."""
    if fmt not in FORMATS:
        raise ValidationError({"format": _("must be one of: %(value)s", value=', '.join(FORMATS))})
    if fmt == "jsonl":
        return json.dumps(TEMPLATE_EXAMPLE, ensure_ascii=False) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(TEMPLATE_EXAMPLE), lineterminator="\n")
    writer.writeheader()
    writer.writerow(_to_csv_cells(TEMPLATE_EXAMPLE))
    return out.getvalue()


def _to_csv_cells(record: Mapping[str, Any]) -> dict[str, str]:
    cells = {}
    for name, value in record.items():
        if name in ("keywords", "equivalents"):
            cells[name] = f"{LIST_SEPARATOR} ".join(_escape(v) for v in value)
        elif name == "editors":
            cells[name] = f"{LIST_SEPARATOR} ".join(_editor_to_csv(editor) for editor in value)
        elif isinstance(value, bool):
            cells[name] = "true" if value else "false"
        else:
            cells[name] = "" if value is None else str(value)
    return {name: inert_cell(cell) for name, cell in cells.items()}
