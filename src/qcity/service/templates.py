"""Department data-entry templates: one Excel sheet per department and year, made from
the framework, that ``qcity import`` reads back unchanged.

The sheet is in the long layout the import reads (``qcity.data.layout``): a header row
``unit, unit_name_zh, indicator, indicator_name_zh, indicator_name_en, measure,
allowed_range, period, value, source`` below a title and bilingual instructions, one row
per indicator of the department and unit (and quarter, for a quarterly indicator). The
names, the range and the unit of measure are there for the person filling it in; the
import ignores the name and range columns and checks the unit of measure. Each value cell
carries an Excel data validation with the indicator's plausible range (a warning, since
a real value may lie outside it) and an input message; the sheet is protected so that
only the value and source cells can be edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from qcity import errors
from qcity.data.atomic import atomic_file
from qcity.data.safe_cells import protect_cell
from qcity.framework.model import Framework, Indicator

#: The header of the template, in order (the import's long layout; see the module).
COLUMNS = (
    "unit",
    "unit_name_zh",
    "indicator",
    "indicator_name_zh",
    "indicator_name_en",
    "measure",
    "allowed_range",
    "period",
    "value",
    "source",
)
#: Columns the department fills in (unlocked); every other cell is protected.
EDITABLE = ("value", "source")
#: Rows above the header: title, Chinese and English instructions, a blank row.
HEADER_ROW = 5
SHEET = "填报 Entry"

INSTRUCTIONS_ZH = (
    "填写说明：只在黄色的“value（数值）”列填写数值（按“measure 计量单位”，百分比填 85.3 而非 "
    "0.853），可在“source（数据来源）”列注明来源；其他单元格已锁定，请勿增删列或改动表头。"
    "超出“allowed_range 合理范围”的数值会提示，导入时标记为 implausible。填好后保存为 .xlsx，"
    "用 `qcity import 文件 -f 指标体系 --by 部门` 导入。"
)
INSTRUCTIONS_EN = (
    "How to fill in: enter numbers only in the yellow 'value' column (in the unit of "
    "'measure'; a percentage as 85.3, not 0.853), optionally the source in 'source'; the "
    "other cells are locked: do not add or delete columns or change the header. A value "
    "outside 'allowed_range' is questioned and flagged implausible on import. Save as "
    ".xlsx and import with `qcity import FILE -f FRAMEWORK --by DEPARTMENT`."
)

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)


class TemplateError(errors.InputError, ValueError):
    """A template that cannot be made: unknown department or unit, nothing to fill."""


@dataclass(frozen=True)
class Template:
    """What was written: the department, the file, its rows (indicator x unit x period)."""

    department: str
    path: Path
    rows: pd.DataFrame


def departments(fw: Framework) -> list[str]:
    """The framework's departments, in document order."""
    return list(dict.fromkeys(i.department for i in fw.indicators() if i.department))


def match_department(fw: Framework, name: str) -> str:
    """The department ``name`` stands for: the exact value, or the only one it begins
    (``统计局`` for ``统计局 / Statistics Bureau``) or whose English part it names."""
    known = departments(fw)
    wanted = name.strip().casefold()
    exact = [d for d in known if d.casefold() == wanted]
    if exact:
        return exact[0]
    hits = [
        d
        for d in known
        if wanted
        and (
            d.casefold().startswith(wanted)
            or any(p.strip().casefold() == wanted for p in d.split("/"))
        )
    ]
    if len(hits) == 1:
        return hits[0]
    listed = "; ".join(known)
    if not hits:
        raise TemplateError(
            f"no department {name!r} in framework {fw.code}; the departments are: {listed} / "
            "指标体系中没有该部门"
        )
    raise TemplateError(f"{name!r} matches {len(hits)} departments ({'; '.join(hits)}); say which")


def range_text(ind: Indicator) -> str:
    """The plausible range as text: ``[0, 100]``, ``>= 0``, ``<= 5`` or '' (none)."""
    lo, hi = ind.plausible_range or (None, None)
    if lo is not None and hi is not None:
        return f"[{lo:g}, {hi:g}]"
    if lo is not None:
        return f">= {lo:g}"
    if hi is not None:
        return f"<= {hi:g}"
    return ""


def _periods(ind: Indicator, year: int) -> list[str]:
    """The periods of ``year`` an indicator is entered for: the year, or its quarters."""
    if ind.frequency == "quarterly":
        return [f"{year}Q{q}" for q in range(1, 5)]
    return [str(year)]


def template_rows(fw: Framework, department: str, units: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per indicator of ``department``, unit of a type the indicator exists at
    (``levels``) and period of ``year``; columns ``COLUMNS`` with empty values."""
    inds = [i for i in fw.indicators() if i.department == department]
    rows = []
    for ind in inds:
        at = units[units["type"].isin(ind.levels)]
        for unit in at.itertuples():
            for period in _periods(ind, year):
                rows.append(
                    {
                        "unit": unit.code,
                        "unit_name_zh": unit.name_zh,
                        "indicator": ind.code,
                        "indicator_name_zh": ind.name_zh,
                        "indicator_name_en": ind.name_en,
                        "measure": ind.unit,
                        "allowed_range": range_text(ind),
                        "period": period,
                        "value": None,
                        "source": None,
                    }
                )
    if not rows:
        types = sorted({t for i in inds for t in i.levels})
        raise TemplateError(
            f"no unit to fill in for {department}: its indicators exist at {types}, and none "
            "of the units chosen is of these types (give --unit CODE, or import the units) / "
            "没有可填报的单元"
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _validation(ind: Indicator) -> DataValidation:
    """A data validation for the value cells of ``ind``: a number within its plausible
    range (a warning: a real value may lie outside), with an input message."""
    lo, hi = ind.plausible_range or (None, None)
    measure = f" {ind.unit}" if ind.unit else ""
    rng = range_text(ind)
    prompt = f"{ind.name_zh}：填写数值{measure}" + (f"，合理范围 {rng}" if rng else "")
    prompt += f"\n{ind.name_en}: a number{measure}" + (f", allowed range {rng}" if rng else "")
    if lo is not None and hi is not None:
        dv = DataValidation("decimal", operator="between", formula1=f"{lo!r}", formula2=f"{hi!r}")
    elif lo is not None:
        dv = DataValidation("decimal", operator="greaterThanOrEqual", formula1=f"{lo!r}")
    elif hi is not None:
        dv = DataValidation("decimal", operator="lessThanOrEqual", formula1=f"{hi!r}")
    else:
        dv = DataValidation("decimal", operator="between", formula1="-1E+307", formula2="1E+307")
    dv.errorStyle = "warning"
    dv.allow_blank = True
    dv.promptTitle = ind.code[:32]
    dv.prompt = prompt[:255]
    dv.errorTitle = "超出范围 / out of range"[:32]
    dv.error = (f"{ind.code}: 超出合理范围 {rng} / outside the allowed range {rng}")[:255]
    dv.showInputMessage = True
    dv.showErrorMessage = True
    return dv


def write_template(
    fw: Framework, department: str, units: pd.DataFrame, year: int, out: Path
) -> Template:
    """Write the template of ``department`` (matched by ``match_department``) for the
    ``units`` (a frame with code, name_zh, type) and ``year`` to ``out`` (.xlsx)."""
    if out.suffix.lower() != ".xlsx":
        raise TemplateError(
            f"--out {out}: the template is an Excel file; give a name ending in .xlsx"
        )
    dept = match_department(fw, department)
    rows = template_rows(fw, dept, units, year)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(
        [f"{dept} — {year} 年数据填报 / data entry {year} — {fw.name_zh} ({fw.code} {fw.version})"]
    )
    ws.append([INSTRUCTIONS_ZH])
    ws.append([INSTRUCTIONS_EN])
    ws.append([])
    ws.append(list(COLUMNS))
    ws["A1"].font = Font(bold=True, size=13)
    for r in (2, 3):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(COLUMNS))
        ws.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 48
    for j in range(1, len(COLUMNS) + 1):
        head = ws.cell(HEADER_ROW, j)
        head.font, head.fill = BOLD, HEAD_FILL
    widths = {"unit_name_zh": 14, "indicator_name_zh": 30, "indicator_name_en": 36, "source": 30}
    for j, col in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = widths.get(col, 12)
    editable = [COLUMNS.index(c) + 1 for c in EDITABLE]
    by_code = {i.code: i for i in fw.indicators()}
    checks: dict[str, DataValidation] = {}
    value_col = get_column_letter(COLUMNS.index("value") + 1)
    for i, rec in enumerate(rows.itertuples(index=False), start=HEADER_ROW + 1):
        for j, v in enumerate(rec, start=1):
            protect_cell(ws.cell(i, j, v))  # a name like '=...' stays text
        for j in editable:
            cell = ws.cell(i, j)
            cell.protection = Protection(locked=False)
            cell.fill = INPUT_FILL
        code = str(rec.indicator)
        dv = checks.get(code)
        if dv is None:
            dv = checks[code] = _validation(by_code[code])
            ws.add_data_validation(dv)
        dv.add(f"{value_col}{i}")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.protection.sheet = True  # no password: it guards against slips, not people
    ws.protection.formatColumns = False  # widths may still be changed
    with atomic_file(out) as tmp:  # whole or not at all
        wb.save(tmp)
    return Template(dept, out, rows)
