"""Recognise a table's layout from its header and turn it into one record per value cell.

Long layout: columns ``unit, indicator, period, value`` (+ optional ``status, source,
measure, flag``), one row per value. Wide layout: columns ``unit, period`` (+ optional
``status, source``) and one column per indicator code, the header optionally declaring
the unit of measure: ``EC01 (元)`` or ``EC01（元）``. Headers are matched without regard to
case, and a few Chinese names are accepted (``地区``, ``指标``, ``时期``/``年份``, ``数值`` ...).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from qcity.data.problems import Problem
from qcity.data.readers import RawSheet, cell_text

#: Accepted header names (after NFKC, strip and lower-case) of each field.
ALIASES: dict[str, tuple[str, ...]] = {
    "unit": ("unit", "unit_code", "地区", "地区代码", "单位代码"),
    "indicator": ("indicator", "indicator_code", "指标", "指标代码"),
    "period": ("period", "year", "时期", "期间", "年份", "年度"),
    "value": ("value", "数值", "值", "指标值"),
    "status": ("status", "状态"),
    "source": ("source", "来源", "数据来源"),
    "measure": ("measure", "unit_of_measure", "计量单位"),
    "flag": ("flag", "标记"),
}
_ALIAS_TO_FIELD = {alias: f for f, names in ALIASES.items() for alias in names}

#: Columns written by ``qcity export`` that carry no input: ignored on import.
EXPORT_ONLY = frozenset(
    {
        "unit_name_zh",
        "unit_name_en",
        "indicator_name_zh",
        "indicator_name_en",
        "revision",
        "recorded_at",
        "entered_by",
        "batch_id",
        "file_name",
        "year",
        "quarter",
        "allowed_range",  # the department templates' reminder (qcity template)
    }
)

#: Name of the sheet describing the columns in an exported workbook: skipped on import.
DOC_SHEET = "columns"

#: How many rows from the top are searched for the header row.
HEADER_SEARCH_ROWS = 20

#: Every field a record carries, in order.
FIELDS = ("unit", "indicator", "period", "value", "status", "source", "measure", "flag")

_WIDE_HEADER = re.compile(r"^(?P<code>[A-Za-z][\w.\-]*)\s*(?:[(\[](?P<measure>[^()\[\]]*)[)\]])?$")

Layout = Literal["long", "wide", "yearbook", "template"]

#: The column that marks a department's data-entry template (``qcity template``): a long
#: table whose value cells a department fills where it has a figure (blank ones are skipped).
TEMPLATE_MARKER = "allowed_range"


def normalise_header(text: str) -> str:
    """NFKC (full-width -> ASCII), collapse spaces, strip, lower-case."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


@dataclass
class SheetTable:
    """One sheet turned into records, one per value cell, with where each field sits."""

    sheet: str | None
    layout: Layout
    header_row: int
    records: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


def find_header(cells: pd.DataFrame) -> int | None:
    """Position of the header row: the first of the top ``HEADER_SEARCH_ROWS`` rows naming
    both a unit and a period column (title rows above it are allowed); None if none does."""
    for i in range(min(len(cells), HEADER_SEARCH_ROWS)):
        names = {_ALIAS_TO_FIELD.get(normalise_header(t)) for t in cell_text(cells.iloc[i])}
        if {"unit", "period"} <= names:
            return i
    return None


def to_records(raw: RawSheet) -> SheetTable | None:
    """Records of a sheet (None if no header row with unit and period columns is found).

    Each record has the eight ``FIELDS`` as text (the value as read: a number stays a
    number), ``value_percent`` (Excel shows the value as a percentage) plus, per field,
    ``<field>_row`` and ``<field>_col`` locating the cell to blame (row as shown by Excel,
    column as ``"D (EC01 (元))"``).
    """
    cells = raw.cells
    first = find_header(cells)
    if first is None:
        return None
    header_row = int(cells.index[first])
    header = cell_text(cells.iloc[first]).tolist()
    body = cells.loc[header_row + 1 :]
    fields: dict[str, int] = {}
    extra: list[int] = []
    problems: list[Problem] = []
    for pos, text in enumerate(header):
        name = normalise_header(text)
        f = _ALIAS_TO_FIELD.get(name)
        if f is not None and f not in fields:
            fields[f] = pos
        elif f is not None:
            problems.append(
                Problem.at(
                    raw.name,
                    header_row,
                    raw.letter(pos),
                    text,
                    f"second '{f}' column (first is {raw.letter(fields[f])}); delete one",
                )
            )
        elif name and name not in EXPORT_ONLY:
            extra.append(pos)
        elif not name and cell_text(body[pos]).ne("").any():
            problems.append(
                Problem.at(
                    raw.name,
                    header_row,
                    raw.letter(pos),
                    "",
                    "column has values but no header; name it or delete it",
                )
            )
    if "unit" not in fields or "period" not in fields:
        return None
    label = {pos: f"{raw.letter(pos)} ({header[pos]})" for pos in range(len(header))}
    if "indicator" in fields and "value" in fields:
        for pos in extra:
            problems.append(
                Problem.at(
                    raw.name,
                    header_row,
                    label[pos],
                    header[pos],
                    "column not used in the long layout (ignored)",
                    "warning",
                )
            )
        kind: Layout = "long"
        if any(normalise_header(h) == TEMPLATE_MARKER for h in header):
            kind = "template"
        records = _long(raw, body, fields, label, kind)
        return SheetTable(raw.name, kind, header_row, records, problems)
    records, wide_problems = _wide(raw, body, fields, extra, header, label, header_row)
    return SheetTable(raw.name, "wide", header_row, records, problems + wide_problems)


def empty_records() -> pd.DataFrame:
    """A records frame with no rows and every column."""
    cols = ["sheet", "layout", *FIELDS, "value_percent"]
    cols += [f"{f}_row" for f in FIELDS] + [f"{f}_col" for f in FIELDS]
    return pd.DataFrame(columns=cols)


def _percent(raw: RawSheet, rows: pd.Index, col: int | None) -> np.ndarray:
    """Whether the cells of column ``col`` in ``rows`` are shown as percentages."""
    if raw.percent is None or col is None:
        return np.zeros(len(rows), dtype=bool)
    return raw.percent.loc[rows, col].to_numpy(dtype=bool)


def _long(
    raw: RawSheet,
    body: pd.DataFrame,
    fields: dict[str, int],
    label: dict[int, str],
    kind: Layout = "long",
) -> pd.DataFrame:
    """Long layout (or a department template, ``kind``): one record per non-blank row."""
    columns: dict[int, pd.Series] = {int(pos): cell_text(body[pos]) for pos in body.columns}
    empty = pd.Series("", index=body.index, dtype=object)
    text = {f: columns[fields[f]] if f in fields else empty for f in FIELDS}
    if "value" in fields:  # keep Excel numbers as numbers for exact parsing
        text["value"] = body[fields["value"]].where(body[fields["value"]].notna(), "")
    rec = pd.DataFrame(text, index=body.index)
    rec["value_percent"] = _percent(raw, body.index, fields.get("value"))
    blank = np.logical_and.reduce([(c == "").to_numpy(dtype=bool) for c in columns.values()])
    rec = rec[~np.atleast_1d(blank)]
    rows = pd.Series(rec.index, index=rec.index)
    rec.insert(0, "sheet", raw.name)
    rec.insert(1, "layout", kind)
    for f in FIELDS:
        rec[f"{f}_row"] = rows
        rec[f"{f}_col"] = label.get(fields.get(f, -1), f)
    return rec.reset_index(drop=True) if len(rec) else empty_records()


def _wide(
    raw: RawSheet,
    body: pd.DataFrame,
    fields: dict[str, int],
    extra: list[int],
    header: list[str],
    label: dict[int, str],
    header_row: int,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Wide layout: one record per non-empty indicator cell (empty cells are skipped)."""
    problems: list[Problem] = []
    codes: dict[int, tuple[str, str]] = {}
    for pos in extra:
        m = _WIDE_HEADER.match(unicodedata.normalize("NFKC", header[pos]).strip())
        if m is None:
            problems.append(
                Problem.at(
                    raw.name,
                    header_row,
                    label[pos],
                    header[pos],
                    "header is not an indicator code like 'EC01' or 'EC01 (元)'",
                )
            )
            continue
        codes[pos] = (m["code"], (m["measure"] or "").strip())
    if not codes and not problems:
        problems.append(
            Problem.at(
                raw.name,
                header_row,
                "",
                "",
                "no indicator columns: a wide table needs columns unit, period and "
                "one column per indicator code; a long one unit, indicator, period, "
                "value",
            )
        )
    if not codes:
        return empty_records(), problems
    row_text = {
        f: cell_text(body[fields[f]])
        for f in ("unit", "period", "status", "source", "flag")
        if f in fields
    }
    parts = []
    for pos, (code, measure) in codes.items():
        values = body[pos]
        filled = cell_text(values).ne("")
        idx = body.index[filled.to_numpy()]
        part = pd.DataFrame(index=idx)
        part["sheet"] = raw.name
        part["layout"] = "wide"
        for f in ("unit", "period", "status", "source", "flag"):
            part[f] = row_text[f].loc[idx] if f in row_text else ""
        part["indicator"] = code
        part["value"] = values.loc[idx]
        part["value_percent"] = _percent(raw, idx, pos)
        part["measure"] = measure
        for f in FIELDS:
            on_header = f in ("indicator", "measure")
            part[f"{f}_row"] = header_row if on_header else idx
            if f in ("indicator", "measure", "value"):
                part[f"{f}_col"] = label[pos]
            else:
                part[f"{f}_col"] = label.get(fields.get(f, -1), f)
        parts.append(part)
    rec = pd.concat(parts)
    rec = rec.sort_index(kind="stable").reset_index(drop=True)
    return rec[empty_records().columns], problems
