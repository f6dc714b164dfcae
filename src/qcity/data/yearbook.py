"""Recognise a yearbook table (统计年鉴) of ONE unit and turn it into records.

The table as a statistics office holds it: a title row (often merged across the
columns), a header row whose period cells read ``2023``, ``2023年`` or ``2023年末`` (a
merged cell such as ``指 标`` spanning two header rows is read from its top-left cell),
one row per indicator named in Chinese with its unit in brackets or in a ``单位`` column,
and notes below (``注：…``, sources, copyright). Rows are matched to indicators exactly
(``qcity.data.names``); a row that matches nothing is listed as skipped, with the
closest names as hints, and does not stop the import. A unit of measure that differs
from the indicator's is converted when that is exact, or left for ``check_records`` to
refuse (never a silent 10x).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from qcity.data.checks import parse_values
from qcity.data.layout import FIELDS, SheetTable, empty_records
from qcity.data.names import NameMatch, NameMatcher, convert, split_decoration, unit_factor
from qcity.data.periods import parse_periods
from qcity.data.problems import Problem
from qcity.data.readers import RawSheet, cell_text
from qcity.framework.aliases import name_key, per_scale

__all__ = ["Recognition", "RowMatch", "recognise"]

#: How many rows from the top are searched for the header row (the period columns).
HEADER_SEARCH_ROWS = 20

#: Header labels (as ``name_key``) of the columns a yearbook table may have.
NAME_LABELS = frozenset({"指标", "指标名称", "项目", "名称", "indicator"})
UNIT_LABELS = frozenset({"单位", "计量单位", "unit", "measure"})
CODE_LABELS = frozenset({"代码", "指标代码", "编码", "code"})

#: How a row's name was matched, as ``--dry-run`` shows it.
_HOW = {
    "code": "by code",
    "name": "by name",
    "alias": "by alias",
    "conversion": "declared conversion",
    "saved": "saved name",
}

#: A row whose name starts so is a note, not data (``注：``, sources, copyright).
_NOTE = re.compile(r"^(注|说明|备注|资料来源|数据来源|来源|©|\(c\)|版权|copyright|\*)", re.I)

#: A note or title saying the figures are preliminary (初步核算, 快报): status preliminary.
_PRELIMINARY = re.compile(r"初步核算|初步统计|初步数|快报")

#: A note naming the source of the table (资料来源：…), the values' source.
_SOURCE_NOTE = re.compile(r"^\s*(?:资料来源|数据来源|来源)\s*[:：]\s*(.+?)[。.]?\s*$")

#: A year named in a note (``2024年``): a preliminary note naming years applies to them.
_NOTE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")

#: A header cell that is a year: ``2023``, ``2023年``, ``2023年末``, ``2023年度``.
_YEAR_CELL = re.compile(r"^\d{4}(?:\.0+)?\s*(?:年(?:度|末|底)?)?$")


@dataclass(frozen=True)
class RowMatch:
    """What became of one body row: ``matched`` (to ``code``), ``skipped`` (values, but
    no indicator), ``note`` or ``heading`` (no values); ``detail`` says how or why."""

    row: int
    text: str
    outcome: str
    code: str = ""
    detail: str = ""


@dataclass
class Recognition:
    """How a sheet was read: where the header, names, units and periods are, and what
    became of every body row (shown by ``qcity import --dry-run``)."""

    sheet: str | None
    unit: str
    header_row: int
    name_column: str
    unit_column: str | None
    periods: dict[str, str]
    rows: list[RowMatch] = field(default_factory=list)
    #: What the table's title and notes said about the values (status, source).
    notes: list[str] = field(default_factory=list)


def _header_position(cells: pd.DataFrame) -> tuple[int, list[int]] | None:
    """Position of the first of the top rows with year cells right of some other column
    (the names; a title reading only ``2024年`` in column A is not a header), and those
    columns."""
    for i in range(min(len(cells), HEADER_SEARCH_ROWS)):
        text = cell_text(cells.iloc[i]).map(lambda v: re.sub(r"\s+", "", str(v)))
        years = [int(c) for c in text.index[text.str.match(_YEAR_CELL).to_numpy(dtype=bool)]]
        if years and min(years) > 0 and parse_periods(text.loc[years])["in_range"].all():
            return i, years
    return None


def _labels(cells: pd.DataFrame, pos: int) -> list[str]:
    """Label of each column: the header cell, else the nearest filled cell of the two
    rows above (a merged cell keeps its text in its top-left cell)."""
    rows = [cell_text(cells.iloc[i]).tolist() for i in range(max(0, pos - 2), pos + 1)]
    out = []
    for col in range(cells.shape[1]):
        filled = [r[col] for r in reversed(rows) if r[col]]
        out.append(filled[0] if filled else "")
    return out


@dataclass(frozen=True)
class _Columns:
    """Where a sheet's parts are: header row, year columns, names, units, codes."""

    header_row: int
    periods: list[int]
    labels: list[str]
    name: int | None
    unit: int | None
    code: int | None

    def label(self, raw: RawSheet, col: int) -> str:
        """``A (指 标)``: the column letter and its label, as problems show it."""
        return f"{raw.letter(col)} ({self.labels[col]})" if self.labels[col] else raw.letter(col)


def _columns(cells: pd.DataFrame) -> _Columns | None:
    """The header row and the role of each column; None without a row of years."""
    found = _header_position(cells)
    if found is None:
        return None
    pos, period_cols = found
    labels = _labels(cells, pos)
    keys = [name_key(t) for t in labels]
    others = [c for c in range(cells.shape[1]) if c not in period_cols]
    unit_col = next((c for c in others if keys[c] in UNIT_LABELS), None)
    code_col = next((c for c in others if keys[c] in CODE_LABELS), None)
    name_col = next((c for c in others if keys[c] in NAME_LABELS), None)
    if name_col is None:  # no 指标 label: the first other column with text below
        body = cells.iloc[pos + 1 :]
        free = [c for c in others if c not in (unit_col, code_col)]
        name_col = next((c for c in free if cell_text(body[c]).ne("").any()), None)
    return _Columns(int(cells.index[pos]), period_cols, labels, name_col, unit_col, code_col)


def recognise(
    raw: RawSheet,
    unit: str,
    matcher: NameMatcher,
    *,
    source: str | None = None,
    status: str | None = None,
) -> tuple[SheetTable, Recognition] | None:
    """Records of a yearbook sheet of ``unit`` and how it was read; None when no header
    row with year cells is found in the top ``HEADER_SEARCH_ROWS`` rows.

    ``source`` and ``status`` (``qcity import --source/--status``) apply to every value;
    without them the title and notes are read: 初步核算 or 快报 make the values (of the
    years the note names, else all) preliminary, ``资料来源：X`` makes X the source."""
    cols = _columns(raw.cells)
    if cols is None:
        return None
    years = parse_periods(pd.Series([cols.labels[c] for c in cols.periods]))["period"]
    recog = Recognition(
        raw.name,
        unit,
        cols.header_row,
        cols.label(raw, cols.name) if cols.name is not None else "",
        cols.label(raw, cols.unit) if cols.unit is not None else None,
        {cols.label(raw, c): str(y) for c, y in zip(cols.periods, years, strict=True)},
    )
    if cols.name is None:
        problem = Problem.at(
            raw.name, cols.header_row, "", "", "no column of indicator names beside the years"
        )
        return SheetTable(raw.name, "yearbook", cols.header_row, empty_records(), [problem]), recog
    records, problems = _read_rows(raw, cols, cols.name, matcher, recog)
    records["unit"] = unit
    records["unit_col"] = "--unit"
    _apply_notes(raw, cols, records, recog, source, status)
    table = SheetTable(
        raw.name, "yearbook", cols.header_row, records[empty_records().columns], problems
    )
    return table, recog


def _apply_notes(
    raw: RawSheet,
    cols: _Columns,
    records: pd.DataFrame,
    recog: Recognition,
    source: str | None,
    status: str | None,
) -> None:
    """Set the status and source of ``records`` (in place) from the options or, failing
    them, from the title rows and notes of the sheet; say so in ``recog.notes``."""
    above = raw.cells.loc[: cols.header_row - 1]
    title = [t for col in above.columns for t in cell_text(above[col]) if t]
    texts = title + [r.text for r in recog.rows if r.outcome == "note"]
    years = parse_periods(records["period"].astype(str))["year"] if len(records) else None
    if status is not None:
        records["status"] = status
    elif years is not None:
        prelim = [t for t in texts if _PRELIMINARY.search(t)]
        named = {int(y) for t in prelim for y in _NOTE_YEAR.findall(t)}
        table_years = set(years.dropna().astype(int))
        which = named & table_years if named & table_years else table_years if prelim else set()
        if which:
            records.loc[years.isin(which).to_numpy(), "status"] = "preliminary"
            recog.notes.append(
                f"status preliminary for {', '.join(map(str, sorted(which)))} (note: {prelim[0]})"
            )
    found = next((m.group(1) for t in texts if (m := _SOURCE_NOTE.match(t))), None)
    if source is not None:
        records["source"] = source
    elif found is not None:
        records["source"] = found
        recog.notes.append(f"source: {found} (from the note)")


def _read_rows(
    raw: RawSheet, cols: _Columns, name_col: int, matcher: NameMatcher, recog: Recognition
) -> tuple[pd.DataFrame, list[Problem]]:
    """Records of every matched body row; what became of each row goes to ``recog``,
    a warning for each row skipped."""
    body = raw.cells.loc[cols.header_row + 1 :]
    names = cell_text(body[name_col])
    codes = cell_text(body[cols.code]) if cols.code is not None else None
    units = cell_text(body[cols.unit]) if cols.unit is not None else None
    empty = np.column_stack([parse_values(body[c])[1] == "empty" for c in cols.periods])
    filled: list[bool] = np.asarray(~empty.all(axis=1), dtype=bool).tolist()
    problems: list[Problem] = []
    parts = []
    for row, text, has_values in zip(body.index, names, filled, strict=True):
        r = int(row)
        if not text and not has_values:
            continue
        if _NOTE.match(text) or not has_values:
            recog.rows.append(RowMatch(r, text, "note" if _NOTE.match(text) else "heading"))
            continue
        match, why = matcher.lookup(text)
        label, qualifiers = strip_qualifiers(text)
        if qualifiers and (match is None or match.bracket_unit in qualifiers):
            match, why = _qualified_lookup(matcher, label, qualifiers)
        if match is None and codes is not None and codes.loc[row]:
            match, why = matcher.lookup(codes.loc[row])
            if match is not None:  # the unit may still be in the name's brackets
                match = replace(match, bracket_unit=split_decoration(text).bracket_unit)
        if match is None:
            hints = matcher.hints(text)
            recog.rows.append(RowMatch(r, text, "skipped", "", "; ".join(hints)))
            problems.append(_skipped(raw.name, r, cols.label(raw, name_col), text, why, hints))
            continue
        in_column = units.loc[row] if units is not None else ""
        if in_column and match.bracket_unit and name_key(in_column) != name_key(match.bracket_unit):
            problems.append(_two_units(raw, r, cols, in_column, match.bracket_unit))
            continue
        declared = in_column or match.bracket_unit
        part, detail = _row_records(raw, r, match, declared, matcher, cols.periods)
        part["indicator_col"] = cols.label(raw, name_col)
        unit_cell = cols.unit if in_column and cols.unit is not None else name_col
        part["measure_col"] = cols.label(raw, unit_cell)
        part["period"] = [cols.labels[c] for c in part["_col"]]
        part["period_row"] = cols.header_row
        part["period_col"] = [cols.label(raw, c) for c in part.pop("_col")]
        part["value_col"] = part["period_col"]
        parts.append(part)
        if qualifiers:
            detail += f"; qualified ({'; '.join(qualifiers)})"
        recog.rows.append(RowMatch(r, text, "matched", match.code, detail))
    records = pd.concat(parts, ignore_index=True) if parts else empty_records()
    return records, problems


#: A bracket in a row label that qualifies the figure instead of giving its unit of
#: measure: ``人均地区生产总值(按常住人口计算)``, ``(不含开发区)``, ``(现价)``.
_QUALIFIER_BRACKET = re.compile(
    r"\s*[(（]\s*(?P<q>按[^()（）]*计算|[^()（）]*(?:口径|不含|不包括|户籍|常住|现价|可比价|当年价)"
    r"[^()（）]*)\s*[)）]"
)

#: Qualifiers by which a row is not the indicator's own figure (unless its name says so).
_REFUSING = re.compile(r"不含|不包括|户籍")


def strip_qualifiers(text: str) -> tuple[str, list[str]]:
    """A row label without its qualifier brackets, and the qualifiers (a bracket that
    holds a unit, ``(元)``, stays)."""
    plain = unicodedata.normalize("NFKC", text)
    found = [m["q"].strip() for m in _QUALIFIER_BRACKET.finditer(plain)]
    return _QUALIFIER_BRACKET.sub("", plain), found


def _qualified_lookup(
    matcher: NameMatcher, label: str, qualifiers: list[str]
) -> tuple[NameMatch | None, str]:
    """The indicator a label names once its qualifier brackets are set aside; none when
    a qualifier says the figure is not the indicator's own (户籍, 不含 an area)."""
    match, why = matcher.lookup(label)
    if match is None:
        return None, why
    name = matcher.indicators[match.code].name_zh
    refusing = [q for q in qualifiers if _REFUSING.search(q) and q not in name]
    if refusing:
        return None, (
            f"({refusing[0]}) is not how {match.code} {name} counts (registered population "
            "or an area left out); its own figure is in another row / 括号中的口径与指标不符"
        )
    return match, ""


def _row_records(
    raw: RawSheet,
    row: int,
    match: NameMatch,
    declared: str,
    matcher: NameMatcher,
    period_cols: list[int],
) -> tuple[pd.DataFrame, str]:
    """The records of one matched row (one per filled period cell), values converted when
    the unit conversion is exact, and a description of how the row was read."""
    ind = matcher.indicators[match.code]
    cells = pd.Series(raw.cells.loc[row, period_cols].to_numpy(dtype=object))
    nums, kind = parse_values(cells)
    keep = kind != "empty"
    factor = match.factor
    unit_f = unit_factor(declared, ind) if declared else 1.0
    measure = ind.unit if unit_f is not None else declared
    factor *= unit_f if unit_f is not None else 1.0
    value = cells.to_numpy(dtype=object).copy()
    ok = kind == "ok"
    if factor != 1.0:
        value[ok] = [convert(v, factor) for v in nums[ok]]
    percent = (
        raw.percent.loc[row, period_cols].to_numpy(dtype=bool)
        if raw.percent is not None
        else np.zeros(len(period_cols), dtype=bool)
    )
    part = pd.DataFrame(
        {
            "sheet": raw.name,
            "layout": "yearbook",
            "indicator": match.code,
            "value": value,
            "value_percent": percent & (factor == 1.0),
            "measure": measure,
            "status": "",
            "source": "",
            "flag": "",
            "_col": period_cols,
        }
    )[keep]
    for f in FIELDS:
        part[f"{f}_row"] = row
        part[f"{f}_col"] = f
    detail = _HOW[match.how]
    if declared and declared != ind.unit:
        converted = f"; {declared} -> {ind.unit} x{factor:g}"
        detail += converted if unit_f is not None else f"; unit {declared} is not {ind.unit}"
    elif match.factor != 1.0:
        detail += f" x{match.factor:g}"
    return part, detail


def _two_units(raw: RawSheet, row: int, cols: _Columns, column: str, bracket: str) -> Problem:
    """The error of a row whose 单位 cell and bracketed unit disagree."""
    assert cols.unit is not None
    return Problem.at(
        raw.name,
        row,
        cols.label(raw, cols.unit),
        column,
        f"unit {column!r} here but {bracket!r} in the row name's brackets; keep the right one "
        "/ 单位列与名称括号中的单位不一致",
    )


def _skipped(
    sheet: str | None, row: int, column: str, text: str, why: str, hints: list[str]
) -> Problem:
    """The warning of a row that names no indicator: skipped, with the closest names."""
    close = f"; closest: {', '.join(hints)}" if hints else ""
    per = (
        f" (it counts per {per_scale(text)}: an indicator with another denominator "
        "needs a conversion declared in the framework)"
        if per_scale(text)
        else ""
    )
    return Problem.at(
        sheet,
        row,
        column,
        text,
        f"row skipped: {why}{close}. If it is one of them, confirm it with "
        f"--name '{text}=CODE'{per} / 未匹配，已跳过",
        "warning",
    )
