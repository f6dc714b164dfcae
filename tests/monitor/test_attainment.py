"""实现程度 (attainment) and 进度 (gap closed): two measures of a target, worked by hand from
their formulas (docs/*/monitor.md cites the sources)."""

from __future__ import annotations

import numpy as np
import pytest

from qcity.monitor import attainment, gap_closed


def test_attainment_of_a_positive_indicator_is_x_over_target() -> None:
    # base 100, target 200, now 150: 实现程度 75 % (150/200), not the 50 % of the gap closed
    assert attainment(150.0, 200.0, direction=1) == pytest.approx(0.75)
    assert gap_closed(150.0, 200.0, 100.0, direction=1) == pytest.approx(0.5)


def test_attainment_of_a_negative_indicator_is_target_over_x() -> None:
    # energy use per unit of GDP, target 0.4, now 0.5: 0.4/0.5 = 80 %
    assert attainment(0.5, 0.4, direction=-1) == pytest.approx(0.8)
    # a base that already met the target: 100 %, never 2 - x/x* (which gives 120 % here)
    assert attainment(0.32, 0.4, direction=-1) == 1.0
    assert attainment(0.32, 0.4, direction=-1, cap=False) == pytest.approx(1.25)
    # and gap closed is not defined: there was no gap to close
    assert np.isnan(gap_closed(0.32, 0.4, 0.35, direction=-1))


def test_attainment_is_capped_at_100_percent_with_the_ratio_kept() -> None:
    assert attainment(250.0, 200.0, direction=1) == 1.0
    assert attainment(250.0, 200.0, direction=1, cap=False) == pytest.approx(1.25)


def test_attainment_of_a_band_indicator() -> None:
    band = (5.0, 7.0)  # GDP growth 5-7 %
    assert attainment(6.0, np.nan, direction=1, band=band) == 1.0
    assert attainment(4.0, np.nan, direction=1, band=band) == pytest.approx(4 / 5)
    assert attainment(8.0, np.nan, direction=1, band=band) == pytest.approx(7 / 8)
    # gap closed towards a band: base 3 (2 below), now 4 (1 below) -> half the gap
    assert gap_closed(4.0, np.nan, 3.0, direction=1, band=band) == pytest.approx(0.5)
    # overshooting the band on the other side counts as distance too
    assert gap_closed(8.0, np.nan, 3.0, direction=1, band=band) == pytest.approx(0.5)


def test_arrays_broadcast_and_missing_values_give_nan() -> None:
    out = attainment(np.array([50.0, 100.0, np.nan]), np.array(100.0), direction=1)
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [0.5, 1.0, np.nan])
    d = np.array([1, -1])
    np.testing.assert_allclose(attainment(np.array([8.0, 8.0]), 10.0, direction=d), [0.8, 1.0])
    with pytest.raises(ValueError, match="direction"):
        attainment(1.0, 2.0, direction=0)


def test_gap_closed_can_be_negative_or_beyond_one() -> None:
    assert gap_closed(90.0, 200.0, 100.0, direction=1) == pytest.approx(-0.1)
    assert gap_closed(210.0, 200.0, 100.0, direction=1) == pytest.approx(1.1)
    # a negative indicator: 50 -> 40 towards 35 is two thirds of the gap
    assert gap_closed(40.0, 35.0, 50.0, direction=-1) == pytest.approx(2 / 3)


def test_ratio_is_not_defined_for_values_that_are_not_positive() -> None:
    assert np.isnan(attainment(-4.0, 10.0, direction=1))
    assert attainment(-4.0, -10.0, direction=1) == 1.0  # met (capped) even so
