"""Obstacle degree: O_j = w_j (1 - x_j) / sum_k w_k (1 - x_k)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from qcity.methods.obstacle import obstacle_degree

W = np.array([0.4, 0.35, 0.25])


def test_by_hand() -> None:
    x = np.array([0.5, 0.9, 0.2])
    gaps = [0.4 * 0.5, 0.35 * 0.1, 0.25 * 0.8]
    np.testing.assert_allclose(obstacle_degree(x, W), np.array(gaps) / sum(gaps))


def test_top_100_scale_equals_unit_scale() -> None:
    x = np.array([[50.0, 90.0, 20.0], [10.0, 100.0, 60.0]])
    np.testing.assert_allclose(obstacle_degree(x, W, top=100), obstacle_degree(x / 100, W))


def test_nan_and_perfect_units() -> None:
    x = np.array([[np.nan, 0.5, 0.5], [1.0, 1.0, 1.0], [1.0, np.nan, 1.0]])
    o = obstacle_degree(x, W)
    assert np.isnan(o[0, 0])
    np.testing.assert_allclose(o[0, 1:], [0.35 / 0.6, 0.25 / 0.6])
    np.testing.assert_array_equal(o[1], [0.0, 0.0, 0.0])
    assert o[2, 0] == 0.0 and np.isnan(o[2, 1]) and o[2, 2] == 0.0


def test_out_of_range_is_an_error() -> None:
    with pytest.raises(ValueError, match="top=100"):
        obstacle_degree(np.array([50.0, 20.0, 10.0]), W)
    with pytest.raises(ValueError, match="2 indicators but w has 3"):
        obstacle_degree(np.array([0.5, 0.2]), W)


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(1, 5), st.just(3)),
        elements=st.floats(0, 0.99),
    )
)
def test_obstacles_sum_to_one(x: np.ndarray) -> None:
    o = obstacle_degree(x, W)
    assert o.shape == x.shape
    assert np.all(o >= 0)
    np.testing.assert_allclose(o.sum(axis=-1), 1.0)
