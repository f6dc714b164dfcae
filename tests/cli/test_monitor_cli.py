"""``qcity monitor`` on the demo database (SQLite and PostgreSQL): the contract files,
every progress class and colour, illustrative values labelled, warnings by department."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from qcity.monitor.progress import CLASSES
from qcity.monitor.table import MONITOR_COLUMNS, WARNING_COLUMNS

runner = CliRunner()
ENV = {"COLUMNS": "200"}


def _read(path: Path) -> pd.DataFrame:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    return pd.read_csv(path, encoding="utf-8-sig", dtype={"period": str})


@pytest.mark.usefixtures("demo_db")
def test_monitor_liyang_2024_on_the_demo(store: Store, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "mon"
    res = runner.invoke(
        app, ["monitor", "--unit", "liyang", "--year", "2024", "--db", db_url, "--out", str(out)],
        env=ENV,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    table = _read(out / "monitor.csv")
    assert list(table.columns) == MONITOR_COLUMNS
    assert set(table["unit"]) == {"liyang"} and set(table["period"]) == {"2024"}
    # the demo shows every progress class and every colour
    assert set(CLASSES) <= set(table["progress_class"].dropna())
    assert {"green", "yellow", "red"} <= set(table["warning"])
    # every illustrative value is labelled in both languages, and only those
    obs = store.observations(units=["liyang"], periods=["2024"])
    status = dict(zip(obs["indicator"], obs["status"], strict=True))
    for row in table[table["indicator"].isin(list(status))].itertuples():
        labelled = row.message_en.endswith("[illustrative data]")
        assert labelled == (status[row.indicator] == "illustrative"), row.indicator
        assert labelled == ("示例数据" in row.message_zh)
    assert (out / "NOTICE.txt").read_text("utf-8").startswith("示例数据 ILLUSTRATIVE")
    assert "ILLUSTRATIVE" in res.output
    # warnings.csv: the yellow and red rows, red first, each with why its light is on;
    # within a colour the target risks come first, the peers' median last
    warnings = _read(out / "warnings.csv")
    assert list(warnings.columns) == WARNING_COLUMNS
    assert len(warnings) == int((table["warning"] != "green").sum())
    colours = warnings["warning"].tolist()
    assert colours == sorted(colours, key=lambda c: c != "red")
    assert set(warnings["kind"]) <= {"target", "data", "trend", "benchmark"}
    order = ["target", "data", "trend", "benchmark"]
    for _, same in warnings.groupby("warning", sort=False):
        ranks = [order.index(k) for k in same["kind"]]
        assert ranks == sorted(ranks)
    behind = warnings["message_en"].str.contains("target path|target band")
    assert (warnings.loc[behind, "kind"] == "target").all() and behind.any()
    # printed per department
    for dept in warnings["department"].dropna().unique():
        assert dept.split(" / ")[0] in res.output
    # attribution: contributions to each composite's change since 2023
    attribution = _read(out / "attribution.csv")
    assert list(attribution.columns) == [
        "node", "indicator", "from_period", "to_period", "change", "contribution"
    ]  # fmt: skip
    assert set(attribution["to_period"].astype(str)) == {"2024"}


@pytest.mark.usefixtures("demo_db")
def test_monitor_bad_requests(store: Store, db_url: str, tmp_path: Path) -> None:
    base = ["monitor", "--db", db_url, "--out", str(tmp_path / "x")]
    res = runner.invoke(app, [*base, "--unit", "liyang", "--year", "2031"], env=ENV)
    assert res.exit_code == 1 and "no data for period 2031" in res.output
    res = runner.invoke(app, [*base, "--unit", "liyang", "--year", "2024", "--group", "xx"])
    assert res.exit_code == 1 and "unknown unit group 'xx'" in res.output
    res = runner.invoke(app, [*base, "--unit", "nowhere", "--year", "2024"], env=ENV)
    assert res.exit_code == 1 and "'nowhere'" in res.output
    bad = tmp_path / "targets.csv"
    bad.write_text("indicator,kind,year,value,source\nEC05,level,2030,900,\n", encoding="utf-8")
    res = runner.invoke(
        app, [*base, "--unit", "liyang", "--year", "2024", "--targets", str(bad)], env=ENV
    )
    assert res.exit_code == 1 and "row 2, source" in res.output
    assert "Traceback" not in res.output
