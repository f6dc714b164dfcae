"""Write the results workbook (``results.xlsx``) for people: one sheet per table, frozen
header, column widths that fit Chinese text, 2-decimal scores, a banner on every sheet
when illustrative values were used, and never a formula. openpyxl is imported only here,
so a results folder without a workbook does not pay for it."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from pandas.api.types import is_numeric_dtype

from qcity.data.safe_cells import formula_like, protect_cell

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from qcity.exports.spec import Lang as _Lang
    from qcity.exports.spec import Sheet


def write_workbook(
    path: Path, sheets: list[tuple[Sheet, str]], t: _Lang, banner: str | None
) -> None:
    """Write ``sheets`` (each with its title) to ``path`` in write-only mode."""
    wb = Workbook(write_only=True)
    for sheet, title in sheets:
        _write_sheet(wb, sheet, title, t, banner)
    wb.save(path)


def _width(text: object) -> int:
    """Display width: CJK characters count double."""
    s = str(text)
    return len(s) + sum(unicodedata.east_asian_width(ch) in "WF" for ch in s)


def _widths(sheet: Sheet, headers: list[str]) -> list[float]:
    out = []
    for key, head in zip(sheet.frame.columns, headers, strict=True):
        if key in sheet.wrap:
            out.append(float(WRAP_WIDTH))
            continue
        values = sheet.frame[key].dropna().unique()[:500]
        cells = [_width(f"{v:.2f}" if isinstance(v, float) else v) for v in values]
        out.append(float(min(max([_width(head), *cells]) + 2, 60)))
    return out


BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
BANNER_FONT = Font(bold=True, color="C00000", size=12)
BANNER_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")
WRAP_WIDTH = 100
"""Width (in characters of Latin text) of columns whose text wraps."""


def _cell(ws: WriteOnlyWorksheet, value: Any, **style: Any) -> WriteOnlyCell:
    cell = protect_cell(WriteOnlyCell(ws, value=value))  # text, never a formula
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def _write_sheet(wb: Workbook, sheet: Sheet, title: str, t: _Lang, banner: str | None) -> None:
    ws = wb.create_sheet(title)
    headers = [t.header(c) for c in sheet.cols.values()]
    for j, width in enumerate(_widths(sheet, headers), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    top = 2 if banner else 1
    ws.freeze_panes = f"A{top + 1}"
    if banner:
        ws.append([_cell(ws, banner, font=BANNER_FONT, fill=BANNER_FILL)])
    ws.append([_cell(ws, h, font=BOLD, fill=HEAD_FILL) for h in headers])
    wrapped = sheet.frame[list(sheet.wrap)].itertuples(index=False) if sheet.wrap else []
    for i, texts in enumerate(wrapped):
        lines = max(sum(_width(p) // WRAP_WIDTH + 1 for p in str(v).split("\n")) for v in texts)
        if lines > 1:  # wrapped text gets the height it needs (Excel does not autofit)
            ws.row_dimensions[top + 1 + i].height = 15.0 * lines
    frame = sheet.frame.astype(object)
    rows = frame.where(frame.notna(), None).to_numpy().tolist()
    styled = [
        (j, {"number_format": c.fmt} if c.fmt else {"alignment": WRAP})
        for j, (key, c) in enumerate(sheet.cols.items())
        if c.fmt or key in sheet.wrap
    ]
    done = {j for j, _ in styled}  # styled cells are made by _cell already
    text = [
        j
        for j, key in enumerate(sheet.frame.columns)
        if j not in done
        and not is_numeric_dtype(sheet.frame[key])  # object or str: text may be there
        and sheet.frame[key].map(formula_like).any()
    ]
    for row in rows:
        for j, style in styled:
            if row[j] is not None:
                row[j] = _cell(ws, row[j], **style)
        for j in text:
            row[j] = _cell(ws, row[j])
        ws.append(row)
