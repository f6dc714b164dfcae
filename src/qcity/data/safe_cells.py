"""The one guard against formula injection (CSV/Excel injection) in every export.

A spreadsheet program takes a cell whose text begins with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return, which some programs strip before looking) for a formula,
so a unit name or a source such as ``=HYPERLINK(...)`` typed by anyone could run when
the export is opened. Every CSV and Excel writer of qcity passes its text cells through
this module: in CSV such text gets a leading apostrophe ``'`` (Excel's "this is text"
mark); in .xlsx the cell is written as text with Excel's quote prefix (the apostrophe,
kept as a cell attribute so the value itself is unchanged). Numbers are never altered:
a negative number stays a number.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any

import numpy as np
import pandas as pd

from qcity import errors

#: First characters that make a spreadsheet read text as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: A signed plain number written as text (``-2.3``, ``+5``, ``-1.2e3``, ``-0.5%``): in a
#: CSV a spreadsheet reads it as that number, never as a formula, so ``safe_frame`` leaves
#: it as it is (a negative growth rate in a CSV must import again unchanged). In .xlsx the
#: quote prefix changes no value, so ``protect_cell`` marks such text too.
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def formula_like(value: object) -> bool:
    """True for text (not a number) that a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_text(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is formula-like text; anything else as is."""
    return "'" + value if formula_like(value) else value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its formula-like text cells (in object or string columns) carrying
    the leading ``'`` (a changed copy; ``frame`` itself when nothing needs it). Numeric
    columns, non-text cells and signed numbers written as text (``PLAIN_NUMBER``) are
    untouched. Vectorised: a column is only looked at cell by cell where a first character
    is risky, so the results folder's files cost next to nothing."""
    out: pd.DataFrame | None = None
    for j in range(frame.shape[1]):
        s = frame.iloc[:, j]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
            continue
        try:
            first = s.str[:1]
        except AttributeError:  # an object column holding no text at all
            continue
        risky = first.isin(FORMULA_START).to_numpy(dtype=bool)
        if not risky.any():
            continue
        at = np.flatnonzero(risky)
        text = s.iloc[at].astype(str)
        formula = ~text.str.fullmatch(PLAIN_NUMBER.pattern).to_numpy(dtype=bool)
        if not formula.any():
            continue
        if out is None:
            out = frame.copy()
        out.iloc[at[formula], j] = ("'" + text[formula]).to_numpy()
    return frame if out is None else out


def safe_csv(frame: pd.DataFrame, path: Any, **to_csv: Any) -> None:
    """``frame.to_csv(path, **to_csv)`` after ``safe_frame``."""
    safe_frame(frame).to_csv(path, **to_csv)


def safe_xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    """Write ``frame`` as one sheet of an .xlsx at ``path``: numbers as numbers, missing
    values as empty cells, every other value as text that Excel never takes for a formula
    (``protect_cell``)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        cells: list[Any] = []
        for v in row:
            if v is None or (isinstance(v, float) and np.isnan(v)):
                cells.append(None)
            elif isinstance(v, bool | int | float | np.integer | np.floating):
                cells.append(v)
            else:
                cells.append(protect_cell(WriteOnlyCell(ws, value=str(v))))
        ws.append(cells)
    wb.save(path)


def protect_cell(cell: Any) -> Any:
    """Make an openpyxl cell holding formula-like text a text cell with Excel's quote
    prefix (never a formula, and still text when edited); returns the cell."""
    if formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


class UnsafePathError(errors.InputError, ValueError):
    """A file name that would be written outside its folder."""


def inside(folder: Path, name: str) -> Path:
    """``folder / name`` for a plain file name; ``UnsafePathError`` for a name that is
    absolute, has a folder part or ``..`` (e.g. ``../../x.csv``): it could escape."""
    candidate = PurePath(name)
    if (
        not name
        or candidate.is_absolute()
        or PureWindowsPath(name).is_absolute()
        or len(PureWindowsPath(name).parts) != 1
        or name in {".", ".."}
    ):
        raise UnsafePathError(
            f"file name {name!r} would be written outside {folder}; refused / 文件名不安全"
        )
    return folder / name


def risky_columns(frame: pd.DataFrame) -> list[int]:
    """Positions of the columns of ``frame`` holding at least one formula-like text."""
    return [
        j
        for j, col in enumerate(frame.columns)
        if not pd.api.types.is_numeric_dtype(frame[col])
        and bool(np.any(frame[col].map(formula_like).to_numpy(dtype=bool)))
    ]
