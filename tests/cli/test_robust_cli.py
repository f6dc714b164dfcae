"""``qcity robust``: rank bands (and Sobol indices) on the ASEM example file and on the
Liyang demo database (both backends), with its shipped spec; clear errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from qcity.robust import distributed
from tests.helpers import REPO

ASEM = REPO / "examples" / "asem"
runner = CliRunner()
ENV = {"COLUMNS": "200", "QCITY_DATABASE_URL": None}


def _asem(out: Path, *extra: str) -> tuple[int, str]:
    args = ["robust", "-f", str(ASEM / "framework.yaml"), "-d", str(ASEM / "data.csv")]
    res = runner.invoke(
        app, [*args, "--spec", str(ASEM / "robust.yaml"), "--out", str(out), *extra], env=ENV
    )
    return res.exit_code, res.output


def test_asem_rank_bands_and_sensitivity(tmp_path: Path) -> None:
    out = tmp_path / "robust"
    code, output = _asem(out, "-N", "64", "--sa", "--seed", "3")
    assert code == 0, output
    for text in ("rank bands", "Sobol indices", "mean absolute rank shift", "sensitivity.csv"):
        assert text in output
    stats = pd.read_csv(out / "rank_stats.csv")
    assert list(stats.columns) == ["unit", "nominal", "mean", "median", "q05", "q95"]
    assert len(stats) == 51
    assert ((stats["q05"] <= stats["median"]) & (stats["median"] <= stats["q95"])).all()
    sens = pd.read_csv(out / "sensitivity.csv")
    assert list(sens.columns) == ["input", "Si", "STi", "Si_lo", "Si_hi", "STi_lo", "STi_hi"]
    assert list(sens["input"]) == ["Winmax", "Normalisation", "Weights", "Aggregation"]
    samples = pd.read_csv(out / "samples.csv")
    assert len(samples) == 64 and "mean_abs_shift" in samples.columns
    assert not (out / "NOTICE.txt").exists()  # COINr's data are real
    # the same seed gives the same files
    again = tmp_path / "again"
    assert _asem(again, "-N", "64", "--sa", "--seed", "3")[0] == 0
    assert (again / "rank_stats.csv").read_bytes() == (out / "rank_stats.csv").read_bytes()
    assert (again / "sensitivity.csv").read_bytes() == (out / "sensitivity.csv").read_bytes()


@pytest.mark.usefixtures("demo_db")
def test_liyang_demo_has_a_rank_band_for_every_city(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    """``qcity demo`` then ``qcity robust -f liyang --group sunan``: the shipped spec, a
    band for each of the 10 cities, labelled illustrative."""
    out = tmp_path / "bands"
    res = runner.invoke(
        app,
        ["robust", "-f", "liyang", "--group", "sunan", "-N", "200", "--db", db_url,
         "--out", str(out)],
        env=ENV,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "示例数据 ILLUSTRATIVE" in res.output
    stats = pd.read_csv(out / "rank_stats.csv")
    assert len(stats) == 10 and "liyang" in set(stats["unit"])
    assert stats[["nominal", "mean", "median", "q05", "q95"]].notna().all().all()
    assert (stats["q05"] >= 1).all() and (stats["q95"] <= 10).all()
    assert (out / "NOTICE.txt").read_text("utf-8").startswith("示例数据")


def test_errors_are_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a framework without a shipped spec needs --spec
    res = runner.invoke(
        app,
        ["robust", "-f", str(ASEM / "framework.yaml"), "-d", str(ASEM / "data.csv"),
         "--out", str(tmp_path / "x")],
        env=ENV,
    )  # fmt: skip
    assert res.exit_code == 1 and "give --spec FILE" in res.output
    # a spec naming a node that does not exist
    bad = tmp_path / "bad.yaml"
    bad.write_text("node: Nowhere\ninputs:\n  - {name: d, kind: leave_out}\n", "utf-8")
    code, output = _asem(tmp_path / "y", "--spec", str(bad))
    assert code == 1 and "'Nowhere' is not a node" in output
    # a scheduler that is not there (Dask retries a refused connection until the timeout)
    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 1.0)
    code, output = _asem(tmp_path / "z", "--scheduler", "tcp://127.0.0.1:9")
    assert code == 1 and "tcp://127.0.0.1:9" in output and "Traceback" not in output
