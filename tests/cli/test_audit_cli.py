"""``qcity audit``: on the ASEM example file and on the demo database (both backends) —
the tables printed, the files written (UTF-8 with BOM, names beside codes), the
illustrative label, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity import robust
from qcity.cli import app
from qcity.data.runs import list_runs
from qcity.data.store import Store
from qcity.framework.io import load_framework
from qcity.service.evaluation import evaluate
from qcity.service.inputs import from_files
from tests.helpers import REPO

ASEM = REPO / "examples" / "asem"
FILES = ["flags.csv", "correlations.csv", "cronbach.csv", "pca.csv", "influence.csv"]
runner = CliRunner()
ENV = {"COLUMNS": "200", "QCITY_DATABASE_URL": None}


def _asem(out: Path, *extra: str) -> tuple[int, str]:
    args = ["audit", "-f", str(ASEM / "framework.yaml"), "-d", str(ASEM / "data.csv")]
    res = runner.invoke(app, [*args, "--out", str(out), *extra], env=ENV)
    return res.exit_code, res.output


def test_asem_audit_prints_and_writes_the_tables(tmp_path: Path) -> None:
    code, output = _asem(tmp_path / "audit")
    assert code == 0, output
    for text in ("Statistical audit", "2018", "Warnings on the structure", "Cronbach",
                 "Influence on the index vs weight", "wrote 6 files"):  # fmt: skip
        assert text in output
    assert "ILLUSTRATIVE" not in output  # COINr's data are real statistics
    out = tmp_path / "audit"
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, "README.txt"])
    for name in FILES:
        assert (out / name).read_bytes()[:3] == b"\xef\xbb\xbf", f"{name}: no BOM"
    corr = pd.read_csv(out / "correlations.csv", encoding="utf-8-sig", dtype={"period": str})
    assert {"a_zh", "a_en", "b_zh", "b_en", "group_zh"} <= set(corr.columns)
    assert set(corr["period"]) == {"2018"}
    row = corr[(corr["a"] == "LPI") & (corr["b"] == "Flights")].iloc[0]
    assert row["a_en"] == "Logistics Performance Index"
    # the file holds what the Python API returns (6 significant digits)
    fw = load_framework(ASEM / "framework.yaml")
    api = robust.audit(
        evaluate(fw, from_files(fw, ASEM / "framework.yaml", ASEM / "data.csv")).evaluation
    )
    expected = api.correlations.set_index(["a", "b"]).loc[("LPI", "Flights"), "r"]
    assert row["r"] == pytest.approx(expected, rel=1e-5)
    flags = pd.read_csv(out / "flags.csv", encoding="utf-8-sig")
    assert len(flags) == len(api.flags)
    assert "status" not in flags.columns


def test_asem_audit_of_a_year_not_evaluated(tmp_path: Path) -> None:
    code, output = _asem(tmp_path / "x", "--year", "2030")
    assert code == 1
    assert "period 2030 is not in the evaluation; periods: 2018" in output
    assert "Traceback" not in output


def test_units_need_data_and_as_of_needs_the_database(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["audit", "-f", "liyang", "-u", str(ASEM / "units.csv"), "-o", str(tmp_path)],
        env=ENV,
    )  # fmt: skip
    assert res.exit_code == 1 and "--units goes with --data" in res.output
    code, output = _asem(tmp_path / "y", "--as-of", "2024-01-01")
    assert code == 1 and "--as-of reads the database" in output


def test_too_few_units_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "two.csv"
    rows = pd.read_csv(ASEM / "data.csv")
    rows[rows["unit"].isin(["AUT", "BEL"])].to_csv(data, index=False)
    res = runner.invoke(
        app,
        ["audit", "-f", str(ASEM / "framework.yaml"), "-d", str(data), "-o", str(tmp_path)],
        env=ENV,
    )
    assert res.exit_code == 1, res.output
    assert "error" in res.output and "Traceback" not in res.output


@pytest.mark.usefixtures("demo_db")
def test_demo_audit_is_labelled_illustrative(store: Store, db_url: str, tmp_path: Path) -> None:
    """The Liyang demo's peer group: the printout, NOTICE.txt and every row of the files
    say that the data are illustrative."""
    runs_before = len(list_runs(store))
    out = tmp_path / "audit"
    res = runner.invoke(
        app,
        ["audit", "-f", "liyang", "--group", "sunan", "--db", db_url, "--out", str(out)],
        env=ENV,
    )
    assert res.exit_code == 0, res.output
    assert "示例数据 ILLUSTRATIVE" in res.output
    assert "group sunan: 10 units" in res.output
    assert (out / "NOTICE.txt").read_text("utf-8").startswith("示例数据")
    for name in FILES:
        frame = pd.read_csv(out / name, encoding="utf-8-sig")
        assert (frame["status"] == "示例数据 ILLUSTRATIVE").all(), name
    cron = pd.read_csv(out / "cronbach.csv", encoding="utf-8-sig")
    # Chinese names beside the codes: the five dimensions and their sub-dimensions
    assert cron.set_index("group").loc["economy", "group_zh"] == "经济发展"
    assert len(cron) == 25  # index + 5 dimensions + 19 sub-dimensions
    # a second audit of another year replaces the files; nothing is stored as a run
    res = runner.invoke(
        app,
        ["audit", "-f", "liyang", "--group", "sunan", "--db", db_url, "--out", str(out),
         "--year", "2015"],
        env=ENV,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert set(pd.read_csv(out / "pca.csv", encoding="utf-8-sig")["period"]) == {2015}
    assert len(list_runs(store)) == runs_before
