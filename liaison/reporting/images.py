"""Charts as PNG images for the .docx, drawn by matplotlib from the same chart data as the SVG of the pages.

matplotlib (3.11 and later) shapes text with HarfBuzz and orders it with a bidi algorithm, and falls back
from one font to the next glyph by glyph: with DejaVu Sans (Latin with accents, Greek, Cyrillic, Arabic)
and Noto Sans CJK (Chinese, Japanese, Korean) every label of a body or group in the six UN languages is
drawn as written. ``make install-fonts`` installs Debian's packages of those fonts.

Only the object-oriented API is used (a ``Figure`` per chart, no pyplot): nothing global changes, so
threads of a worker may draw at once.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # no display on a server; set before anything else of matplotlib is imported

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch, Rectangle

if TYPE_CHECKING:
    from liaison.reporting.charts import BarChart, HeatMap

#: Fonts tried in turn for each character; those not installed are left out.
FONT_FAMILIES = ("DejaVu Sans", "Noto Sans CJK SC", "Noto Sans Arabic", "Noto Sans")
#: The two that cover the six UN languages between them (Debian's fonts-dejavu-core and fonts-noto-cjk).
ESSENTIAL_FAMILIES = ("DejaVu Sans", "Noto Sans CJK SC")
#: Hatches that tell series apart without colour (the SVG's patterns, in matplotlib's notation).
HATCHES = ("", "///", "..", "--", "xx", "||", "\\\\\\")
DPI = 150
WIDTH_INCHES = 8.0
FONT_SIZE = 9


@lru_cache(maxsize=1)
def installed_families() -> tuple[str, ...]:
    """The families of :data:`FONT_FAMILIES` that are installed (DejaVu Sans ships with matplotlib)."""
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    if not set(ESSENTIAL_FAMILIES) <= names:
        # matplotlib keeps its list of the system's fonts in a cache: fonts installed after it was made
        # are found by looking again (for this process; the cache file is left alone).
        for path in font_manager.findSystemFonts():
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
        names = {entry.name for entry in font_manager.fontManager.ttflist}
    return tuple(family for family in FONT_FAMILIES if family in names) or ("DejaVu Sans",)


def _font(bold: bool = False, size: float = FONT_SIZE) -> FontProperties:
    return FontProperties(family=list(installed_families()), size=size, weight="bold" if bold else "normal")


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.15, metadata={"Software": None})
    return buffer.getvalue()


def bars_png(chart: BarChart, colours: Sequence[str]) -> bytes:
    """Horizontal bars, a row per category; series side by side or stacked, coloured and hatched, each
    value written at the end of its bar (and each stacked total at the end of the stack)."""
    categories = list(chart.categories)
    series = list(chart.series)
    rows = 1 if chart.stacked else max(len(series), 1)
    height = max(1.6, 0.9 + len(categories) * (0.18 * rows + 0.22))
    figure = Figure(figsize=(WIDTH_INCHES, height))
    axes = figure.add_subplot()
    bar = 0.8 / rows
    lefts = [0] * len(categories)
    longest = max((sum(s.values[i] for s in series) for i in range(len(categories))), default=0)
    if not chart.stacked:
        longest = max((v for s in series for v in s.values), default=0)
    for number, entry in enumerate(series):
        colour = colours[number % len(colours)]
        offset = 0.0 if chart.stacked else (number - (rows - 1) / 2) * bar
        positions = [i + offset for i in range(len(categories))]
        drawn = axes.barh(
            positions, list(entry.values), height=bar * 0.92, left=lefts if chart.stacked else None,
            color=colour, hatch=HATCHES[number % len(HATCHES)], edgecolor="white", linewidth=0.6, label=str(entry.name),
        )
        if not chart.stacked:
            axes.bar_label(drawn, labels=[str(v) for v in entry.values], padding=3, fontproperties=_font(bold=True))
        else:
            lefts = [left + value for left, value in zip(lefts, entry.values)]
    if chart.stacked:
        for i, total in enumerate(lefts):
            axes.text(total + longest * 0.01, i, str(total), va="center", fontproperties=_font(bold=True))
    axes.set_yticks(range(len(categories)), categories, fontproperties=_font())
    axes.invert_yaxis()  # the first category on top, as on the page
    axes.set_xlim(0, max(longest, 1) * 1.12)
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    handles = [
        Patch(facecolor=colours[n % len(colours)], hatch=HATCHES[n % len(HATCHES)], edgecolor="white", label=str(s.name))
        for n, s in enumerate(series)
    ]
    axes.legend(
        handles=handles, prop=_font(), loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(len(series), 4),
        frameon=False, handlelength=1.6,
    )
    return _png(figure)


def heatmap_png(chart: HeatMap, fill: Sequence[Sequence[str | None]], ink: Sequence[Sequence[str]]) -> bytes:
    """A matrix of cells, each filled with ``fill[r][c]`` (``None``: left blank) and its count written in
    ``ink[r][c]``; column labels on top, turned upright."""
    rows, columns = list(chart.rows), list(chart.columns)
    size = max(2.0, 0.55 * max(len(rows), len(columns)) + 1.5)
    figure = Figure(figsize=(min(WIDTH_INCHES, size + 1.5), size))
    axes = figure.add_subplot()
    for r in range(len(rows)):
        for c in range(len(columns)):
            value = chart.values[r][c]
            colour = fill[r][c]
            if value is None or colour is None:
                continue
            axes.add_patch(Rectangle((c, r), 0.96, 0.96, facecolor=colour, edgecolor="#ADB5BD"))
            axes.text(c + 0.48, r + 0.48, str(value), ha="center", va="center", color=ink[r][c], fontproperties=_font(True))
    axes.set_xlim(0, len(columns))
    axes.set_ylim(len(rows), 0)
    axes.set_aspect("equal")
    axes.set_xticks([c + 0.48 for c in range(len(columns))], columns, rotation=90, fontproperties=_font())
    axes.set_yticks([r + 0.48 for r in range(len(rows))], rows, fontproperties=_font())
    axes.xaxis.tick_top()
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    return _png(figure)
