"""``qcity compare`` on the demo store (SQLite and PostgreSQL): compare.csv and
strengths.csv, the Rich tables, the illustrative label, towns and streets with --level."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from qcity.demo.build import default_framework_path

ENV = {"COLUMNS": "200"}


@pytest.mark.usefixtures("demo_db")
def test_compare_group_and_towns(store: Store, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    res = CliRunner().invoke(
        app,
        ["compare", "--unit", "liyang", "--group", "sunan", "--year", "2024", "--out", str(out),
         "--db", db_url],
        env=ENV,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out / "compare.csv")
    assert list(table.columns[:7]) == [
        "node", "rank", "score", "leader", "median", "threshold", "gap_to_threshold"
    ]  # fmt: skip
    index = table.set_index("node").loc["index"]
    assert index["gap_to_threshold"] == index["score"] - index["threshold"]
    assert index["n"] == 10 and 1 <= index["rank"] <= 10
    assert len(table) == 1 + 5 + 19 + 57  # the index, dimensions, sub-dimensions, indicators
    strong = pd.read_csv(out / "strengths.csv")
    assert len(strong) == 57 and strong["weighted"].is_monotonic_decreasing
    assert (out / "NOTICE.txt").read_text("utf-8").startswith("示例数据")
    years = pd.read_csv(out / "compare_years.csv", dtype={"period": str})
    assert sorted(set(years["period"])) == [str(y) for y in range(2015, 2025)]
    assert "ILLUSTRATIVE" in res.output and "溧阳市 (liyang)" in res.output
    assert "strengths" in res.output and "weaknesses" in res.output
    # the Liyang scale is frozen on 2015-2020: the printout says what 100 means
    assert "100 is the best value" in " ".join(res.output.split())
    # inside the first tier (k = 5) the printout gives the lead over rank 6, not a gap
    if bool(index["in_first_tier"]):
        assert "ahead of rank 6" in res.output
        assert index["margin_over_first_out"] >= 0
    else:
        assert index["gap_to_next_up"] < 0

    towns = tmp_path / "towns"
    res = CliRunner().invoke(
        app,
        ["compare", "--unit", "liyang_daibu", "--level", "town", "--out", str(towns),
         "--db", db_url],
        env=ENV,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    t = pd.read_csv(towns / "compare.csv").set_index("node")
    assert t.loc["index", "n"] == 12  # 3 streets and 9 towns, never the cities
    assert "EC01" not in t.index  # a city-only indicator
    assert "type town" in res.output


@pytest.mark.usefixtures("demo_db")
def test_compare_refuses_a_unit_outside_the_selection(store: Store, db_url: str) -> None:
    res = CliRunner().invoke(
        app, ["compare", "--unit", "liyang_daibu", "--group", "sunan", "--db", db_url], env=ENV
    )
    assert res.exit_code == 1
    assert "liyang_daibu" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(
        app, ["compare", "--unit", "liyang", "--level", "town", "--db", db_url], env=ENV
    )
    assert res.exit_code == 1 and "not of level 'town'" in res.output


@pytest.mark.usefixtures("demo_db")
def test_compare_with_rank_bands(store: Store, db_url: str, tmp_path: Path) -> None:
    """--bands: the index row carries the 5th and 95th percentile ranks of the robustness
    analysis (the same numbers as run_uncertainty with the shipped spec and its seed) and
    the tier they imply for the top k."""
    from qcity.framework.io import load_framework
    from qcity.robust.spec import load_spec, shipped_spec
    from qcity.robust.uncertainty import run_uncertainty
    from qcity.service.evaluation import evaluate
    from qcity.service.inputs import from_store

    out = tmp_path / "cmp"
    res = CliRunner().invoke(
        app,
        ["compare", "--unit", "liyang", "--group", "sunan", "--year", "2023", "--bands",
         "-N", "200", "--out", str(out), "--db", db_url],
        env=ENV,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    index = pd.read_csv(out / "compare.csv").set_index("node").loc["index"]

    fw = load_framework(default_framework_path())
    ev = evaluate(fw, from_store(db_url).restrict(group="sunan")).evaluation
    spec = load_spec(shipped_spec(fw.code)).model_copy(update={"period": "2023"})
    stats = run_uncertainty(ev, spec, 200, spec.seed).rank_stats.set_index("unit")
    assert index["rank_low"] == stats.loc["liyang", "q05"]
    assert index["rank_high"] == stats.loc["liyang", "q95"]
    k = int(index["k"])
    expected = "in" if index["rank_high"] <= k else "out" if index["rank_low"] > k else "uncertain"
    assert index["tier"] == expected
    band = f"rank band 排名区间 (5-95%, robustness analysis): {int(index['rank_low'])}-"
    assert band in res.output
