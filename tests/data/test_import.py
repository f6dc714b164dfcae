"""Import of CSV and Excel files: layouts, encodings, every validation, atomicity."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from qcity.data.checks import measure_hint, parse_values
from qcity.data.importer import import_file
from qcity.data.problems import ImportErrorReport
from qcity.data.store import Store
from qcity.framework.model import Framework
from tests.data.conftest import write_csv


def _errors(exc: ImportErrorReport) -> list[tuple[str | None, int | None, str, str]]:
    """(sheet, row, column letter, value) of every error."""
    return [(p.sheet, p.row, p.column.split(" ")[0], p.value) for p in exc.errors]


def _count(store: Store) -> tuple[int, int]:
    """Observation rows and import batches in the store."""
    return len(store.observations(all_revisions=True)), len(store.batches())


def test_long_csv_imports_with_status_source_and_thousands(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    f = write_csv(
        tmp_path / "long.csv",
        "unit,indicator,period,value,source,status,measure\n"
        'LY,EC01,2024,"123,456.5",统计公报,正式,元\n'
        "LY,EC04,2024,429,,预计,亿元\n"
        "TMH,EC05,2024q1,1.5,,,%\n"
        "LY,POP,2024,785092,census,,\n",
    )
    result = import_file(ustore, f, fw, "clerk")
    assert result.summary is not None and result.summary.added == 4
    got = ustore.observations().set_index(["unit", "indicator", "period"])
    assert got.loc[("LY", "EC01", "2024"), "value"] == 123456.5
    assert got.loc[("LY", "EC01", "2024"), "source"] == "统计公报"
    assert got.loc[("LY", "EC04", "2024"), "status"] == "preliminary"
    assert got.loc[("TMH", "EC05", "2024Q1"), "value"] == 1.5
    assert got.loc[("LY", "POP", "2024"), "value"] == 785092.0  # denominator series accepted
    batch = ustore.batches().iloc[0]
    assert (batch["file_name"], batch["format"], batch["entered_by"]) == (
        "long.csv",
        "csv",
        "clerk",
    )
    assert batch["sha256"] == result.sha256 and len(result.sha256) == 64


def test_reimport_same_file_adds_nothing(ustore: Store, fw: Framework, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "a.csv", "unit,indicator,period,value\nLY,EC01,2024,5000\n")
    import_file(ustore, f, fw, "a")
    second = import_file(ustore, f, fw, "a")
    assert second.summary is not None
    assert (second.summary.added, second.summary.revised, second.summary.unchanged) == (0, 0, 1)
    assert second.summary.batch_id is None
    assert _count(ustore) == (1, 1)  # no empty second batch


def test_reimport_with_a_changed_flag_is_a_revision(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    f = write_csv(tmp_path / "a.csv", "unit,indicator,period,value,flag\nLY,EC01,2024,5000,\n")
    import_file(ustore, f, fw, "a")
    g = write_csv(tmp_path / "b.csv", "unit,indicator,period,value,flag\nLY,EC01,2024,5000,复核\n")
    second = import_file(ustore, g, fw, "b")
    assert second.summary is not None and second.summary.revised == 1
    flags = ustore.history("LY", "EC01", "2024")["flag"]
    assert pd.isna(flags.iloc[0]) and flags.iloc[1] == "复核"
    assert _count(ustore) == (2, 2)


def test_wide_csv_gb18030_with_measures_and_empty_cells(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    f = write_csv(
        tmp_path / "wide.csv",
        "地区,年份,EC01 (元),EC04（亿元）,来源\n"
        'LY,2023,"98,765",—,统计年鉴\n'
        "TMH,2023,,12.5,镇统计站\n"
        "DB,2023,,,\n",
        encoding="gb18030",
    )
    result = import_file(ustore, f, fw, "a")
    assert result.encoding == "gb18030" and result.layouts == {"wide.csv": "wide"}
    got = ustore.observations()
    assert got[["unit", "indicator", "period", "value", "source"]].values.tolist() == [
        ["LY", "EC01", "2023", 98765.0, "统计年鉴"],
        ["TMH", "EC04", "2023", 12.5, "镇统计站"],
    ]


def test_utf8_bom_csv(ustore: Store, fw: Framework, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "b.csv", "unit,indicator,period,value\nLY,EC01,2024,5000\n", encoding="utf-8-sig"
    )
    result = import_file(ustore, f, fw, "a")
    assert result.encoding == "utf-8-sig" and result.rows == 1


def test_every_bad_cell_is_listed(ustore: Store, fw: Framework, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "bad.csv",
        "unit,indicator,period,value,status,measure\n"
        "XX,EC01,2024,5000,,\n"  # row 2: unknown unit
        "LY,EC001,2024,5000,,\n"  # row 3: unknown indicator
        "LY,EC01,24,5000,,\n"  # row 4: bad period
        "LY,EC01,1850,5000,,\n"  # row 5: year out of range
        "LY,EC01,2022,abc,,\n"  # row 6: not a number
        "LY,EC01,2021,5000,guess,\n"  # row 7: bad status
        "LY,EC04,2024,4290000,,万元\n"  # row 8: unit of measure
        "LY,EC01,2020,,,\n"  # row 9: empty value in the long layout
        "LY,EC01,2019,12%,,\n"  # row 10: percent sign
        "TMH,EC04,2024,1,,\n"  # row 11 and 12: duplicate key
        "TMH,EC04,2024,2,,\n",
    )
    with pytest.raises(ImportErrorReport) as info:
        import_file(ustore, f, fw, "a")
    errs = _errors(info.value)
    assert errs == [
        (None, 2, "A", "XX"),
        (None, 3, "B", "EC001"),
        (None, 4, "C", "24"),
        (None, 5, "C", "1850"),
        (None, 6, "D", "abc"),
        (None, 7, "E", "guess"),
        (None, 8, "F", "万元"),
        (None, 9, "D", ""),
        (None, 10, "D", "12%"),
        (None, 11, "D", "1"),
        (None, 12, "D", "2"),
    ]
    reasons = {p.row: p.reason for p in info.value.errors}
    assert "did you mean EC01" in reasons[3]
    assert "divide by 10,000" in reasons[8]
    assert "% sign" in reasons[10]
    assert "first at row 11" in reasons[12]
    assert "row 8, column F (measure)" in str(info.value)  # the message is a table
    assert _count(ustore) == (0, 0)  # nothing written


def test_errors_across_excel_sheets(ustore: Store, fw: Framework, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "2023"
    ws.append(["统计表 2023"])  # a title row above the header
    ws.append(["unit", "period", "EC01 (元)", "EC04 (亿元)"])
    ws.append(["LY", 2023, 98765.0, None])
    ws.append(["ZZ", 2023, 5000, "n/a"])  # row 4: unknown unit
    ws2 = wb.create_sheet("long")
    ws2.append(["unit", "indicator", "period", "value"])
    ws2.append(["LY", "EC04", "2024", "x"])  # row 2: not a number
    ws2.append(["TMH", "EC04", "2024", 3])
    wb.create_sheet("notes").append(["这张表只是说明"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with pytest.raises(ImportErrorReport) as info:
        import_file(ustore, path, fw, "a")
    assert _errors(info.value) == [("2023", 4, "A", "ZZ"), ("long", 2, "D", "x")]
    warnings = [p for p in info.value.problems if p.severity == "warning"]
    assert [(w.sheet, "skipped" in w.reason) for w in warnings] == [("notes", True)]
    assert _count(ustore) == (0, 0)
    # one sheet only
    with pytest.raises(ImportErrorReport) as one:
        import_file(ustore, path, fw, "a", sheet="2023")
    assert _errors(one.value) == [("2023", 4, "A", "ZZ")]
    with pytest.raises(ImportErrorReport, match="no sheet 'nope'"):
        import_file(ustore, path, fw, "a", sheet="nope")


def test_excel_round_numbers_and_layouts(ustore: Store, fw: Framework, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "wide"
    ws.append(["unit", "period", "EC01"])
    ws.append(["LY", 2024, 12345.678])
    wb.create_sheet("long").append(["unit", "indicator", "period", "value"])
    wb["long"].append(["LY", "EC04", 2024.0, "1,234"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    result = import_file(ustore, path, fw, "a")
    assert result.layouts == {"wide": "wide", "long": "long"}
    got = ustore.observations().set_index("indicator")["value"]
    assert got["EC01"] == 12345.678 and got["EC04"] == 1234.0


def test_dry_run_writes_nothing(ustore: Store, fw: Framework, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "a.csv", "unit,indicator,period,value\nLY,EC01,2024,5000\n")
    result = import_file(ustore, f, fw, "a", dry_run=True)
    assert result.summary is None and result.rows == 1
    assert _count(ustore) == (0, 0)


def test_implausible_error_unless_accepted_and_always_when_strict(
    ustore: Store, fw: Framework, tmp_path: Path
) -> None:
    f = write_csv(
        tmp_path / "a.csv", "unit,indicator,period,value\nLY,EC01,2024,5\nLY,EC01,2023,5000\n"
    )
    for options in ({}, {"strict": True, "accept_implausible": "checked"}):
        with pytest.raises(ImportErrorReport) as info:
            import_file(ustore, f, fw, "a", **options)  # type: ignore[arg-type]
        assert [(p.row, p.column.split(" ")[0]) for p in info.value.errors] == [(2, "D")]
    assert _count(ustore) == (0, 0)
    result = import_file(ustore, f, fw, "a", accept_implausible="checked")
    assert [(w.row, "plausible range" in w.reason) for w in result.warnings] == [(2, True)]
    flags = ustore.observations().set_index("period")["flag"]
    assert flags["2024"] == "implausible" and pd.isna(flags["2023"])


def test_coverage_warnings(ustore: Store, fw: Framework, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "a.csv",
        "unit,indicator,period,value\nTMH,EC01,2024,5000\nDB,EC01,2024,6000\nLY,EC01,2024Q2,5000\n",
    )
    result = import_file(ustore, f, fw, "a")
    reasons = sorted(w.reason for w in result.warnings)
    assert reasons == [
        "EC01 is an annual indicator; 1 quarterly value(s)",
        "EC01 is defined for levels [city]; 2 value(s) for units of type town",
    ]


def test_headers_need_unit_and_period(ustore: Store, fw: Framework, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "a.csv", "city,year_x,value\nLY,2024,1\n")
    with pytest.raises(ImportErrorReport, match="unit and period"):
        import_file(ustore, f, fw, "a")
    g = write_csv(tmp_path / "g.csv", "unit,period,EC01,人均GDP\nLY,2024,5000,7\n")
    with pytest.raises(ImportErrorReport) as info:
        import_file(ustore, g, fw, "a")
    assert _errors(info.value) == [(None, 1, "D", "人均GDP")]


def test_unreadable_files(ustore: Store, fw: Framework, tmp_path: Path) -> None:
    with pytest.raises(ImportErrorReport, match=r"cannot read '\.xls'"):
        import_file(ustore, write_csv(tmp_path / "old.xls", "x"), fw, "a")
    bad = tmp_path / "bin.csv"
    bad.write_bytes(b"unit,period\n\xff\xfe\xfa\x80\x81")
    with pytest.raises(ImportErrorReport, match="neither UTF-8 nor GB18030"):
        import_file(ustore, bad, fw, "a")


def test_parse_values() -> None:
    values, kind = parse_values(pd.Series(["1,234.5", "１２", " 7 ", "—", "", "1,2", 3.25, "x"]))
    assert kind.tolist() == ["ok", "ok", "ok", "empty", "empty", "bad", "ok", "bad"]
    assert values[:3].tolist() == [1234.5, 12.0, 7.0] and values[6] == 3.25
    values, kind = parse_values(pd.Series([datetime(2024, 6, 30), 5, True], dtype=object))
    assert kind.tolist() == ["date", "ok", "bad"] and np.isnan(values[0]) and values[1] == 5


def test_measure_hint() -> None:
    assert measure_hint("万元", "亿元") == "convert to 亿元: divide by 10,000"
    assert measure_hint("亿元", "元") == "convert to 元: multiply by 100,000,000"
    assert measure_hint("人", "%") == "enter the value in %"
