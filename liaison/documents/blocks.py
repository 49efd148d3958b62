"""The body of a statement as people type it, read into paragraphs and lists for every rendering.

A blank line ends a paragraph; lines starting with ``-``, ``*`` or ``•`` make a bulleted list, lines
starting with ``1.`` or ``1)`` a numbered one; other lines of a paragraph stay separate lines. Each
block knows whether it reads right to left (its first letter is Arabic or Hebrew), so that a statement
mixing languages keeps each part in its own direction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["paragraph", "bullets", "numbers"]
_BULLET = re.compile(r"^\s*[-*\u2022]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


@dataclass(frozen=True)
class Block:
    """A paragraph (its lines) or a list (its entries)."""

    kind: BlockKind
    lines: tuple[str, ...]
    rtl: bool

    @property
    def direction(self) -> str:
        """``rtl`` or ``ltr``, as HTML's ``dir`` wants it."""
        return "rtl" if self.rtl else "ltr"


def is_rtl(text: str) -> bool:
    """Whether ``text``'s first strongly directed letter is right to left (Unicode's rule for a paragraph)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def split_blocks(text: str) -> list[Block]:
    """``text`` as blocks, in order (see the module's docstring)."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        kind: BlockKind | None = None
        lines: list[str] = []
        for raw in chunk.split("\n"):
            line = raw.strip()
            if not line:
                continue
            bullet, number = _BULLET.match(line), _NUMBER.match(line)
            found = bullet or number
            this: BlockKind = "bullets" if bullet else "numbers" if number else "paragraph"
            if found is None and kind in ("bullets", "numbers") and raw[:1].isspace():
                lines[-1] = f"{lines[-1]} {line}"  # an indented line goes on with the entry above
                continue
            if kind is not None and this != kind:
                blocks.append(_block(kind, lines))
                lines = []
            kind = this
            lines.append(found.group(1).strip() if found else line)
        if kind is not None and lines:
            blocks.append(_block(kind, lines))
    return blocks


def _block(kind: BlockKind, lines: list[str]) -> Block:
    return Block(kind, tuple(lines), is_rtl(" ".join(lines)))
