"""Ranks, gaps, strengths and peer selection on the hand-checkable group of conftest.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qcity.benchmark import (
    BenchmarkError,
    compare,
    compare_years,
    level_peers,
    level_types,
    strengths,
)
from qcity.benchmark.peers import COMPARE_COLUMNS
from qcity.demo.units import demo_units
from qcity.engine.evaluation import Evaluation
from qcity.framework.io import load_framework
from tests.helpers import REPO


def test_compare_ranks_and_gaps_by_hand(ev: Evaluation) -> None:
    table = compare(ev, "R", 2024, k=2).set_index("node")
    assert list(compare(ev, "R", 2024, k=2).columns[:7]) == COMPARE_COLUMNS
    idx = table.loc["IDX"]
    # index scores P 50, Q 52.5, R 35, S 50, U 40: R is 5th; the 2nd best is 50
    assert idx["rank"] == 5 and idx["n"] == 5
    assert idx["score"] == pytest.approx(35.0)
    assert idx["leader"] == pytest.approx(52.5) and idx["leader_unit"] == "Q"
    assert idx["median"] == pytest.approx(50.0)  # median of 35, 40, 50, 50, 52.5
    assert idx["threshold"] == pytest.approx(50.0)
    assert idx["gap_to_threshold"] == pytest.approx(-15.0)
    assert idx["gap_to_leader"] == pytest.approx(-17.5)
    assert idx["gap_to_median"] == pytest.approx(-15.0)
    assert np.isnan(idx["value"])  # no raw value for a composite
    # A: values 10, 20, 30, 50, 30 -> R (30) ties U for 2nd; the 2nd unit is R itself
    a = table.loc["A"]
    assert a["rank"] == 2 and a["score"] == pytest.approx(50.0)
    assert a["value"] == 30 and a["leader_value"] == 50 and a["median_value"] == 30
    assert a["threshold_value"] == 30 and a["value_gap_to_leader"] == pytest.approx(-20)
    assert a["indicator_unit"] == "%"
    # B: values 100, 80, 20, 0, 30 -> R is 4th; the 2nd is Q with 80
    b = table.loc["B"]
    assert b["rank"] == 4 and b["threshold_unit"] == "Q"
    assert b["threshold_value"] == 80 and b["value_gap_to_threshold"] == pytest.approx(-60)
    assert b["gap_to_threshold"] == pytest.approx(20 - 80)
    assert b["value_gap_to_median"] == pytest.approx(20 - 30)


def test_compare_defaults_to_the_latest_year_and_k_5(ev: Evaluation) -> None:
    table = compare(ev, "Q").set_index("node")
    assert set(table["period"]) == {"2024"}
    # five units: the 5th best index score is the lowest, R's 35
    assert table.loc["IDX", "threshold"] == pytest.approx(35.0)
    assert table.loc["IDX", "gap_to_threshold"] == pytest.approx(52.5 - 35.0)


def test_compare_every_year(ev: Evaluation) -> None:
    table = compare_years(ev, "R", k=2)
    assert sorted(set(table["period"])) == ["2023", "2024"] and len(table) == 2 * 3
    # 2023 is 2024 shifted (A -2, B -10 for every unit): min-max per year gives the same
    # normalised scores and ranks
    y23 = table[table["period"] == "2023"].set_index("node")
    assert y23.loc["IDX", "rank"] == 5 and y23.loc["IDX", "score"] == pytest.approx(35.0)
    assert y23.loc["B", "value"] == 10 and y23.loc["B", "threshold_value"] == 70


def test_raw_gaps_follow_the_direction() -> None:
    from tests.benchmark.conftest import framework, long_data

    fw = framework()
    b = fw.root.children[1]
    b.direction = -1  # type: ignore[union-attr]
    ev = Evaluation(fw, long_data()).run()
    row = compare(ev, "R", 2024, k=2).set_index("node").loc["B"]
    # lower is better: S (0) leads, R (20) is 2nd; a value 20 above the leader is behind
    assert row["rank"] == 2 and row["leader_value"] == 0
    assert row["value_gap_to_leader"] == pytest.approx(-20)


def test_rank_bands_fill_the_robustness_columns(ev: Evaluation) -> None:
    bands = pd.DataFrame(
        {"unit": ["R", "R", "R"], "node": ["IDX", "A", "B"], "rank_low": [4, 1, 3],
         "rank_high": [5, 2, 5]}
    )  # fmt: skip
    table = compare(ev, "R", 2024, k=2, bands=bands).set_index("node")
    assert table.loc["IDX", "tier"] == "out"  # even its best rank, 4, is outside the top 2
    assert table.loc["A", "tier"] == "in"  # even its worst rank, 2, is inside
    assert table.loc["B", "tier"] == "out"  # band 3-5 lies wholly outside the top 2
    assert table.loc["IDX", "rank_low"] == 4 and table.loc["IDX", "rank_high"] == 5
    straddle = bands.assign(rank_low=[1, 1, 1], rank_high=[3, 3, 3])
    assert set(compare(ev, "R", 2024, k=2, bands=straddle)["tier"]) == {"uncertain"}
    plain = compare(ev, "R", 2024, k=2)
    assert plain["tier"].isna().all() and plain["rank_low"].isna().all()


def test_strengths_weighted_by_effective_weight(ev: Evaluation) -> None:
    table = strengths(ev, "R", 2024).set_index("indicator")
    # A: R 50 vs median 50 -> 0; B: R 20 vs median 30 -> -10, times weight 1/2 = -5
    assert table.loc["A", "diff"] == pytest.approx(0.0) and table.loc["A", "kind"] == ""
    assert table.loc["B", "diff"] == pytest.approx(-10.0)
    assert table.loc["B", "effective_weight"] == pytest.approx(0.5)
    assert table.loc["B", "weighted"] == pytest.approx(-5.0)
    assert table.loc["B", "kind"] == "weakness"
    assert table.loc["B", "value"] == 20 and table.loc["B", "median_value"] == 30
    q = strengths(ev, "Q", 2024)
    # Q: A 25 vs 50 -> -25 x 0.5; B 80 vs 30 -> +50 x 0.5: B first (strength), A last
    assert list(q["indicator"]) == ["B", "A"]
    assert list(q["weighted"]) == pytest.approx([25.0, -12.5])
    assert list(q["kind"]) == ["strength", "weakness"]


def test_unknown_unit_and_year_are_named(ev: Evaluation) -> None:
    with pytest.raises(BenchmarkError, match="'X' is not among the units evaluated"):
        compare(ev, "X", 2024)
    with pytest.raises(BenchmarkError, match=r"no index score for 2019.*2023, 2024"):
        compare(ev, "R", 2019)


def test_town_level_peers_are_liyangs_streets_and_towns() -> None:
    fw = load_framework(REPO / "frameworks" / "liyang.yaml")
    units = demo_units()
    # every indicator that exists for towns exists for streets: one level
    assert level_types(fw, "town") == ["street", "town"]
    peers = level_peers(fw, units, "liyang_daibu", "town")
    subs = units[units["parent_code"] == "liyang"]["code"]
    assert peers == sorted(subs) and len(peers) == 12
    assert "liyang" not in peers
    with pytest.raises(BenchmarkError, match="of type 'city', not of level 'town'"):
        level_peers(fw, units, "liyang", "town")
    with pytest.raises(BenchmarkError, match="unknown level 'village'"):
        level_types(fw, "village")


def test_inside_the_first_tier_the_margin_and_the_next_rank_up(ev: Evaluation) -> None:
    # index: Q 52.5 (1st), P and S 50 (2nd, tied), U 40, R 35. With k = 2, Q is in the first
    # tier: its gap to the threshold is a margin, not something to improve; the row says
    # how far it is ahead of the first unit outside (rank 3: S, 50) and that nobody is above
    q = compare(ev, "Q", 2024, k=2).set_index("node").loc["IDX"]
    assert bool(q["in_first_tier"]) and q["rank"] == 1
    assert q["first_out_unit"] == "S" and q["margin_over_first_out"] == pytest.approx(2.5)
    assert pd.isna(q["next_up_unit"]) and np.isnan(q["gap_to_next_up"])
    # R (5th) is outside: 5 points behind the next rank up (U, 40)
    r = compare(ev, "R", 2024, k=2).set_index("node").loc["IDX"]
    assert not bool(r["in_first_tier"])
    assert r["next_up_unit"] == "U" and r["gap_to_next_up"] == pytest.approx(-5.0)
    # U (4th, k = 4) is the last of the tier: 5 points ahead of R, 10 behind P and S
    u = compare(ev, "U", 2024, k=4).set_index("node").loc["IDX"]
    assert bool(u["in_first_tier"]) and u["gap_to_threshold"] == 0
    assert u["margin_over_first_out"] == pytest.approx(5.0)
    assert u["gap_to_next_up"] == pytest.approx(-10.0)
