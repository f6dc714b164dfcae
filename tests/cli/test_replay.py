"""``qcity evaluate --replay log.json`` re-runs a saved step log: the same scores on the
same inputs; a log changed by hand is refused (saying what differs and naming
``--allow-edited-log``) or, with that flag, runs the log's methods and marks the stamp; a
log with an unknown method or parameter, or that is not a log at all, is refused with the
file and step named, flag or not."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from typer.testing import CliRunner, Result

from qcity.cli import app
from qcity.engine import Evaluation
from qcity.framework.io import load_framework
from tests.helpers import REPO

ASEM = REPO / "examples" / "asem"


def _invoke(out: Path, *extra: str) -> Result:
    return CliRunner().invoke(
        app,
        ["evaluate", "-f", str(ASEM / "framework.yaml"), "-d", str(ASEM / "data.csv"),
         "-o", str(out), *extra],
        env={"COLUMNS": "250"},
    )  # fmt: skip


def _evaluate(out: Path, *extra: str) -> tuple[pd.DataFrame, str]:
    result = _invoke(out, *extra)
    assert result.exit_code == 0, result.output
    return pd.read_csv(out / "scores.csv", dtype={"period": str}), result.output


def _edited(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of a saved log.json changed by ``edit`` (on the step dicts, by name; a step
    set to None is dropped)."""
    if not (tmp_path / "first" / "log.json").exists():
        _evaluate(tmp_path / "first")
    log = json.loads((tmp_path / "first" / "log.json").read_text("utf-8"))
    steps = {s["step"]: s for s in log["steps"]}
    edit(steps)
    log["steps"] = [s for s in steps.values() if s is not None]
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(log), encoding="utf-8")
    return changed


def test_replaying_a_saved_log_gives_identical_scores(tmp_path: Path) -> None:
    first, _ = _evaluate(tmp_path / "first")
    again, output = _evaluate(tmp_path / "again", "--replay", str(tmp_path / "first" / "log.json"))
    pd.testing.assert_frame_equal(again, first)
    assert "differs" not in output
    assert (tmp_path / "first" / "scores.csv").read_bytes() == (
        tmp_path / "again" / "scores.csv"
    ).read_bytes()


def test_an_edited_log_is_refused_saying_what_differs(tmp_path: Path) -> None:
    def edit(steps: dict[str, Any]) -> None:
        steps["normalise"]["params"]["u"] = 50

    changed = _edited(tmp_path, edit)
    result = _invoke(tmp_path / "replayed", "--replay", str(changed))
    assert result.exit_code == 1, result.output
    assert "changed.json: the log was edited" in result.output
    assert "normalise: u=50 (the framework: 100)" in result.output
    assert "--allow-edited-log" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "replayed").exists()


def test_a_log_without_a_digest_counts_as_edited(tmp_path: Path) -> None:
    _evaluate(tmp_path / "first")
    log = json.loads((tmp_path / "first" / "log.json").read_text("utf-8"))
    del log["digest"]
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(log), encoding="utf-8")
    result = _invoke(tmp_path / "replayed", "--replay", str(bare))
    assert result.exit_code == 1, result.output
    assert "carries no digest" in result.output and "--allow-edited-log" in result.output


def test_allow_edited_log_runs_it_and_marks_the_stamp(tmp_path: Path) -> None:
    first, _ = _evaluate(tmp_path / "first")
    assert "edited_log" not in json.loads((tmp_path / "first" / "log.json").read_text())["stamp"]

    def edit(steps: dict[str, Any]) -> None:
        steps["normalise"]["params"]["u"] = 50

    changed = _edited(tmp_path, edit)
    replayed, output = _evaluate(
        tmp_path / "replayed", "--replay", str(changed), "--allow-edited-log"
    )
    assert "edited_log: true" in output
    log = json.loads((tmp_path / "replayed" / "log.json").read_text("utf-8"))
    assert log["stamp"]["edited_log"] is True
    # min-max onto [0, 50] instead of [0, 100]: the log's scale, not the framework's
    assert replayed["score"].max() <= 50 + 1e-9 < first["score"].max()
    # a replay of the run made from the edited log keeps the mark
    again, _ = _evaluate(tmp_path / "again", "--replay", str(tmp_path / "replayed" / "log.json"))
    log = json.loads((tmp_path / "again" / "log.json").read_text("utf-8"))
    assert log["stamp"]["edited_log"] is True
    pd.testing.assert_frame_equal(again, replayed)


def test_a_method_whose_parameters_do_not_fit_is_refused_even_when_allowed(
    tmp_path: Path,
) -> None:
    def edit(steps: dict[str, Any]) -> None:  # min-max's l and u kept: z-scores have none
        steps["normalise"]["method"] = "zscore"

    changed = _edited(tmp_path, edit)
    result = _invoke(tmp_path / "replayed", "--replay", str(changed), "--allow-edited-log")
    assert result.exit_code == 1, result.output  # not an internal error (70)
    assert "changed.json: steps[4] (normalise): field 'params'" in result.output
    assert "'zscore' has no parameter 'l', 'u'" in result.output
    assert not (tmp_path / "replayed").exists()


def test_an_unknown_method_is_refused_even_when_allowed(tmp_path: Path) -> None:
    def edit(steps: dict[str, Any]) -> None:
        steps["aggregate"]["method"] = "magic"

    changed = _edited(tmp_path, edit)
    result = _invoke(tmp_path / "replayed", "--replay", str(changed), "--allow-edited-log")
    assert result.exit_code == 1, result.output
    assert "changed.json: steps[6] (aggregate): field 'method'" in result.output
    assert "unknown aggregate method 'magic'" in result.output


def test_a_log_missing_a_step_is_refused(tmp_path: Path) -> None:
    def edit(steps: dict[str, Any]) -> None:
        steps["weight"] = None

    changed = _edited(tmp_path, edit)
    result = _invoke(tmp_path / "replayed", "--replay", str(changed), "--allow-edited-log")
    assert result.exit_code == 1, result.output
    assert "changed.json: missing step(s) weight" in result.output


def test_replay_uses_the_methods_of_the_log(tmp_path: Path) -> None:
    def edit(steps: dict[str, Any]) -> None:
        steps["aggregate"]["method"], steps["aggregate"]["params"] = "geometric", {"zero": "shift"}

    changed = _edited(tmp_path, edit)
    replayed, _ = _evaluate(tmp_path / "replayed", "--replay", str(changed), "--allow-edited-log")

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
