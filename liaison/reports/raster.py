"""A tiny raster canvas and PNG encoder, so that charts can go into a .docx as images.

There is no SVG renderer (cairosvg) nor matplotlib in the environment, and charts are only
rectangles and labels: a canvas of RGB pixels, a 5x7 bitmap font (capital letters, digits and
common punctuation) and a PNG writer built on ``zlib`` and ``struct`` are enough.
"""

from __future__ import annotations

import struct
import unicodedata
import zlib
from collections.abc import Callable

RGB = tuple[int, int, int]
#: Whether the pixel at (x, y) is drawn in the pattern's ink (hatching over a fill).
Pattern = Callable[[int, int], bool]

GLYPH_WIDTH, GLYPH_HEIGHT = 5, 7
_GLYPH_ROWS = {
    "A": ".###. #...# #...# ##### #...# #...# #...#",
    "B": "####. #...# #...# ####. #...# #...# ####.",
    "C": ".###. #...# #.... #.... #.... #...# .###.",
    "D": "###.. #..#. #...# #...# #...# #..#. ###..",
    "E": "##### #.... #.... ####. #.... #.... #####",
    "F": "##### #.... #.... ####. #.... #.... #....",
    "G": ".###. #...# #.... #.### #...# #...# .####",
    "H": "#...# #...# #...# ##### #...# #...# #...#",
    "I": ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
    "J": "..### ...#. ...#. ...#. ...#. #..#. .##..",
    "K": "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
    "L": "#.... #.... #.... #.... #.... #.... #####",
    "M": "#...# ##.## #.#.# #.#.# #...# #...# #...#",
    "N": "#...# #...# ##..# #.#.# #..## #...# #...#",
    "O": ".###. #...# #...# #...# #...# #...# .###.",
    "P": "####. #...# #...# ####. #.... #.... #....",
    "Q": ".###. #...# #...# #...# #.#.# #..#. .##.#",
    "R": "####. #...# #...# ####. #.#.. #..#. #...#",
    "S": ".#### #.... #.... .###. ....# ....# ####.",
    "T": "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
    "U": "#...# #...# #...# #...# #...# #...# .###.",
    "V": "#...# #...# #...# #...# #...# .#.#. ..#..",
    "W": "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
    "X": "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
    "Y": "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
    "Z": "##### ....# ...#. ..#.. .#... #.... #####",
    "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
    "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
    "2": ".###. #...# ....# ...#. ..#.. .#... #####",
    "3": "##### ...#. ..#.. ...#. ....# #...# .###.",
    "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
    "5": "##### #.... ####. ....# ....# #...# .###.",
    "6": "..##. .#... #.... ####. #...# #...# .###.",
    "7": "##### ....# ...#. ..#.. .#... .#... .#...",
    "8": ".###. #...# #...# .###. #...# #...# .###.",
    "9": ".###. #...# #...# .#### ....# ...#. .##..",
    " ": "..... ..... ..... ..... ..... ..... .....",
    "-": "..... ..... ..... .###. ..... ..... .....",
    "/": "..... ....# ...#. ..#.. .#... #.... .....",
    ".": "..... ..... ..... ..... ..... .##.. .##..",
    ",": "..... ..... ..... ..... .##.. ..#.. .#...",
    ":": "..... .##.. .##.. ..... .##.. .##.. .....",
    "(": "...#. ..#.. .#... .#... .#... ..#.. ...#.",
    ")": ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
    "%": "##... ##..# ...#. ..#.. .#... #..## ...##",
    "&": ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#",
    "'": ".##.. ..#.. .#... ..... ..... ..... .....",
    "+": "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
    "_": "..... ..... ..... ..... ..... ..... #####",
    "=": "..... ..... ##### ..... ##### ..... .....",
    "?": ".###. #...# ....# ...#. ..#.. ..... ..#..",
}
GLYPHS: dict[str, tuple[str, ...]] = {char: tuple(rows.split()) for char, rows in _GLYPH_ROWS.items()}


def glyph_text(text: str) -> str:
    """``text`` as the font can draw it: capitals, accents removed, unknown characters as ``?``."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").upper()
    return "".join(char if char in GLYPHS else "?" for char in plain)


def text_width(text: str, scale: int = 1) -> int:
    """The width in pixels of ``text`` drawn at ``scale`` (one column of space between letters)."""
    return max(0, len(text) * (GLYPH_WIDTH + 1) - 1) * scale


def hatch(kind: int) -> Pattern | None:
    """Pattern number ``kind``: none, diagonal, dots, horizontal, crosshatch, vertical, other diagonal."""
    patterns: list[Pattern | None] = [
        None,
        lambda x, y: (x + y) % 8 < 2,
        lambda x, y: x % 6 < 2 and y % 6 < 2,
        lambda x, y: y % 7 < 2,
        lambda x, y: (x + y) % 10 < 2 or (x - y) % 10 < 2,
        lambda x, y: x % 7 < 2,
        lambda x, y: (x - y) % 8 < 2,
    ]
    return patterns[kind % len(patterns)]


class Canvas:
    """RGB pixels, drawn on with rectangles and text, written out as PNG."""

    def __init__(self, width: int, height: int, background: RGB = (255, 255, 255)) -> None:
        if width <= 0 or height <= 0:
            raise ValueError("a canvas needs a positive width and height")
        self.width = width
        self.height = height
        self._pixels = bytearray(bytes(background) * (width * height))

    def pixel(self, x: int, y: int) -> RGB:
        """The colour at (x, y)."""
        offset = (y * self.width + x) * 3
        red, green, blue = self._pixels[offset : offset + 3]
        return (red, green, blue)

    def fill_rect(
        self, x: int, y: int, width: int, height: int, colour: RGB, pattern: Pattern | None = None,
        ink: RGB = (255, 255, 255),
    ) -> None:
        """Fill a rectangle (clipped to the canvas), with ``pattern`` drawn over it in ``ink``."""
        left, top = max(0, x), max(0, y)
        right, bottom = min(self.width, x + width), min(self.height, y + height)
        if right <= left or bottom <= top:
            return
        plain = bytes(colour) * (right - left)
        for row in range(top, bottom):
            start = (row * self.width + left) * 3
            if pattern is None:
                self._pixels[start : start + len(plain)] = plain
                continue
            line = bytearray(plain)
            for column in range(left, right):
                if pattern(column, row):
                    line[(column - left) * 3 : (column - left) * 3 + 3] = bytes(ink)
            self._pixels[start : start + len(line)] = line

    def outline(self, x: int, y: int, width: int, height: int, colour: RGB) -> None:
        """A one-pixel frame."""
        self.fill_rect(x, y, width, 1, colour)
        self.fill_rect(x, y + height - 1, width, 1, colour)
        self.fill_rect(x, y, 1, height, colour)
        self.fill_rect(x + width - 1, y, 1, height, colour)

    def text(self, x: int, y: int, text: str, colour: RGB = (0, 0, 0), scale: int = 2, vertical: bool = False) -> int:
        """Draw ``text`` with its top-left corner at (x, y); returns its width.

        ``vertical`` turns it a quarter to the left (read from bottom to top), with (x, y) then
        being the bottom-left corner of the turned text.
        """
        shown = glyph_text(text)
        for position, char in enumerate(shown):
            advance = position * (GLYPH_WIDTH + 1) * scale
            for row, bits in enumerate(GLYPHS[char]):
                for column, bit in enumerate(bits):
                    if bit != "#":
                        continue
                    if vertical:
                        self.fill_rect(x + row * scale, y - (advance + (column + 1) * scale), scale, scale, colour)
                    else:
                        self.fill_rect(x + advance + column * scale, y + row * scale, scale, scale, colour)
        return text_width(shown, scale)

    def png(self) -> bytes:
        """The canvas as a PNG file (8-bit RGB, no interlace)."""
        stride = self.width * 3
        raw = b"".join(
            b"\x00" + bytes(self._pixels[row * stride : (row + 1) * stride]) for row in range(self.height)
        )
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        # 96 dots per inch, so that word processors size the image as the chart was laid out.
        density = struct.pack(">IIB", 3780, 3780, 1)
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", header)
            + _chunk(b"pHYs", density)
            + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b"")
        )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def hex_colour(value: str) -> RGB:
    """``#rrggbb`` as a tuple."""
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
