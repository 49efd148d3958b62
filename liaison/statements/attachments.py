"""Files attached to a statement: checked by their content, stored outside the web root by their SHA-256.

The upload directory is passed in (the web layer gives ``app.config["LIAISON_UPLOAD_DIR"]``). Files are
content-addressed (``ls/<first two hex digits>/<sha256>``): the name cannot be chosen by the uploader,
the same file uploaded twice is stored once, and a stored file is never rewritten.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from liaison.core.errors import Conflict, ValidationError
from liaison.models import LiaisonStatement, StatementAttachment, User
from liaison.statements.edits import finish_edit, prepare_edit

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: All attachments of one statement together: they travel in one mail, and mail servers cap its size.
MAX_TOTAL_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 20

_OOXML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
}
#: Extensions a file of each type may carry; the first is added to a name that has none.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "text/plain": (".txt",),
} | {mimetype: (extension,) for mimetype, extension in _OOXML.values()}
ALLOWED_DESCRIPTION = "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), plain text (UTF-8), PNG or JPEG"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTENT_TYPES_XML = 1024 * 1024


def detect_content_type(data: bytes) -> str:
    """The MIME type of ``data`` judged by its content, or ValueError saying why it is not accepted."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"this kind of file is not accepted: only {ALLOWED_DESCRIPTION}") from None
    if _CONTROL.search(text):
        raise ValueError("this text file contains control characters: only plain UTF-8 text is accepted")
    return "text/plain"


def _office_type(data: bytes) -> str:
    """Word, Excel or PowerPoint: a ZIP whose ``[Content_Types].xml`` names the main part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("[Content_Types].xml")
            # Only this one small entry is read, so a ZIP bomb costs nothing.
            if info.file_size > _MAX_CONTENT_TYPES_XML:
                raise ValueError("this ZIP file is not a Word, Excel or PowerPoint document")
            content_types = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        raise ValueError("this ZIP file is not a Word, Excel or PowerPoint document") from None
    for main_part, (mimetype, _extension) in _OOXML.items():
        if f'ContentType="{main_part}"' in content_types:
            return mimetype
    raise ValueError(
        "only Word (.docx), Excel (.xlsx) and PowerPoint (.pptx) documents are accepted; "
        "files with macros and other ZIP archives are not"
    )


#: Characters no file name keeps: invisible format characters (U+202E turns "exe.pdf" around on
#: screen) go; controls and line breaks (CR and LF would end a Content-Disposition header) become spaces.
_FORMAT_CATEGORY = "Cf"
_BREAK_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def printable_filename(filename: str) -> str:
    """``filename`` as it may be shown and sent in a header: without the characters above, spaces tidied.

    Applied when a file is stored, and again when it is served, so that a name stored before this
    rule (``evil\r\nX.txt``) still downloads.
    """
    kept = "".join(
        " " if unicodedata.category(c) in _BREAK_CATEGORIES else c
        for c in filename
        if unicodedata.category(c) != _FORMAT_CATEGORY
    )
    return " ".join(kept.split())


def clean_filename(filename: str, content_type: str) -> str:
    """The uploader's file name without any path or unprintable characters, with an extension matching its type."""
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = printable_filename(name).strip(".") or "attachment"
    allowed = EXTENSIONS[content_type]
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = f".{extension.lower()}" if extension else ""
    if extension and extension not in allowed:
        raise ValueError(
            f"the file's content is {_describe(content_type)} but its name ends in {extension}; "
            f"rename it to end in {allowed[0]}"
        )
    extension = extension or allowed[0]
    return f"{stem[: 255 - len(extension)]}{extension}"


def _describe(content_type: str) -> str:
    return {
        "application/pdf": "a PDF document",
        "image/png": "a PNG image",
        "image/jpeg": "a JPEG image",
        "text/plain": "plain text",
    }.get(content_type, f"a {EXTENSIONS[content_type][0]} document")


def store_file(upload_dir: str | Path, sha256: str, data: bytes) -> Path:
    """Write ``data`` under its checksum (atomically, once) and return its path."""
    path = Path(upload_dir) / "ls" / sha256[:2] / sha256
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def attachment_path(upload_dir: str | Path, attachment: StatementAttachment) -> Path:
    """Where ``attachment``'s bytes are (for a download view)."""
    return Path(upload_dir) / attachment.storage_name


def read_attachment(upload_dir: str | Path, attachment: StatementAttachment) -> bytes:
    """The bytes of ``attachment``, checked against its SHA-256; :class:`Conflict` if lost or altered."""
    path = attachment_path(upload_dir, attachment)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise Conflict(_("the file of attachment %(attachment_filename)s is missing from the upload directory", attachment_filename=repr(attachment.filename))) from None
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise Conflict(_("the file of attachment %(attachment_filename)s does not match its checksum", attachment_filename=repr(attachment.filename)))
    return data


def add_attachment(
    session: Session,
    actor: User | None,
    ls: LiaisonStatement,
    upload_dir: str | Path,
    *,
    filename: str,
    data: bytes,
    title: str = "",
    expected_version: int | None = None,
) -> StatementAttachment:
    """Attach a file to ``ls`` after checking its size and type; editing rules as for any other change."""
    user = prepare_edit(actor, ls, expected_version)
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    if len(title) > 300:
        errors["title"] = _("at most 300 characters")
    content_type = ""
    if not data:
        errors["file"] = _("the file is empty")
    elif len(data) > MAX_ATTACHMENT_BYTES:
        errors["file"] = (
            _("the file is %(value)s; attachments may be at most %(value2)s", value=_megabytes(len(data)), value2=_megabytes(MAX_ATTACHMENT_BYTES))
        )
    else:
        try:
            content_type = detect_content_type(data)
            filename = clean_filename(filename, content_type)
        except ValueError as exc:
            errors["file"] = str(exc)
    if not errors:
        total = sum(a.size for a in ls.attachments) + len(data)
        if total > MAX_TOTAL_BYTES:
            errors["file"] = (
                _("with this file the attachments would total %(value)s; at most %(value2)s fit in one mail", value=_megabytes(total), value2=_megabytes(MAX_TOTAL_BYTES))
            )
        elif len(ls.attachments) >= MAX_ATTACHMENTS:
            errors["file"] = _("a statement may have at most %(MAX_ATTACHMENTS)s attachments", MAX_ATTACHMENTS=MAX_ATTACHMENTS)
    if errors:
        raise ValidationError(errors)
    sha256 = hashlib.sha256(data).hexdigest()
    store_file(upload_dir, sha256, data)
    attachment = StatementAttachment(
        title=title or filename,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=sha256,
        position=max((a.position for a in ls.attachments), default=-1) + 1,
        uploaded_by_id=user.id,
    )
    ls.attachments.append(attachment)
    finish_edit(
        session,
        user,
        ls,
        {"attachments": [None, f"{filename} ({len(data)} bytes, sha256 {sha256})"]},
        f"Attached {filename}",
    )
    return attachment


def remove_attachment(
    session: Session, actor: User | None, attachment: StatementAttachment, expected_version: int | None = None
) -> None:
    """Take a file off its statement. The stored bytes stay: another statement may share them."""
    ls = attachment.statement
    user = prepare_edit(actor, ls, expected_version)
    ls.attachments.remove(attachment)
    finish_edit(session, user, ls, {"attachments": [attachment.filename, None]}, f"Removed {attachment.filename}")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
