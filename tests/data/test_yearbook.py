"""Yearbook tables of one unit (``qcity import --unit``): layout, decoration, units of
measure, the 10x denominator trap, skipped rows. Expected values are worked out by hand
from the tables written here (a value times the exact factor of its unit)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook

from qcity.data.importer import read_observations
from qcity.data.names import NameMatcher, NamesFileError, load_names
from qcity.framework.model import Framework
from tests.data.conftest import FRAMEWORK, write_csv

#: The test framework plus an indicator per 千 residents (the 10x trap) and a % one.
TRAP = {
    "code": "PS02",
    "name_zh": "每千人口执业医师数",
    "name_en": "Doctors per 1000 residents",
    "unit": "人",
    "aliases": ["每千人口医师数"],
}


def framework(**ps02: Any) -> Framework:
    """The test framework with PS02 (每千人口执业医师数, 人) added, fields overridden."""
    data = copy.deepcopy(FRAMEWORK)
    data["root"]["children"][0]["children"].append({**TRAP, **ps02})
    return Framework.model_validate(data)


def read(
    path: Path, fw: Framework, names: dict[str, str] | None = None
) -> tuple[pd.DataFrame, list[Any], list[Any]]:
    """Observations, errors and warnings of a yearbook file of unit LY."""
    checked, layouts, _ = read_observations(path, fw, None, unit="LY", names=names)
    assert set(layouts.values()) <= {"yearbook"}
    return checked.observations, checked.errors, checked.warnings


def value(obs: pd.DataFrame, indicator: str, period: str) -> float:
    """The one value of ``indicator`` in ``period``."""
    hit = obs[(obs["indicator"] == indicator) & (obs["period"] == period)]
    assert len(hit) == 1, obs
    return float(hit["value"].iloc[0])


# -- decoration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "EC01",
        "ＥＣ０１",
        "人均地区生产总值",
        "人均地区生产总值(元)",
        "人均地区生产总值（元）",
        "人均地区生产总值*",
        "人均地区生产总值（元）＊",
        "其中：人均地区生产总值",
        "其中:人均地区生产总值(元)",
        "人 均 地 区 生 产 总 值",
        "人均地区生产总值　(元)",
    ],
)
def test_every_decoration_names_the_indicator(name: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", f"指 标,2024年\n{name},150000\n")
    obs, errors, warnings = read(path, framework())
    assert errors == [] and warnings == []
    assert obs[["unit", "indicator", "period"]].values.tolist() == [["LY", "EC01", "2024"]]
    assert value(obs, "EC01", "2024") == 150000.0


def test_alias_declared_in_the_framework(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "指标,2023\n每千人口医师数（人）,2.9\n")
    obs, errors, _ = read(path, framework())
    assert errors == [] and value(obs, "PS02", "2023") == 2.9


def test_period_columns_title_notes_and_headings(tmp_path: Path) -> None:
    text = (
        "溧阳市主要指标,,,\n"
        ",,,\n"
        "指 标,2022,2023年,2024年末\n"
        "一、经济发展,,,\n"
        "人均地区生产总值(元),140000,150000,—\n"
        "注：2024年数据暂缺。,,,\n"
        "© 统计局,,,\n"
    )
    obs, errors, warnings = read(write_csv(tmp_path / "t.csv", text), framework())
    assert errors == [] and warnings == []
    assert sorted(obs["period"]) == ["2022", "2023"]  # "—" is no value
    assert value(obs, "EC01", "2022") == 140000.0


def test_merged_header_cells_and_several_sheets(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "经济"
    ws["A1"] = "溧阳市经济指标"
    ws.merge_cells("A1:C1")
    ws["A2"] = "指 标"
    ws.merge_cells("A2:A3")
    ws["B2"] = "年份"
    ws.merge_cells("B2:C2")
    ws["B3"], ws["C3"] = "2023年", 2024
    ws.append(["人均地区生产总值（元）", 150000, 160000])
    ws.append(["注：示例", None, None])
    ws2 = wb.create_sheet("产业")
    ws2.append(["指标名称", "单位", "2024年"])
    ws2.append(["动力电池产业营业收入", "亿元", 1234.5])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    checked, layouts, _ = read_observations(path, framework(), None, unit="LY")
    assert checked.errors == [] and layouts == {"经济": "yearbook", "产业": "yearbook"}
    obs = checked.observations
    assert value(obs, "EC01", "2023") == 150000.0
    assert value(obs, "EC01", "2024") == 160000.0
    assert value(obs, "EC04", "2024") == 1234.5
    first = checked.recognition[0]
    assert (first.header_row, first.name_column) == (3, "A (指 标)")
    assert list(first.periods.values()) == ["2023", "2024"]
    assert [(r.row, r.outcome) for r in first.rows] == [(4, "matched"), (5, "note")]


# -- units of measure ---------------------------------------------------------------------


def test_exact_conversions_of_the_unit(tmp_path: Path) -> None:
    text = (
        "指标,单位,2024\n"
        "人均地区生产总值,万元,15.2345\n"  # 152345 元
        "动力电池产业营业收入,万元,1234567\n"  # 123.4567 亿元
        "季度工业增加值增速,‰,65\n"  # 6.5 %
        "每千人口执业医师数,人,3.1\n"
    )
    obs, errors, _ = read(write_csv(tmp_path / "t.csv", text), framework())
    assert errors == []
    assert value(obs, "EC01", "2024") == 152345.0
    assert value(obs, "EC04", "2024") == 123.4567
    assert value(obs, "EC05", "2024") == 6.5
    assert value(obs, "PS02", "2024") == 3.1


def test_unit_in_brackets_is_converted_too(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "指标,2024\n动力电池产业营业收入(万元),98765\n")
    obs, errors, _ = read(path, framework())
    assert errors == [] and value(obs, "EC04", "2024") == 9.8765


def test_a_unit_that_does_not_convert_is_an_error_at_its_cell(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "指标,单位,2024\n人均地区生产总值,美元,21000\n")
    _, errors, _ = read(path, framework())
    assert len(errors) == 1
    assert (errors[0].row, errors[0].column) == (2, "B (单位)")
    assert "'美元'" in errors[0].reason and "'元'" in errors[0].reason


def test_unit_column_and_brackets_must_agree(tmp_path: Path) -> None:
    text = "指标,单位,2024\n人均地区生产总值(元),万元,15\n人均地区生产总值(元),元,150000\n"
    obs, errors, _ = read(write_csv(tmp_path / "t.csv", text), framework())
    (e,) = errors
    assert (e.row, e.column, e.value) == (2, "B (单位)", "万元")
    assert value(obs, "EC01", "2024") == 150000.0


def test_code_column_names_the_row(tmp_path: Path) -> None:
    text = "代码,指标,2024\nEC04,本市动力电池产值(万元),8805000\n"
    obs, errors, warnings = read(write_csv(tmp_path / "t.csv", text), framework())
    assert errors == [] and warnings == [] and value(obs, "EC04", "2024") == 880.5


def test_a_title_that_is_only_a_year_is_not_the_header(tmp_path: Path) -> None:
    text = "2024年,\n指标,2024\n人均地区生产总值,150000\n"
    checked, _, _ = read_observations(
        write_csv(tmp_path / "t.csv", text), framework(), None, unit="LY"
    )
    assert checked.errors == [] and checked.recognition[0].header_row == 2
    assert value(checked.observations, "EC01", "2024") == 150000.0


# -- the 10x denominator trap -------------------------------------------------------------


def test_a_different_denominator_is_skipped_not_mapped(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "指标,2024\n每万人口执业医师数(人),29\n")
    obs, errors, warnings = read(path, framework())
    assert errors == [] and obs.empty
    (w,) = warnings
    assert (w.row, w.column, w.value) == (2, "A (指标)", "每万人口执业医师数(人)")
    assert "skipped" in w.reason and "每千人口执业医师数 (PS02)" in w.reason


def test_confirming_a_different_denominator_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NamesFileError, match="silent 10x"):
        NameMatcher(framework(), {"每万人口执业医师数": "PS02"})


def test_a_per_unit_in_the_unit_column_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "指标,单位,2024\n每千人口执业医师数,人/万人,29\n")
    _, errors, _ = read(path, framework())
    assert len(errors) == 1 and "人/万人" in errors[0].reason


def test_a_declared_conversion_converts(tmp_path: Path) -> None:
    fw = framework(conversions={"每万人口执业医师数": 0.1, "人/万人": 0.1})
    text = "指标,单位,2023,2024\n每万人口执业医师数,,29,\n每千人口执业医师数,人/万人,,33\n"
    path = write_csv(tmp_path / "t.csv", text)
    obs, errors, warnings = read(path, fw)
    assert errors == [] and warnings == []
    assert value(obs, "PS02", "2023") == 2.9  # 29 per 10 000 = 2.9 per 1000, exactly
    assert value(obs, "PS02", "2024") == 3.3
    assert len(obs) == 2


# -- skipped rows and confirmed names -----------------------------------------------------


def test_similar_names_are_hints_never_matches(tmp_path: Path) -> None:
    text = "指标,2024\n人均地区生产总,150000\n人均地区生产总值,160000\n"
    obs, errors, warnings = read(write_csv(tmp_path / "t.csv", text), framework())
    assert errors == [] and obs["indicator"].tolist() == ["EC01"]
    assert value(obs, "EC01", "2024") == 160000.0
    (w,) = warnings
    assert w.row == 2 and "closest: 人均地区生产总值 (EC01)" in w.reason


def test_confirmed_names_match_and_are_checked(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "指标,2024\n全市人均GDP(元),150000\n")
    obs, errors, warnings = read(path, framework(), {"全市人均GDP": "EC01"})
    assert errors == [] and warnings == [] and value(obs, "EC01", "2024") == 150000.0
    with pytest.raises(NamesFileError, match="EC99"):
        NameMatcher(framework(), {"全市人均GDP": "EC99"})
    with pytest.raises(NamesFileError, match="already a name of EC01"):
        NameMatcher(framework(), {"人均地区生产总值": "EC04"})


def test_a_table_without_years_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", "指标,数值\n人均地区生产总值,150000\n")
    checked, _, _ = read_observations(path, framework(), None, unit="LY")
    (e,) = checked.errors
    assert "no header row with years" in e.reason


def test_excel_percent_cells_keep_what_excel_shows(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["指标", "2024年"])
    ws.append(["季度工业增加值增速(%)", 0.058])
    ws["B2"].number_format = "0.0%"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    obs, errors, _ = read(path, framework())
    assert errors == [] and value(obs, "EC05", "2024") == 5.8


def test_names_file_errors_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "fw.names.yaml"
    bad.write_text("framework: test\nnames:\n  全市人均GDP: EC01\n  空行名:\n", "utf-8")
    with pytest.raises(NamesFileError, match=r"fw\.names\.yaml:4: \[空行名\]"):
        load_names(bad)
    bad.write_text("- a\n- b\n", "utf-8")
    with pytest.raises(NamesFileError, match="names:"):
        load_names(bad)
    bad.write_text("names: [\n", "utf-8")
    with pytest.raises(NamesFileError, match="not a readable YAML"):
        load_names(bad)


# -- brackets that qualify instead of giving a unit ------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "人均地区生产总值(按常住人口计算)",
        "人均地区生产总值（按常住人口计算）（元）",
        "人均地区生产总值(元)(按常住人口计算)",
    ],
)
def test_a_qualifier_in_brackets_is_read_as_such(label: str, tmp_path: Path) -> None:
    """A bracket that is no unit (按常住人口计算) qualifies the row; no alias is needed."""
    path = write_csv(tmp_path / "t.csv", f"指标,2023\n{label},98000\n")
    obs, errors, warnings = read(path, framework())
    assert errors == [] and warnings == []
    assert value(obs, "EC01", "2023") == 98000.0


@pytest.mark.parametrize(
    "label", ["人均地区生产总值(按户籍人口计算)", "人均地区生产总值(不含经济开发区)(元)"]
)
def test_a_refusing_qualifier_skips_the_row(label: str, tmp_path: Path) -> None:
    """By registered population or without an area, the row is not the indicator's own
    figure: skipped with a warning naming the bracket, never imported."""
    path = write_csv(tmp_path / "t.csv", f"指标,2023\n{label},120000\n")
    obs, errors, warnings = read(path, framework())
    assert errors == [] and obs.empty
    (w,) = warnings
    assert w.row == 2 and label.split("(")[1].split(")")[0] in w.reason
