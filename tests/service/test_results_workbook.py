"""The results workbook of a stored run (``qcity export --results RUN``), on SQLite and
PostgreSQL: its scores are the run's stored scores, its monitor sheet is the monitoring
table of the focus city computed here, its provenance sheet lists every value the run
used as it was at the run's vintage; frozen headers, number formats, bilingual sheet
names, the illustrative banner and text that would read as a formula kept as text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from qcity.demo.build import default_framework_path
from qcity.framework.io import load_framework
from qcity.monitor.table import monitor_table
from qcity.service.evaluation import evaluate
from qcity.service.inputs import from_store
from qcity.service.results_workbook import RunNotReproducedError, _difference
from qcity.service.runs import export_run, get_run

SHEETS = [
    "说明 README",
    "得分 Scores",
    "指标 Indicators",
    "监测 Monitor",
    "进展 Progress",
    "预警 Warnings",
    "来源 Provenance",
]
ILLUSTRATIVE = "示例数据 ILLUSTRATIVE"
INJECTED = '=HYPERLINK("http://example.invalid","x")'


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def _rows(ws: Any) -> list[dict[str, Any]]:
    """The sheet's rows under its header (row 2, below the illustrative banner)."""
    values = list(ws.iter_rows(values_only=True))
    header = values[1]
    return [dict(zip(header, row, strict=True)) for row in values[2:]]


def _liyang_ec01_2024(rows: list[dict[str, Any]]) -> dict[str, Any]:
    (row,) = (
        r
        for r in rows
        if (r["单元代码 unit code"], r["指标代码 indicator code"], r["时期 period"])
        == ("liyang", "EC01", "2024")
    )
    return row


def _column(ws: Any, header: str) -> int:
    return [c.value for c in ws[2]].index(header) + 1


@pytest.mark.usefixtures("demo_db")
def test_the_workbook_of_a_stored_run(store: Store, db_url: str, tmp_path: Path) -> None:
    fw_path = default_framework_path()
    # a source and an operator that would read as formulas in Excel
    one = store.observations(units=["liyang"], indicators=["EC01"], periods=["2024"])
    original = float(one["value"].iloc[0])
    store.add_observations(
        one[["unit", "indicator", "period", "value"]].assign(source=INJECTED), entered_by="@统计局"
    )
    out = _cli(
        "evaluate", "-f", str(fw_path), "--db", db_url, "--group", "sunan", "--by", "tester",
    )  # fmt: skip
    run_id = int(re.search(r"stored as run (\d+)", " ".join(out.split()))[1])  # type: ignore[index]

    # what the workbook must show, computed here from the data as they are at the run
    fw = load_framework(fw_path)
    result = evaluate(fw, from_store(db_url).restrict(group="sunan"))
    expected_monitor = monitor_table(result, "liyang", "2024", "sunan")

    # a later revision must not change the workbook: it is made as of the run's vintage
    store.add_observations(
        one[["unit", "indicator", "period"]].assign(value=original * 2), entered_by="统计局"
    )
    xlsx = tmp_path / "run.xlsx"
    printed = " ".join(
        _cli("export", "--results", str(run_id), "--out", str(xlsx), "--db", db_url).split()
    )
    assert "liyang 2024" in printed and "ILLUSTRATIVE" in printed
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == SHEETS
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A3"  # banner and header stay in view
        assert str(ws["A1"].value).startswith("示例数据 ILLUSTRATIVE")

    # scores: exactly the stored scores of the index, dimensions and sub-dimensions
    run = get_run(db=db_url, run_id=run_id)
    nodes = {n.code for n in fw.nodes()}
    stored = run.scores[run.scores["node"].isin(nodes)]
    ws = wb["得分 Scores"]
    rows = _rows(ws)
    got = {(r["时期 period"], r["节点代码 node code"], r["单元代码 unit code"]): r for r in rows}
    assert len(got) == len(rows) == len(stored)
    for s in stored.itertuples():
        row = got[(str(s.period), str(s.node), str(s.unit))]
        assert row["得分 score (0–100)"] == pytest.approx(s.score, rel=1e-12)
        assert row["排名 rank (1 = best)"] == s.rank
        assert row["数据性质 data status"] == ILLUSTRATIVE
    assert ws.cell(3, _column(ws, "得分 score (0–100)")).number_format == "0.00"
    # ranks within a period and node run 1..10 (ten sunan cities, no ties in the demo)
    index_2024 = [
        r["排名 rank (1 = best)"]
        for r in rows
        if r["节点代码 node code"] == "index" and r["时期 period"] == "2024"
    ]
    assert sorted(index_2024) == list(range(1, 11))

    # monitor: the monitoring table of liyang in 2024 among the sunan peers
    ws = wb["监测 Monitor"]
    rows = {r["代码 code"]: r for r in _rows(ws)}
    assert set(rows) == set(expected_monitor["indicator"].astype(str))
    for e in expected_monitor.to_dict("records"):
        row = rows[str(e["indicator"])]
        for header, key in (
            ("数值 value (see unit of measure)", "value"),
            ("目标值 target (unit of measure)", "target"),
            ("实现程度 attainment (%)", "attainment"),
            ("进度 gap closed (%)", "gap_closed"),
        ):
            want = e[key]
            if want is None or (isinstance(want, float) and np.isnan(want)):
                assert row[header] is None, (e["indicator"], header)
            else:
                assert row[header] == pytest.approx(float(want), rel=1e-12), e["indicator"]
        assert str(row["预警 warning"]).endswith(str(e["warning"]))
        assert str(row["进展分类 progress class"] or "").endswith(str(e["progress_class"] or ""))
        assert row["说明 message (zh)"] == e["message_zh"]
    assert ws.cell(3, _column(ws, "实现程度 attainment (%)")).number_format == "0.0%"
    assert rows["EC01"]["数值 value (see unit of measure)"] == pytest.approx(original)
    warned = _rows(wb["预警 Warnings"])
    assert len(warned) == int((expected_monitor["warning"] != "green").sum())
    assert {str(r["预警 warning"]) for r in warned} <= {"红 red", "黄 yellow"}

    # provenance: every value the run used, as stored at the run's vintage
    ws = wb["来源 Provenance"]
    rows = _rows(ws)
    counts = run.facts["value_counts"]
    assert len(rows) == sum(counts.values())
    assert sum(r["数据性质 data status"] == ILLUSTRATIVE for r in rows) == counts["illustrative"]
    mine = _liyang_ec01_2024(rows)
    assert mine["数值 value (see unit of measure)"] == pytest.approx(original)  # not revised
    assert mine["来源 source"] == INJECTED and mine["录入人 entered by"] == "@统计局"
    assert mine["修订次数 revision"] == 2
    assert mine["计量单位 unit of measure"] == "元"
    assert ws.cell(3, _column(ws, "录入时间 recorded at (UTC)")).number_format.startswith("yyyy")
    # text that starts like a formula is stored as text, and stays text when edited
    for col in ("来源 source", "录入人 entered by"):
        j = _column(ws, col)
        cells = next(iter(ws.iter_cols(min_col=j, max_col=j)))
        odd = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
        assert odd and all(c.data_type == "s" and c.quotePrefix for c in odd)

    # indicators: raw values and the normalised scores of the run's normalised.csv
    ws = wb["指标 Indicators"]
    rows = _rows(ws)
    files = export_run(db=db_url, run_id=run_id, out=tmp_path / "files").files
    normalised = pd.read_csv(next(p for p in files if p.name == "normalised.csv"))
    wide = normalised.set_index(["period", "unit"])
    for r in rows[:: max(1, len(rows) // 50)]:  # every 50th row, about 50 cells
        want = wide.loc[
            (int(r["时期 period"]), r["单元代码 unit code"]), r["指标代码 indicator code"]
        ]
        assert r["标准化得分 normalised score (0–100)"] == pytest.approx(round(want, 2))
    raw = _liyang_ec01_2024(rows)["原始值 raw value (see unit of measure)"]
    assert raw == pytest.approx(original)


def test_a_run_that_does_not_reproduce_is_refused() -> None:
    stored = pd.DataFrame(
        {"unit": ["a", "b"], "period": ["2024"] * 2, "node": ["i"] * 2, "score": [60.0, 40.0],
         "rank": [1, 2]}
    )  # fmt: skip
    assert _difference(stored, stored.copy(), 1) == 0.0
    moved = stored.assign(score=[60.0, 40.5])  # 0.5 points off: beyond any rounding
    with pytest.raises(RunNotReproducedError, match=r"largest difference 0\.5"):
        _difference(stored, moved, 1)
    with pytest.raises(RunNotReproducedError, match="other rows"):
        _difference(stored, stored.iloc[:1], 1)


def test_a_missing_run_is_a_clear_error(store: Store, db_url: str, tmp_path: Path) -> None:
    # ``store``: a migrated, empty database
    result = CliRunner().invoke(
        app, ["export", "--results", "99", "--out", str(tmp_path / "x.xlsx"), "--db", db_url]
    )
    assert result.exit_code == 1
    assert "no evaluation run 99" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_text_that_reads_as_a_formula_stays_text(tmp_path: Path) -> None:
    from qcity.service.folder import Col, Sheet, _Lang
    from qcity.service.workbook import write_workbook

    texts = ["=1+1", "+1", "-2", "@SUM(A1)", "plain", "-"]
    frame = pd.DataFrame({"text": texts, "number": [-3.0, 1.0, 2.0, 3.0, 4.0, 5.0]})
    cols = {"text": Col("文本", "text", "", ""), "number": Col("数", "number", "", "", fmt="0.0")}
    write_workbook(tmp_path / "x.xlsx", [(Sheet("s", frame, cols), "表 Sheet")], _Lang("zh"), None)
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["表 Sheet"]
    cells = [ws.cell(row, 1) for row in range(2, 8)]
    assert [c.value for c in cells] == texts
    assert all(c.data_type == "s" for c in cells)  # a formula would have data_type "f"
    assert [bool(c.quotePrefix) for c in cells] == [True, True, True, True, False, True]
    assert ws.cell(2, 2).value == -3.0 and ws.cell(2, 2).data_type == "n"  # numbers stay numbers
    assert ws.freeze_panes == "A2"
