"""The CSV writer of the exports and the codebook read from the sheet spec: a sheet as a
CSV for people (UTF-8 with BOM so that Chinese Excel opens it, headers in both languages,
text that Excel would take for a formula quoted), and the codebook rows that describe each
column of the machine files (``qcity.exports.columns.MACHINE``) and of every sheet (its
``Col``s)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from qcity.data.safe_cells import safe_frame
from qcity.exports.columns import FILES, MACHINE
from qcity.exports.spec import SCORE, Lang, Sheet


def _csv_columns(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f), [])


def machine_rows(paths: Iterable[Path], info: pd.DataFrame, scale: str) -> list[list[str]]:
    """Codebook rows of the machine files, from the headers actually written."""
    rows = []
    for path in paths:
        if path.suffix != ".csv":
            rows.append([path.name, "", *FILES.get(path.name, ("", "")), "JSON"])
            continue
        for col in _csv_columns(path):
            if path.name == "normalised.csv" and col in info.index:
                zh, en = str(info.at[col, "name_zh"]), str(info.at[col, "name_en"])
                mzh, men, kind = f"指标 {col}（{zh}）的标准化得分", f"normalised {en}", SCORE
            else:
                fallback = ("（未说明）", "(not described)", "")
                mzh, men, kind = MACHINE.get(f"{path.name}:{col}", MACHINE.get(col, fallback))
            rows.append([path.name, col, mzh, men, kind.replace("score scale", scale)])
    return rows


def sheet_rows(name: str, sheet: Sheet, t: Lang, scale: str) -> list[list[str]]:
    """Codebook rows of a sheet (file or workbook sheet ``name``): one per column."""
    return [
        [name, t.header(c), c.meaning_zh, c.meaning_en, c.kind.replace("score scale", scale)]
        for c in sheet.cols.values()
    ]


def write_csv(sheet: Sheet, t: Lang, path: Path) -> None:
    """A sheet as a CSV for people: UTF-8 with BOM, the columns' headers; text that Excel
    would take for a formula gets a leading quote."""
    frame = sheet.frame.copy()
    frame.columns = [t.header(c) for c in sheet.cols.values()]
    safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")


__all__ = ["machine_rows", "sheet_rows", "write_csv"]
