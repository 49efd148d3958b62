"""Bulk import from the browser: a dry run line by line, then the import of exactly what was checked."""

from __future__ import annotations

import io

from sqlalchemy import select

from liaison.models import WorkItem
from tests.factories import login

CSV = (
    "reference,title,group,keywords\n"
    "X.new-1,Age assurance for games,ITU-T/SG17,age assurance; games\n"
    "X.known,Updated title,ITU-T/SG17,\n"
    "X.same,Same title,ITU-T/SG17,\n"
    ",No reference,ITU-T/SG17,\n"
    "X.elsewhere,Not my group,ITU-T/SG13,\n"
)


def _check(client, text: str, name: str = "programme.csv"):
    return client.post("/items/import", data={"check": "1", "file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


def test_an_officer_checks_a_file_line_by_line_then_imports_it(client, db, factory):
    factory.item("X.known", title="Old title")
    factory.item("X.same", title="Same title")
    factory.group("ITU-T/SG13")
    login(client, factory.user(officer_of=("ITU-T/SG17",)))

    checked = _check(client, CSV)
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert "1 would be created, 1 would be updated, 1 unchanged, 2 rejected." in html
    for line, outcome in ((2, "Created"), (3, "Updated"), (4, "Unchanged"), (5, "Error"), (6, "Error")):
        assert f"<td>{line}</td>" in html and outcome in html
    assert "reference: this field is required" in html
    assert db.scalar(select(WorkItem).where(WorkItem.reference == "X.new-1")) is None, "a dry run writes nothing"

    done = client.post("/items/import", data={"import": "1", "content": CSV, "filename": "programme.csv"})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "Imported programme.csv: 1 created, 1 updated, 1 unchanged, 2 rejected." in html
    db.expire_all()
    assert db.scalar(select(WorkItem.title).where(WorkItem.reference == "X.known")) == "Updated title"
    assert db.scalar(select(WorkItem.keywords).where(WorkItem.reference == "X.new-1")) == ["age assurance", "games"]
    assert db.scalar(select(WorkItem).where(WorkItem.reference == "X.elsewhere")) is None


def test_bad_files_get_a_clear_message_not_a_500(client, factory):
    login(client, factory.user(officer_of=("ITU-T/SG17",)))
    missing = client.post("/items/import", data={"check": "1"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "choose a CSV or JSON Lines file" in missing.get_data(as_text=True)
    binary = client.post("/items/import", data={"check": "1", "file": (io.BytesIO(b"\xff\xfe\x00x"), "x.csv")},
                         content_type="multipart/form-data")
    assert binary.status_code == 422 and "not UTF-8" in binary.get_data(as_text=True)
    jsonl = _check(client, '{"reference": "X.j", "title": "T", "group": "ITU-T/SG17"}\n{not json\n', "items.txt")
    assert jsonl.status_code == 200 and "1 would be created" in jsonl.get_data(as_text=True)


def test_the_templates_import_as_they_are(client, db, factory):
    factory.group("ITU-T/SG17")
    login(client, factory.user(admin=True))
    for fmt in ("csv", "jsonl"):
        template = client.get(f"/items/import/template.{fmt}")
        assert template.status_code == 200 and "attachment" in template.headers["Content-Disposition"]
        checked = _check(client, template.get_data(as_text=True), f"template.{fmt}")
        assert "1 would be created, 0 would be updated, 0 unchanged, 0 rejected." in checked.get_data(as_text=True)


def test_import_is_for_people_with_a_role(client, factory):
    login(client, factory.user())
    assert client.get("/items/import").status_code == 403
