"""The least-cost path on the hand-checkable group of conftest.py.

Slopes: A spans 10..50 -> 2.5 points per %; B spans 0..100 -> 1 point per unit. Every peer
changed A by +2 and B by +10 a year, so the feasible annual change is 2 (= 5 points) and 10
(= 10 points); the default cost per point is 1/5 = 0.2 years for A and 1/10 = 0.1 for B.
Each indicator has weight 1/2 in the index, so B buys index points at half A's cost.
"""

from __future__ import annotations

import numpy as np
import pytest

from qcity.benchmark import apply_values, compare, feasible_annual_change, find_path, path
from qcity.benchmark.plan import PLAN_COLUMNS, change_text
from qcity.engine.evaluation import Evaluation
from qcity.framework.model import Framework
from tests.benchmark.conftest import framework, long_data


def _rank(ev: Evaluation, unit: str, period: str = "2024") -> int:
    s = ev.scores()
    row = s[(s["unit"] == unit) & (s["period"] == period) & (s["node"] == "IDX")]
    return int(row["rank"].iloc[0])


def test_feasible_annual_change_is_the_peers_pace(ev: Evaluation) -> None:
    pace = feasible_annual_change(ev)
    assert pace["A"] == pytest.approx(2.0) and pace["B"] == pytest.approx(10.0)


def test_plan_to_rank_2_by_hand(ev: Evaluation) -> None:
    # R scores 35; the 2nd best of the others is 50; with margin 1 it needs 16 index
    # points. B first (cheaper): at most 3 years x 10 = 30 points (15 index points) ->
    # B 20 -> 50; the last index point from A: 2 points = 0.8 % -> A 30 -> 30.8.
    plan = find_path(ev, "R", 2024, k=2, horizon=3, margin=1)
    assert plan.reached and plan.rank_before == 5 and plan.rank_after == 2
    assert plan.gap == pytest.approx(15.0)
    t = plan.table.set_index("indicator")
    assert list(plan.table.columns) == PLAN_COLUMNS
    assert t.loc["B", "value_from"] == 20 and t.loc["B", "value_to"] == pytest.approx(50)
    assert t.loc["B", "limit"] == "horizon"
    assert t.loc["A", "value_from"] == 30 and t.loc["A", "value_to"] == pytest.approx(30.8)
    assert t.loc["B", "share_of_gap"] == pytest.approx(15 / 15)
    assert t.loc["A", "share_of_gap"] == pytest.approx(1 / 15)
    assert plan.cost == pytest.approx(30 * 0.1 + 2 * 0.2)
    # R's index (52 + 50) / 2 = 51 against P's and S's 50
    assert plan.score_after == pytest.approx(51.0)
    again = apply_values(ev, "R", "2024", dict(zip(t.index, t["value_to"], strict=True)))
    assert _rank(again, "R") == 2


def test_natural_bound_plausible_range() -> None:
    # A may not pass 30.4 %: 0.4 % = 1 point = 0.5 index points; margin 0.5 -> B 30
    # points (15) + A to its bound exactly
    ev = Evaluation(framework(a_range=(0, 30.4)), long_data()).run()
    plan = find_path(ev, "R", 2024, k=2, horizon=3, margin=0.5)
    t = plan.table.set_index("indicator")
    assert plan.reached
    assert t.loc["A", "value_to"] == pytest.approx(30.4)
    assert t.loc["A", "limit"] == "plausible_range"


def test_unreachable_gives_the_best_rank_and_its_plan(ev: Evaluation) -> None:
    # one year: A at most 5 points, B 10 -> at most 2.5 + 5 = 7.5 index points: R reaches
    # 42.5, above U (40) but 7.5 short of 50 -> best rank 4. The plan for rank 4 (margin 1:
    # 6 index points): B its 10 points (5), A 2 points (1).
    plan = find_path(ev, "R", 2024, k=2, horizon=1, margin=1)
    assert not plan.reached and plan.best_rank == 4 and plan.rank_after == 4
    assert plan.shortfall == pytest.approx(7.5)
    t = plan.table.set_index("indicator")
    assert t.loc["B", "value_to"] == pytest.approx(30) and t.loc["A", "value_to"] == 30.8
    # shares of the gap to rank 2 (15 points): how close the plan gets
    assert t.loc["B", "share_of_gap"] == pytest.approx(5 / 15)
    assert any("not reachable" in n for n in plan.notes)
    summary = path(ev, "R", 2024, k=2, horizon=1, margin=1).attrs["plan"]
    assert summary["reached"] is False and summary["best_rank"] == 4


def test_unreachable_without_any_better_rank(ev: Evaluation) -> None:
    # 0.1 year: A 0.5 points, B 1 point -> R at most 35.75, still below U's 40
    plan = find_path(ev, "R", 2024, k=1, horizon=0.1, margin=1)
    assert not plan.reached and plan.best_rank == 5
    assert plan.shortfall == pytest.approx(52.5 - 35.75)
    t = plan.table.set_index("indicator")
    assert t.loc["B", "value_to"] == pytest.approx(21.0)  # every bound: +1
    assert t.loc["A", "value_to"] == pytest.approx(30.2)  # +0.5 point / 2.5
    assert any("no feasible change improves the rank" in n for n in plan.notes)


def test_already_there(ev: Evaluation) -> None:
    plan = find_path(ev, "Q", 2024, k=1)
    assert plan.reached and plan.table.empty and plan.rank_after == 1


def test_difficulty_override_changes_the_choice(ev: Evaluation) -> None:
    # make B ten times as hard per point as A: A first, up to its 15 horizon points
    plan = find_path(ev, "R", 2024, k=2, horizon=3, margin=1, difficulty={"A": 0.1, "B": 1.0})
    t = plan.table.set_index("indicator")
    assert t.loc["A", "points_gain"] == pytest.approx(15.0)  # 7.5 index points
    assert t.loc["B", "points_gain"] == pytest.approx(17.0)  # the other 8.5
    assert plan.reached


def test_general_optimiser_for_a_geometric_index() -> None:
    fw = framework(aggregate="geometric")
    fw.defaults.normalise.params = {"l": 1, "u": 100}
    ev = Evaluation(fw, long_data()).run()
    plan = find_path(ev, "R", 2024, k=3, horizon=3, margin=0.5)
    assert "SLSQP" in plan.solver
    assert plan.reached and plan.rank_after <= 3
    t = plan.table
    again = apply_values(ev, "R", "2024", dict(zip(t["indicator"], t["value_to"], strict=True)))
    assert _rank(again, "R") <= 3


def test_pooled_normalisation_is_reached_by_the_real_evaluation() -> None:
    """Min-max pooled over both years: the plan is verified by re-running the evaluation."""
    fw = framework()
    fw.defaults.normalise.scope = "pooled"
    ev = Evaluation(fw, long_data()).run()
    plan = find_path(ev, "R", 2024, k=2, horizon=5, margin=0.2)
    assert plan.reached
    t = plan.table
    again = apply_values(ev, "R", "2024", dict(zip(t["indicator"], t["value_to"], strict=True)))
    s = again.scores()
    idx = s[(s["period"] == "2024") & (s["node"] == "IDX")].set_index("unit")["score"]
    others = np.sort(idx.drop("R").to_numpy())[::-1]
    assert idx["R"] >= others[1] + 0.1 and _rank(again, "R") <= 2


@pytest.mark.parametrize(
    ("change", "unit", "text"),
    [
        (3.1, "%", "+3.1 个百分点"),
        (-0.5, "%", "-0.5 个百分点"),
        (12345.0, "元", "+1.23 万元"),
        (6424.2, "元", "+6,424 元"),
        (410.43, "万人次", "+410 万人次"),
        (0.01539, "", "+0.0154"),
    ],
)
def test_change_text(change: float, unit: str, text: str) -> None:
    assert change_text(change, unit) == text


def test_an_imputed_starting_value_is_planned_from_and_flagged() -> None:
    # R's B for 2024 is missing: LOCF carries 2023's 10 forward, so R's index is
    # (50 + 10) / 2 = 30 and it needs 50 - 30 + 1 = 21 index points: B its 30 horizon
    # points (15), A 12 points (6) = 4.8 %, from 30 to 34.8
    fw = framework()
    fw.pipeline.impute.method = "locf"
    data = long_data()
    data = data[~((data["unit"] == "R") & (data["indicator"] == "B") & (data["period"] == "2024"))]
    ev = Evaluation(fw, data).run()
    row = compare(ev, "R", 2024, k=2).set_index("node").loc["B"]
    assert row["value"] == 10 and bool(row["imputed"])
    plan = find_path(ev, "R", 2024, k=2, horizon=3, margin=1)
    t = plan.table.set_index("indicator")
    assert plan.reached and bool(t.loc["B", "imputed_from"])
    assert t.loc["B", "value_from"] == 10 and t.loc["B", "value_to"] == pytest.approx(40)
    assert t.loc["A", "value_to"] == pytest.approx(34.8)
    assert plan.score_after == pytest.approx((62 + 40) / 2)


def test_the_default_target_is_one_rank_up(ev: Evaluation) -> None:
    # R is 5th: the default plan aims at rank 4 (U's 40 plus the margin)
    plan = find_path(ev, "R", 2024, margin=1)
    assert plan.target_rank == 4 and plan.reached and plan.rank_after <= 4
    assert path(ev, "R", 2024, margin=1).attrs["plan"]["target_rank"] == 4
    # Q is 1st: one rank up is still rank 1, where it already stands
    assert find_path(ev, "Q", 2024).target_rank == 1


def test_total_time_is_the_longest_change(ev: Evaluation) -> None:
    # B 20 -> 50 at 10 a year takes 3 years, A 30 -> 30.8 at 2 a year 0.4: made at the
    # same time, the plan takes 3 years (its cost, 3.4, adds them up)
    plan = find_path(ev, "R", 2024, k=2, horizon=3, margin=1)
    assert plan.total_years == pytest.approx(3.0)
    assert plan.summary()["total_years"] == pytest.approx(3.0)
    # B at 10 a year, as fast as the peers have moved, A slower: nothing flagged
    assert not plan.table["faster_than_peers"].astype(bool).any()


def test_a_plan_never_leaves_a_band_target() -> None:
    # A aims at the band [25, 30.4]: it may rise to 30.4 and no further, as with a
    # plausible range (test_natural_bound_plausible_range)
    spec = framework().model_dump(mode="json", exclude_none=True)
    spec["root"]["children"][0]["target"] = {"kind": "band", "band": [25, 30.4], "year": 2030}
    ev = Evaluation(Framework.model_validate(spec), long_data()).run()
    plan = find_path(ev, "R", 2024, k=2, horizon=3, margin=0.5)
    t = plan.table.set_index("indicator")
    assert plan.reached
    assert t.loc["A", "value_to"] == pytest.approx(30.4)
    assert t.loc["A", "limit"] == "band_target"


def test_a_change_faster_than_any_peer_has_moved_is_flagged() -> None:
    # R itself rose 6 points of A last year (24 -> 30), every other unit 2: the fast pace
    # pools R too (90th percentile of 2, 2, 2, 2, 6 = 4.4 a year), but no peer ever moved
    # faster than 2 a year, so a plan that moves A by more than 2 a year is flagged
    data = long_data()
    data.loc[(data["unit"] == "R") & (data["indicator"] == "A") & (data["period"] == "2023"),
             "value"] = 24.0  # fmt: skip
    ev = Evaluation(framework(), data).run()
    assert feasible_annual_change(ev)["A"] == pytest.approx(4.4)
    plan = find_path(ev, "R", 2024, k=2, horizon=3, margin=1)
    t = plan.table.set_index("indicator")
    assert t.loc["A", "best_peer_pace"] == pytest.approx(2.0)
    assert t.loc["A", "change"] / 3 > 2.0 and bool(t.loc["A", "faster_than_peers"])
