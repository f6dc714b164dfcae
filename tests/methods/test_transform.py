"""Element-wise transforms: log, log10, Box-Cox (scipy round trip)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from qcity.methods.transform import (
    boxcox_lambda,
    transform_boxcox,
    transform_log,
    transform_log10,
    transform_none,
)

X = np.array([0.5, 1.0, 2.0, 8.0, 30.0, np.nan, 120.0])


def test_logs() -> None:
    np.testing.assert_allclose(transform_log(X), np.log(X))
    np.testing.assert_allclose(transform_log10(X), np.log10(X))
    np.testing.assert_array_equal(transform_none(X), X)


@pytest.mark.parametrize("f", [transform_log, transform_log10, transform_boxcox])
def test_non_positive_values_are_refused(f) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=r"positive values.*1 value\(s\) are <= 0"):
        f(np.array([1.0, 0.0, 3.0]))


def test_boxcox_given_lambda_round_trip() -> None:
    y = transform_boxcox(X, lmbda=0.3)
    np.testing.assert_allclose(y, (X**0.3 - 1) / 0.3)
    np.testing.assert_allclose(special.inv_boxcox(y, 0.3), X)
    np.testing.assert_allclose(transform_boxcox(X, lmbda=0.0), np.log(X))


def test_boxcox_estimated_lambda_is_scipy_mle() -> None:
    obs = X[~np.isnan(X)]
    expected_y, expected_lam = stats.boxcox(obs)
    lam = boxcox_lambda(X)
    assert lam == pytest.approx(expected_lam, rel=1e-9)
    y = transform_boxcox(X)
    np.testing.assert_allclose(y[~np.isnan(X)], expected_y, rtol=1e-9)
    assert np.isnan(y[5])
    np.testing.assert_allclose(special.inv_boxcox(y, lam), X)


def test_boxcox_needs_spread_to_estimate() -> None:
    with pytest.raises(ValueError, match="give lmbda"):
        transform_boxcox(np.array([2.0, 2.0, np.nan]))
