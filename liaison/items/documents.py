"""What the similarity engine sees of a work item, and which items take part at all."""

from __future__ import annotations

from liaison.models import WorkItem
from liaison.similarity import Document
from liaison.similarity.language import primary_language

#: Statuses whose items take no part in overlap detection.
INACTIVE_STATUSES = ("withdrawn",)


def document_for(item: WorkItem) -> Document:
    """What the engine sees of a work item (without its vector: see :mod:`.item_vectors`)."""
    return Document(
        id=str(item.id),
        title=item.title,
        summary=item.summary or "",
        keywords=tuple(item.keywords or ()),
        group=item.group.code if item.group is not None else "",
        body=item.group.body.code if item.group is not None else "",
        question=item.question or "",
        identifiers=(item.reference, *(item.equivalents or ())),
        language=primary_language(item.language or ""),
    )
