"""Read expert pairwise-comparison matrices (AHP judgements) from CSV or Excel files.

One block per expert: a header row of criterion names, then one row per criterion; cells
are numbers or fractions such as ``1/9``. Every problem names the file, sheet, row and
column. The maths lives in ``qcity.methods.ahp``; this module only reads files.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qcity.methods.ahp import PairwiseError, first_problem, parse_judgement


def read_pairwise(path: str | Path) -> list[tuple[list[str], np.ndarray]]:
    """Pairwise matrices from CSV (blank-line separated blocks) or XLSX (one sheet each).

    Layout of each block: a header row of criterion names (first cell empty or a label),
    then one row per criterion starting with its name; cells are numbers or fractions
    such as ``1/9``. Returns one ``(names, matrix)`` per expert.
    """
    p = Path(path)
    if not p.exists():
        raise PairwiseError(f"{p}: file not found")
    suffix = p.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        blocks = _xlsx_blocks(p)
    elif suffix in {".csv", ".txt"}:
        blocks = _csv_blocks(p)
    else:
        raise PairwiseError(f"{p}: unsupported file type {suffix!r}; use .csv or .xlsx")
    if not blocks:
        raise PairwiseError(f"{p}: no pairwise matrix found")
    out = [_parse_block(p, where, rows) for where, rows in blocks]
    names0 = out[0][0]
    for k, (names, _) in enumerate(out[1:], start=2):
        if names != names0:
            raise PairwiseError(
                f"{p}: expert {k} compares {names} but expert 1 compares {names0}; "
                "every matrix must list the same criteria in the same order"
            )
    return out


Block = tuple[str, list[tuple[int, list[object]]]]
"""(sheet label, [(1-based row number in the file, cells)])."""


def _is_blank(cells: Sequence[object]) -> bool:
    return all(c is None or str(c).strip() == "" for c in cells)


def _split(rows: list[tuple[int, list[object]]], label: str) -> list[Block]:
    blocks: list[Block] = []
    current: list[tuple[int, list[object]]] = []
    for lineno, cells in rows:
        if _is_blank(cells):
            if current:
                blocks.append((label, current))
                current = []
        else:
            current.append((lineno, cells))
    if current:
        blocks.append((label, current))
    return blocks


def _csv_blocks(p: Path) -> list[Block]:
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise PairwiseError(f"{p}: cannot read the file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise PairwiseError(f"{p}: cannot decode the file; save it as UTF-8 CSV") from None
    rows: list[tuple[int, list[object]]] = [
        (i + 1, list(r)) for i, r in enumerate(csv.reader(text.splitlines()))
    ]
    return _split(rows, "")


def _xlsx_blocks(p: Path) -> list[Block]:
    from openpyxl import load_workbook

    from qcity.data.xlsx_guard import UnsafeWorkbookError, check_xlsx

    try:
        check_xlsx(p)  # zip bombs and XML entities are refused before openpyxl opens it
    except UnsafeWorkbookError as exc:
        raise PairwiseError(str(exc)) from None
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for bad files
        raise PairwiseError(f"{p}: cannot open as an Excel workbook ({exc})") from None
    blocks: list[Block] = []
    try:
        for ws in wb.worksheets:
            rows: list[tuple[int, list[object]]] = [
                (i + 1, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True))
            ]
            sheet_blocks = _split(rows, f"sheet {ws.title!r}, ")
            if len(sheet_blocks) > 1:
                raise PairwiseError(
                    f"{p}: sheet {ws.title!r} holds {len(sheet_blocks)} blocks separated by "
                    "blank rows; put one expert's matrix on each sheet"
                )
            blocks.extend(sheet_blocks)
    finally:
        wb.close()
    return blocks


def _parse_block(
    p: Path, where: str, rows: list[tuple[int, list[object]]]
) -> tuple[list[str], np.ndarray]:
    header_line, header = rows[0]
    cells = [("" if c is None else str(c).strip()) for c in header]
    while cells and cells[-1] == "":
        cells.pop()
    names = cells[1:]
    n = len(names)
    if n == 0 or any(not c for c in names):
        raise PairwiseError(
            f"{p}: {where}row {header_line}: the header row must list the criterion names "
            "after a first (empty or label) cell"
        )
    body = rows[1:]
    if len(body) != n:
        raise PairwiseError(
            f"{p}: {where}rows {header_line}-{body[-1][0] if body else header_line}: "
            f"{n} criteria in the header but {len(body)} rows below it; "
            "give one row per criterion (separate experts by a blank line)"
        )
    a = np.empty((n, n))
    for i, (lineno, r) in enumerate(body):
        label = "" if not r or r[0] is None else str(r[0]).strip()
        if label != names[i]:
            raise PairwiseError(
                f"{p}: {where}row {lineno}, column 1: row name {label!r} does not match "
                f"column {i + 2} of the header ({names[i]!r}); rows must follow the header order"
            )
        values = list(r[1:]) + [None] * max(0, n - (len(r) - 1))
        extra = [v for v in values[n:] if not (v is None or str(v).strip() == "")]
        if extra:
            raise PairwiseError(
                f"{p}: {where}row {lineno}: {len(extra)} cells beyond column {n + 1}; "
                "the matrix must be square"
            )
        for j in range(n):
            try:
                a[i, j] = parse_judgement(values[j])
            except ValueError as exc:
                raise PairwiseError(
                    f"{p}: {where}row {lineno}, column {j + 2} ({names[i]} vs {names[j]}): {exc}"
                ) from None
    linenos = [lineno for lineno, _ in body]
    problem = first_problem(
        a, lambda i, j: f"row {linenos[i]}, column {j + 2} ({names[i]} vs {names[j]})"
    )
    if problem is not None:
        raise PairwiseError(f"{p}: {where}{problem}")
    return names, a
