"""Charts drawn on the server: SVG that parses and is accessible, PNG that any reader can decode."""

from __future__ import annotations

import struct
import zlib
from xml.etree import ElementTree

import pytest

from liaison.reporting.charts import BarChart, HeatMap, Series, overlap_heatmap
from liaison.reporting.dashboard import PairCounts

SVG = "{http://www.w3.org/2000/svg}"


def heatmap() -> HeatMap:
    return HeatMap(
        title="Overlaps <between> bodies",
        description="A & B",
        rows=["ITU-T", "<UNICEF>"],
        columns=["ITU-T", "<UNICEF>"],
        values=[[3, None], [0, 12]],
    )


def bars(stacked: bool) -> BarChart:
    return BarChart(
        title="Items",
        description="Per body",
        categories=["ITU-T", "IEEE SA"],
        series=[Series("Active", [4, 0]), Series("Published", [1, 7])],
        stacked=stacked,
    )


def decode_png(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and raw (filtered) rows of an 8-bit RGBA PNG, checking every chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", None
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height, depth, colour, *_ = header
    assert (depth, colour) == (8, 6)
    raw = zlib.decompress(idat)
    assert len(raw) == height * (1 + 4 * width)
    return width, height, raw


def test_heatmap_svg_is_valid_accessible_and_escaped():
    markup = str(heatmap().svg("heat"))
    root = ElementTree.fromstring(markup)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "heat-title heat-desc"
    assert root.find(f"{SVG}title").text == "Overlaps <between> bodies"
    assert "<UNICEF>" not in markup and "&lt;UNICEF&gt;" in markup
    numbers = [t.text for t in root.iter(f"{SVG}text")]
    assert {"3", "0", "12"} <= set(numbers)
    # Three cells drawn: the blank one (None) is not.
    assert len(root.findall(f".//{SVG}rect")) == 3


def test_cell_text_contrasts_with_its_fill():
    root = ElementTree.fromstring(str(heatmap().svg()))
    fills = {t.text: t.get("fill") for t in root.iter(f"{SVG}text") if t.text in {"0", "12"}}
    assert fills["12"] == "#FFFFFF" and fills["0"] == "#212529"


@pytest.mark.parametrize("stacked", [True, False])
def test_bar_chart_svg_has_patterns_a_legend_and_the_values(stacked):
    root = ElementTree.fromstring(str(bars(stacked).svg("bars")))
    patterns = root.findall(f".//{SVG}pattern")
    assert [p.get("id") for p in patterns] == ["bars-p0", "bars-p1"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Active" in texts and "Published" in texts
    assert {"5", "7"} <= set(texts) if stacked else {"4", "1", "7"} <= set(texts)
    assert all(r.get("fill").startswith(("url(#bars-p", "#")) for r in root.iter(f"{SVG}rect"))


def test_bar_lengths_follow_the_values():
    root = ElementTree.fromstring(str(bars(False).svg()))
    tips = {r.find(f"{SVG}title").text: int(r.get("width")) for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None}
    assert abs(tips["IEEE SA, Published: 7"] - tips["ITU-T, Active: 4"] * 7 / 4) <= 1
    assert "IEEE SA, Active: 0" not in tips


@pytest.mark.parametrize("chart", [heatmap(), bars(True), bars(False)])
def test_png_versions_decode(chart):
    width, height, raw = decode_png(chart.png())
    assert width > 100 and height > 50
    # Something was drawn: not every pixel is white.
    assert raw.replace(b"\x00", b"").strip(b"\xff")


def test_the_overlap_heatmap_keeps_bodies_with_alerts_in_order_and_explains_cells():
    pairs = [PairCounts("ITU-T", "UNICEF", {"duplicate": 2, "open": 1}), PairCounts("ITU-T", "ITU-T", {"related": 1})]
    chart = overlap_heatmap("t", ["ITU-T", "ITU-D", "UNICEF"], pairs, {"duplicate": "Duplicate", "open": "Open", "related": "Related"})
    assert chart.rows == ["ITU-T", "UNICEF"]
    assert chart.values == [[1, None], [3, 0]]
    assert chart.tips[1][0] == "UNICEF and ITU-T: 3 found (2 duplicate, 1 open)"
    assert chart.tips[0][0] == "within ITU-T: 1 found (1 related)"


SCRIPTS = ["Comité d'éducation", "Защита детей в интернете", "حماية الأطفال على الإنترنت", "儿童在线保护", "Ελλάδα"]


@pytest.mark.parametrize(
    "chart",
    [
        BarChart("t", "d", SCRIPTS, [Series("Задачи", [1, 2, 3, 4, 5]), Series("مهام", [5, 4, 3, 2, 1])]),
        HeatMap("t", "d", SCRIPTS[:3], SCRIPTS[2:], [[1, 2, 3], [None, 4, 5], [None, None, 6]]),
    ],
)
def test_png_labels_in_every_un_script_are_drawn_not_replaced(chart, recwarn):
    """The old hand-made raster font turned all of these into "?"; matplotlib warns for each glyph that no
    installed font has (``make install-fonts`` installs them), and draws a box in its place."""
    width, height, _ = decode_png(chart.png())
    missing = [str(w.message) for w in recwarn if "missing from font" in str(w.message)]
    assert missing == []
    assert width > 300 and height > 100
