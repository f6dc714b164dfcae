"""Export to CSV, Excel and Parquet, and the round trip export -> import -> same data."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.exporter import export_frame, export_observations
from qcity.data.importer import import_file
from qcity.data.problems import ImportErrorReport
from qcity.data.readers import PARQUET_HINT, FileReadError
from qcity.data.store import Store
from qcity.framework.model import Framework
from tests.data.conftest import UNITS, obs

KEEP = ["unit", "indicator", "period", "value", "status", "source", "flag"]


@pytest.fixture
def filled(ustore: Store) -> Store:
    """A store with final, preliminary and illustrative values, a revision and a flag."""
    ustore.add_observations(
        obs(
            [
                ("LY", "EC01", "2023", 98765.4321),
                ("LY", "EC04", "2024", 429.0),
                ("LY", "EC05", "2024Q1", -1.25),
                ("DB", "EC04", "2024", 3.0),
            ],
            status=["final", "preliminary", "illustrative", "illustrative"],
            source=["统计公报, 2023", None, "示例数据", "示例数据"],
            flag=[None, None, None, "implausible"],
        ),
        entered_by="张三",
    )
    ustore.add_observations(obs([("LY", "EC04", "2024", 430.5)]), entered_by="李四")
    return ustore


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_round_trip_into_fresh_store(
    filled: Store, fw: Framework, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"export.{fmt}"
    assert export_observations(filled, out, framework=fw) == 4
    fresh = Store(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    fresh.upgrade()
    fresh.add_units(UNITS)
    result = import_file(fresh, out, fw, "roundtrip")
    assert result.warnings == []
    pd.testing.assert_frame_equal(fresh.observations()[KEEP], filled.observations()[KEEP])
    # importing the export into the store it came from changes nothing
    again = import_file(filled, out, fw, "roundtrip")
    assert again.summary is not None and again.summary.written == 0
    fresh.close()


def test_csv_has_bom_and_provenance(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "o.csv"
    export_observations(filled, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out, encoding="utf-8-sig", dtype={"period": str})
    assert list(df.columns) == [
        "unit",
        "unit_name_zh",
        "unit_name_en",
        "indicator",
        "period",
        "value",
        "status",
        "source",
        "flag",
        "revision",
        "recorded_at",
        "entered_by",
    ]
    ly = df.set_index(["unit", "indicator"]).loc[("LY", "EC04")]
    assert (ly["value"], ly["revision"], ly["entered_by"], ly["unit_name_zh"]) == (
        430.5,
        2,
        "李四",
        "溧阳市",
    )
    stamp = pd.Timestamp(ly["recorded_at"])
    assert stamp == filled.vintage() and stamp.microsecond == filled.vintage().microsecond  # type: ignore[union-attr]


def test_all_revisions_and_as_of(filled: Store, tmp_path: Path) -> None:
    hist = export_frame(filled, all_revisions=True)
    assert len(hist) == 5
    assert hist.loc[hist["indicator"] == "EC04", "revision"].tolist() == [1, 1, 2]
    first = filled.batches()["created_at"].iloc[0].to_pydatetime()
    then = export_frame(filled, as_of=first)
    assert then.loc[(then["unit"] == "LY") & (then["indicator"] == "EC04"), "value"].item() == 429
    only = export_frame(filled, indicators=["EC04"], units=["DB"])
    assert only[["unit", "indicator"]].values.tolist() == [["DB", "EC04"]]


def test_xlsx_marks_illustrative_and_describes_columns(
    filled: Store, fw: Framework, tmp_path: Path
) -> None:
    out = tmp_path / "o.xlsx"
    export_observations(filled, out, framework=fw)
    wb = load_workbook(out)
    assert wb.sheetnames == ["observations", "columns"]
    ws = wb["observations"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["unit", "unit_name_zh", "unit_name_en", "indicator"]
    assert all(c.font.bold for c in ws[1])
    status_col = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[header.index("status")]
    rules = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert any(f'${status_col}2="illustrative"' in r.formula[0] for r in rules)
    doc = [[c.value for c in row] for row in wb["columns"].iter_rows()]
    assert [r[0] for r in doc[1 : len(header) + 1]] == header
    assert any(r[0] == "illustrative" and "2" in str(r[1]) for r in doc)


def test_parquet_keeps_types(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "o.parquet"
    export_observations(filled, out)
    back = pd.read_parquet(out)
    assert str(back["recorded_at"].dtype) == "datetime64[us, UTC]"
    assert back["value"].tolist() == export_frame(filled)["value"].tolist()


def test_unknown_export_format(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.csv, \.xlsx or \.parquet"):
        export_observations(filled, tmp_path / "o.json")


def test_parquet_without_pyarrow_says_what_to_install(
    filled: Store, fw: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "o.parquet"
    export_observations(filled, out)  # written while pyarrow is there
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # now `import pyarrow` fails
    with pytest.raises(FileReadError, match=re.escape(PARQUET_HINT)):
        export_observations(filled, tmp_path / "again.parquet")
    assert not (tmp_path / "again.parquet").exists()
    with pytest.raises(ImportErrorReport) as info:
        import_file(filled, out, fw, "a")
    assert [p.reason for p in info.value.errors] == [PARQUET_HINT]
    result = CliRunner().invoke(
        app, ["export", "--out", str(tmp_path / "cli.parquet"), "--db", filled.url]
    )
    assert result.exit_code == 1
    assert "Parquet needs pyarrow: pip install 'qcity[parquet]'" in result.output
    assert "Traceback" not in result.output
