"""Target paths, feasibility and the targets file, worked by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qcity.framework.io import load_framework
from qcity.framework.model import Indicator
from qcity.framework.targets import TargetSpec
from qcity.monitor.targets import (
    Target,
    TargetFileError,
    feasibility,
    feasibility_numbers,
    first_tier,
    read_targets_csv,
    resolve,
    rolling_rates,
    spec_of,
    value_at_rank,
)

LIYANG = Path(__file__).resolve().parents[2] / "frameworks" / "liyang.yaml"


def _target(path: str = "linear", **kw: object) -> Target:
    base = {"code": "X", "kind": "level", "goal_year": 2030.0, "goal": 200.0,
            "base_year": 2020.0, "base_value": 100.0, "path": path}  # fmt: skip
    return Target(**{**base, **kw})  # type: ignore[arg-type]


def test_paths_give_a_target_for_every_year() -> None:
    assert _target().at(2025) == 150  # halfway along the line
    assert _target().at(2020) == 100 and _target().at(2030) == 200 and _target().at(2035) == 200
    # constant growth: 100 * 2^(5/10) = 141.42 ("one level a year", same rate each year)
    assert _target("constant_growth").at(2025) == pytest.approx(100 * 2**0.5)
    # through the points of a legacy ``targets`` mapping: 2025 -> 120, then on to 200
    stepped = _target(anchors=((2025.0, 120.0),))
    assert stepped.at(2022.5) == pytest.approx(110) and stepped.at(2027.5) == pytest.approx(160)
    assert np.isnan(_target(kind="band").at(2025))
    assert _target(kind="not_worse").at(2025, previous=7.0) == 7.0


def test_resolve_growth_peer_first_tier_rank_and_own_trend() -> None:
    own = pd.Series([100.0, 105.0, 110.25], index=[2020.0, 2021.0, 2022.0])
    growth = resolve("X", TargetSpec(kind="growth", value=5, year=2022), own,
                     direction=1, default_base_year=2020)  # fmt: skip
    assert growth.goal == pytest.approx(110.25)  # 100 * 1.05^2
    assert growth.at(2021) == pytest.approx(105.0)
    peers = pd.DataFrame({"a": [10.0, 12], "b": [20.0, 22], "c": [30.0, 33], "d": [40.0, 44]},
                         index=[2021.0, 2022.0])  # fmt: skip
    tier = resolve("X", TargetSpec(path="peer_first_tier", top_k=3, year=2030), own,
                   direction=1, default_base_year=2020, peers=peers)  # fmt: skip
    assert tier.goal == 33.0  # median of 44, 33, 22 in 2022, the latest year
    assert first_tier(np.array([10.0, 20, 30, 40, 50]), 3, -1) == 20  # lower is better
    rank = resolve("X", TargetSpec(kind="rank", value=2, year=2030), own,
                   direction=1, default_base_year=2020, peers=peers)  # fmt: skip
    assert rank.goal == 33.0  # second best in 2022
    assert value_at_rank(np.array([3.0, 1, 2]), 1, -1) == 1
    trend = resolve("X", TargetSpec(path="own_trend", year=2024), own,
                    direction=1, default_base_year=2022)  # fmt: skip
    # line through (2020, 100), (2021, 105), (2022, 110.25): slope 5.125, mean 105.083
    assert trend.goal == pytest.approx(105.0833 + 5.125 * (2024 - 2021), abs=1e-3)


def test_feasibility_labels_and_their_numbers() -> None:
    assert feasibility(0.05, 0.06, 0.10) == "within_history"
    assert feasibility(0.08, 0.06, 0.10) == "ambitious"
    assert feasibility(0.20, 0.06, 0.10) == "beyond_observed"
    assert feasibility(-0.01, float("nan"), float("nan")) == "within_history"  # already there
    # 100, 110, 121, 133.1: every 3-year span grows 10 % a year
    rates = rolling_rates(np.array([100.0, 110, 121, 133.1]), np.array([2020.0, 2021, 2022, 2023]))
    assert rates == pytest.approx([0.10])
    own = pd.Series([100.0, 110, 121, 133.1], index=[2020.0, 2021, 2022, 2023])
    peers = pd.DataFrame({"a": [100.0, 105, 110.25, 115.7625]}, index=own.index)
    target = _target(goal=133.1 * 1.2**2, goal_year=2025.0)  # 20 % a year needed
    got = feasibility_numbers(target, 2023.0, 133.1, own, peers, 1)
    assert got["required_rate"] == pytest.approx(0.2)
    assert got["city_best_3y"] == pytest.approx(0.1)
    assert got["peer_p90_3y"] == pytest.approx(0.05)
    assert got["feasibility"] == "beyond_observed"


def test_legacy_targets_read_as_a_level_target() -> None:
    ind = Indicator(code="A", name_zh="甲", name_en="A", targets={2025: 5.0, 2030: 10.0})
    spec = spec_of(ind)
    assert spec is not None and (spec.kind, spec.value, spec.year) == ("level", 10.0, 2030)


def test_target_spec_checks() -> None:
    with pytest.raises(ValueError, match="needs 'value'"):
        TargetSpec(kind="level", year=2030)
    with pytest.raises(ValueError, match="band"):
        TargetSpec(kind="band", band=(7, 5), year=2030)
    with pytest.raises(ValueError, match="goal 'year'"):
        TargetSpec(kind="level", value=1)
    assert TargetSpec(kind="not_worse").year is None


def test_targets_file_is_data_with_provenance(tmp_path: Path) -> None:
    fw = load_framework(LIYANG)
    good = tmp_path / "targets.csv"
    good.write_text(
        "\ufeffindicator,kind,year,value,source,band_low,band_high\n"
        "EC05,level,2030,800,十四五规划纲要表2,,\n"
        "EC02,band,2030,,政府工作报告,5,6.5\n",
        encoding="utf-8",
    )
    got = read_targets_csv(good, fw)
    assert got["EC05"].value == 800 and got["EC05"].source == "十四五规划纲要表2"
    assert got["EC02"].band == (5.0, 6.5)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "indicator,kind,year,value,source\nXX99,level,2030,1,doc\nEC05,level,2030,1,\n"
        "EC06,level,,1,doc\n",
        encoding="utf-8",
    )
    with pytest.raises(TargetFileError) as info:
        read_targets_csv(bad, fw)
    text = str(info.value)
    assert "row 2, indicator" in text and "'XX99'" in text
    assert "row 3, source" in text
    assert "row 4" in text and "year" in text
    with pytest.raises(TargetFileError, match="missing column"):
        (tmp_path / "cols.csv").write_text("indicator,value\n", encoding="utf-8")
        read_targets_csv(tmp_path / "cols.csv", fw)
