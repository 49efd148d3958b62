"""Bulk import and export: formats, idempotence, rejections with line numbers, and whole rows only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from liaison.core.errors import NotFound, ValidationError
from liaison.items.fields import clean_item_fields
from liaison.items.importing import (
    EXPORT_COLUMNS,
    ImportReport,
    SourceRow,
    export_items,
    export_query,
    group_for_body,
    import_records,
    read_rows,
)
from liaison.items.operations import as_dict
from liaison.models import AuditEvent, Group, WorkItem
from tests.factories import Factory


def jsonl(*records: Any) -> list[str]:
    """Lines of a JSON Lines file: dicts are dumped, strings kept as they are."""
    return [(r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records]


def run(db: Session, lines: Any, fmt: str = "jsonl", **options: Any) -> ImportReport:
    return import_records(db, options.pop("actor", None), read_rows(lines, fmt), **options)


def count(db: Session, model: type, *where: Any) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where)) or 0


def item(db: Session, reference: str) -> WorkItem | None:
    db.expire_all()
    return db.scalar(select(WorkItem).where(WorkItem.reference == reference))


def events(db: Session, item_id: int) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "work_item", AuditEvent.object_id == str(item_id))
            .order_by(AuditEvent.id)
        )
    )


def rich_items(factory: Factory) -> None:
    """Items that use every field, with text that CSV has to quote."""
    factory.item(
        "X.rt-1",
        group="ITU-T/SG17/Q6",
        title='Age assurance, "privacy" and you',
        summary="Line one;\nline two, with a comma | and a bar.\nÉté, 儿童.",
        type="recommendation",
        status="active",
        question="Q6/17",
        editors=[
            {"name": "Ana Editor", "affiliation": "Example Org", "email": "ana@example.org"},
            {"name": "Bo Only", "affiliation": "", "email": ""},
            {"name": "Cy Mail", "affiliation": "", "email": "cy@example.org"},
        ],
        approval_process="TAP",
        start_date="2025-01-15",
        target_date="2026-04",
        keywords=["age assurance", "privacy, by design"],
        equivalents=["ISO/IEC 27566-1"],
        base_text="TD 123",
        url="https://example.org/x",
        language="fr",
        is_public=False,
    )
    factory.item("X.rt-2", group="ITU-D/SG2/Q3", title="Plain item")
    # Values holding the CSV list separators and the escape character itself.
    factory.item(
        "X.rt-3",
        title="Separators in lists",
        editors=[
            {"name": "Di; Eva", "affiliation": "R&D | Labs\\", "email": ""},
            {"name": "C:\\temp \\; odd", "affiliation": "", "email": "di@example.org"},
        ],
        keywords=["a;b", "c|d", "e\\", "\\;"],
        equivalents=["ISO/IEC 1;2"],
    )


# -- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_then_import_changes_nothing(db, factory, fmt):
    rich_items(factory)
    out = io.StringIO()
    assert export_items(db, out, fmt) == 3
    before = count(db, AuditEvent)

    report = run(db, io.StringIO(out.getvalue()), fmt)

    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 0, 3, [])
    assert count(db, AuditEvent) == before and count(db, WorkItem) == 3


def test_export_columns_are_as_dict_keys_and_csv_lists_follow_the_convention(db, factory):
    rich_items(factory)
    assert tuple(as_dict(item(db, "X.rt-1"))) == EXPORT_COLUMNS
    out = io.StringIO()
    export_items(db, out, "csv")
    assert out.getvalue().splitlines()[0] == ",".join(EXPORT_COLUMNS)
    first = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert first["editors"] == "Ana Editor | Example Org | ana@example.org; Bo Only; Cy Mail |  | cy@example.org"
    assert (first["keywords"], first["is_public"], first["target_date"]) == ("age assurance; privacy, by design", "false", "2026-04-01")
    escaped = next(row for row in csv.DictReader(io.StringIO(out.getvalue())) if row["reference"] == "X.rt-3")
    assert escaped["keywords"] == "a\\;b; c\\|d; e\\\\; \\\\\\;"
    assert escaped["editors"] == "Di\\; Eva | R&D \\| Labs\\\\; C:\\\\temp \\\\\\; odd |  | di@example.org"


def test_csv_editors_are_read_as_name_affiliation_email(db, factory):
    factory.group("ITU-T/SG17")
    lines = io.StringIO(
        "reference,title,group,editors\n"
        "X.ed,Title,ITU-T/SG17,Ana Editor | Example Org | ana@example.org; Bo Only\n"
        "X.bad,Title,ITU-T/SG17,A | B | c@example.org | D\n"
    )
    report = run(db, lines, "csv")
    assert report.created == 1
    assert item(db, "X.ed").editors == [
        {"name": "Ana Editor", "affiliation": "Example Org", "email": "ana@example.org"},
        {"name": "Bo Only", "affiliation": "", "email": ""},
    ]
    assert [(r.line, r.reason) for r in report.rejected] == [
        (3, "editors: editor 1 has more than Name | Affiliation | e-mail")
    ]



def test_a_hand_written_backslash_before_other_characters_is_kept(db, factory):
    factory.group("ITU-T/SG17")
    lines = io.StringIO("reference,title,group,keywords\nX.bs,Title,ITU-T/SG17,C:\\temp; a\\;b; end\\\n")
    assert run(db, lines, "csv").created == 1
    assert item(db, "X.bs").keywords == ["C:\\temp", "a;b", "end\\"]

# -- the shared-data records, as they are -------------------------------------------------------

SHARED_SHAPE = [
    {"id": "RFC9990", "title": "An Example Message Syntax", "summary": "Invented abstract for a test.",
     "body": "IETF / httpbis", "source": "ietf:rfc", "date": "2014-06", "url": "https://www.rfc-editor.org/info/rfc9990"},
    {"id": "RFC9991", "title": "An Example Payload Format", "summary": "",
     "body": "IETF / Audio/Video Transport", "source": "ietf:rfc", "date": "2003-07", "url": "https://www.rfc-editor.org/info/rfc9991"},
    {"id": "3GPP TR 99.001", "title": "Example study of numbering", "summary": "",
     "body": "3GPP SP", "source": "3gpp:TR", "date": "1999-11-11", "url": "http://www.3gpp.org/ftp/Specs/archive/99_series/99.001/x.zip"},
    {"id": "3GPP TS 99.002", "title": "Example service requirements", "summary": "",
     "body": "3GPP -", "source": "3gpp:TS", "date": "", "url": ""},
    {"id": "3GPP TS 99.003", "title": "Example protocol", "summary": "", "body": "3GPP", "source": "3gpp:TS", "date": "", "url": ""},
]


def test_shared_data_records_import_as_they_are(db):
    report = run(db, jsonl(*SHARED_SHAPE))

    assert (report.created, report.rejected) == (5, [])
    assert report.groups_created == ["IETF/httpbis", "IETF/Audio-Video Transport", "3GPP/SP", "3GPP"]
    rfc = item(db, "RFC9990")
    assert (rfc.group.code, rfc.group.name, rfc.group.body.code) == ("IETF/httpbis", "httpbis", "IETF")
    assert (rfc.status, rfc.type, rfc.start_date) == ("published", "other", dt.date(2014, 6, 1))
    assert rfc.url == "https://www.rfc-editor.org/info/rfc9990" and rfc.summary == "Invented abstract for a test."
    assert item(db, "RFC9991").group.name == "Audio/Video Transport"
    tr = item(db, "3GPP TR 99.001")
    assert (tr.group.code, tr.group.body.code, tr.type, tr.start_date) == ("3GPP/SP", "3GPP", "technical_report", dt.date(1999, 11, 11))
    assert item(db, "3GPP TS 99.002").group.code == item(db, "3GPP TS 99.003").group.code == "3GPP"
    assert item(db, "3GPP TS 99.002").start_date is None
    created = events(db, rfc.id)
    assert [(e.action, e.summary) for e in created] == [("work_item.create", "Imported RFC9990 (ietf:rfc)")]
    assert created[0].changes == as_dict(rfc)

    again = run(db, jsonl(*SHARED_SHAPE))
    assert (again.created, again.updated, again.unchanged, again.groups_created) == (0, 0, 5, [])


@pytest.mark.parametrize(
    "body, code, name",
    [
        ("IETF / httpbis", "IETF/httpbis", "httpbis"),
        ("IETF / Audio/Video Transport", "IETF/Audio-Video Transport", "Audio/Video Transport"),
        ("IETF / IETF - NON WORKING GROUP", "IETF/IETF - NON WORKING GROUP", "IETF - NON WORKING GROUP"),
        ("3GPP SP", "3GPP/SP", "SP"),
        ("3GPP  -", "3GPP", "3GPP"),
        ("3GPP", "3GPP", "3GPP"),
        ("", "", ""),
    ],
)
def test_group_for_body(body, code, name):
    assert group_for_body(body) == (code, name)


# -- idempotence and updates --------------------------------------------------------------------


def programme(group: str = "ITU-T/SG17") -> list[dict[str, Any]]:
    return [
        {"reference": f"X.prog-{n}", "title": f"Item {n}", "group": group, "summary": "About children online."}
        for n in range(1, 5)
    ]


def test_rerun_updates_what_changed_and_never_duplicates(db, factory):
    factory.group("ITU-T/SG17")
    rows = programme()
    first = run(db, jsonl(*rows))
    assert first.created == 4 and len(first.changed_ids) == 4
    rows[1]["title"] = "Item 2, retitled"
    rows[2]["status"] = "withdrawn"

    second = run(db, jsonl(*rows))

    assert (second.created, second.updated, second.unchanged) == (0, 2, 2)
    assert count(db, WorkItem) == 4
    retitled, withdrawn = item(db, "X.prog-2"), item(db, "X.prog-3")
    assert second.changed_ids == [retitled.id, withdrawn.id]
    assert (retitled.title, retitled.version) == ("Item 2, retitled", 2)
    update = events(db, retitled.id)[-1]
    assert (update.action, update.changes) == ("work_item.update", {"title": ["Item 2", "Item 2, retitled"]})
    assert update.summary == "Changed title of X.prog-2"
    assert events(db, withdrawn.id)[-1].action == "work_item.withdraw"
    assert run(db, jsonl(*rows)).unchanged == 4


def test_a_field_left_out_keeps_its_stored_value(db, factory):
    factory.item("X.keep", title="Kept title", summary="Kept summary", start_date="2025-01-01")

    report = run(db, jsonl({"reference": "X.keep", "status": "active"}))

    kept = item(db, "X.keep")
    assert report.updated == 1
    assert (kept.status, kept.title, kept.summary) == ("active", "Kept title", "Kept summary")
    late = run(db, jsonl({"reference": "X.keep", "target_date": "2024-06"}))
    assert [r.reason for r in late.rejected] == ["target_date: the target date is before the start date"]


def test_moving_an_item_to_another_group_is_recorded(db, factory):
    factory.group("ITU-D/SG2")
    moved = factory.item("X.move", group="ITU-T/SG17")

    run(db, jsonl({"reference": "X.move", "group": "ITU-D/SG2"}))

    assert item(db, "X.move").group.code == "ITU-D/SG2"
    change = events(db, moved.id)[-1].changes
    assert change["group"] == ["ITU-T/SG17", "ITU-D/SG2"] and change["body"] == ["ITU-T", "ITU-D"]


def test_dry_run_reports_and_writes_nothing(db, factory):
    factory.group("ITU-T/SG17")
    rows = programme()[:2] + [{"reference": "X.new-group", "title": "Elsewhere", "group": "NEW/G1"}]
    counts = (count(db, WorkItem), count(db, Group), count(db, AuditEvent))

    dry = run(db, jsonl(*rows), dry_run=True, checkpoint=lambda: pytest.fail("a dry run must not commit"))

    assert (dry.dry_run, dry.created, dry.groups_created, dry.changed_ids) == (True, 3, ["NEW/G1"], [])
    assert (count(db, WorkItem), count(db, Group), count(db, AuditEvent)) == counts
    real = run(db, jsonl(*rows))
    assert (real.created, real.groups_created) == (3, ["NEW/G1"])


# -- rejected rows ------------------------------------------------------------------------------


def test_bad_rows_are_rejected_with_line_and_reason_and_good_rows_land(db, factory):
    factory.group("ITU-T/SG17")
    good = {"title": "Fine", "group": "ITU-T/SG17"}
    lines = jsonl(
        {"reference": "X.a"} | good,
        {"reference": "X.no-title", "group": "ITU-T/SG17"},
        {"reference": "X.bad-date", "start_date": "2025-13-01"} | good,
        {"reference": "X.bad-url", "url": "ftp://example.org/x"} | good,
        {"reference": "X.unknown", "colour": "blue"} | good,
        '{"reference": "X.broken", ',
        "[1, 2]",
        "",
        {"reference": "X.d"} | good,
        {"reference": "X.a"} | good,
    )

    report = run(db, lines)

    assert report.created == 2 and item(db, "X.a") and item(db, "X.d")
    assert [(r.line, r.reference, r.reason) for r in report.rejected] == [
        (2, "X.no-title", "title: this field is required"),
        (3, "X.bad-date", "start_date: '2025-13-01' is not a date as YYYY-MM-DD"),
        (4, "X.bad-url", "url: must be an http:// or https:// address"),
        (5, "X.unknown", "colour: unknown field"),
        (6, "", "invalid JSON: Expecting property name enclosed in double quotes (line 1, column 26)"),
        (7, "", "each line must hold one JSON object"),
        (10, "X.a", "reference: 'X.a' appears again (first on line 1)"),
    ]
    assert count(db, WorkItem) == 2


def test_a_wrong_csv_header_rejects_the_file_at_line_1(db, factory):
    factory.group("ITU-T/SG17")
    unknown = run(db, io.StringIO("reference,title,group,colour\nX.1,T,ITU-T/SG17,blue\n"), "csv")
    no_reference = run(db, io.StringIO("title,group\nT,ITU-T/SG17\n"), "csv")
    twice = run(db, io.StringIO("reference,title,title\nX.1,T,T\n"), "csv")

    assert [(r.line, r.reason) for r in unknown.rejected] == [(1, "wrong CSV header: unknown column 'colour'")]
    assert [r.reason for r in no_reference.rejected] == ["wrong CSV header: a 'reference' column is required"]
    assert [r.reason for r in twice.rejected] == ["wrong CSV header: column 'title' appears twice"]
    assert unknown.accepted == no_reference.accepted == twice.accepted == 0 and count(db, WorkItem) == 0


def test_csv_line_numbers_count_quoted_line_breaks(db, factory):
    factory.group("ITU-T/SG17")
    lines = io.StringIO(
        "reference,title,group,summary\n"
        'X.1,Title,ITU-T/SG17,"first line\nsecond line"\n'
        "X.2,Title,ITU-T/SG17\n"
        "\n"
        "X.3,Title,ITU-T/SG17,ok\n"
    )
    report = run(db, lines, "csv")
    assert report.created == 2 and item(db, "X.1").summary == "first line\nsecond line"
    assert [(r.line, r.reason) for r in report.rejected] == [(4, "expected 4 columns as in the header, found 3")]


BAD_VALUES = [
    {"reference": "x" * 121},
    {"reference": ["X.list"]},
    {"title": "t" * 501},
    {"type": "novel"},
    {"status": "finished"},
    {"start_date": "2026-05-01", "target_date": "2026-01-01"},
    {"editors": [{"name": "Ana", "email": "not-an-address"}]},
    {"keywords": ["k" * 101]},
    {"language": "English!"},
    {"is_public": "maybe"},
    {"group": ""},
    {"group": ["ITU-T/SG17"]},
]


@pytest.mark.parametrize("change", BAD_VALUES, ids=lambda change: next(iter(change)))
def test_import_refuses_what_the_forms_refuse_with_the_same_message(db, factory, change):
    factory.group("ITU-T/SG17")
    record = {"reference": "X.same", "title": "Title", "group": "ITU-T/SG17"} | change
    with pytest.raises(ValidationError) as refused:
        clean_item_fields(db, record)

    report = run(db, jsonl(record))

    assert report.accepted == 0 and len(report.rejected) == 1
    assert report.rejected[0].reason == refused.value.message


def test_import_accepts_what_the_forms_accept(db, factory):
    factory.group("ITU-T/SG17")
    record = {"reference": " X.alias ", "title": "Title", "group": "ITU-T/SG17", "type": "Technical Report",
              "approval_process": "aap", "is_public": "no", "keywords": "a; b, c"}
    expected = clean_item_fields(db, record)

    assert run(db, jsonl(record)).created == 1
    stored = item(db, "X.alias")
    assert {name: getattr(stored, name) for name in expected} == expected


# -- whole rows only ----------------------------------------------------------------------------


@pytest.fixture()
def poisoned_audit_log(db: Session) -> Iterator[None]:
    """A trigger that refuses the audit event of any item whose reference contains POISON.

    The item row itself is valid: only its audit event fails, after the item was inserted.
    """
    if db.get_bind().dialect.name == "sqlite":
        db.execute(text(
            "CREATE TRIGGER poison BEFORE INSERT ON audit_events WHEN NEW.summary LIKE '%POISON%' "
            "BEGIN SELECT RAISE(ABORT, 'poisoned audit event'); END"
        ))
    else:
        db.execute(text(
            "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN "
            "IF NEW.summary LIKE '%POISON%' THEN "
            "RAISE EXCEPTION 'poisoned audit event' USING ERRCODE = 'check_violation'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql"
        ))
        db.execute(text(
            "CREATE TRIGGER poison BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION poison()"
        ))
    yield


def test_a_row_whose_audit_event_fails_leaves_nothing_and_the_batch_still_lands(db, factory, poisoned_audit_log):
    factory.group("ITU-T/SG17")
    rows = [{"reference": ref, "title": "T", "group": "ITU-T/SG17"} for ref in ("X.ok-1", "X.POISON", "X.ok-2")]

    report = run(db, jsonl(*rows))

    assert report.created == 2
    [rejected] = report.rejected
    assert (rejected.line, rejected.reference) == (2, "X.POISON")
    assert rejected.reason.startswith("the database refused it:") and "poisoned audit event" in rejected.reason
    assert item(db, "X.POISON") is None
    for reference in ("X.ok-1", "X.ok-2"):
        assert [e.action for e in events(db, item(db, reference).id)] == ["work_item.create"]
    assert count(db, WorkItem) == 2


def test_an_interrupted_import_keeps_whole_batches_and_a_rerun_finishes_it(db, factory):
    factory.group("ITU-T/SG17")
    rows = [{"reference": f"X.crash-{n}", "title": "T", "group": "ITU-T/SG17"} for n in range(1, 8)]

    def crashing() -> Iterator[SourceRow]:
        yield from read_rows(jsonl(*rows), "jsonl")
        raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError):
        import_records(db, None, crashing(), batch_size=3, checkpoint=db.commit)
    db.rollback()

    kept = db.scalars(select(WorkItem).order_by(WorkItem.reference)).all()
    assert [i.reference for i in kept] == [f"X.crash-{n}" for n in range(1, 7)]
    assert all(len(events(db, i.id)) == 1 for i in kept)
    rerun = run(db, jsonl(*rows), batch_size=3)
    assert (rerun.created, rerun.unchanged) == (1, 6)


# -- who may import what ------------------------------------------------------------------------


def test_an_officer_imports_only_into_their_groups_and_creates_no_group(db, factory):
    officer = factory.user(officer_of=("ITU-T/SG17",))
    other = factory.item("X.theirs", group="ITU-D/SG2")
    lines = jsonl(
        {"reference": "X.mine", "title": "T", "group": "ITU-T/SG17"},
        {"reference": "X.there", "title": "T", "group": "ITU-D/SG2"},
        {"reference": "X.invented", "title": "T", "group": "NEW/G2"},
        {"reference": "X.theirs", "title": "Retitled"},
    )

    report = run(db, lines, actor=officer)

    assert report.created == 1 and item(db, "X.mine").created_by_id == officer.id
    assert [(r.line, r.reason) for r in report.rejected] == [
        (2, "group: you hold no role in ITU-D/SG2: ask its chair or an admin"),
        (3, "group: no group with code 'NEW/G2'"),
        (4, "reference: you may only edit the work items of your own groups"),
    ]
    assert count(db, Group, Group.code == "NEW/G2") == 0 and item(db, "X.theirs").title == other.title


def test_an_admin_import_is_recorded_as_theirs(db, factory):
    admin = factory.user(admin=True)
    report = run(db, jsonl({"reference": "X.admin", "title": "T", "group": "NEW/G3"}), actor=admin)
    created = item(db, "X.admin")
    assert report.groups_created == ["NEW/G3"]
    assert (created.created_by_id, events(db, created.id)[0].actor_id) == (admin.id, admin.id)


# -- export -------------------------------------------------------------------------------------


def test_export_narrows_to_a_group_with_its_subgroups_and_to_statuses(db, factory):
    factory.item("X.b", group="ITU-T/SG17/Q6", status="active", is_public=False)
    factory.item("X.a", group="ITU-T/SG17", status="published")
    factory.item("X.c", group="ITU-T/SG170", status="active")
    factory.item("X.d", group="ITU-D/SG2", status="active")

    def exported(**filters: Any) -> list[str]:
        out = io.StringIO()
        export_items(db, out, "jsonl", export_query(db, **filters))
        return [json.loads(line)["reference"] for line in out.getvalue().splitlines()]

    assert exported() == ["X.a", "X.b", "X.c", "X.d"]
    assert exported(group_code="ITU-T/SG17") == ["X.a", "X.b"]
    assert exported(group_code="ITU-T/SG17", statuses=["active"]) == ["X.b"]
    with pytest.raises(NotFound):
        exported(group_code="NO/SUCH")
