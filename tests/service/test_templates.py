"""``qcity template``: a department's data-entry sheet made from the framework, filled in
with openpyxl, is accepted by ``qcity import`` unchanged and stores exactly the values
filled; an out-of-range value is reported; the sheet has the ranges as data validation
with input messages, a protected header and editable value cells."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from qcity.framework.io import load_framework
from qcity.service.templates import TemplateError, match_department

LIYANG = Path(__file__).resolve().parents[2] / "frameworks" / "liyang.yaml"


def _cli(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def _units(store: Store) -> None:
    store.add_units(
        pd.DataFrame({"code": ["liyang", "kunshan", "daitou"],
                      "name_zh": ["溧阳市", "昆山市", "埭头镇"],
                      "name_en": ["Liyang", "Kunshan", "Daitou"], "type": ["city", "city", "town"],
                      "parent_code": [None, None, "liyang"]}),
        entered_by="t",
    )  # fmt: skip


def _header(ws: openpyxl.worksheet.worksheet.Worksheet) -> tuple[int, list[str]]:
    for row in ws.iter_rows(min_row=1, max_row=20):
        names = [c.value for c in row]
        if "unit" in names and "period" in names:
            return row[0].row, names
    raise AssertionError("no header")


def test_filled_template_imports_unchanged(store: Store, db_url: str, tmp_path: Path) -> None:
    _units(store)
    fw = load_framework(LIYANG)
    mine = [i for i in fw.indicators() if i.department == "统计局 / Statistics Bureau"]
    out = tmp_path / "tj.xlsx"
    printed = _cli("template", "-f", str(LIYANG), "--department", "统计局", "--unit", "liyang",
                   "--year", "2025", "--out", str(out), "--db", db_url)  # fmt: skip
    assert f"{len(mine)} row(s)" in printed

    wb = openpyxl.load_workbook(out)
    assert len(wb.sheetnames) == 1
    ws = wb.active
    top, names = _header(ws)
    col = {n: i + 1 for i, n in enumerate(names)}
    assert "填写说明" in str(ws.cell(2, 1).value) and "How to fill in" in str(ws.cell(3, 1).value)
    assert ws.protection.sheet
    rows = list(range(top + 1, ws.max_row + 1))
    assert [ws.cell(r, col["indicator"]).value for r in rows] == [i.code for i in mine]
    by_code = {i.code: i for i in mine}
    filled: dict[str, float] = {}
    for r in rows:
        code = ws.cell(r, col["indicator"]).value
        ind = by_code[code]
        lo, hi = ind.plausible_range or (0.0, 10.0)
        assert ws.cell(r, col["measure"]).value == ind.unit
        assert ws.cell(r, col["allowed_range"]).value == f"[{lo:g}, {hi:g}]"
        assert ws.cell(r, col["unit"]).protection.locked  # names and codes are locked
        assert not ws.cell(r, col["value"]).protection.locked
        filled[code] = (lo + hi) / 2 + 0.125  # inside the range, not a round number
        ws.cell(r, col["value"]).value = filled[code]
    for c in range(1, len(names) + 1):
        assert ws.cell(top, c).protection.locked
    # one data validation per indicator, with its range and an input message
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert len(dvs) == len(mine)
    first = ws.cell(top + 1, col["value"]).coordinate
    dv = dvs[first]
    lo, hi = mine[0].plausible_range  # type: ignore[misc]
    assert float(dv.formula1) == lo and float(dv.formula2) == hi
    assert dv.showInputMessage and mine[0].name_zh in dv.prompt
    filled_path = tmp_path / "filled.xlsx"
    wb.save(filled_path)

    output = _cli("import", str(filled_path), "-f", str(LIYANG), "--db", db_url, "--by", "统计局")
    assert f"{len(mine)} added" in output and "warning" not in output
    stored = store.observations(units=["liyang"], periods=["2025"])
    assert dict(zip(stored["indicator"], stored["value"], strict=True)) == filled


def test_out_of_range_value_is_reported(store: Store, db_url: str, tmp_path: Path) -> None:
    _units(store)
    out = tmp_path / "t.xlsx"
    _cli("template", "-f", "liyang", "--department", "Statistics Bureau", "--unit", "liyang",
         "--year", "2024", "--out", str(out), "--db", db_url)  # fmt: skip
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    top, names = _header(ws)
    value = names.index("value") + 1
    fw = load_framework(LIYANG)
    for r in range(top + 2, ws.max_row + 1):  # every other value within its range
        lo, _ = fw.find(ws.cell(r, names.index("indicator") + 1).value).plausible_range
        ws.cell(r, value).value = lo
    ws.cell(top + 1, value).value = 10.0**9  # EC01's range is [10000, 500000]
    wb.save(out)
    output = _cli("import", str(out), "-f", str(LIYANG), "--db", db_url, "--by", "统计局", code=1)
    flat = " ".join(output.split())
    assert "outside" in flat and "EC01" in flat and "1000000000" in flat
    assert f" {top + 1} " in flat  # the row, as Excel shows it
    assert "nothing imported" in flat
    _cli("import", str(out), "-f", str(LIYANG), "--db", db_url, "--by", "统计局",
         "--accept-implausible", "核实无误")  # fmt: skip
    stored = store.observations(units=["liyang"], indicators=["EC01"], periods=["2024"])
    assert stored["flag"].tolist() == ["implausible"]
    strict = _cli("import", str(out), "-f", str(LIYANG), "--db", db_url, "--strict", code=1)
    assert "nothing imported" in strict


def test_default_units_follow_the_indicator_levels(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    _units(store)
    fw = load_framework(LIYANG)
    out = tmp_path / "t.xlsx"
    _cli("template", "-f", "liyang", "--department", "统计局", "--year", "2024",
         "--out", str(out), "--db", db_url)  # fmt: skip
    ws = openpyxl.load_workbook(out).active
    top, names = _header(ws)
    got = {
        (ws.cell(r, names.index("indicator") + 1).value, ws.cell(r, 1).value)
        for r in range(top + 1, ws.max_row + 1)
    }
    types = {"liyang": "city", "kunshan": "city", "daitou": "town"}
    want = {
        (i.code, u)
        for i in fw.indicators()
        if i.department == "统计局 / Statistics Bureau"
        for u, t in types.items()
        if t in i.levels
    }
    assert got == want


def test_departments_are_matched_by_a_unique_prefix() -> None:
    fw = load_framework(LIYANG)
    assert match_department(fw, "统计局") == "统计局 / Statistics Bureau"
    assert match_department(fw, "health commission") == "卫健委 / Health Commission"
    with pytest.raises(TemplateError, match="no department '国土局'"):
        match_department(fw, "国土局")
    with pytest.raises(TemplateError, match="matches 2 departments"):
        match_department(fw, "文")  # 文明办 and 文体广旅局


def test_unknown_unit_and_department_are_clear(store: Store, db_url: str, tmp_path: Path) -> None:
    _units(store)
    base = ["template", "-f", "liyang", "--year", "2024", "--out", str(tmp_path / "t.xlsx"),
            "--db", db_url]  # fmt: skip
    assert "no unit nowhere" in _cli(*base, "--department", "统计局", "--unit", "nowhere", code=1)
    assert "no department" in _cli(*base, "--department", "国土局", code=1)
    assert not (tmp_path / "t.xlsx").exists()


def test_a_partly_filled_template_stores_the_filled_rows_only(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    """A department fills the figures it has: blank value cells are skipped, not errors;
    an untouched template imports nothing."""
    _units(store)
    out = tmp_path / "t.xlsx"
    _cli("template", "-f", "liyang", "--department", "统计局", "--unit", "liyang",
         "--year", "2025", "--out", str(out), "--db", db_url)  # fmt: skip
    untouched = _cli("import", str(out), "-f", str(LIYANG), "--db", db_url, "--by", "统计局")
    assert "nothing to do" in untouched and "error" not in untouched
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    top, names = _header(ws)
    code_col, value_col = names.index("indicator") + 1, names.index("value") + 1
    fw = load_framework(LIYANG)
    first, second = top + 1, top + 3  # two rows filled, the rest left blank
    filled = {}
    for r in (first, second):
        code = ws.cell(r, code_col).value
        lo, hi = fw.find(code).plausible_range  # type: ignore[misc]
        filled[code] = (lo + hi) / 2
        ws.cell(r, value_col).value = filled[code]
    wb.save(out)
    output = _cli("import", str(out), "-f", str(LIYANG), "--db", db_url, "--by", "统计局")
    assert "2 added" in output
    stored = store.observations(units=["liyang"], periods=["2025"])
    assert dict(zip(stored["indicator"], stored["value"], strict=True)) == filled
