"""Screening by data availability (COINr Screen byNA)."""

from __future__ import annotations

import numpy as np
import pytest

from qcity.methods.registry import SCREENS, load_methods
from qcity.methods.screen import screen_availability, screen_none

nan = np.nan


def _panel() -> np.ndarray:
    # T=2, n=3, k=4
    return np.array(
        [
            [[1, 2, 3, 4], [1, nan, 3, 4], [nan, nan, nan, 4]],
            [[1, 2, 3, 4], [1, 2, 3, 4], [nan, nan, 3, 4]],
        ],
        dtype=float,
    )


def test_unit_availability_and_threshold_inclusive() -> None:
    res = screen_availability(_panel(), unit_threshold=0.75)
    np.testing.assert_allclose(res.unit_availability, [[1, 0.75, 0.25], [1, 1, 0.5]])
    # 0.75 is kept (>=), 0.5 and 0.25 are not
    np.testing.assert_array_equal(res.unit_keep, [[True, True, False], [True, True, False]])


def test_indicator_availability_per_period_among_kept_units() -> None:
    # period 0 keeps units 0 and 1 (unit 2 has 1 of 4 values), period 1 keeps all three
    res = screen_availability(_panel(), unit_threshold=0.5, indicator_threshold=0.7)
    np.testing.assert_array_equal(res.unit_keep, [[True, True, False], [True, True, True]])
    np.testing.assert_allclose(res.indicator_availability, [[1, 1 / 2, 1, 1], [2 / 3, 2 / 3, 1, 1]])
    # availability 1/2 and 2/3 fall below 0.7 in their own period only
    np.testing.assert_array_equal(
        res.indicator_keep, [[True, False, True, True], [False, False, True, True]]
    )


def test_a_sparse_period_does_not_remove_indicators_from_the_others() -> None:
    """One value in a new period must not make every indicator look half-missing."""
    x = np.ones((2, 5, 3))
    x[1] = nan
    x[1, 0, 0] = 7.0  # a single early value for the new period
    res = screen_availability(x, unit_threshold=0.65, indicator_threshold=0.65)
    assert res.indicator_keep[0].all()
    assert not res.unit_keep[1].any() and not res.indicator_keep[1].any()
    np.testing.assert_array_equal(res.indicator_availability[1], [0, 0, 0])


def test_default_keeps_indicators_even_when_empty() -> None:
    x = np.ones((1, 3, 2))
    x[..., 1] = nan
    res = screen_availability(x, unit_threshold=0.5)
    assert res.indicator_keep.all()
    assert res.indicator_availability.shape == (1, 2)
    assert res.indicator_availability[0, 1] == 0.0


def test_none_keeps_everything() -> None:
    res = screen_none(_panel())
    assert res.unit_keep.all() and res.indicator_keep.all()
    assert res.unit_keep.shape == (2, 3) and res.indicator_keep.shape == (2, 4)


def test_registered_and_validated() -> None:
    load_methods()
    assert {"availability", "none"} <= set(SCREENS.names())
    with pytest.raises(ValueError, match="unit threshold"):
        screen_availability(_panel(), unit_threshold=1.5)
    with pytest.raises(ValueError, match=r"\(T, n, k\)"):
        screen_availability(np.ones((3, 4)))
