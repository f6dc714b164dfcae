"""``qcity evaluate`` against the database (no --data): both backends, peer group,
illustrative notice, and ``--as-of`` reproducing results published before a revision."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from qcity.demo.build import default_framework_path
from qcity.framework.io import load_framework


def _evaluate(db_url: str, out: Path, *extra: str) -> pd.DataFrame:
    result = CliRunner().invoke(
        app,
        ["evaluate", "--framework", str(default_framework_path()), "--db", db_url,
         "--group", "sunan", "--out", str(out), *extra],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return pd.read_csv(out / "scores.csv", dtype={"period": str})


@pytest.mark.usefixtures("demo_db")
def test_evaluate_reads_the_store_and_reproduces_an_earlier_state(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    before = _evaluate(db_url, tmp_path / "before")
    assert set(before["unit"]) == set(store.groups().query("group == 'sunan'")["unit_code"])
    assert (tmp_path / "before" / "NOTICE.txt").read_text("utf-8").startswith("示例数据")
    published = datetime.now(UTC)
    time.sleep(0.01)

    # a revision after publication: Liyang's 2024 GDP per capita corrected upwards
    latest = store.observations(units=["liyang"], indicators=["EC01"], periods=["2024"])
    revised = latest[["unit", "indicator", "period"]].assign(value=latest["value"] * 1.5)
    store.add_observations(revised, entered_by="统计局")

    after = _evaluate(db_url, tmp_path / "after")
    again = _evaluate(db_url, tmp_path / "as_of", "--as-of", published.isoformat())
    key = ["unit", "period", "node"]
    pd.testing.assert_frame_equal(
        again.sort_values(key).reset_index(drop=True),
        before.sort_values(key).reset_index(drop=True),
    )
    stored = store.frameworks()
    fw = load_framework(default_framework_path())
    assert (fw.code, fw.version) in set(zip(stored["code"], stored["version"], strict=True))
    ec01 = after[(after["node"] == "EC01") & (after["period"] == "2024")].set_index("unit")
    old = before[(before["node"] == "EC01") & (before["period"] == "2024")].set_index("unit")
    assert ec01.loc["liyang", "score"] > old.loc["liyang", "score"]
