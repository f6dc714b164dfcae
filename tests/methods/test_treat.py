"""COINr-style outlier treatment: winsorisation, the log fallback and the skew/kurtosis check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from qcity.methods._stats import skew_kurt
from qcity.methods.errors import DegenerateColumnWarning
from qcity.methods.registry import TREATMENTS, load_methods
from qcity.methods.treat import DETAIL_COLUMNS, check_skew_kurt, treat_coinr, treat_none


def _type2(v: np.ndarray) -> tuple[float, float]:
    """e1071 type-2 skewness and kurtosis = scipy's bias-corrected sample statistics."""
    v = v[~np.isnan(v)]
    return float(stats.skew(v, bias=False)), float(stats.kurtosis(v, bias=False))


def test_skew_kurt_are_type2_sample_statistics() -> None:
    rng = np.random.default_rng(3)
    x = rng.lognormal(size=(30, 4))
    x[[2, 7], 1] = np.nan
    skew, kurt, n = skew_kurt(x)
    for j in range(4):
        s, k = _type2(x[:, j])
        assert skew[j] == pytest.approx(s, rel=1e-12)
        assert kurt[j] == pytest.approx(k, rel=1e-12)
    assert n.tolist() == [30, 28, 30, 30]


def test_check_fails_only_if_both_thresholds_exceeded() -> None:
    heavy = np.r_[np.arange(1.0, 21.0), 200.0][:, None]
    ok = np.arange(1.0, 22.0)[:, None]
    passing, skew, kurt = check_skew_kurt(np.hstack([heavy, ok]))
    assert passing.tolist() == [0.0, 1.0]
    assert skew[0] >= 2 and kurt[0] >= 3.5


def test_winsorises_one_point_at_a_time_until_it_passes() -> None:
    base = np.arange(1.0, 21.0)
    x = np.r_[base, 60.0, 200.0][:, None]
    res = treat_coinr(x, winmax=5)
    # reference: the same loop written out by hand on a plain vector
    v = x[:, 0].copy()
    steps = 0
    while True:
        s, k = _type2(v)
        if abs(s) < 2 or k < 3.5:
            break
        top = v == v.max()
        v[top] = v[~top].max()
        steps = int(top.sum())
    np.testing.assert_allclose(res.values[:, 0], v)
    det = res.details.iloc[0]
    assert det["treatment"] == "winsorise" and det["nwin"] == steps and steps >= 1
    assert res.points[:, 0].tolist().count(1) == steps
    assert bool(det["pass1"]) is True


def test_negative_skew_winsorises_low_and_ties_move_together() -> None:
    x = np.r_[np.arange(1.0, 21.0), -100.0, -100.0][:, None]
    res = treat_coinr(x)
    assert (res.points[:, 0] == -1).sum() == res.details["nwin"].iloc[0] == 2
    assert res.values[20, 0] == res.values[21, 0] == 1.0


def test_log_fallback_on_untreated_values_when_winmax_is_not_enough() -> None:
    rng = np.random.default_rng(0)
    x = np.r_[rng.normal(size=40), 50, 60, 70, 80, 90, np.nan][:, None]
    res = treat_coinr(x, winmax=2)
    v = x[:, 0]
    expected = np.log(v - np.nanmin(v) + 0.01 * (np.nanmax(v) - np.nanmin(v)))
    np.testing.assert_allclose(res.values[:, 0], expected)
    det = res.details.iloc[0]
    assert det["treatment"] == "log" and bool(det["pass1"]) is False and det["nwin"] >= 2
    assert not np.isnan(det["skew2"])
    assert (res.points[:-1, 0] == 2).all() and res.points[-1, 0] == 0


def test_columns_are_independent_and_nan_kept() -> None:
    rng = np.random.default_rng(5)
    a = np.r_[rng.normal(size=30), 40.0]
    b = rng.normal(size=31)
    b[4] = np.nan
    both = treat_coinr(np.c_[a, b], codes=["A", "B"])
    alone = treat_coinr(a[:, None])
    np.testing.assert_allclose(both.values[:, 0], alone.values[:, 0])
    np.testing.assert_array_equal(both.values[:, 1], b)
    assert both.details.index.tolist() == ["A", "B"]
    assert both.details["treatment"].tolist() == ["winsorise", "none"]
    assert list(both.details.columns) == list(DETAIL_COLUMNS)


def test_undecidable_columns_are_left_untreated_with_a_warning() -> None:
    x = np.c_[np.ones(6), [1, 2, np.nan, np.nan, np.nan, np.nan], np.arange(6.0)]
    with pytest.warns(DegenerateColumnWarning, match="const, few") as rec:
        res = treat_coinr(x, codes=["const", "few", "ok"])
    assert rec[0].message.codes == ("const", "few")  # type: ignore[union-attr]
    np.testing.assert_array_equal(res.values, x)
    assert pd.isna(res.details.loc["const", "pass0"])
    assert res.details.loc["ok", "pass0"]


def test_none_and_registry() -> None:
    load_methods()
    assert {"coinr", "none"} <= set(TREATMENTS.names())
    x = np.r_[np.arange(20.0), 500.0][:, None]
    res = treat_none(x)
    np.testing.assert_array_equal(res.values, x)
    assert not res.points.any() and res.details.empty
    with pytest.raises(ValueError, match=r"shape \(n, k\)"):
        treat_coinr(np.ones((2, 3, 4)))
