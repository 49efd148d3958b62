"""Reading back the fields of a rendered LS .docx with python-docx."""

from __future__ import annotations

import io

import docx


def docx_fields(data: bytes) -> dict[str, str]:
    """Each "Label:" cell of the document's tables mapped to the cell after it (repeated rows joined)."""
    document = docx.Document(io.BytesIO(data))
    fields: dict[str, str] = {}
    for table in document.tables:
        for row in table.rows:
            if len(row.cells) < 2:
                continue
            cells = row.cells
            for label, value in zip(cells[::2], cells[1::2]):
                key = label.text.strip()
                if not key.endswith((":", "\uff1a")):  # Chinese writes a full-width colon
                    continue
                text = value.text.strip()
                fields[key] = f"{fields[key]}\n{text}" if key in fields else text
    return fields


def docx_paragraphs(data: bytes) -> list[str]:
    """The text of every paragraph outside the tables."""
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def docx_header(data: bytes) -> tuple[list[str], list[str]]:
    """The lines of the ITU header block: left (the issuer) and right (the document)."""
    first = docx.Document(io.BytesIO(data)).tables[0]
    left, right = first.rows[0].cells
    return [p.text for p in left.paragraphs], [p.text for p in right.paragraphs]
