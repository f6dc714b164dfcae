"""No silently wrong number on import (issue 18): hidden sheets, formulas without a
computed value, implausible and non-finite values, yearbook source and status."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from qcity.data import audit
from qcity.data.importer import import_file
from qcity.data.problems import ImportErrorReport
from qcity.data.store import Store, UnsourcedReplacementError
from qcity.framework.model import Framework
from tests.data.conftest import write_csv

HEADER = ["unit", "indicator", "period", "value"]


def _book(path: Path, sheets: dict[str, tuple[str, list[list[object]]]]) -> Path:
    """An .xlsx with one sheet per item: name -> (state, rows after the header)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, (state, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ws.sheet_state = state
        for row in [HEADER, *rows]:
            ws.append(row)
    wb.save(path)
    return path


def test_hidden_sheets_are_skipped_unless_named(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    book = _book(
        tmp_path / "book.xlsx",
        {
            "now": ("visible", [["LY", "EC01", "2024", 5000]]),
            "old": ("hidden", [["LY", "EC01", "2024", 4000], ["LY", "EC01", "2023", 3000]]),
            "older": ("veryHidden", [["LY", "EC01", "2022", 2000]]),
        },
    )
    result = import_file(ustore, book, fw, "clerk")
    got = ustore.observations()
    assert got[["period", "value"]].values.tolist() == [["2024", 5000.0]]
    skipped = {p.sheet: p.reason for p in result.warnings if "hidden" in p.reason}
    assert set(skipped) == {"old", "older"} and "--sheet" in skipped["old"]
    assert "veryHidden" in skipped["older"]
    named = import_file(ustore, book, fw, "clerk", sheet="older")
    assert named.summary is not None and named.summary.added == 1
    assert sorted(ustore.observations()["period"]) == ["2022", "2024"]


def test_formula_without_a_computed_value_is_an_error(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    book = _book(
        tmp_path / "f.xlsx",
        {"data": ("visible", [["LY", "EC01", "2024", 5000], ["LY", "EC01", "2023", "=B9*2"]])},
    )
    with pytest.raises(ImportErrorReport) as err:
        import_file(ustore, book, fw, "clerk")
    (problem,) = err.value.errors
    assert (problem.sheet, problem.row) == ("data", 3)
    assert "data!D3" in problem.reason and "=B9*2" in problem.value
    assert ustore.observations().empty


def test_formula_in_a_wide_sheet_is_not_dropped(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "宽表"
    for row in [["unit", "period", "EC01", "EC04"], ["LY", "2024", 5000, "=C2/100"]]:
        ws.append(row)
    wb.save(tmp_path / "wide.xlsx")
    with pytest.raises(ImportErrorReport) as err:
        import_file(ustore, tmp_path / "wide.xlsx", fw, "clerk")
    assert ["宽表!D2" in p.reason for p in err.value.errors] == [True]
    assert ustore.observations().empty


def test_implausible_value_refused_unless_accepted_with_a_reason(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    f = write_csv(
        tmp_path / "a.csv", "unit,indicator,period,value\nLY,EC05,2024Q1,1e300\nLY,EC05,2024Q2,3\n"
    )
    with pytest.raises(ImportErrorReport) as err:
        import_file(ustore, f, fw, "clerk")
    (problem,) = err.value.errors
    assert (problem.row, problem.column.split(" ")[0]) == (2, "D")
    assert "[-50, 50]" in problem.reason and "--accept-implausible" in problem.reason
    assert ustore.observations().empty
    with pytest.raises(ValueError, match="reason"):
        import_file(ustore, f, fw, "clerk", accept_implausible="  ")
    result = import_file(ustore, f, fw, "clerk", accept_implausible="单位为元，已核实")
    assert result.summary is not None and result.summary.added == 2
    flags = ustore.observations().set_index("period")["flag"]
    assert flags["2024Q1"] == "implausible" and pd.isna(flags["2024Q2"])
    log = audit.read_log(ustore.engine, action="values.import")
    (after,) = log["after"]
    assert after["implausible"]["reason"] == "单位为元，已核实"
    assert after["implausible"]["values"] == ["LY EC05 2024Q1 = 1e+300 (row 2)"]


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "NaN", "1e400"])
def test_non_finite_values_are_always_refused(
    ustore: Store, fw: Framework, tmp_path: Path, text: str
) -> None:
    wide = write_csv(tmp_path / "w.csv", f"unit,period,EC01,EC04\nLY,2024,5000,{text}\n")
    with pytest.raises(ImportErrorReport) as err:
        import_file(ustore, wide, fw, "clerk", accept_implausible="checked")
    assert [
        (p.row, p.column.split(" ")[0], p.value, "finite" in p.reason) for p in err.value.errors
    ] == [(2, "D", text, True)]
    assert ustore.observations().empty


YEARBOOK = (
    "溧阳市主要经济指标（快报）,,\n"
    "指 标,2023年,2024年\n"
    "人均地区生产总值(元),140000,150000\n"
    "注：2024年数据为初步核算数。,,\n"
    "资料来源：溧阳市统计局,,\n"
)


def test_yearbook_notes_give_status_and_source(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "yb.csv", YEARBOOK.replace("（快报）", ""))
    result = import_file(ustore, path, fw, "统计局", unit="LY")
    assert result.summary is not None and result.summary.added == 2
    got = ustore.observations().set_index("period")
    assert got["status"].to_dict() == {"2023": "final", "2024": "preliminary"}
    assert set(got["source"]) == {"溧阳市统计局"}
    assert any("初步核算" in said for said in result.recognition[0].notes)
    title = write_csv(tmp_path / "kb.csv", YEARBOOK.replace("注：2024年数据为初步核算数。", ""))
    checked = import_file(ustore, title, fw, "统计局", unit="LY", dry_run=True)
    assert set(checked.observations["status"]) == {"preliminary"}  # 快报 in the title: all


def test_yearbook_source_and_status_options(ustore: Store, fw: Framework, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "yb.csv", YEARBOOK)
    import_file(ustore, path, fw, "统计局", unit="LY", source="2025年鉴 表3-1", status="final")
    got = ustore.observations()
    assert set(got["source"]) == {"2025年鉴 表3-1"} and set(got["status"]) == {"final"}
    with pytest.raises(ValueError, match="--status 'draft'"):
        import_file(ustore, path, fw, "统计局", unit="LY", status="draft")


def test_a_sourced_value_is_not_replaced_by_an_unsourced_one(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    first = write_csv(
        tmp_path / "a.csv", "unit,indicator,period,value,source\nLY,EC01,2024,5000,年鉴\n"
    )
    import_file(ustore, first, fw, "clerk")
    bare = write_csv(tmp_path / "b.csv", "unit,indicator,period,value\nLY,EC01,2024,5100\n")
    with pytest.raises(UnsourcedReplacementError, match=r"LY EC01 2024.*--source"):
        import_file(ustore, bare, fw, "clerk")
    assert ustore.observations()["value"].tolist() == [5000.0]
    sourced = import_file(ustore, bare, fw, "clerk", source="修订通知")
    assert sourced.summary is not None and sourced.summary.unsourced == ()
    again = write_csv(tmp_path / "c.csv", "unit,indicator,period,value\nLY,EC01,2024,5200\n")
    done = import_file(ustore, again, fw, "clerk", allow_unsourced=True)
    assert done.summary is not None and done.summary.unsourced == ("LY EC01 2024",)
    assert ustore.observations()["source"].isna().all()
