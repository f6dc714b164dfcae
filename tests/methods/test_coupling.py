"""Coupling coordination: corrected (Wang Shujia et al. 2021) and traditional C, bands."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcity.methods.coupling import classify_coordination, coupling_coordination


def _wang_by_hand(u: list[float]) -> float:
    s = len(u)
    diffs = sum(math.sqrt((u[i] - u[j]) ** 2) for i, j in itertools.combinations(range(s), 2))
    pairs = sum(range(1, s))  # sum_{m=1}^{s-1} m
    top = max(u)
    balance = math.prod(x / top for x in u) ** (1 / (s - 1))
    return math.sqrt((1 - diffs / pairs) * balance)


def _traditional_by_hand(u: list[float]) -> float:
    s = len(u)
    return s * (math.prod(u) / sum(u) ** s) ** (1 / s)


def test_two_subsystems() -> None:
    res = coupling_coordination(np.array([0.4, 0.8]))
    assert float(res.C) == pytest.approx(math.sqrt((1 - 0.4) * 0.5))
    assert float(res.T) == pytest.approx(0.6)
    assert float(res.D) == pytest.approx(math.sqrt(float(res.C) * 0.6))
    trad = coupling_coordination(np.array([0.4, 0.8]), formula="traditional")
    assert float(trad.C) == pytest.approx(2 * math.sqrt(0.32) / 1.2)


@pytest.mark.parametrize(
    "u", [[0.2, 0.5, 0.8], [0.9, 0.1, 0.5], [0.3, 0.35, 0.7, 0.2, 0.55], [0.6] * 5]
)
def test_three_and_five_subsystems(u: list[float]) -> None:
    alpha = np.arange(1, len(u) + 1, dtype=float)
    res = coupling_coordination(np.array(u), alpha)
    t = float(np.dot(alpha / alpha.sum(), u))
    assert float(res.C) == pytest.approx(_wang_by_hand(u))
    assert float(res.T) == pytest.approx(t)
    assert float(res.D) == pytest.approx(math.sqrt(_wang_by_hand(u) * t))
    trad = coupling_coordination(np.array(u), formula="traditional")
    assert float(trad.C) == pytest.approx(_traditional_by_hand(u))


def test_vectorised_shape_and_nan() -> None:
    u = np.array([[[0.2, 0.5, 0.8], [0.4, 0.4, 0.4]], [[np.nan, 0.5, 0.5], [0.0, 0.0, 0.0]]])
    res = coupling_coordination(u)
    assert res.C.shape == res.T.shape == res.D.shape == (2, 2)
    assert res.C[0, 0] == pytest.approx(_wang_by_hand([0.2, 0.5, 0.8]))
    assert res.C[0, 1] == pytest.approx(1.0)  # balanced subsystems couple perfectly
    assert np.isnan(res.D[1, 0])
    assert res.C[1, 1] == 0.0 and res.D[1, 1] == 0.0  # no development at all


def test_corrected_c_spreads_where_traditional_crowds_near_one() -> None:
    u = np.array([0.5, 0.8])
    wang = float(coupling_coordination(u).C)
    trad = float(coupling_coordination(u, formula="traditional").C)
    assert trad > 0.97 and wang < 0.75


def test_bad_input() -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        coupling_coordination(np.array([30.0, 60.0]))
    with pytest.raises(ValueError, match="two subsystems"):
        coupling_coordination(np.array([0.3]))
    with pytest.raises(ValueError, match="formula"):
        coupling_coordination(np.array([0.3, 0.4]), formula="other")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="alpha"):
        coupling_coordination(np.array([0.3, 0.4]), np.array([1.0, 2.0, 3.0]))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=6))
def test_c_t_d_in_unit_interval(u: list[float]) -> None:
    for formula in ("wang2021", "traditional"):
        res = coupling_coordination(np.array(u), formula=formula)  # type: ignore[arg-type]
        for v in (res.C, res.T, res.D):
            assert -1e-12 <= float(v) <= 1 + 1e-12


def test_classification_bands_left_closed() -> None:
    d = np.array([0.0, 0.05, 0.1, 0.2999, 0.3, 0.1 + 0.2, 0.55, 0.9, 0.95, 1.0, np.nan])
    band, zh, en = classify_coordination(d)
    np.testing.assert_array_equal(band, [1, 1, 2, 3, 4, 4, 6, 10, 10, 10, 0])
    assert zh[0] == "极度失调" and en[0] == "extreme imbalance"
    assert zh[4] == "轻度失调" and zh[6] == "勉强协调" and zh[9] == "优质协调"
    assert zh[10] == "" and en[10] == ""
    names = [classify_coordination(v)[1].item() for v in np.arange(0.05, 1.0, 0.1)]
    assert names == [
        "极度失调",
        "严重失调",
        "中度失调",
        "轻度失调",
        "濒临失调",
        "勉强协调",
        "初级协调",
        "中级协调",
        "良好协调",
        "优质协调",
    ]
