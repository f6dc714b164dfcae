"""examples/hdi reproduces the UNDP HDI from its published inputs (HDR 2023/2024)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from qcity.cli import app
from qcity.engine import Evaluation
from qcity.framework.io import load_framework
from tests.helpers import REPO

HDI = REPO / "examples" / "hdi"


def _undp_formula(le: float, eys: float, mys: float, gni: float) -> float:
    """The HDR Technical notes written out by hand, independently of the engine."""
    health = (min(le, 85) - 20) / (85 - 20)
    education = (min(eys, 18) / 18 + min(mys, 15) / 15) / 2
    income = (math.log(min(gni, 75000)) - math.log(100)) / (math.log(75000) - math.log(100))
    return float((health * education * income) ** (1 / 3))


def _evaluate() -> pd.DataFrame:
    fw = load_framework(HDI / "framework.yaml")
    data = pd.read_csv(HDI / "data.csv")
    return Evaluation(fw, data).run().scores()


def test_hdi_equals_the_technical_notes_formula() -> None:
    scores = _evaluate()
    data = pd.read_csv(HDI / "data.csv").pivot(index="unit", columns="indicator", values="value")
    hdi = scores[scores["node"] == "hdi"].set_index("unit")["score"]
    for unit, row in data.iterrows():
        expected = _undp_formula(row["le"], row["eys"], row["mys"], row["gnipc"])
        assert hdi[unit] == np.float64(expected) or abs(hdi[unit] - expected) < 1e-12


def test_hdi_matches_published_values_to_their_rounding() -> None:
    """Inputs are printed rounded (one decimal), so the recomputed HDI may differ from the
    printed one in the third decimal by at most one unit."""
    scores = _evaluate()
    hdi = scores[scores["node"] == "hdi"].set_index("unit")["score"]
    published = pd.read_csv(HDI / "published.csv").set_index("unit")["hdi"]
    assert (abs(hdi[published.index] - published) <= 0.001).all()
    assert set(published.index) == set(hdi.index)


def test_values_above_the_goalposts_are_capped() -> None:
    """Norway's 18.7 expected years of schooling count as 18 (index 1)."""
    scores = _evaluate()
    eys = scores[(scores["node"] == "eys") & (scores["unit"] == "NOR")]["score"].item()
    assert eys == 1.0


def test_hdi_through_the_cli(tmp_path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "evaluate",
            "--framework",
            str(HDI / "framework.yaml"),
            "--data",
            str(HDI / "data.csv"),
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(tmp_path / "scores.csv")
    assert set(scores["node"]) == {
        "hdi",
        "health",
        "education",
        "income",
        "le",
        "eys",
        "mys",
        "gnipc",
    }
    top = scores[(scores["node"] == "hdi") & (scores["rank"] == 1)]["unit"].item()
    assert top == "CHE"
