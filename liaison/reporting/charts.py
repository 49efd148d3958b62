"""Charts drawn on the server: a heat map and bar charts, as inline SVG for pages and PNG for the .docx.

A chart is plain data (:class:`HeatMap`, :class:`BarChart`). The pages get it as SVG markup laid out
here (boxes and labels, the text drawn by the reader's browser in any script); the .docx gets a PNG that
matplotlib draws from the same data, colours and patterns (:mod:`liaison.reporting.images`), with fonts
that cover accents, Arabic, Cyrillic and Chinese.

Every chart is readable without colour: numbers are printed in the heat map's cells and at the
end of the bars, the series of a bar chart have patterns as well as colours, and the pages put
the same numbers in a table beside the chart. The SVG carries ``role="img"`` with a title and a
description; all text in it is escaped.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from flask_babel import gettext as _
from markupsafe import Markup, escape

from liaison.reporting.dashboard import PairCounts

#: Colours that stay apart for the common colour-vision deficiencies (Okabe and Ito), darkest first.
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#6C757D")
TEXT = "#212529"
MUTED = "#495057"
EMPTY_CELL = "#F1F3F5"
HEAT_LOW, HEAT_HIGH = "#DCE9F7", "#08306B"
_ids = itertools.count(1)


@dataclass(frozen=True)
class HeatMap:
    """A matrix of counts; ``None`` leaves a cell blank (e.g. the mirrored half of a symmetric matrix)."""

    title: str
    description: str
    rows: Sequence[str]
    columns: Sequence[str]
    values: Sequence[Sequence[int | None]]
    #: One line per cell read by screen readers and shown on hover, e.g. the breakdown of a count.
    tips: Sequence[Sequence[str]] = ()

    def svg(self, ident: str | None = None) -> Markup:
        """Inline SVG markup."""
        return _svg(_layout_heatmap(self, SVG_METRICS), self.title, self.description, ident)

    def png(self) -> bytes:
        """A PNG image, the cells filled and inked as in the SVG."""
        from liaison.reporting.images import heatmap_png  # matplotlib only where a .docx is made, not in every worker

        highest = max((v for row in self.values for v in row if v is not None), default=0)
        fills = [[None if v is None else _cell_fill(v, highest) for v in row] for row in self.values]
        inks = [[_ink_on(f) if f else TEXT for f in row] for row in fills]
        return heatmap_png(self, fills, inks)


@dataclass(frozen=True)
class Series:
    """One series of a bar chart: a name and a value per category."""

    name: str
    values: Sequence[int]


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one row per category; series side by side (grouped) or one after the other (stacked)."""

    title: str
    description: str
    categories: Sequence[str]
    series: Sequence[Series]
    stacked: bool = False

    def svg(self, ident: str | None = None) -> Markup:
        """Inline SVG markup."""
        return _svg(_layout_bars(self, SVG_METRICS), self.title, self.description, ident)

    def png(self) -> bytes:
        """A PNG image, with the SVG's colours and patterns."""
        from liaison.reporting.images import bars_png  # matplotlib only where a .docx is made, not in every worker

        return bars_png(self, SERIES_COLOURS)


# --- layout -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    """Sizes in the units of one output: how wide text is, how tall a line."""

    font: int
    line: int
    padding: int
    cell_width: int
    cell_height: int
    bar_height: int
    bar_area: int

    def width(self, text: str) -> int:
        """How wide ``text`` is drawn: SVG text is in the reader's sans-serif, 0.62 em per character at most."""
        return int(len(text) * self.font * 0.62) + 1


SVG_METRICS = Metrics(font=13, line=18, padding=8, cell_width=64, cell_height=38, bar_height=18, bar_area=460)


@dataclass(frozen=True)
class Box:
    """A filled rectangle; ``pattern`` is the series number whose hatching goes over the fill."""

    x: int
    y: int
    width: int
    height: int
    fill: str
    pattern: int | None = None
    tip: str = ""
    stroke: str | None = None


@dataclass(frozen=True)
class Label:
    """Text centred vertically on ``y``; ``vertical`` text reads upwards from (x, y)."""

    x: int
    y: int
    text: str
    anchor: Literal["start", "middle", "end"] = "start"
    colour: str = TEXT
    bold: bool = False
    vertical: bool = False
    halo: bool = False


@dataclass
class Drawing:
    """What a chart is made of, in output units."""

    width: int
    height: int
    shapes: list[Box | Label] = field(default_factory=list)
    patterns: dict[int, str] = field(default_factory=dict)


def _layout_heatmap(chart: HeatMap, m: Metrics) -> Drawing:
    label_width = max((m.width(row) for row in chart.rows), default=0) + 2 * m.padding
    header = max((m.width(column) for column in chart.columns), default=0) + 2 * m.padding
    width = label_width + m.cell_width * len(chart.columns) + m.padding
    height = header + m.cell_height * len(chart.rows) + m.padding
    drawing = Drawing(max(width, 1), max(height, 1))
    highest = max((v for row in chart.values for v in row if v is not None), default=0)
    for c, column in enumerate(chart.columns):
        x = label_width + c * m.cell_width + m.cell_width // 2
        drawing.shapes.append(Label(x, header - m.padding // 2, column, vertical=True))
    for r, row in enumerate(chart.rows):
        y = header + r * m.cell_height
        drawing.shapes.append(Label(label_width - m.padding, y + m.cell_height // 2, row, anchor="end"))
        for c, value in enumerate(chart.values[r]):
            if value is None:
                continue
            x = label_width + c * m.cell_width
            fill = _cell_fill(value, highest)
            tip = chart.tips[r][c] if chart.tips else f"{row}, {chart.columns[c]}: {value}"
            drawing.shapes.append(Box(x + 1, y + 1, m.cell_width - 2, m.cell_height - 2, fill, tip=tip, stroke="#ADB5BD"))
            drawing.shapes.append(
                Label(x + m.cell_width // 2, y + m.cell_height // 2, str(value), "middle", _ink_on(fill), bold=True)
            )
    return drawing


def _layout_bars(chart: BarChart, m: Metrics) -> Drawing:
    label_width = max((m.width(c) for c in chart.categories), default=0) + 2 * m.padding
    totals = [sum(s.values[i] for s in chart.series) for i in range(len(chart.categories))]
    longest = max(totals if chart.stacked else [v for s in chart.series for v in s.values], default=0)
    scale = m.bar_area / longest if longest else 0
    number_room = m.width(str(longest)) + 2 * m.padding
    width = label_width + m.bar_area + number_room

    drawing = Drawing(width, 0)
    # The legend: a swatch with the series' pattern, then its name, wrapping onto more lines if needed.
    x, y = m.padding, m.padding
    swatch = m.line - 4
    for number, series in enumerate(chart.series):
        drawing.patterns[number] = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        item_width = swatch + m.padding // 2 + m.width(series.name) + 2 * m.padding
        if x + item_width > width and x > m.padding:
            x, y = m.padding, y + m.line + 4
        drawing.shapes.append(Box(x, y, swatch, swatch, drawing.patterns[number], pattern=number, stroke=TEXT))
        drawing.shapes.append(Label(x + swatch + m.padding // 2, y + swatch // 2, series.name))
        x += item_width
    y += m.line + m.padding

    rows = 1 if chart.stacked else len(chart.series)
    row_height = rows * m.bar_height + m.padding * 2
    for i, category in enumerate(chart.categories):
        top = y + i * row_height
        drawing.shapes.append(Label(label_width - m.padding, top + row_height // 2, category, anchor="end"))
        drawing.shapes.append(Box(label_width, top + m.padding // 2, 1, row_height - m.padding, MUTED))
        cursor = label_width + 1
        for number, series in enumerate(chart.series):
            value = series.values[i]
            bar_top = top + m.padding + (0 if chart.stacked else number * m.bar_height)
            length = round(value * scale)
            tip = f"{category}, {series.name}: {value}"
            if not chart.stacked:
                cursor = label_width + 1
            if length:
                fill = drawing.patterns[number]
                drawing.shapes.append(
                    Box(cursor, bar_top + 1, length, m.bar_height - 2, fill, pattern=number, tip=tip, stroke="#FFFFFF")
                )
            if chart.stacked:
                if length >= m.width(str(value)) + m.padding and value:
                    drawing.shapes.append(
                        Label(cursor + length // 2, bar_top + m.bar_height // 2, str(value), "middle", halo=True)
                    )
            else:
                drawing.shapes.append(
                    Label(cursor + length + m.padding // 2, bar_top + m.bar_height // 2, str(value), bold=True)
                )
            cursor += length
        if chart.stacked:
            drawing.shapes.append(Label(cursor + m.padding // 2, top + m.padding + m.bar_height // 2, str(totals[i]), bold=True))
    drawing.height = y + len(chart.categories) * row_height + m.padding
    return drawing


def _cell_fill(value: int, highest: int) -> str:
    return EMPTY_CELL if value == 0 else _ramp(value / highest if highest else 0)


def _hex_colour(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _ramp(share: float) -> str:
    """A blue from light (few) to dark (many), by ``share`` of the highest value."""
    low, high = _hex_colour(HEAT_LOW), _hex_colour(HEAT_HIGH)
    mixed = (round(a + (b - a) * max(0.0, min(1.0, share))) for a, b in zip(low, high))
    return "#" + "".join(f"{channel:02X}" for channel in mixed)


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _hex_colour(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _ink_on(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG's contrast ratio)."""
    light = _luminance(fill)
    on_dark = (1.05) / (light + 0.05)
    on_light = (light + 0.05) / (_luminance(TEXT) + 0.05)
    return "#FFFFFF" if on_dark > on_light else TEXT


# --- SVG --------------------------------------------------------------------------------------------

_PATTERN_MARKS = (
    "",
    '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#fff" stroke-width="1.6"/>',
    '<circle cx="4" cy="4" r="1.5" fill="#fff"/>',
    '<path d="M0,4 h8" stroke="#fff" stroke-width="1.6"/>',
    '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4 M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke="#fff" stroke-width="1.2"/>',
    '<path d="M4,0 v8" stroke="#fff" stroke-width="1.6"/>',
    '<path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke="#fff" stroke-width="1.6"/>',
)


def _svg(drawing: Drawing, title: str, description: str, ident: str | None) -> Markup:
    ident = _slug(ident) if ident else f"chart{next(_ids)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {drawing.width} {drawing.height}" '
        f'width="100%" style="min-width:{drawing.width * 7 // 10}px;max-width:{drawing.width}px" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, Arial, sans-serif" font-size="{SVG_METRICS.font}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    if drawing.patterns:
        parts.append("<defs>")
        for number, colour in drawing.patterns.items():
            parts.append(
                f'<pattern id="{ident}-p{number}" patternUnits="userSpaceOnUse" width="8" height="8">'
                f'<rect width="8" height="8" fill="{colour}"/>{_PATTERN_MARKS[number % len(_PATTERN_MARKS)]}</pattern>'
            )
        parts.append("</defs>")
    for shape in drawing.shapes:
        parts.append(_svg_box(shape, ident) if isinstance(shape, Box) else _svg_label(shape))
    parts.append("</svg>")
    return Markup("".join(parts))


def _svg_box(box: Box, ident: str) -> str:
    fill = f"url(#{ident}-p{box.pattern})" if box.pattern is not None else box.fill
    stroke = f' stroke="{box.stroke}"' if box.stroke else ""
    rect = f'<rect x="{box.x}" y="{box.y}" width="{box.width}" height="{box.height}" fill="{fill}"{stroke}>'
    if box.tip:
        return f"{rect}<title>{escape(box.tip)}</title></rect>"
    return rect + "</rect>"


def _svg_label(label: Label) -> str:
    attributes = f'text-anchor="{label.anchor}" dominant-baseline="central" fill="{label.colour}"'
    if label.bold:
        attributes += ' font-weight="600"'
    if label.halo:
        attributes += ' stroke="#fff" stroke-width="3" paint-order="stroke"'
    if label.vertical:
        return f'<text transform="translate({label.x},{label.y}) rotate(-90)" {attributes}>{escape(label.text)}</text>'
    return f'<text x="{label.x}" y="{label.y}" {attributes}>{escape(label.text)}</text>'


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "chart"


# --- the charts of the dashboard and the report ----------------------------------------------------


def overlap_heatmap(title: str, bodies: Sequence[str], pairs: Sequence[PairCounts], labels: dict[str, str]) -> HeatMap:
    """Alerts found between each pair of bodies (lower half and diagonal), each cell's breakdown as its tip.

    Only bodies with at least one alert get a row and a column, in the order of ``bodies``.
    """
    involved = {pair.first for pair in pairs} | {pair.second for pair in pairs}
    bodies = [body for body in bodies if body in involved]
    position = {body: i for i, body in enumerate(bodies)}
    values: list[list[int | None]] = [[0 if c <= r else None for c in range(len(bodies))] for r in range(len(bodies))]
    tips = [
        [_("%(first)s and %(second)s: no alerts", first=bodies[r], second=bodies[c]) for c in range(len(bodies))]
        for r in range(len(bodies))
    ]
    for pair in pairs:
        if pair.first not in position or pair.second not in position:
            continue
        r, c = sorted((position[pair.first], position[pair.second]), reverse=True)
        values[r][c] = pair.found
        breakdown = ", ".join(
            _("%(count)s %(state)s", count=number, state=str(labels.get(state, state)).lower())
            for state, number in pair.by_state.items() if number
        )
        where = (_("within %(body)s", body=pair.first) if pair.first == pair.second
                 else _("%(first)s and %(second)s", first=bodies[r], second=bodies[c]))
        tips[r][c] = _("%(where)s: %(found)s found (%(breakdown)s)", where=where, found=pair.found, breakdown=breakdown)
    return HeatMap(
        title=title,
        description=_("A triangle of cells, one per pair of bodies (the diagonal is within one body); "
                      "each cell gives how many possible overlaps were found between the two, darker for more."),
        rows=list(bodies),
        columns=list(bodies),
        values=values,
        tips=tips,
    )


def stacked_by_body(
    title: str, description: str, by_body: dict[str, dict[str, int]], keys: Sequence[str], labels: dict[str, str]
) -> BarChart:
    """One stacked bar per body, one segment per key (e.g. items by status)."""
    return _bars_by_body(title, description, by_body, keys, labels, stacked=True)


def grouped_by_body(
    title: str, description: str, by_body: dict[str, dict[str, int]], keys: Sequence[str], labels: dict[str, str]
) -> BarChart:
    """One group of bars per body, one bar per key (e.g. statements sent, answered, overdue)."""
    return _bars_by_body(title, description, by_body, keys, labels, stacked=False)


def _bars_by_body(
    title: str,
    description: str,
    by_body: dict[str, dict[str, int]],
    keys: Sequence[str],
    labels: dict[str, str],
    *,
    stacked: bool,
) -> BarChart:
    bodies = list(by_body)
    return BarChart(
        title=title,
        description=description,
        categories=bodies,
        series=[Series(labels.get(key, key), [by_body[body].get(key, 0) for body in bodies]) for key in keys],
        stacked=stacked,
    )


def single_series(title: str, description: str, counts: dict[str, int], name: str) -> BarChart:
    """One bar per entry of ``counts`` (e.g. decisions by kind)."""
    return BarChart(title=title, description=description, categories=list(counts), series=[Series(name, list(counts.values()))])
