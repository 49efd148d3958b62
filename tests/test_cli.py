"""The ``liaison`` command line, run inside the test's transaction (commands' commits are SAVEPOINTs)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison import migrate
from liaison.accounts import operations as accounts
from liaison.demo import sample_data
from liaison.models import Body, Contact, Group, LiaisonStatement, Membership, OverlapAlert, User, WorkItem, utcnow


def invoke(app: Flask, *args: str, input: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=list(args), input=input)


def references(db: Session) -> list[str]:
    db.expire_all()
    return list(db.scalars(select(WorkItem.reference).order_by(WorkItem.reference)))


def write_jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# -- liaison items import -----------------------------------------------------------------------


def test_items_import_reports_each_count_and_each_rejected_row(app, db, factory, tmp_path):
    factory.group("ITU-T/SG17")
    path = write_jsonl(
        tmp_path / "programme.jsonl",
        {"reference": "X.cli-1", "title": "One", "group": "ITU-T/SG17"},
        {"reference": "X.cli-2", "title": "Two", "group": "ITU-T/SG17"},
        {"reference": "X.cli-bad", "group": "ITU-T/SG17"},
    )

    result = invoke(app, "items", "import", str(path))

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "2 created, 0 updated, 0 unchanged, 1 rejected.",
        "Rejected (1 rows, none of them imported):",
        "  line 3 X.cli-bad: title: this field is required",
        "Overlap check: 0 alert(s) raised or refreshed for the imported items.",
    ]
    assert references(db) == ["X.cli-1", "X.cli-2"]
    again = invoke(app, "items", "import", str(path))
    assert again.stdout.splitlines()[0] == "0 created, 0 updated, 2 unchanged, 1 rejected."


def test_imported_items_raise_overlap_alerts_like_saved_ones(app, db, factory, tmp_path):
    factory.item("ISO/IEC 27566-1", group="ISO-IEC JTC 1/SC 27", title="Age assurance systems framework",
                 summary="Age verification and age estimation for online services protecting children.")
    path = write_jsonl(
        tmp_path / "age.jsonl",
        {"reference": "IEEE 2089.1", "group": "IEEE SA/2089", "title": "Framework for age assurance systems",
         "summary": "Age estimation and age verification of online services to protect children."},
    )
    result = invoke(app, "items", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Overlap check: 1 alert(s)" in result.stdout
    assert db.scalar(select(func.count()).select_from(OverlapAlert)) == 1


def test_items_import_of_the_shared_record_shape_creates_groups(app, db, tmp_path):
    path = write_jsonl(
        tmp_path / "records.jsonl",
        {"id": "RFC9992", "title": "Example", "summary": "", "body": "IETF / exwg", "source": "ietf:rfc",
         "date": "2020-01", "url": "https://www.rfc-editor.org/info/rfc9992"},
    )
    result = invoke(app, "items", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Created 1 group(s): IETF/exwg" in result.stdout and references(db) == ["RFC9992"]


def test_items_import_dry_run_writes_nothing(app, db, factory, tmp_path):
    factory.group("ITU-T/SG17")
    path = write_jsonl(tmp_path / "p.jsonl", {"reference": "X.dry", "title": "T", "group": "ITU-T/SG17"})

    result = invoke(app, "items", "import", str(path), "--dry-run")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Dry run: 1 would be created, 0 would be updated, 0 unchanged, 0 rejected.",
        "Nothing was written (dry run).",
    ]
    assert references(db) == []


def test_items_import_reads_stdin_and_tells_csv_from_jsonl(app, db, factory):
    factory.group("ITU-T/SG17")
    from_csv = invoke(app, "items", "import", "-", input="reference,title,group\nX.stdin-csv,T,ITU-T/SG17\n")
    from_jsonl = invoke(app, "items", "import", "-", input='{"reference": "X.stdin-json", "title": "T", "group": "ITU-T/SG17"}\n')
    assert from_csv.exit_code == from_jsonl.exit_code == 0, from_csv.output + from_jsonl.output
    assert references(db) == ["X.stdin-csv", "X.stdin-json"]


def test_items_import_as_a_user_applies_their_roles(app, db, factory, tmp_path):
    officer = factory.user("officer.cli@example.org", officer_of=("ITU-T/SG17",))
    factory.group("ITU-D/SG2")
    path = write_jsonl(
        tmp_path / "p.jsonl",
        {"reference": "X.as-1", "title": "T", "group": "ITU-T/SG17"},
        {"reference": "X.as-2", "title": "T", "group": "ITU-D/SG2"},
    )

    result = invoke(app, "items", "import", str(path), "--as", "officer.cli@example.org")

    assert result.exit_code == 0, result.output
    assert "line 2 X.as-2: group: you hold no role in ITU-D/SG2" in result.stdout
    assert db.scalar(select(WorkItem.created_by_id).where(WorkItem.reference == "X.as-1")) == officer.id
    unknown = invoke(app, "items", "import", str(path), "--as", "nobody@example.org")
    assert unknown.exit_code == 1 and "no user with e-mail 'nobody@example.org'" in unknown.output


def test_items_import_fails_with_a_clear_message(app, db, factory, tmp_path):
    factory.group("ITU-T/SG17")
    missing = invoke(app, "items", "import", str(tmp_path / "missing.csv"))
    assert missing.exit_code == 2 and "does not exist" in missing.output

    all_bad = write_jsonl(tmp_path / "bad.jsonl", {"reference": "X.1"}, {"title": "no reference"})
    refused = invoke(app, "items", "import", str(all_bad))
    assert refused.exit_code == 1 and "Error: no valid rows: nothing was imported" in refused.output
    assert "line 2: reference: this field is required" in refused.stdout

    empty = tmp_path / "empty.csv"
    empty.write_text("")
    nothing = invoke(app, "items", "import", str(empty))
    assert nothing.exit_code == 1 and "holds no records" in nothing.output

    unknown = tmp_path / "programme.txt"
    unknown.write_text("reference\n")
    unsure = invoke(app, "items", "import", str(unknown))
    assert unsure.exit_code == 2 and "give --format csv or jsonl" in unsure.output
    assert invoke(app, "items", "import", str(unknown), "--format", "csv").exit_code == 1
    assert references(db) == []


# -- liaison items export -----------------------------------------------------------------------


def test_items_export_streams_csv_to_stdout_and_jsonl_to_a_file(app, db, factory, tmp_path):
    factory.item("X.exp-2", group="ITU-T/SG17/Q6", is_public=False)
    factory.item("X.exp-1", group="ITU-D/SG2")

    as_csv = invoke(app, "items", "export", "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    assert [row["reference"] for row in csv.DictReader(io.StringIO(as_csv.stdout))] == ["X.exp-1", "X.exp-2"]
    assert as_csv.stderr == "Exported 2 work items as csv.\n"

    target = tmp_path / "sg17.jsonl"
    to_file = invoke(app, "items", "export", "--group", "ITU-T", "--output", str(target))
    assert to_file.exit_code == 1 and "no group with code 'ITU-T'" in to_file.output and not target.exists()
    to_file = invoke(app, "items", "export", "--group", "ITU-T/SG17", "--output", str(target))
    assert to_file.exit_code == 0, to_file.output
    assert [json.loads(line)["reference"] for line in target.read_text().splitlines()] == ["X.exp-2"]


def test_export_then_import_through_the_commands_changes_nothing(app, db, factory, tmp_path):
    factory.item("X.round", group="ITU-T/SG17", keywords=["a", "b"], editors=[{"name": "Ana", "affiliation": "Org", "email": "ana@example.org"}])
    target = tmp_path / "all.csv"
    assert invoke(app, "items", "export", "-o", str(target)).exit_code == 0
    result = invoke(app, "items", "import", str(target))
    assert result.stdout.splitlines() == ["0 created, 0 updated, 1 unchanged, 0 rejected."]


# -- liaison demo load --------------------------------------------------------------------------


def test_demo_load_creates_the_sample_once_and_prints_working_logins(app, db):
    result = invoke(app, "demo", "load", "--if-empty")

    assert result.exit_code == 0, result.output
    assert ("Sample data: 15 bodies, 31 groups, 13 contacts and 45 work items created; "
            "4 overlap decisions and 3 liaison statements.") in result.stdout
    passwords = dict(re.findall(r"^  (\S+@liaison\.example)\s+password: (\S+)", result.stdout, re.MULTILINE))
    assert sorted(passwords) == ["admin@liaison.example", "chair@liaison.example", "officer@liaison.example"]
    admin = accounts.authenticate(db, "admin@liaison.example", passwords["admin@liaison.example"])
    assert admin is not None and admin.is_admin
    officer = accounts.authenticate(db, "officer@liaison.example", passwords["officer@liaison.example"])
    assert officer is not None and {m.group.code for m in officer.memberships} == {"ITU-T/SG17", "ITU-D/SG2/Q3"}
    totals = [db.scalar(select(func.count()).select_from(model)) for model in (Body, Group, Contact, User, WorkItem)]

    again = invoke(app, "demo", "load", "--if-empty")

    assert again.exit_code == 0
    assert again.stdout.startswith("The database already holds work items: no sample data loaded.\n")
    # `make run` shows the logins again on every start, from the file kept in instance/.
    assert f"password: {passwords['admin@liaison.example']}" in again.stdout
    forced = invoke(app, "demo", "load")
    assert "0 bodies, 0 groups, 0 contacts and 0 work items created; 0 overlap decisions" in forced.stdout
    assert "admin@liaison.example already exists; its password was left unchanged." in forced.stdout
    assert [db.scalar(select(func.count()).select_from(model)) for model in (Body, Group, Contact, User, WorkItem)] == totals


def test_the_demo_tells_the_whole_story_on_the_public_pages(app, db, client):
    assert invoke(app, "demo", "load").exit_code == 0
    db.expire_all()
    decided = db.scalars(select(OverlapAlert.state).where(OverlapAlert.state.not_in(("open", "closed")))).all()
    assert sorted(decided) == ["duplicate", "not_overlap", "overlap", "related"]
    assert db.scalar(select(WorkItem.status).where(WorkItem.reference == "draft-knodel-age-arch")) == "withdrawn"
    states = dict(db.execute(select(LiaisonStatement.title, LiaisonStatement.state)).all())
    assert states["LS on age assurance work in ITU-T SG17"] == "answered"
    overdue = db.scalar(select(LiaisonStatement).where(LiaisonStatement.title.startswith("OECD request")))
    assert overdue.recipients[0].deadline < utcnow().date() and overdue.recipients[0].action_taken_at is None

    overlaps = client.get("/overlaps/").get_data(as_text=True)
    assert "Duplicate" in overlaps and "The same text registered twice" in overlaps
    assert "LS on age assurance work in ITU-T SG17" in client.get("/statements/").get_data(as_text=True)
    dashboard = client.get("/dashboard/").get_data(as_text=True)
    assert "No possible overlap has been found yet" not in dashboard
    assert "No liaison statement has been sent or received yet" not in dashboard


def test_the_sample_is_real_work_of_many_bodies_with_fictional_people():
    data = sample_data()
    bodies = {item["group"].split("/")[0] for item in data["items"]}
    assert len(data["items"]) >= 40 and len(bodies) >= 6
    assert len({item["reference"] for item in data["items"]}) == len(data["items"])
    emails = [c["email"] for g in data["groups"] for c in g.get("contacts", [])] + [u["email"] for u in data["users"]]
    assert emails and all(e.endswith(("@example.org", "@liaison.example")) for e in emails)
    assert all(g.get("mandate") for g in data["groups"])


# -- users, tokens, db --------------------------------------------------------------------------


def test_users_create_with_password_from_stdin_and_grant(app, db, factory):
    factory.group("ITU-T/SG17")
    created = invoke(app, "users", "create", "--email", "New.Person@example.org", "--name", "New Person",
                     "--password-stdin", input="a long enough secret\n")
    assert created.exit_code == 0 and created.stdout == "Created new.person@example.org.\n", created.output
    assert accounts.authenticate(db, "new.person@example.org", "a long enough secret") is not None

    granted = invoke(app, "users", "grant", "--email", "new.person@example.org", "--group", "ITU-T/SG17", "--role", "chair")
    assert granted.exit_code == 0, granted.output
    db.expire_all()
    roles = db.scalars(select(Membership.role).join(User).where(User.email == "new.person@example.org")).all()
    assert roles == ["chair"]
    short = invoke(app, "users", "create", "--email", "x@example.org", "--name", "X", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "password: at least" in short.output


def test_tokens_create_prints_a_token_that_authenticates(app, db, factory):
    user = factory.user("token.user@example.org")
    result = invoke(app, "tokens", "create", "--email", "token.user@example.org", "--name", "ci")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("lsn_")
    found = accounts.user_for_token(db, token)
    assert found is not None and found.id == user.id
    assert accounts.user_for_token(db, token + "x") is None


def test_db_current_says_the_schema_is_up_to_date(app, db):
    result = invoke(app, "db", "current")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{migrate.head_revisions()[0]} (up to date)\n"


# -- settings an operator mistyped ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "raw", "said"),
    [
        ("MAIL_PORT", "abc", "the environment variable MAIL_PORT is not a whole number: 'abc'"),
        ("LIAISON_QUERY_THREADS", "zero", "LIAISON_QUERY_THREADS must be a whole number of threads, 1 or more; it is 'zero'"),
        ("LIAISON_EMBED_THREADS", "two", "LIAISON_EMBED_THREADS must be a whole number of threads, 1 or more; it is 'two'"),
    ],
)
def test_a_mistyped_setting_stops_a_command_with_one_line_that_names_it(tmp_path, variable, raw, said):
    # The real command, in a process of its own: the operator sees its error, not a traceback.
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "LIAISON_EMBED_THREADS")}
    env.update({variable: raw, "DATABASE_URL": f"sqlite:///{tmp_path / 'liaison.db'}", "SECRET_KEY": "x",
                "LIAISON_EMBEDDINGS": "true"})
    liaison = str(Path(sys.executable).parent / "liaison")
    for setup in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([liaison, *setup], env={**env, variable: "1", "LIAISON_EMBEDDINGS": "false"}, cwd=tmp_path,
                       check=True, capture_output=True)
    # The scan embeds the sample's items: the model, and the thread counts, are read then.
    result = subprocess.run([liaison, "overlaps", "scan"], env=env, capture_output=True, text=True, cwd=tmp_path,
                            timeout=300)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"Error: {said}")
    assert "Traceback" not in result.stderr and "libgomp" not in result.stderr
