"""Read CSV and Excel files into raw grids of cells, keeping the row numbers users see.

Nothing is interpreted here beyond decoding: a ``RawSheet`` holds every cell as read
(text for CSV; text, number or date for Excel, noting which numbers Excel shows as
percentages) with its 1-based row number, so that an error can point at "sheet 2024,
row 17, column D" exactly as Excel shows it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qcity import errors
from qcity.data.textops import cell_text

__all__ = [
    "PARQUET_HINT",
    "FileReadError",
    "RawSheet",
    "cell_text",
    "read_sheets",
    "require_pyarrow",
]

#: Encodings tried in turn for CSV: UTF-8 (with or without BOM), then GB18030, the
#: superset of GBK/GB2312 that Chinese Excel uses for "CSV (逗号分隔)".
CSV_ENCODINGS = ("utf-8-sig", "gb18030")

_DELIMITERS = (",", "\t", ";")

#: The most columns a sheet may have (the widest layout has one per indicator or year).
MAX_COLUMNS = 1000

#: The message when Parquet is read or written without pyarrow installed.
PARQUET_HINT = "Parquet needs pyarrow: pip install 'qcity[parquet]'"


class FileReadError(errors.InputError, ValueError):
    """A file that cannot be read at all (format, encoding, missing sheet)."""


@dataclass
class RawSheet:
    """The cells of one sheet (or a CSV file): ``cells`` has positional columns 0..m-1
    and an index of 1-based row numbers as shown by Excel."""

    name: str | None
    cells: pd.DataFrame
    encoding: str | None = None
    #: Excel only: True where a number is formatted as a percentage (the cell shows
    #: 85.3%, the file holds 0.853); None when no cell is.
    percent: pd.DataFrame | None = None
    #: Excel only: ``hidden`` or ``veryHidden`` for a hidden sheet not named with
    #: ``--sheet``; its cells are then not read (empty).
    hidden: str | None = None
    #: Excel only: formula cells without a computed (cached) value, as (row, column
    #: position, formula); their cells read as empty.
    uncomputed: list[tuple[int, int, str]] = field(default_factory=list)

    def letter(self, col: int) -> str:
        """The Excel column letter of positional column ``col`` (0 -> A, 26 -> AA)."""
        n, letters = col + 1, ""
        while n:
            n, r = divmod(n - 1, 26)
            letters = chr(65 + r) + letters
        return letters


def file_format(path: Path) -> str:
    """``csv``, ``xlsx`` or ``parquet`` from the file name; anything else is refused."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".parquet":
        return "parquet"
    raise FileReadError(
        f"{path.name}: cannot read '{suffix}' files; save the table as .xlsx, CSV or Parquet "
        "(old .xls: open in Excel/WPS and 'Save as' .xlsx)"
    )


def check_width(file: str, sheet: str | None, row: int, width: int) -> None:
    """``FileReadError`` when a row has more than ``MAX_COLUMNS`` cells (a table wider than
    any framework's would take minutes to check; refused, naming where)."""
    if width > MAX_COLUMNS:
        where = f"{file}" + (f", sheet {sheet}" if sheet else "") + f", row {row}"
        raise FileReadError(
            f"{where}: {width} columns, at most {MAX_COLUMNS} / 列数过多; split the table "
            "(long layout: unit, indicator, period, value)"
        )


def read_sheets(path: Path, sheet: str | None = None) -> list[RawSheet]:
    """Every sheet of an .xlsx file (or only ``sheet``), or the one table of a CSV file."""
    if not path.is_file():
        raise FileReadError(f"{path}: no such file")
    fmt = file_format(path)
    if fmt == "csv":
        return [read_csv(path)]
    if fmt == "parquet":
        return [read_parquet(path)]
    return read_xlsx(path, sheet)


def decode_csv(data: bytes, name: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding that decoded it (UTF-8, else GB18030)."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileReadError(
        f"{name}: neither UTF-8 nor GB18030 text; in Excel use 'Save as' -> 'CSV UTF-8 (逗号分隔)'"
    )


def _delimiter(text: str) -> str:
    """The delimiter most frequent in the first non-empty line (comma on a tie)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(_DELIMITERS, key=lambda d: (first.count(d), d == ","))


def read_csv(path: Path) -> RawSheet:
    """A CSV file as a grid of text cells; record ``i`` (0-based) is row ``i + 1``."""
    text, encoding = decode_csv(path.read_bytes(), path.name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    records: list[list[str]] = []
    try:
        for record in reader:
            check_width(path.name, None, reader.line_num, len(record))
            records.append(record)
    except csv.Error as exc:  # a cell over the csv module's field size limit (128 KB) ...
        raise FileReadError(
            f"{path.name}: row {reader.line_num}: not readable as CSV ({exc}); a cell "
            "holds at most 131072 characters, and quotes must be closed / 单元格过长或引号未闭合"
        ) from None
    width = max((len(r) for r in records), default=0)
    grid = pd.DataFrame(
        [r + [""] * (width - len(r)) for r in records],
        index=pd.RangeIndex(1, len(records) + 1),
        columns=range(width),
        dtype=object,
    )
    return RawSheet(name=None, cells=grid, encoding=encoding)


def require_pyarrow() -> None:
    """Raise ``FileReadError`` with the install hint when pyarrow (the optional extra
    ``qcity[parquet]``) is missing, instead of pandas' traceback."""
    try:
        import_module("pyarrow")
    except ImportError:
        raise FileReadError(PARQUET_HINT) from None


def read_parquet(path: Path) -> RawSheet:
    """A Parquet file (e.g. from ``qcity export``) as a grid: its column names as row 1."""
    require_pyarrow()
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise FileReadError(f"{path.name}: not a readable Parquet file ({exc})") from exc
    body = df.astype(object)
    rows = [list(df.columns), *body.where(body.notna(), None).itertuples(index=False, name=None)]
    grid = pd.DataFrame(
        [list(r) for r in rows],
        index=pd.RangeIndex(1, len(rows) + 1),
        columns=range(len(df.columns)),
        dtype=object,
    )
    return RawSheet(name=None, cells=grid)


#: A formula element in a worksheet's XML (``<f>``, ``<x:f t='shared' .../>``).
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")

#: The sheet states under which Excel hides a sheet (veryHidden: only VBA can show it).
HIDDEN_STATES = ("hidden", "veryHidden")


def _has_formulas(path: Path) -> bool:
    """True if any worksheet of the workbook holds a formula (the file is read twice
    then: values, and formulas to find those never computed)."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return any(
            _FORMULA_TAG.search(zf.read(info))
            for info in zf.infolist()
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        )


def read_xlsx(path: Path, sheet: str | None = None) -> list[RawSheet]:
    """The sheets of an .xlsx workbook (computed values, not formulas) as grids of cells.

    A hidden sheet (hidden or veryHidden) is returned empty with ``hidden`` set unless it
    is the ``sheet`` asked for: a hidden sheet of old values must not revise current
    ones unseen. A formula cell without a computed value is listed in ``uncomputed``
    (openpyxl and some tools save formulas uncomputed), so that it is an error, not an
    empty cell."""
    from openpyxl import load_workbook  # imported here: reading a CSV does not pay for it

    from qcity.data.xlsx_guard import UnsafeWorkbookError, check_xlsx

    try:
        check_xlsx(path)  # zip bombs, odd part names, XML entities: refused unopened
    except UnsafeWorkbookError as exc:
        raise FileReadError(str(exc)) from None
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        fb = load_workbook(path, read_only=True) if _has_formulas(path) else None
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise FileReadError(f"{path.name}: not a readable .xlsx workbook ({exc})") from exc
    try:
        names = wb.sheetnames
        if sheet is not None and sheet not in names:
            raise FileReadError(f"{path.name}: no sheet {sheet!r}; the sheets are {names}")
        out = []
        for name in [sheet] if sheet is not None else names:
            state = getattr(wb[name], "sheet_state", "visible")
            if sheet is None and state in HIDDEN_STATES:
                out.append(RawSheet(name=name, cells=pd.DataFrame(), hidden=state))
                continue
            rows: list[list[object]] = []
            percent: list[tuple[int, int]] = []
            uncomputed: list[tuple[int, int, str]] = []
            formulas = fb[name].iter_rows(min_row=1, min_col=1) if fb is not None else None
            for i, row in enumerate(wb[name].iter_rows(min_row=1, min_col=1)):
                check_width(path.name, name, i + 1, len(row))
                rows.append([c.value for c in row])
                percent += [(i, j) for j, c in enumerate(row) if _shows_percent(c)]
                if formulas is not None:
                    uncomputed += [
                        (i + 1, j, str(f.value))
                        for j, (c, f) in enumerate(zip(row, next(formulas, ()), strict=False))
                        if c.value is None and getattr(f, "data_type", None) == "f"
                    ]
            width = max((len(r) for r in rows), default=0)
            index = pd.RangeIndex(1, len(rows) + 1)
            grid = pd.DataFrame(
                [r + [None] * (width - len(r)) for r in rows],
                index=index,
                columns=range(width),
                dtype=object,
            )
            pct = None
            if percent:
                mask = np.zeros((len(rows), width), dtype=bool)
                mask[tuple(np.array(percent).T)] = True
                pct = pd.DataFrame(mask, index=index, columns=range(width))
            out.append(RawSheet(name=name, cells=grid, percent=pct, uncomputed=uncomputed))
        return out
    finally:
        wb.close()
        if fb is not None:
            fb.close()


def _shows_percent(cell: Any) -> bool:
    """True for a number that Excel shows as a percentage (stores 0.853, shows 85.3%)."""
    value = cell.value
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    fmt = getattr(cell, "number_format", None)  # looked up only for numbers: it costs
    return isinstance(fmt, str) and "%" in fmt and is_percent_format(fmt)


@lru_cache(maxsize=256)
def is_percent_format(number_format: str) -> bool:
    """True if an Excel number format multiplies by 100 (a ``%`` outside quoted text,
    backslash escapes and ``[...]`` colour or condition codes), e.g. ``0.0%``, not
    ``0.0"%"``."""
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format)
    return "%" in bare
