"""Each work item's sentence embedding, stored beside the item rather than in it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from liaison.models.base import Base, utcnow


class ItemVector(Base):
    """The embedding of one work item's text, as one model computed it.

    A table of its own so that lists of items never read the vectors (1.5 kB each). The vector is
    current while ``model`` is the embedder in use and ``text_hash`` the hash of the text it would
    embed now: another model's vector, or one of an older text, counts as missing. ``item_version``
    is the item version it was last checked against (an edit that leaves the text alone moves it on
    without embedding again).
    """

    __tablename__ = "item_vectors"

    item_id: Mapped[int] = mapped_column(ForeignKey("work_items.id", ondelete="CASCADE"), primary_key=True)
    item_version: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(100))
    #: Indexed: an item whose text another item has already is given a copy of that one's vector.
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: float32, little-endian, the model's dimensions.
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    #: When the vector was last computed: each process's index reads those computed since it last
    #: looked (``liaison overlaps scan`` embeds items that the running workers indexed without one).
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
