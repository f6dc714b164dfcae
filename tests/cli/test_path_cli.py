"""``qcity path`` on the demo store (SQLite and PostgreSQL), checked the way a user would:
the plan's value_to imported with ``qcity import`` as new revisions, then ``qcity evaluate``
of the group gives the unit the target rank or better."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from qcity.demo.build import default_framework_path

ENV = {"COLUMNS": "200"}
FW = str(default_framework_path())


def _run(*args: str) -> str:
    res = CliRunner().invoke(app, list(args), env=ENV)
    assert res.exit_code == 0, res.output
    return res.output


@pytest.mark.usefixtures("demo_db")
def test_plan_imported_with_qcity_import_reaches_the_rank(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "plan"
    printed = _run("path", "--unit", "liyang", "--group", "sunan", "--rank", "2", "--year",
                   "2024", "--out", str(out), "--db", db_url)  # fmt: skip
    plan = pd.read_csv(out / "plan.csv")
    assert {"indicator", "value_from", "value_to", "share_of_gap"} <= set(plan.columns)
    assert len(plan) == plan["indicator"].nunique() > 0
    assert "个百分点" in printed and "ILLUSTRATIVE" in printed
    reached = re.search(r"re-evaluated 按此方案复算: rank 名次 (\d+)", printed)
    assert reached is not None and int(reached.group(1)) <= 2  # the re-evaluated rank

    rows = plan.assign(unit="liyang", period="2024")[["unit", "indicator", "period", "value_to"]]
    data = tmp_path / "plan_values.csv"
    rows.rename(columns={"value_to": "value"}).to_csv(data, index=False)
    _run("import", str(data), "-f", FW, "--by", "规划办", "--db", db_url, "--source", "qcity path")
    scores_dir = tmp_path / "after"
    _run("evaluate", "-f", FW, "--group", "sunan", "--out", str(scores_dir), "--db", db_url)
    scores = pd.read_csv(scores_dir / "scores.csv", dtype={"period": str})
    mine = scores.query("unit == 'liyang' and period == '2024' and node == 'index'")
    assert int(mine["rank"].iloc[0]) <= 2


@pytest.mark.usefixtures("demo_db")
def test_already_there_and_unreachable(store: Store, db_url: str, tmp_path: Path) -> None:
    done = _run("path", "--unit", "liyang", "--group", "sunan", "--rank", "5", "--db", db_url,
                "--out", str(tmp_path / "five"))  # fmt: skip
    assert "already at rank" in done
    assert pd.read_csv(tmp_path / "five" / "plan.csv").empty
    far = _run("path", "--unit", "liyang_daibu", "--level", "town", "--rank", "1",
               "--db", db_url, "--out", str(tmp_path / "town"))  # fmt: skip
    assert "out of reach" in far and "best attainable" in far
    summary = json.loads((tmp_path / "town" / "plan.json").read_text("utf-8"))
    assert summary["reached"] is False and summary["best_rank"] > 1
    assert summary["shortfall"] > 0


@pytest.mark.usefixtures("demo_db")
def test_rank_beyond_the_group_size_is_an_error(store: Store, db_url: str) -> None:
    res = CliRunner().invoke(
        app,
        ["path", "--unit", "liyang", "--group", "sunan", "--rank", "99", "--db", db_url],
        env=ENV,
    )
    assert res.exit_code != 0, res.output
    assert "nan" not in res.output and "Traceback" not in res.output
    assert "--rank 99" in res.output and "units" in res.output
