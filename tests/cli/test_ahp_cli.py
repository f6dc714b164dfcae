"""``qcity ahp``: table, JSON, several experts, inconsistency verdict, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from qcity.cli import app

runner = CliRunner()

ONE = ",经济,社会,环境\n经济,1,3,5\n社会,1/3,1,2\n环境,1/5,1/2,1\n"
TWO = ONE + "\n,经济,社会,环境\n经济,1,2,7\n社会,1/2,1,3\n环境,1/7,1/3,1\n"


def _csv(tmp_path: Path, text: str, name: str = "m.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _perron(a: np.ndarray) -> tuple[float, np.ndarray]:
    w = np.ones(len(a)) / len(a)
    for _ in range(300):
        w = a @ w
        w /= w.sum()
    return float(np.mean(a @ w / w)), w


def test_json_output_is_exactly_the_four_keys(tmp_path: Path) -> None:
    res = runner.invoke(app, ["ahp", str(_csv(tmp_path, ONE)), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {"weights", "lambda_max", "ci", "cr"}
    a = np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]])
    lam, w = _perron(a)
    assert list(data["weights"]) == ["经济", "社会", "环境"]
    np.testing.assert_allclose(list(data["weights"].values()), w, atol=1e-9)
    assert data["lambda_max"] == pytest.approx(lam)
    assert data["ci"] == pytest.approx((lam - 3) / 2)
    assert data["cr"] == pytest.approx((lam - 3) / 2 / 0.58)


def test_two_experts_geometric_mean(tmp_path: Path) -> None:
    path = _csv(tmp_path, TWO)
    res = runner.invoke(app, ["ahp", str(path)])
    assert res.exit_code == 0, res.output
    assert "combined 2 experts by geometric mean" in res.stdout
    assert "经济" in res.stdout and "CR =" in res.stdout and "consistent / 一致" in res.stdout
    data = json.loads(runner.invoke(app, ["ahp", str(path), "--json"]).stdout)
    g = np.sqrt(
        np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]])
        * np.array([[1, 2, 7], [1 / 2, 1, 3], [1 / 7, 1 / 3, 1]])
    )
    _, w = _perron(g)
    np.testing.assert_allclose(list(data["weights"].values()), w, atol=1e-9)


def test_inconsistent_matrix_reports_and_exits_zero(tmp_path: Path) -> None:
    text = ",A,B,C,D\nA,1,9,1/9,3\nB,1/9,1,5,1/3\nC,9,1/5,1,7\nD,1/3,3,1/7,1\n"
    res = runner.invoke(app, ["ahp", str(_csv(tmp_path, text)), "--ri", "alonso_lamata"])
    assert res.exit_code == 0, res.output
    assert "不一致" in res.stdout and "inconsistent" in res.stdout
    assert "most inconsistent pair" in res.stdout
    assert "alonso_lamata" in res.stdout


def test_xlsx_with_two_sheets(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in ([None, "A", "B"], ["A", 1, 4], ["B", "1/4", 1]):
        ws.append(row)
    ws2 = wb.create_sheet("e2")
    for row in ([None, "A", "B"], ["A", 1, 1], ["B", 1, 1]):
        ws2.append(row)
    path = tmp_path / "j.xlsx"
    wb.save(path)
    data = json.loads(runner.invoke(app, ["ahp", str(path), "--json"]).stdout)
    # geometric mean of 4 and 1 is 2, so the weights are 2/3 and 1/3
    assert data["weights"]["A"] == pytest.approx(2 / 3)
    assert data["cr"] == 0.0


def test_unreadable_input(tmp_path: Path) -> None:
    bad = _csv(tmp_path, ",A,B\nA,1,3\nB,1/2,1\n", "bad.csv")
    res = runner.invoke(app, ["ahp", str(bad)])
    assert res.exit_code == 1
    assert "bad.csv" in res.stderr and "row 3, column 2" in res.stderr
    assert res.stdout == ""
    missing = runner.invoke(app, ["ahp", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2
    assert runner.invoke(app, ["ahp", str(bad), "--ri", "nope"]).exit_code == 2
