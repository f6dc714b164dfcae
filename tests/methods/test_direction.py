"""apply_direction: every column becomes "higher is better"; goalposts and targets follow."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from qcity.methods.columns import Columns
from qcity.methods.direction import apply_direction, band_distance
from qcity.methods.errors import MethodDataError


def _cols(direction: list[float], **kw: list[float]) -> Columns:
    base = Columns.plain(len(direction), tuple(f"c{i}" for i in range(len(direction))))
    return replace(
        base,
        direction=np.array(direction, float),
        **{k: np.array(v, float) for k, v in kw.items()},
    )


def test_positive_unchanged_negative_flipped() -> None:
    x = np.array([[1.0, 10.0], [2.0, np.nan], [3.0, 30.0]])
    cols = _cols([1, -1], lo=[0, 5], hi=[4, 50], target=[3, 8])
    out, mapped = apply_direction(x, cols)
    np.testing.assert_array_equal(out[:, 0], x[:, 0])
    np.testing.assert_array_equal(out[:, 1], -x[:, 1])
    np.testing.assert_array_equal(mapped.lo, [0, -50])
    np.testing.assert_array_equal(mapped.hi, [4, -5])
    np.testing.assert_array_equal(mapped.target, [3, -8])
    np.testing.assert_array_equal(mapped.direction, [1, 1])
    # the input facts are not modified
    np.testing.assert_array_equal(cols.direction, [1, -1])


def test_moderate_becomes_minus_distance_to_band() -> None:
    x = np.array([[1.0], [2.5], [3.0], [7.0], [np.nan]])
    cols = _cols([0], band_lo=[2], band_hi=[3], lo=[0], hi=[10], target=[2.5])
    out, mapped = apply_direction(x, cols)
    np.testing.assert_array_equal(out[:, 0], [-1.0, 0.0, 0.0, -4.0, np.nan])
    # goalposts: the worse goalpost's distance (10 is 7 away, 0 is 2 away) and the band
    assert mapped.lo[0] == -7.0 and mapped.hi[0] == 0.0
    assert np.isnan(mapped.target[0])
    assert mapped.band_lo[0] == 2 and mapped.band_hi[0] == 3


def test_moderate_without_goalposts_keeps_nan_goalposts() -> None:
    _, mapped = apply_direction(np.zeros((2, 1)), _cols([0], band_lo=[1], band_hi=[1]))
    assert np.isnan(mapped.lo[0]) and np.isnan(mapped.hi[0])


def test_band_distance_is_zero_inside() -> None:
    d = band_distance(np.array([0.0, 1.0, 1.5, 2.0, 4.0]), np.array(1.0), np.array(2.0))
    np.testing.assert_array_equal(d, [1.0, 0.0, 0.0, 0.0, 2.0])


def test_applies_over_leading_axes() -> None:
    x = np.arange(12, dtype=float).reshape(2, 3, 2)
    out, _ = apply_direction(x, _cols([-1, 1]))
    np.testing.assert_array_equal(out[..., 0], -x[..., 0])
    np.testing.assert_array_equal(out[..., 1], x[..., 1])


def test_moderate_without_band_is_an_error_naming_it() -> None:
    with pytest.raises(MethodDataError, match="c1"):
        apply_direction(np.zeros((2, 2)), _cols([1, 0]))


def test_bad_direction_and_inverted_band_are_errors() -> None:
    with pytest.raises(MethodDataError, match="direction must be"):
        apply_direction(np.zeros((2, 1)), _cols([2]))
    with pytest.raises(MethodDataError, match="band_lo > band_hi"):
        apply_direction(np.zeros((2, 1)), _cols([0], band_lo=[3], band_hi=[1]))


def test_column_count_mismatch() -> None:
    with pytest.raises(ValueError, match="3 columns"):
        apply_direction(np.zeros((2, 3)), _cols([1]))
