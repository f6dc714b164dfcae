"""Imputers: mean/median (by group), LOCF and linear along periods."""

from __future__ import annotations

import numpy as np
import pytest

from qcity.methods.impute import (
    impute_linear,
    impute_locf,
    impute_mean,
    impute_median,
    impute_none,
)
from qcity.methods.registry import IMPUTERS, load_methods

nan = np.nan


def _cross_section() -> np.ndarray:
    # T=2, n=5, k=2
    return np.array(
        [
            [[1, 10], [3, nan], [nan, 30], [10, 40], [nan, nan]],
            [[2, nan], [4, 20], [6, 30], [nan, 50], [8, 60]],
        ],
        dtype=float,
    )


def test_mean_within_each_period() -> None:
    x = _cross_section()
    out = impute_mean(x, None)
    assert out[0, 2, 0] == pytest.approx(np.mean([1, 3, 10]))
    assert out[0, 4, 1] == pytest.approx(np.mean([10, 30, 40]))
    assert out[1, 3, 0] == pytest.approx(np.mean([2, 4, 6, 8]))
    assert out[1, 0, 1] == pytest.approx(np.mean([20, 30, 50, 60]))
    observed = ~np.isnan(x)
    np.testing.assert_array_equal(out[observed], x[observed])
    assert not np.isnan(out).any()


def test_median_within_each_period_even_count_averages_middle() -> None:
    out = impute_median(_cross_section(), None)
    assert out[0, 2, 0] == 3.0
    assert out[1, 3, 0] == pytest.approx(5.0)  # median of 2, 4, 6, 8
    assert out[0, 4, 1] == 30.0


def test_group_mean_and_median_use_the_units_group() -> None:
    x = _cross_section()
    groups = np.array(["a", "a", "b", "b", "a"])
    mean = impute_mean(x, groups)
    assert mean[0, 2, 0] == 10.0  # group b: only unit 3 observed
    assert mean[0, 4, 0] == pytest.approx(2.0)  # group a: units 0, 1
    assert mean[1, 0, 1] == pytest.approx(40.0)  # group a: 20, 60
    med = impute_median(x, groups)
    assert med[1, 3, 0] == 6.0


def test_whole_group_missing_stays_missing_and_no_group_untouched() -> None:
    x = np.array([[[1.0], [nan], [nan], [nan]]])
    groups = np.array(["a", "b", "b", None], dtype=object)
    out = impute_mean(x, groups)
    # group b has no observed value: stays NaN (COINr i_mean_grp gives NaN too)
    assert np.isnan(out[0, 1, 0]) and np.isnan(out[0, 2, 0])
    # unit without group is left as it is (COINr skip_f_na = TRUE)
    assert np.isnan(out[0, 3, 0])


def test_groups_shape_is_checked() -> None:
    with pytest.raises(ValueError, match="groups must have shape"):
        impute_mean(_cross_section(), np.array(["a", "b"]))


def _series() -> np.ndarray:
    # T=6, one unit, three indicators along time
    s = np.array(
        [
            [nan, 1, nan],
            [2, nan, nan],
            [nan, nan, nan],
            [nan, 4, nan],
            [5, nan, nan],
            [nan, nan, nan],
        ]
    )
    return s[:, None, :]


def test_locf_carries_forward_not_backward() -> None:
    out = impute_locf(_series(), None)[:, 0, :]
    np.testing.assert_array_equal(out[:, 0], [nan, 2, 2, 2, 5, 5])
    np.testing.assert_array_equal(out[:, 1], [1, 1, 1, 4, 4, 4])
    assert np.isnan(out[:, 2]).all()


def test_locf_backfill_and_max_gap() -> None:
    out = impute_locf(_series(), None, backfill=True)[:, 0, 0]
    np.testing.assert_array_equal(out, [2, 2, 2, 2, 5, 5])
    gap = impute_locf(_series(), None, max_gap=1)[:, 0, 0]
    np.testing.assert_array_equal(gap, [nan, 2, 2, nan, 5, 5])


def test_locf_max_gap_is_counted_in_time_when_times_are_given() -> None:
    # column 0: [nan, 2, nan, nan, 5, nan]; years with 2016 -> 2019 three years apart
    times = np.array([2015, 2016, 2019, 2020, 2021, 2024])
    out = impute_locf(_series(), None, max_gap=3, times=times)[:, 0, 0]
    np.testing.assert_array_equal(out, [nan, 2, 2, nan, 5, 5])
    out = impute_locf(_series(), None, max_gap=2, times=times)[:, 0, 0]
    np.testing.assert_array_equal(out, [nan, 2, nan, nan, 5, nan])
    quarters = np.array([2024.0, 2024.25, 2024.5, 2024.75, 2025.0, 2025.25])
    out = impute_locf(_series(), None, max_gap=0.5, times=quarters)[:, 0, 0]
    np.testing.assert_array_equal(out, [nan, 2, 2, 2, 5, 5])


def test_linear_interpolates_without_extrapolating() -> None:
    out = impute_linear(_series(), None)[:, 0, :]
    np.testing.assert_allclose(out[:, 0], [nan, 2, 3, 4, 5, nan])
    np.testing.assert_allclose(out[:, 1], [1, 2, 3, 4, nan, nan])
    assert np.isnan(out[:, 2]).all()


def test_linear_respects_unequal_spacing_and_extrapolates_constant_on_request() -> None:
    times = np.array([2015, 2016, 2018, 2019, 2020, 2021])
    out = impute_linear(_series(), None, times=times, extrapolate=True)[:, 0, 0]
    # between 2016 (2) and 2020 (5): 2018 -> 2 + 2/4 * 3, 2019 -> 2 + 3/4 * 3
    np.testing.assert_allclose(out, [2, 2, 3.5, 4.25, 5, 5])
    with pytest.raises(ValueError, match="strictly increasing"):
        impute_linear(_series(), None, times=times[::-1])


def test_time_imputers_are_per_unit_and_vectorised() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(7, 40, 3))
    x[rng.random(x.shape) < 0.3] = nan
    out = impute_linear(x, None)
    # per-series reference with numpy.interp on the interior
    for i in range(40):
        for j in range(3):
            s = x[:, i, j]
            obs = np.flatnonzero(~np.isnan(s))
            if obs.size == 0:
                assert np.isnan(out[:, i, j]).all()
                continue
            t = np.arange(7)
            inside = (t >= obs[0]) & (t <= obs[-1])
            np.testing.assert_allclose(out[inside, i, j], np.interp(t[inside], obs, s[obs]))
            assert np.isnan(out[~inside, i, j]).all()


def test_none_and_registry() -> None:
    load_methods()
    assert {"none", "mean", "median", "locf", "linear"} <= set(IMPUTERS.names())
    x = _cross_section()
    out = impute_none(x, None)
    np.testing.assert_array_equal(out, x)
    assert out is not x
    with pytest.raises(ValueError, match=r"\(T, n, k\)"):
        impute_mean(np.ones((3, 2)), None)
