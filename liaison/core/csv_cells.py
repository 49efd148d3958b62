"""CSV cells that spreadsheets open as text: nothing typed into liaison runs as a formula on someone's desk.

A cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which some spreadsheets
skip first) would run as a formula when the file is opened: an item titled ``=HYPERLINK(...)`` could
send whoever opens an export to another site. Such a cell gets a leading apostrophe, which
spreadsheets show as text. A value that already starts with an apostrophe gets one more, so that
:func:`cell_value` gives back exactly what was written and files that are read back in (the work
programme's export and import) lose nothing.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def inert_cell(value: str) -> str:
    """``value`` as a cell a spreadsheet shows as text, never runs."""
    if value.startswith((*FORMULA_START, ESCAPE)):
        return ESCAPE + value
    return value


def cell_value(cell: str) -> str:
    """The value :func:`inert_cell` made ``cell`` from; other cells (typed by hand) are left as they are."""
    if cell.startswith(ESCAPE) and cell[1:].startswith((*FORMULA_START, ESCAPE)):
        return cell[1:]
    return cell
