"""The evaluation object: log, regen, with_step, stamp, outputs and clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcity.engine import Evaluation, EvaluationError, Step
from qcity.framework.model import Framework, MethodSpec
from qcity.methods.registry import WEIGHTINGS, UnknownMethodError
from tests.helpers import composite, indicator, toy_framework


def small_framework(**pipeline) -> Framework:
    """Index -> 2 dimensions -> 5 indicators (one negative)."""
    a = [indicator("a1"), indicator("a2"), indicator("a3", -1)]
    b = [indicator("b1"), indicator("b2")]
    return toy_framework(
        [composite("A", "甲", a, weight=2), composite("B", "乙", b)], pipeline=pipeline
    )


def panel_data(seed: int = 1, units: int = 8, years: tuple[int, ...] = (2020, 2021, 2022)):
    rng = np.random.default_rng(seed)
    rows = [
        {"unit": f"u{n}", "indicator": code, "period": year, "value": float(rng.gamma(3, 10))}
        for year in years
        for n in range(units)
        for code in ("a1", "a2", "a3", "b1", "b2")
    ]
    return pd.DataFrame(rows)


def test_default_log_follows_the_framework() -> None:
    fw = small_framework(impute={"method": "mean"}, treat={"method": "coinr"})
    ev = Evaluation(fw, panel_data())
    assert [s.name for s in ev.log] == [
        "denominate",
        "screen",
        "impute",
        "treat",
        "normalise",
        "weight",
        "aggregate",
    ]
    assert ev.log[2] == Step("impute", "mean", {})
    assert ev.log[4].params == {"l": 0, "u": 100, "scope": "period"}


def test_regen_gives_identical_results_and_stamp() -> None:
    ev = Evaluation(small_framework(), panel_data()).run()
    again = ev.regen()
    pd.testing.assert_frame_equal(ev.scores(), again.scores())
    assert ev.stamp == again.stamp
    assert set(ev.stamp) == {
        "qcity_version",
        "framework",
        "framework_version",
        "data_vintage",
        "data_sha256",
        "config_sha256",
    }


def test_the_stamp_is_fixed_when_the_run_is_made() -> None:
    ev = Evaluation(small_framework(), panel_data()).run()
    made = ev.stamp
    ev.framework.version = "changed later"  # the objects a run came from may change
    ev.log[-1] = Step("aggregate", "geometric")
    ev.vintage = "2099-01-01"
    assert ev.stamp == made
    assert ev.stamp is not ev.stamp  # a copy: changing it changes nothing


def test_with_step_swaps_one_method_and_changes_the_config_hash() -> None:
    ev = Evaluation(small_framework(), panel_data()).run()
    z = ev.with_step("normalise", "zscore", {"m": 0, "sd": 1, "scope": "period"})
    assert z.log[4] == Step("normalise", "zscore", {"m": 0, "sd": 1, "scope": "period"})
    assert z.config_hash() != ev.config_hash()
    assert z.data_hash() == ev.data_hash()
    norm = z.dataset("normalised")
    np.testing.assert_allclose(norm.groupby(level="period").mean().to_numpy(), 0, atol=1e-12)
    back = z.with_step("normalise", "minmax", {"l": 0, "u": 100, "scope": "period"})
    pd.testing.assert_frame_equal(back.scores(), ev.scores())
    assert back.config_hash() == ev.config_hash()


def test_unknown_method_lists_the_known_ones() -> None:
    with pytest.raises(UnknownMethodError, match=r"available: .*minmax"):
        Step("normalise", "no_such_method")


def test_scores_table_has_one_row_per_unit_period_and_node() -> None:
    ev = Evaluation(small_framework(), panel_data()).run()
    scores = ev.scores()
    assert list(scores.columns) == ["unit", "period", "node", "score", "rank"]
    assert len(scores) == 8 * 3 * (1 + 2 + 5)
    assert scores["score"].between(0, 100).all()
    # ranks: 1 is the best score in each period and node
    best = scores.loc[scores.groupby(["period", "node"])["score"].idxmax()]
    assert (best["rank"] == 1).all()


def test_weighted_arithmetic_tree_by_hand() -> None:
    ev = Evaluation(small_framework(), panel_data()).run()
    norm = ev.dataset("normalised")
    a = norm[["a1", "a2", "a3"]].mean(axis=1)
    b = norm[["b1", "b2"]].mean(axis=1)
    expected = (2 * a + b) / 3
    agg = ev.dataset("aggregated")
    np.testing.assert_allclose(agg["idx"], expected, atol=1e-12)


def test_effective_weights_and_contributions_add_up() -> None:
    ev = Evaluation(small_framework(), panel_data()).run()
    eff = ev.effective_weights()
    index_shares = eff[eff["node"] == "idx"].set_index("indicator")["effective"]
    assert index_shares.sum() == pytest.approx(1.0)
    assert index_shares["a1"] == pytest.approx(2 / 3 / 3)
    assert index_shares["b1"] == pytest.approx(1 / 3 / 2)
    contrib = ev.contributions()
    total = contrib.groupby(["unit", "period"])["contribution"].sum()
    scores = ev.scores()
    idx = scores[scores["node"] == "idx"].set_index(["unit", "period"])["score"]
    np.testing.assert_allclose(total.loc[idx.index], idx, atol=1e-9)


def test_coupling_and_obstacles_are_reported_per_unit_and_period() -> None:
    ev = Evaluation(small_framework(), panel_data()).run()
    cc = ev.coupling()
    assert len(cc) == 8 * 3
    assert cc["D"].between(0, 1).all() and cc["C"].between(0, 1).all()
    assert cc["band"].between(1, 10).all()
    ob = ev.obstacles()
    sums = ob.groupby(["unit", "period"])["obstacle"].sum()
    assert ((sums - 1).abs() < 1e-9).all() or (sums == 0).any()


def test_imputed_cells_stay_flagged() -> None:
    data = panel_data()
    data = data.drop(index=data.index[(data["unit"] == "u3") & (data["indicator"] == "b1")])
    ev = Evaluation(small_framework(impute={"method": "mean"}), data).run()
    flags = ev.flags()
    imputed = flags[flags["imputed"]]
    assert set(zip(imputed["unit"], imputed["indicator"], strict=True)) == {("u3", "b1")}
    assert len(imputed) == 3


def test_screening_excludes_units_with_reasons() -> None:
    data = panel_data()
    sparse = (data["unit"] == "u0") & (data["indicator"] != "a1") & (data["period"] == 2021)
    ev = Evaluation(
        small_framework(screen={"method": "availability", "params": {"unit_threshold": 0.65}}),
        data[~sparse],
    ).run()
    ex = ev.exclusions
    assert list(ex[["kind", "code", "period"]].itertuples(index=False, name=None)) == [
        ("unit", "u0", "2021")
    ]
    scores = ev.scores()
    assert scores[(scores["unit"] == "u0") & (scores["period"] == "2021")].empty


def test_all_missing_indicator_gives_a_clear_error() -> None:
    data = panel_data()
    data = data[data["indicator"] != "b2"]
    with pytest.raises(EvaluationError, match="b2"):
        Evaluation(small_framework(), data).run()


def test_duplicate_cells_name_the_rows() -> None:
    data = panel_data()
    data = pd.concat([data, data.iloc[[4]]], ignore_index=True)
    with pytest.raises(ValueError, match="more than once"):
        Evaluation(small_framework(), data)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.randoms(use_true_random=False))
def test_shuffling_unit_order_changes_nothing(seed: int, rnd) -> None:
    data = panel_data(seed)
    shuffled = data.sample(frac=1.0, random_state=rnd.randint(0, 2**31 - 1))
    a = Evaluation(small_framework(), data).run().scores()
    b = Evaluation(small_framework(), shuffled).run().scores()
    key = ["unit", "period", "node"]
    a, b = a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_scores_stay_in_range_and_weights_sum_to_one(seed: int) -> None:
    ev = Evaluation(small_framework(treat={"method": "coinr"}), panel_data(seed)).run()
    scores = ev.scores()["score"]
    assert scores.between(0, 100).all()
    w = ev.weights()
    np.testing.assert_allclose(w.groupby("node")["weight"].sum(), 1.0)


def test_reversing_a_negative_indicator_mirrors_its_score() -> None:
    data = panel_data()
    fw = small_framework()
    flipped = data.copy()
    flipped.loc[flipped["indicator"] == "a3", "value"] *= -1
    fw_pos = fw.model_copy(deep=True)
    a3 = fw_pos.find("a3")
    a3.direction = 1  # type: ignore[union-attr]
    base = Evaluation(fw, data).run().dataset("normalised")["a3"]
    mirrored = Evaluation(fw_pos, flipped).run().dataset("normalised")["a3"]
    np.testing.assert_allclose(base, mirrored, atol=1e-12)
    plain = Evaluation(fw_pos, data).run().dataset("normalised")["a3"]
    np.testing.assert_allclose(base, 100 - plain, atol=1e-12)


def test_coupling_and_obstacles_use_the_range_of_the_normalised_scores() -> None:
    """With z-scores (no fixed bounds) the scores are mapped by their observed range."""
    ev = Evaluation(small_framework(), panel_data()).run()
    z = ev.with_step("normalise", "zscore", {"m": 0, "sd": 1, "scope": "period"})
    lo, hi = z.results.scale
    norm = z.dataset("normalised").to_numpy()
    assert (lo, hi) == (np.nanmin(norm), np.nanmax(norm))
    assert ev.results.scale == (0.0, 100.0)
    assert z.coupling()["D"].between(0, 1).all()


def test_ahp_and_combined_weights_set_on_a_node() -> None:
    """A node's pairwise matrix gives its children's weights (here 3:1 -> 0.75, 0.25), and
    a combined subjective/objective scheme mixes them linearly with entropy weights."""
    fw = small_framework()
    root = fw.root.model_copy(
        update={"weighting": MethodSpec(method="ahp", params={"matrix": [[1, 3], ["1/3", 1]]})}
    )
    fw_ahp = fw.model_copy(update={"root": root})
    ev = Evaluation(fw_ahp, panel_data()).run()
    used = ev.weights().set_index("child")["weight"]
    assert used["A"] == pytest.approx(0.75) and used["B"] == pytest.approx(0.25)
    # the matrix is the root's own: node A (three children) keeps the default weighting
    assert fw_ahp.resolved("A", "weighting").method == "manual"
    assert used["a1"] == pytest.approx(1 / 3)

    spec = {
        "subjective": {"method": "ahp", "params": {"matrix": [[1, 3], ["1/3", 1]]}},
        "objective": {"method": "entropy"},
        "rule": "linear",
        "alpha": 0.5,
    }
    root = fw.root.model_copy(update={"weighting": MethodSpec(method="combined", params=spec)})
    mixed = Evaluation(fw.model_copy(update={"root": root}), panel_data()).run()
    agg = mixed.dataset("aggregated")[["A", "B"]].to_numpy()
    entropy = WEIGHTINGS.get("entropy")(agg, np.ones(2))
    expected = 0.5 * np.array([0.75, 0.25]) + 0.5 * entropy
    got = mixed.weights().set_index("child")["weight"][["A", "B"]].to_numpy()
    np.testing.assert_allclose(got, expected / expected.sum(), atol=1e-12)
