"""Attachments: checked by content, limited in size, stored by checksum, and sent with the statement."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from liaison.core.errors import Conflict, ValidationError
from liaison.documents import build_document, render_docx
from liaison.mail.sender import send_pending
from liaison.statements.attachments import (
    MAX_ATTACHMENT_BYTES,
    add_attachment,
    attachment_path,
    read_attachment,
    remove_attachment,
)
from liaison.statements.operations import create_statement, statement_as_dict
from liaison.statements.permissions import full_disclosure
from liaison.statements.workflow import approve_statement, send_statement, submit_for_approval
from tests.statements.helpers import approved_statement, ls_data

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip(content_types: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _attach(db, world, ls, upload_dir, filename, data, title=""):
    return add_attachment(
        db, world.officer, ls, upload_dir, filename=filename, data=data, title=title, expected_version=ls.version
    )


def _refusal(db, world, ls, upload_dir, filename, data) -> str:
    with pytest.raises(ValidationError) as refused:
        _attach(db, world, ls, upload_dir, filename, data)
    return refused.value.errors["file"]


def test_a_pdf_is_stored_by_its_checksum_outside_the_web_root(db, world, upload_dir):
    ls = create_statement(db, world.officer, ls_data())
    attachment = _attach(db, world, ls, upload_dir, "C:\\Users\\olga\\Draft X.age.PDF", PDF, "Draft X.age")
    digest = hashlib.sha256(PDF).hexdigest()
    assert (attachment.filename, attachment.content_type, attachment.size) == ("Draft X.age.pdf", "application/pdf", len(PDF))
    assert attachment.sha256 == digest
    path = attachment_path(upload_dir, attachment)
    assert path == Path(upload_dir) / "ls" / digest[:2] / digest and path.read_bytes() == PDF
    assert statement_as_dict(ls)["attachments"] == [
        {
            "id": attachment.id,
            "title": "Draft X.age",
            "filename": "Draft X.age.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "sha256": digest,
        }
    ]


def test_office_text_and_image_files_are_recognised_by_content(db, world, upload_dir):
    ls = create_statement(db, world.officer, ls_data())
    docx = render_docx(build_document(ls, full_disclosure(ls)))
    xlsx = _zip(
        '<Types><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
    )
    kinds = {
        "notes.docx": docx,
        "figures.xlsx": xlsx,
        "readme": "Über Altersprüfung\n".encode(),
        "diagram.png": PNG,
        "photo.jpeg": b"\xff\xd8\xff\xe0" + b"\x00" * 16,
    }
    for name, data in kinds.items():
        _attach(db, world, ls, upload_dir, name, data)
    assert [(a.filename, a.content_type) for a in ls.attachments] == [
        ("notes.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("figures.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("readme.txt", "text/plain"),
        ("diagram.png", "image/png"),
        ("photo.jpeg", "image/jpeg"),
    ]


def test_bad_uploads_get_a_clear_message(db, world, upload_dir):
    ls = create_statement(db, world.officer, ls_data())
    too_big = PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF) + 1)
    assert _refusal(db, world, ls, upload_dir, "big.pdf", too_big) == "the file is 10.0 MB; attachments may be at most 10.0 MB"
    assert _refusal(db, world, ls, upload_dir, "empty.pdf", b"") == "the file is empty"
    assert "only PDF, Word (.docx)" in _refusal(db, world, ls, upload_dir, "setup.exe", b"MZ\x90\x00\x03\xff\xfe")
    assert _refusal(db, world, ls, upload_dir, "report.pdf", PNG) == (
        "the file's content is a PNG image but its name ends in .pdf; rename it to end in .png"
    )
    macros = _zip('<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>')
    assert "files with macros" in _refusal(db, world, ls, upload_dir, "evil.docm", macros)
    assert "not a Word, Excel or PowerPoint" in _refusal(db, world, ls, upload_dir, "a.zip", b"PK\x03\x04junk")
    assert "control characters" in _refusal(db, world, ls, upload_dir, "a.txt", b"text\x00with a NUL")
    assert ls.attachments == [] and not Path(upload_dir, "ls").exists()


def test_attaching_changes_the_statement_so_its_approval_lapses(db, world, upload_dir):
    ls = approved_statement(db, world)
    _attach(db, world, ls, upload_dir, "annex.pdf", PDF)
    assert ls.state == "draft" and ls.approved_by is None
    remove_attachment(db, world.officer, ls.attachments[0], ls.version)
    assert ls.attachments == []
    assert Path(upload_dir, "ls").exists(), "the stored bytes stay for others that share them"


def test_a_tampered_file_is_not_sent(db, world, upload_dir):
    ls = create_statement(db, world.officer, ls_data())
    attachment = _attach(db, world, ls, upload_dir, "annex.pdf", PDF)
    attachment_path(upload_dir, attachment).write_bytes(PDF + b"changed")
    with pytest.raises(Conflict, match="does not match its checksum"):
        read_attachment(upload_dir, attachment)


def test_attachments_travel_with_the_statement(db, world, upload_dir, sessions, mail_settings, smtp_server):
    ls = create_statement(db, world.officer, ls_data())
    _attach(db, world, ls, upload_dir, "annex.pdf", PDF, "Annex: draft text")
    submit_for_approval(db, world.officer, ls)
    approve_statement(db, world.chair, ls)
    send_statement(db, world.officer, ls, upload_dir=upload_dir)
    send_pending(sessions, mail_settings)
    message = smtp_server.to("rita@sg2.example")[0].message
    names = [(part.get_filename(), part.get_content_type()) for part in message.iter_attachments()]
    assert names == [
        (ls.reference.replace("/", "-") + ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("annex.pdf", "application/pdf"),
    ]
    assert list(message.iter_attachments())[1].get_content() == PDF
    assert "Annex: draft text" in message.get_body(("plain",)).get_content()
