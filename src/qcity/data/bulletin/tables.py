"""Tables of a bulletin flattened into text, read as the sentences they stand for.

Bulletins put their main figures in tables (``表1 2023年地区生产总值``); pasted as text,
each row becomes a line of cells separated by ``|`` (or tabs) under a header that gives
each column's unit (or the year it holds; the unit is then in the row's label, or in a
``单位`` column)::

    指标 | 绝对数（亿元） | 比上年增长（%）
    地区生产总值 | 613.52 | 4.7

A row is read as ``地区生产总值：613.52亿元，比上年增长4.7%`` — the label, then each cell
with its column's unit, a growth column (增长, 增速 with %) as a growth — so that the
rules read it as they read prose; the row is shown as written. A column whose header
names a year (``2022年``) keeps that year before its figure, so another year's column is
refused like another year in prose. Rows under a header whose columns carry no unit (and
no ``单位`` column) are left as they are: nothing is guessed.
"""

from __future__ import annotations

import re

from qcity.data.bulletin.numbers import UNIT_SPELLINGS, UNITS

#: Cell separators of a flattened table: a bar (ASCII or full width) or a tab.
_CELLS = re.compile(r"\s*[|｜\t]\s*")

#: A unit in brackets in a header cell: ``绝对数（亿元）``, ``比上年增长(%)``.
_HEADER_UNIT = re.compile(r"[(（]\s*([^()（）]{1,10}?)\s*[)）]\s*$")

#: A header cell that says its column is a growth rate.
_GROWTH_HEADER = re.compile(r"增长|增速|增幅|增减")

#: A header cell naming a year.
_HEADER_YEAR = re.compile(r"\d{4}\s*年")

#: A cell holding a number (thousands separators, a sign), full-width forms narrowed.
_NUMBER_CELL = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-+]?\d+(?:\.\d+)?$")

#: A cell that says "no figure".
_EMPTY_CELL = frozenset({"", "-", "—", "——", "/", "…"})

_KNOWN_UNITS = frozenset([*UNITS, *UNIT_SPELLINGS])


def _cells(line: str) -> list[str]:
    """The cells of a table line (outer bars dropped); [] when it is not a table line."""
    if not _CELLS.search(line.strip()):
        return []
    cells = _CELLS.split(line.strip().strip("|｜").strip())
    return cells if len(cells) >= 2 else []


def _unit_of(cell: str) -> str:
    """The unit a header cell gives its column ("" when none): ``绝对数(亿元)`` -> 亿元,
    ``增长%`` -> %."""
    m = _HEADER_UNIT.search(cell)
    unit = m.group(1).strip() if m else ("%" if cell.endswith(("%", "％")) else "")
    unit = "%" if unit == "％" else unit
    return unit if unit in _KNOWN_UNITS else ""


class _Header:
    """What a header line says of each column: unit, growth or not, year, and which
    column (if any) holds each row's unit (``单位``)."""

    def __init__(self, cells: list[str]) -> None:
        self.units = [_unit_of(c) for c in cells]
        self.growth = [bool(_GROWTH_HEADER.search(c)) for c in cells]
        self.years = [
            (m.group().replace(" ", "") if (m := _HEADER_YEAR.search(c)) else "") for c in cells
        ]
        self.unit_column = next((i for i, c in enumerate(cells) if c.strip() == "单位"), None)

    @property
    def useful(self) -> bool:
        """True when some column after the first has a unit, a year or a growth, or a
        单位 column exists (a row without a unit of its own is then left alone)."""
        later = zip(self.units[1:], self.years[1:], self.growth[1:], strict=True)
        return any(any(c) for c in later) or self.unit_column is not None


def _read_row(cells: list[str], header: _Header) -> str | None:
    """The sentence a data row stands for, or None when it is no data row of ``header``."""
    label = cells[0].lstrip("#＃ ").strip()
    if not label or _NUMBER_CELL.match(label) or len(cells) > len(header.units):
        return None
    row_unit = _unit_of(label)  # 城镇居民人均可支配收入(元): the unit in the row's label
    if row_unit:
        label = _HEADER_UNIT.sub("", label).strip()
    if header.unit_column is not None and header.unit_column < len(cells):
        row_unit = cells[header.unit_column].strip()
        row_unit = row_unit if row_unit in _KNOWN_UNITS else ""
    parts: list[str] = []
    for i, cell in enumerate(cells[1:], start=1):
        if i == header.unit_column or cell in _EMPTY_CELL:
            continue
        if not _NUMBER_CELL.match(cell):
            return None
        unit = header.units[i] or ("" if header.growth[i] else row_unit)
        if header.growth[i] and unit in ("%", ""):
            parts.append(f"{header.years[i]}比上年增长{cell}%")
        elif unit:
            parts.append(f"{header.years[i]}{cell}{unit}")
    return f"{label}:{','.join(parts)}" if parts else None


def read_tables(lines: list[str]) -> list[str | None]:
    """For each line, the sentence it stands for when it is a row of a flattened table
    (see the module docstring), else None."""
    out: list[str | None] = []
    header: _Header | None = None
    for line in lines:
        cells = _cells(line)
        if not cells:
            header = None
            out.append(None)
            continue
        row = _read_row(cells, header) if header is not None else None
        if row is None and not any(_NUMBER_CELL.match(c) for c in cells[1:]):
            candidate = _Header(cells)
            header = candidate if candidate.useful else None
        out.append(row)
    return out
