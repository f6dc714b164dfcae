"""``qcity evaluate --replay log.json`` re-runs a saved step log: the same scores on the
same inputs, the log's (not the framework's) methods when they differ, and a clear error
for a file that is not a log."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from qcity.cli import app
from qcity.engine import Evaluation
from qcity.framework.io import load_framework
from tests.helpers import REPO

ASEM = REPO / "examples" / "asem"


def _evaluate(out: Path, *extra: str) -> tuple[pd.DataFrame, str]:
    result = CliRunner().invoke(
        app,
        ["evaluate", "-f", str(ASEM / "framework.yaml"), "-d", str(ASEM / "data.csv"),
         "-o", str(out), *extra],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return pd.read_csv(out / "scores.csv", dtype={"period": str}), result.output


def test_replaying_a_saved_log_gives_identical_scores(tmp_path: Path) -> None:
    first, _ = _evaluate(tmp_path / "first")
    again, output = _evaluate(tmp_path / "again", "--replay", str(tmp_path / "first" / "log.json"))
    pd.testing.assert_frame_equal(again, first)
    assert "differs" not in output
    assert (tmp_path / "first" / "scores.csv").read_bytes() == (
        tmp_path / "again" / "scores.csv"
    ).read_bytes()


def test_replay_uses_the_methods_of_the_log(tmp_path: Path) -> None:
    _evaluate(tmp_path / "first")
    log_path = tmp_path / "first" / "log.json"
    log = json.loads(log_path.read_text("utf-8"))
    for step in log["steps"]:
        if step["step"] == "aggregate":
            step["method"], step["params"] = "geometric", {"zero": "shift"}
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(log), encoding="utf-8")
    replayed, _ = _evaluate(tmp_path / "replayed", "--replay", str(changed))

    fw = load_framework(ASEM / "framework.yaml")
    data = pd.read_csv(ASEM / "data.csv", dtype={"unit": str, "period": str})
    units = pd.read_csv(ASEM / "units.csv", dtype={"code": str})
    expected = Evaluation(fw, data, units).with_step("aggregate", "geometric", {"zero": "shift"})
    expected = expected.scores()
    index = replayed[replayed["node"] == fw.root.code].set_index("unit")["score"]
    want = expected[expected["node"] == fw.root.code]
    want = pd.Series(want["score"].to_numpy(), index=want["unit"].astype(str), name="score")
    pd.testing.assert_series_equal(
        index.sort_index(), want.sort_index(), check_names=False, check_index_type=False
    )
    default, _ = _evaluate(tmp_path / "default")
    assert not default[default["node"] == fw.root.code]["score"].equals(
        replayed[replayed["node"] == fw.root.code]["score"]
    )


def test_replay_of_a_file_that_is_not_a_log_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "log.json"
    bad.write_text('{"stamp": {}}', encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["evaluate", "-f", str(ASEM / "framework.yaml"), "-d", str(ASEM / "data.csv"),
         "-o", str(tmp_path / "out"), "--replay", str(bad)],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "not a qcity log.json" in result.output
