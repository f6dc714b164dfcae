"""Export observations with their provenance to CSV, Excel or Parquet.

Every row carries the unit's names, the value's status, source, flag, revision, when it
was recorded (UTC) and by whom, so that a published table can be traced and reproduced
(``as_of``). The files use the long layout and can be imported again unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from qcity import errors
from qcity.data.atomic import atomic_file
from qcity.data.layout import DOC_SHEET
from qcity.data.readers import require_pyarrow
from qcity.data.safe_cells import formula_like, protect_cell, safe_frame
from qcity.data.store import Store
from qcity.framework.model import Framework

#: Export columns and their descriptions (Chinese, English), in file order.
EXPORT_COLUMNS: dict[str, tuple[str, str]] = {
    "unit": ("地区代码", "unit code"),
    "unit_name_zh": ("地区名称", "unit name (Chinese)"),
    "unit_name_en": ("地区英文名", "unit name (English)"),
    "indicator": ("指标代码", "indicator code"),
    "indicator_name_zh": ("指标名称（给出指标体系时）", "indicator name (given a framework)"),
    "indicator_name_en": ("指标英文名", "indicator name, English"),
    "measure": ("计量单位", "unit of measure of the value"),
    "period": ("时期：年份 2024 或季度 2024Q1", "period: year 2024 or quarter 2024Q1"),
    "value": ("数值", "value"),
    "status": (
        "状态：final 正式 / preliminary 初步 / estimated 估算 / illustrative 示例（非真实数据）",
        "status: final / preliminary / estimated / illustrative (NOT real data)",
    ),
    "source": ("数据来源", "source of the value"),
    "flag": ("标记，如 implausible 超出合理范围", "flag, e.g. implausible (out of range)"),
    "revision": ("修订号，1 为首次录入", "revision number, 1 = first entry"),
    "recorded_at": ("录入时间（UTC）", "time recorded (UTC)"),
    "entered_by": ("录入人", "entered by"),
}

#: Fill of illustrative rows in Excel (light orange), so they cannot pass for real data.
ILLUSTRATIVE_FILL = PatternFill(start_color="FFF4CE", end_color="FFF4CE", fill_type="solid")

FORMATS = ("csv", "xlsx", "parquet")


def export_frame(
    store: Store,
    *,
    as_of: datetime | None = None,
    all_revisions: bool = False,
    indicators: Iterable[str] | None = None,
    units: Iterable[str] | None = None,
    framework: Framework | None = None,
) -> pd.DataFrame:
    """Observations with unit names (and, given a framework, indicator names and units of
    measure) in the column order of ``EXPORT_COLUMNS``."""
    obs = store.observations(
        as_of=as_of, indicators=indicators, units=units, all_revisions=all_revisions
    )
    names = store.units()[["code", "name_zh", "name_en"]].rename(
        columns={"code": "unit", "name_zh": "unit_name_zh", "name_en": "unit_name_en"}
    )
    df = obs.merge(names, on="unit", how="left")
    cols = [c for c in EXPORT_COLUMNS if c in df.columns or framework is not None]
    if framework is not None:
        meta = pd.DataFrame(
            [(i.code, i.name_zh, i.name_en, i.unit) for i in framework.indicators()],
            columns=["indicator", "indicator_name_zh", "indicator_name_en", "measure"],
        )
        df = df.merge(meta, on="indicator", how="left")
    return df[cols]


def export_observations(
    store: Store,
    out: str | Path,
    *,
    as_of: datetime | None = None,
    all_revisions: bool = False,
    indicators: Iterable[str] | None = None,
    units: Iterable[str] | None = None,
    framework: Framework | None = None,
) -> int:
    """Write observations to ``out`` (.csv UTF-8 with BOM, .xlsx or .parquet, chosen by
    the suffix); returns the number of rows written."""
    out = Path(out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise errors.BadValue(f"{out.name}: export to .csv, .xlsx or .parquet, not '.{fmt}'")
    if fmt == "parquet":
        require_pyarrow()  # before the query: a short message, not a traceback at the end
    df = export_frame(
        store,
        as_of=as_of,
        all_revisions=all_revisions,
        indicators=indicators,
        units=units,
        framework=framework,
    )
    with atomic_file(out) as tmp:  # whole or not at all: no truncated file on a full disk
        if fmt == "csv":
            write_csv(df, tmp)
        elif fmt == "xlsx":
            write_xlsx(df, tmp)
        else:
            df.to_parquet(tmp, index=False)
    return len(df)


def _iso(ts: pd.Series) -> pd.Series:
    """UTC timestamps as ISO 8601 text with microseconds (``2024-03-01T08:00:00.000001+00:00``)."""
    return ts.dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def write_csv(df: pd.DataFrame, out: Path) -> None:
    """CSV in UTF-8 with a BOM (Excel then shows Chinese correctly); floats round-trip."""
    text = df.assign(recorded_at=_iso(df["recorded_at"]))
    safe_frame(text).to_csv(out, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def write_xlsx(df: pd.DataFrame, out: Path) -> None:
    """An .xlsx workbook: sheet ``observations`` (bold header, filters, frozen header,
    illustrative rows filled orange) and sheet ``columns`` describing every column."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("observations")
    ws.freeze_panes = "A2"
    cols = list(df.columns)
    for i, c in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 14 if c != "source" else 40
    last = get_column_letter(len(cols))
    if len(df):
        status_col = get_column_letter(cols.index("status") + 1)
        ws.conditional_formatting.add(
            f"A2:{last}{len(df) + 1}",
            FormulaRule(formula=[f'${status_col}2="illustrative"'], fill=ILLUSTRATIVE_FILL),
        )
    ws.auto_filter.ref = f"A1:{last}{len(df) + 1}"
    ws.append(_header(ws, cols))
    body = df.assign(recorded_at=_iso(df["recorded_at"])).astype(object)
    body = body.where(body.notna(), None)
    for row in body.itertuples(index=False, name=None):
        ws.append([_text_cell(ws, v) if formula_like(v) else v for v in row])
    doc = wb.create_sheet(DOC_SHEET)
    doc.append(_header(doc, ["column", "说明", "description"]))
    for c in cols:
        zh, en = EXPORT_COLUMNS[c]
        doc.append([c, zh, en])
    n_ill = int((df["status"] == "illustrative").sum())
    doc.append([])
    doc.append(
        [
            "illustrative",
            f"橙色底纹的 {n_ill} 行为示例数据，不是真实统计数据",
            f"the {n_ill} rows filled orange are illustrative values, NOT real statistics",
        ]
    )
    doc.column_dimensions["B"].width = 50
    doc.column_dimensions["C"].width = 60
    wb.save(out)


def _text_cell(ws: Any, value: str) -> WriteOnlyCell:
    """A text cell that Excel never reads as a formula (``safe_cells.protect_cell``)."""
    return protect_cell(WriteOnlyCell(ws, value=value))


def _header(ws: Any, names: list[str]) -> list[WriteOnlyCell]:
    """Bold header cells for a write-only sheet."""
    cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells
