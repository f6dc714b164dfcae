"""``qcity freeze`` writes a framework version with the reference period's goalposts:
it validates, gives the same scores, and says so for illustrative data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from qcity.cli import app
from qcity.engine import Evaluation
from qcity.framework.io import framework_to_yaml, load_framework
from tests.engine.test_frozen_scale import framework, panel

runner = CliRunner()


def test_freeze_writes_the_goalposts_into_a_new_version(tmp_path: Path) -> None:
    (tmp_path / "fw.yaml").write_text(framework_to_yaml(framework()), encoding="utf-8")
    data = panel()
    data.to_csv(tmp_path / "data.csv", index=False)
    out = tmp_path / "frozen.yaml"
    result = runner.invoke(
        app,
        ["freeze", "-f", str(tmp_path / "fw.yaml"), "-d", str(tmp_path / "data.csv"),
         "-o", str(out), "--version", "1-base"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "goalposts of 3 indicator(s) from 2015-2017" in result.output
    frozen = load_framework(out)
    assert frozen.version == "1-base"
    assert frozen.description and "2015-2017" in frozen.description
    assert "ILLUSTRATIVE" not in frozen.description  # the data carry no illustrative status
    # a1's goalposts are its lowest and highest value over 2015-2017
    ref = data[(data["indicator"] == "a1") & (data["period"].astype(int) <= 2017)]["value"]
    a1 = frozen.find("a1")
    assert a1.goalposts is not None  # type: ignore[union-attr]
    assert (a1.goalposts.lo, a1.goalposts.hi) == (ref.min(), ref.max())  # type: ignore[union-attr]
    a = Evaluation(framework(), data).run().scores()
    b = Evaluation(frozen, data).run().scores()
    pd.testing.assert_series_equal(a["score"], b["score"])


def test_freeze_labels_illustrative_data(tmp_path: Path) -> None:
    (tmp_path / "fw.yaml").write_text(framework_to_yaml(framework()), encoding="utf-8")
    panel().assign(status="illustrative").to_csv(tmp_path / "data.csv", index=False)
    out = tmp_path / "frozen.yaml"
    args = ["freeze", "-f", str(tmp_path / "fw.yaml"), "-d", str(tmp_path / "data.csv")]
    result = runner.invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "ILLUSTRATIVE" in result.output
    frozen = load_framework(out)
    assert frozen.version == "1-frozen"
    assert frozen.description is not None and "ILLUSTRATIVE" in frozen.description


def test_freeze_without_a_reference_period_says_so(tmp_path: Path) -> None:
    fw = framework(scope="pooled", reference=None)
    (tmp_path / "fw.yaml").write_text(framework_to_yaml(fw), encoding="utf-8")
    panel().to_csv(tmp_path / "data.csv", index=False)
    result = runner.invoke(
        app,
        ["freeze", "-f", str(tmp_path / "fw.yaml"), "-d", str(tmp_path / "data.csv"),
         "-o", str(tmp_path / "x.yaml")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "declares no reference_period" in result.output
    assert not (tmp_path / "x.yaml").exists()
