"""Excel cells that are not what they look like: percentages (shown 85.3%, stored 0.853)
and dates where a number is meant. Workbooks are built with openpyxl here."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook

from qcity.data.importer import import_file, read_observations
from qcity.data.problems import ImportErrorReport
from qcity.data.readers import is_percent_format, read_sheets
from qcity.data.store import Store
from qcity.framework.model import Framework
from tests.data.conftest import UNITS


def _book(path: Path, rows: list[list[object]], formats: dict[str, str]) -> Path:
    """A one-sheet workbook ``data`` with ``rows`` and the number formats of some cells."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "data"
    for row in rows:
        ws.append(row)
    for ref, fmt in formats.items():
        ws[ref].number_format = fmt
    wb.save(path)
    return path


def test_percent_cells_of_a_percent_indicator_are_imported_as_shown(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    f = _book(
        tmp_path / "pct.xlsx",
        [
            ["unit", "indicator", "period", "value"],
            ["LY", "EC05", "2024Q1", 0.153],  # shows 15.3%
            ["LY", "EC05", "2024Q2", 0.0125],  # shows 1.25%
            ["LY", "EC05", "2024Q3", 12.5],  # '0.0"%"': a literal sign, no scaling
            ["LY", "EC05", "2024Q4", 7.5],  # a plain number
        ],
        {"D2": "0.0%", "D3": "0.00%", "D4": '0.0"%"'},
    )
    result = import_file(ustore, f, fw, "a")
    assert result.warnings == []
    got = ustore.observations().set_index("period")["value"]
    # decimal-exact: 0.153 * 100 in floating point would be 15.299999999999999
    assert got.to_dict() == {"2024Q1": 15.3, "2024Q2": 1.25, "2024Q3": 12.5, "2024Q4": 7.5}


def test_percent_cells_in_the_wide_layout(ustore: Store, fw: Framework, tmp_path: Path) -> None:
    f = _book(
        tmp_path / "wide.xlsx",
        [["地区", "时期", "EC05 (%)", "EC04 (亿元)"], ["LY", "2024Q1", 0.153, 429]],
        {"C2": "0.0%"},
    )
    import_file(ustore, f, fw, "a")
    got = ustore.observations().set_index("indicator")["value"]
    assert (got["EC05"], got["EC04"]) == (15.3, 429.0)


def test_percent_cell_of_another_unit_is_refused(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    f = _book(
        tmp_path / "wrong.xlsx",
        [
            ["unit", "indicator", "period", "value"],
            ["LY", "EC01", "2024", 0.5],  # 元 shown as 50%
            ["LY", "POP", "2024", 0.75],  # a denominator series, no unit of measure
            ["LY", "EC05", "2024Q1", 0.153],  # fine
        ],
        {"D2": "0%", "D3": "0.0%", "D4": "0.0%"},
    )
    with pytest.raises(ImportErrorReport) as info:
        import_file(ustore, f, fw, "a")
    errors = info.value.errors
    assert [(p.sheet, p.row, p.column, p.value) for p in errors] == [
        ("data", 2, "D (value)", "0.5"),
        ("data", 3, "D (value)", "0.75"),
    ]
    assert "formatted as a percentage (Excel shows 50%) but EC01 is in 元" in errors[0].reason
    assert "enter the value in 元" in errors[0].reason
    assert "POP has no unit of measure" in errors[1].reason
    assert ustore.observations(all_revisions=True).empty and ustore.batches().empty


def test_date_cells_are_refused_with_their_cell(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    f = _book(
        tmp_path / "dates.xlsx",
        [
            ["unit", "indicator", "period", "value"],
            ["LY", "EC01", "2024", datetime(2024, 6, 30)],
            ["LY", "EC04", "2024", date(1901, 3, 4)],  # a number typed into a date cell
            ["LY", "EC05", "2024Q1", time(12, 30)],
            ["LY", "EC04", datetime(2023, 1, 1), 5],  # a period typed as a date
            ["LY", "EC01", "2022", "abc"],  # an ordinary bad cell, same table
        ],
        {},
    )
    with pytest.raises(ImportErrorReport) as info:
        import_file(ustore, f, fw, "a")
    errors = info.value.errors
    assert [(p.row, p.column.split(" ")[0]) for p in errors] == [
        (2, "D"),
        (3, "D"),
        (4, "D"),
        (5, "C"),
        (6, "D"),
    ]
    assert errors[0].value == "2024-06-30 00:00:00"
    assert all("a date or time in Excel, not a number" in p.reason for p in errors[:3])
    assert "a date, not a period" in errors[3].reason and "2024" in errors[3].reason
    assert "not a number" in errors[4].reason
    assert "row 2, column D (value)" in str(info.value)
    assert ustore.observations(all_revisions=True).empty


def test_reader_marks_only_numbers_shown_as_percent(tmp_path: Path) -> None:
    f = _book(
        tmp_path / "r.xlsx",
        [["a", "b", "c"], [0.5, "50%", 0.5]],
        {"A2": "0%", "B2": "0%", "C2": "General"},
    )
    (sheet,) = read_sheets(f)
    assert sheet.percent is not None
    assert sheet.percent.loc[2].tolist() == [True, False, False]  # text "50%" is not a number
    plain = _book(tmp_path / "p.xlsx", [["a"], [1.0]], {})
    assert read_sheets(plain)[0].percent is None


@pytest.mark.parametrize(
    ("fmt", "percent"),
    [
        ("0%", True),
        ("0.0%", True),
        ("0.00%;[Red]-0.00%", True),
        ("#,##0.0%", True),
        ('0.0"%"', False),
        ("0.0\\%", False),
        ("General", False),
        ("[Red]0.00", False),
        ("yyyy-mm-dd", False),
    ],
)
def test_is_percent_format(fmt: str, percent: bool) -> None:
    assert is_percent_format(fmt) is percent


def test_read_observations_needs_no_store(fw: Framework, tmp_path: Path) -> None:
    f = _book(
        tmp_path / "f.xlsx",
        [["unit", "indicator", "period", "value"], ["LY", "EC05", "2024Q1", 0.153]],
        {"D2": "0.0%"},
    )
    checked, layouts, _ = read_observations(f, fw, UNITS)  # a units table, no database
    assert checked.errors == [] and layouts == {"data": "long"}
    assert checked.observations["value"].tolist() == [15.3]
