"""``qcity validate`` and ``qcity show``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcity.cli import app
from tests.framework.conftest import MINIMAL, line_of, with_indicator

pytestmark = pytest.mark.usefixtures("fake_methods")

Write = Callable[..., Path]
runner = CliRunner(env={"COLUMNS": "250", "NO_COLOR": "1"})


def test_validate_ok_prints_summary(write: Write) -> None:
    result = runner.invoke(app, ["validate", str(write(MINIMAL))])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "OK T 1: 1 dimensions / 维度, 2 nodes / 节点, 2 indicators / 指标"
    )


def test_validate_bad_file_prints_table_and_exits_1(write: Write) -> None:
    text = with_indicator("weight: -1\ngoalposts: {lo: 2, hi: 1}")
    result = runner.invoke(app, ["validate", str(write(text))])
    assert result.exit_code == 1
    out = result.output
    for needle in ("I2.weight", "I2.goalposts", "negative", "2 error(s)", "hint / 建议"):
        assert needle in out
    row = next(line for line in out.splitlines() if "I2.weight" in line)
    cells = [c.strip() for c in row.split("│")]
    assert cells[2:4] == [str(line_of(text, "weight: -1")), "I2.weight"]


def test_validate_json(write: Write) -> None:
    text = with_indicator("weight: -1") + "colour: red\n"
    result = runner.invoke(app, ["validate", str(write(text)), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.output)
    assert [(p["field"], p["line"]) for p in problems] == [
        ("I2.weight", line_of(text, "weight: -1")),
        ("colour", line_of(text, "colour")),
    ]
    assert set(problems[1]) == {"file", "line", "field", "message", "hint", "severity"}


def test_validate_json_ok_is_empty_list(write: Write) -> None:
    result = runner.invoke(app, ["validate", str(write(MINIMAL)), "--json"])
    assert (result.exit_code, json.loads(result.output)) == (0, [])


def test_validate_warnings_only_exits_0(write: Write) -> None:
    result = runner.invoke(
        app, ["validate", str(write(with_indicator("denominator: {series: D1}")))]
    )
    assert result.exit_code == 0
    assert "warning" in result.output and "OK T 1" in result.output


def test_validate_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "file not found" in result.output


def test_show_prints_tree_with_methods_in_force(write: Write) -> None:
    text = MINIMAL.replace(
        "      name_en: Dimension one\n",
        "      name_en: Dimension one\n      aggregate: {method: geometric}\n",
    )
    result = runner.invoke(app, ["show", str(write(text))])
    assert result.exit_code == 0, result.output
    out = result.output
    root = next(line for line in out.splitlines() if "IDX" in line)
    d1 = next(line for line in out.splitlines() if "D1" in line)
    assert "aggregate=arithmetic" in root and "aggregate=geometric" in d1
    assert "normalise=minmax(l=0, u=100)" in root
    assert "weighting" not in d1  # unchanged from the root: not repeated
    i2 = next(line for line in out.splitlines() if "I2" in line)
    assert "指标二 / Indicator two" in i2 and "w=1" in i2 and i2.rstrip().endswith(" -")
    assert "normalise" not in i2


def test_show_all_repeats_methods_on_every_line(write: Write) -> None:
    result = runner.invoke(app, ["show", "--all", str(write(MINIMAL))])
    assert result.exit_code == 0, result.output
    i2 = next(line for line in result.output.splitlines() if "I2" in line)
    assert "normalise=minmax(l=0, u=100)" in i2


def test_show_bad_file_exits_1(write: Write) -> None:
    result = runner.invoke(app, ["show", str(write(with_indicator("weight: -1")))])
    assert result.exit_code == 1
    assert "I2.weight" in result.output
