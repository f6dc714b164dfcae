"""Aggregation methods: hand-computed cases, NaN rules, properties, pymcdm for TOPSIS."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from qcity.methods import aggregate as ag
from qcity.methods import weighting as wt
from qcity.methods.registry import AGGREGATORS

W = np.array([0.5, 0.3, 0.2])
X = np.array(
    [
        [60.0, 80.0, 30.0],
        [20.0, 40.0, 90.0],
        [50.0, 50.0, 50.0],
        [90.0, 10.0, 70.0],
    ]
)


def test_registered_names() -> None:
    for name in (
        "arithmetic",
        "geometric",
        "harmonic",
        "generalised",
        "topsis",
        "grey_relational",
        "copeland",
    ):
        assert name in AGGREGATORS


def test_arithmetic_by_hand_and_available_case() -> None:
    np.testing.assert_allclose(ag.arithmetic(X, W), X @ W)
    x = X.copy()
    x[0, 1] = np.nan
    x[1, :] = np.nan
    out = ag.arithmetic(x, W)
    assert out[0] == pytest.approx((0.5 * 60 + 0.2 * 30) / 0.7)
    assert np.isnan(out[1])
    assert out[2] == pytest.approx(50.0)


def test_leading_period_axis_is_vectorised() -> None:
    stack = np.stack([X, X[::-1]])
    out = ag.arithmetic(stack, W)
    assert out.shape == (2, 4)
    np.testing.assert_allclose(out[1], (X @ W)[::-1])


def test_geometric_by_hand_and_zero_rules() -> None:
    expected = np.exp(np.log(X) @ W)
    np.testing.assert_allclose(ag.geometric(X, W), expected)
    x = X.copy()
    x[0, 0] = 0.0
    with pytest.raises(ValueError, match="zero: shift"):
        ag.geometric(x, W)
    shifted = ag.geometric(x, W, zero="shift", shift=1.0)
    assert shifted[0] == pytest.approx(np.exp(np.log(x[0] + 1) @ W) - 1)
    eps = ag.geometric(x, W, zero="epsilon", eps=0.01)
    assert eps[0] == pytest.approx(np.exp(np.log([0.01, 80, 30]) @ W))
    x[1, 2] = np.nan
    out = ag.geometric(X * np.where(np.isnan(x), np.nan, 1), W)
    assert out[1] == pytest.approx(np.exp((0.5 * np.log(20) + 0.3 * np.log(40)) / 0.8))


def test_harmonic_by_hand_and_zero() -> None:
    np.testing.assert_allclose(ag.harmonic(X, W), 1 / ((W / X).sum(axis=1)))
    x = X.copy()
    x[2, 1] = 0.0
    assert ag.harmonic(x, W)[2] == 0.0


def test_generalised_special_cases() -> None:
    np.testing.assert_allclose(ag.generalised(X, W, p=1), ag.arithmetic(X, W))
    np.testing.assert_allclose(ag.generalised(X, W, p=0), ag.geometric(X, W))
    np.testing.assert_allclose(ag.generalised(X, W, p=-1), ag.harmonic(X, W))
    np.testing.assert_allclose(ag.generalised(X, W, p=2), np.sqrt((X**2) @ W))
    # power means increase with p
    means = [ag.generalised(X, W, p=p) for p in (-2, -1, 0, 1, 2, 3)]
    assert all(np.all(a <= b + 1e-9) for a, b in itertools.pairwise(means))


def _topsis_by_hand(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    r = x / np.sqrt((x**2).sum(axis=0))
    v = r * w
    best, worst = v.max(axis=0), v.min(axis=0)
    dp = np.sqrt(((v - best) ** 2).sum(axis=1))
    dm = np.sqrt(((v - worst) ** 2).sum(axis=1))
    return dm / (dp + dm)


def test_topsis_by_hand_scale_and_nan() -> None:
    np.testing.assert_allclose(ag.topsis(X, W), 100 * _topsis_by_hand(X, W))
    np.testing.assert_allclose(ag.topsis(X, W, scale=1), _topsis_by_hand(X, W))
    x = X.copy()
    x[3, 0] = np.nan
    out = ag.topsis(x, W, scale=1)
    assert np.isnan(out[3])
    np.testing.assert_allclose(out[:3], _topsis_by_hand(X[:3], W))
    assert np.isnan(ag.topsis(np.ones((3, 3)), W)).all()  # identical units: undefined


def test_entropy_topsis_matches_pymcdm() -> None:
    from pymcdm.methods import TOPSIS
    from pymcdm.normalizations import vector_normalization
    from pymcdm.weights import entropy_weights

    rng = np.random.default_rng(2024)
    x = rng.uniform(1, 100, size=(25, 5))
    w = wt.entropy(x, np.ones(5))
    np.testing.assert_allclose(w, entropy_weights(x), atol=1e-12)
    ours = ag.topsis(x, w, scale=1.0)
    # pymcdm's default TOPSIS normalisation is min-max; Hwang & Yoon use vector normalisation
    theirs = TOPSIS(vector_normalization)(x, w, np.ones(5))
    np.testing.assert_allclose(ours, theirs, atol=1e-12)
    assert list(np.argsort(-ours)) == list(np.argsort(-theirs))


def _grey_by_hand(x: np.ndarray, w: np.ndarray, rho: float = 0.5) -> np.ndarray:
    ref = x.max(axis=0)
    delta = np.abs(ref - x)
    dmin, dmax = delta.min(), delta.max()
    xi = (dmin + rho * dmax) / (delta + rho * dmax)
    return xi @ w


def test_grey_relational_by_hand() -> None:
    np.testing.assert_allclose(ag.grey_relational(X, W, scale=1), _grey_by_hand(X, W))
    np.testing.assert_allclose(ag.grey_relational(X, W, rho=0.3), 100 * _grey_by_hand(X, W, 0.3))
    np.testing.assert_allclose(ag.grey_relational(np.full((3, 3), 7.0), W), 100.0)
    with pytest.raises(ValueError, match="rho"):
        ag.grey_relational(X, W, rho=0)


def test_grey_relational_nan_is_available_case() -> None:
    x = X.copy()
    x[0, 2] = np.nan
    out = ag.grey_relational(x, W, scale=1)
    ref = np.nanmax(x, axis=0)
    delta = np.abs(ref - x)
    dmin, dmax = np.nanmin(delta), np.nanmax(delta)
    xi = (dmin + 0.5 * dmax) / (delta + 0.5 * dmax)
    assert out[0] == pytest.approx((xi[0, 0] * 0.5 + xi[0, 1] * 0.3) / 0.8)
    assert out[1] == pytest.approx(xi[1] @ W)


def _copeland_by_hand(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    n = x.shape[0]
    score = np.zeros(n)
    for a in range(n):
        for b in range(n):
            if a == b:
                continue
            for_a = w[x[a] > x[b]].sum()
            for_b = w[x[a] < x[b]].sum()
            score[a] += int(for_a > for_b) - int(for_a < for_b)
    return score


def test_copeland_by_hand_and_scaling() -> None:
    np.testing.assert_array_equal(ag.copeland(X, W), _copeland_by_hand(X, W))
    n = X.shape[0]
    np.testing.assert_allclose(
        ag.copeland(X, W, scale=100), (_copeland_by_hand(X, W) + n - 1) / (2 * (n - 1)) * 100
    )
    # a tie in weight between the children a wins and loses counts for neither
    tie = np.array([[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(ag.copeland(tie, np.array([0.5, 0.5])), [0, 0])


def test_copeland_nan_unit_does_not_play() -> None:
    x = np.vstack([X, [np.nan, np.nan, np.nan]])
    out = ag.copeland(x, W)
    assert np.isnan(out[4])
    np.testing.assert_array_equal(out[:4], _copeland_by_hand(X, W))


children = arrays(
    np.float64,
    st.tuples(st.integers(2, 6), st.integers(1, 4)),
    elements=st.floats(1, 100, allow_nan=False),
)


@settings(max_examples=50, deadline=None)
@given(st.floats(1, 100), st.integers(1, 5), st.integers(1, 4))
def test_means_of_constant_children_equal_the_constant(v: float, n: int, c: int) -> None:
    x = np.full((n, c), v)
    w = np.arange(1, c + 1, dtype=float)
    w /= w.sum()
    for name in ("arithmetic", "geometric", "harmonic"):
        np.testing.assert_allclose(AGGREGATORS.get(name)(x, w), v, rtol=1e-12)
    for p in (-2.0, 0.5, 3.0):
        np.testing.assert_allclose(ag.generalised(x, w, p=p), v, rtol=1e-9)
    np.testing.assert_allclose(ag.geometric(x, w, zero="shift"), v, rtol=1e-12)


@settings(max_examples=50, deadline=None)
@given(children, st.randoms(use_true_random=False))
def test_arithmetic_available_case_equals_renormalised_mean(x: np.ndarray, rnd) -> None:  # type: ignore[no-untyped-def]
    n, c = x.shape
    w = np.array([rnd.uniform(0.1, 1) for _ in range(c)])
    w /= w.sum()
    mask = np.array([[rnd.random() < 0.3 for _ in range(c)] for _ in range(n)])
    xm = np.where(mask, np.nan, x)
    out = ag.arithmetic(xm, w)
    for i in range(n):
        keep = ~mask[i]
        if keep.any():
            assert out[i] == pytest.approx((x[i, keep] * w[keep]).sum() / w[keep].sum())
        else:
            assert np.isnan(out[i])


@settings(max_examples=40, deadline=None)
@given(children.filter(lambda a: a.shape[0] >= 2), st.randoms(use_true_random=False))
def test_relative_methods_permute_with_units(x: np.ndarray, rnd) -> None:  # type: ignore[no-untyped-def]
    c = x.shape[1]
    w = np.full(c, 1.0 / c)
    perm = np.array(rnd.sample(range(x.shape[0]), x.shape[0]))
    for name in ("topsis", "grey_relational", "copeland"):
        f = AGGREGATORS.get(name)
        np.testing.assert_allclose(f(x[perm], w), f(x, w)[perm], equal_nan=True, atol=1e-9)
