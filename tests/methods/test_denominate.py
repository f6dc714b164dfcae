"""denominate: x / denom * scale, NaN for a zero or missing denominator."""

from __future__ import annotations

import numpy as np

from qcity.methods.denominate import denominate


def test_ratio_and_scale() -> None:
    x = np.array([[10.0, 4.0], [3.0, 9.0]])
    d = np.array([[2.0, 8.0], [3.0, 0.5]])
    np.testing.assert_allclose(denominate(x, d), x / d)
    np.testing.assert_allclose(denominate(x, d, scale=1000.0), x / d * 1000.0)
    np.testing.assert_allclose(denominate(x, d, scale=np.array([1.0, 100.0])), x / d * [1, 100])


def test_zero_or_missing_denominator_gives_nan_not_inf() -> None:
    x = np.array([1.0, 2.0, 3.0, np.nan, 0.0])
    d = np.array([0.0, np.nan, -0.0, 2.0, 4.0])
    out = denominate(x, d)
    assert np.isnan(out[:4]).all()
    assert out[4] == 0.0
    assert not np.isinf(out).any()


def test_broadcast_one_denominator_per_unit() -> None:
    x = np.arange(6, dtype=float).reshape(3, 2)
    pop = np.array([1.0, 2.0, 4.0])[:, None]
    np.testing.assert_allclose(denominate(x, pop), x / pop)
