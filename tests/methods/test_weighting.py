"""Weighting methods: hand-computed cases, properties, and pymcdm for entropy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from qcity.methods import weighting as wt
from qcity.methods.registry import WEIGHTINGS
from qcity.methods.weighting import WeightingError

X = np.array(
    [
        [10.0, 80.0, 30.0],
        [20.0, 60.0, 35.0],
        [40.0, 70.0, 20.0],
        [30.0, 90.0, 50.0],
        [50.0, 40.0, 45.0],
    ]
)
NOM = np.ones(3)


def test_registered_names() -> None:
    for name in ("equal", "manual", "entropy", "critic", "cv", "pca", "ahp", "combined"):
        assert name in WEIGHTINGS


def test_equal_and_manual() -> None:
    np.testing.assert_allclose(wt.equal(X, NOM), [1 / 3] * 3)
    np.testing.assert_allclose(wt.manual(X, np.array([2.0, 1.0, 1.0])), [0.5, 0.25, 0.25])
    with pytest.raises(WeightingError, match="non-negative"):
        wt.manual(X, np.array([1.0, -1.0, 1.0]))
    with pytest.raises(WeightingError, match="all zero"):
        wt.manual(X, np.zeros(3))


def _entropy_by_hand(x: np.ndarray) -> np.ndarray:
    m = x.shape[0]
    d = []
    for col in x.T:
        p = col / col.sum()
        e = -sum(pi * np.log(pi) for pi in p if pi > 0) / np.log(m)
        d.append(1 - e)
    d = np.array(d)
    return d / d.sum()


def test_entropy_by_hand_and_scale_free() -> None:
    expected = _entropy_by_hand(X)
    np.testing.assert_allclose(wt.entropy(X, NOM), expected)
    np.testing.assert_allclose(wt.entropy(X / 100, NOM), expected)


def test_entropy_per_column_with_nan_and_constant_column() -> None:
    x = X.copy()
    x[0, 0] = np.nan
    x[:, 2] = 5.0
    w = wt.entropy(x, NOM)
    col0 = x[1:, 0]
    p = col0 / col0.sum()
    d0 = 1 + (p * np.log(p)).sum() / np.log(4)
    p1 = x[:, 1] / x[:, 1].sum()
    d1 = 1 + (p1 * np.log(p1)).sum() / np.log(5)
    np.testing.assert_allclose(w, [d0 / (d0 + d1), d1 / (d0 + d1), 0.0])


def test_entropy_shifts_negative_columns() -> None:
    x = X - 45.0
    shifted = x - np.minimum(x.min(axis=0), 0)
    np.testing.assert_allclose(wt.entropy(x, NOM), _entropy_by_hand(shifted))


def test_entropy_matches_pymcdm() -> None:
    from pymcdm.weights import entropy_weights

    rng = np.random.default_rng(7)
    x = rng.uniform(1, 100, size=(30, 6))  # strictly positive: see the doc on zeros
    np.testing.assert_allclose(wt.entropy(x, np.ones(6)), entropy_weights(x), atol=1e-12)


def test_entropy_all_constant_is_an_error() -> None:
    with pytest.raises(WeightingError, match="equal or manual"):
        wt.entropy(np.ones((4, 2)), np.ones(2))


def test_cv_by_hand() -> None:
    cv = X.std(axis=0, ddof=1) / X.mean(axis=0)
    np.testing.assert_allclose(wt.cv(X, NOM), cv / cv.sum())
    with pytest.raises(WeightingError, match="non-negative"):
        wt.cv(X - 45, NOM)


def test_critic_by_hand() -> None:
    z = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
    sigma = z.std(axis=0, ddof=1)
    r = np.corrcoef(z.T)
    c = np.array([sigma[j] * sum(1 - r[j, k] for k in range(3)) for j in range(3)])
    np.testing.assert_allclose(wt.critic(X, NOM), c / c.sum())
    # affine rescaling of a column does not change CRITIC (it min-max scales internally)
    x2 = X.copy()
    x2[:, 1] = x2[:, 1] * 3 + 7
    np.testing.assert_allclose(wt.critic(x2, NOM), c / c.sum())


def test_critic_uses_complete_rows() -> None:
    x = np.vstack([X, [np.nan, 1.0, 2.0]])
    np.testing.assert_allclose(wt.critic(x, NOM), wt.critic(X, NOM))
    with pytest.raises(WeightingError, match="at least 3 rows"):
        wt.critic(np.array([[1.0, np.nan], [2.0, 3.0], [np.nan, 1.0]]), np.ones(2))


def test_varimax_is_orthogonal_and_keeps_communalities() -> None:
    rng = np.random.default_rng(3)
    loadings = rng.normal(size=(6, 2))
    rotated = wt.varimax(loadings)
    np.testing.assert_allclose((rotated**2).sum(axis=1), (loadings**2).sum(axis=1))
    rot, *_ = np.linalg.lstsq(loadings, rotated, rcond=None)
    np.testing.assert_allclose(rot.T @ rot, np.eye(2), atol=1e-8)


def test_pca_two_blocks_handbook_procedure() -> None:
    rng = np.random.default_rng(11)
    f1, f2 = rng.normal(size=(2, 400))
    x = np.column_stack(
        [
            f1 + 0.3 * rng.normal(size=400),
            f1 + 0.3 * rng.normal(size=400),
            f2 + 0.3 * rng.normal(size=400),
            f2 + 0.3 * rng.normal(size=400),
            f2 + 0.3 * rng.normal(size=400),
        ]
    )
    w = wt.pca(x, np.ones(5))
    # independent recomputation of the documented procedure
    r = np.corrcoef(x.T)
    vals, vecs = np.linalg.eigh(r)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    assert np.sum(vals > 1) == 2
    load = wt.varimax(vecs[:, :2] * np.sqrt(vals[:2]))
    sq = load**2
    ev = sq.sum(axis=0)
    scaled = sq / ev
    expected = np.array([scaled[j].max() * ev[scaled[j].argmax()] / ev.sum() for j in range(5)])
    np.testing.assert_allclose(w, expected / expected.sum())
    # each block's indicators share their factor's weight roughly equally
    assert w[0] == pytest.approx(w[1], rel=0.2)
    assert w[2] == pytest.approx(w[3], rel=0.2)
    assert w.sum() == pytest.approx(1.0)


def test_pca_constant_column_is_an_error() -> None:
    x = X.copy()
    x[:, 1] = 3.0
    with pytest.raises(WeightingError, match="column\\(s\\) 2"):
        wt.pca(x, NOM)


def test_ahp_weighting() -> None:
    m = [[1, 3, 5], ["1/3", 1, 2], ["1/5", "1/2", 1]]
    w = wt.ahp(X, NOM, matrix=m)
    assert w.sum() == pytest.approx(1.0) and w[0] > w[1] > w[2]
    with pytest.raises(WeightingError, match="3 x 3 but the node has 2 children"):
        wt.ahp(X[:, :2], np.ones(2), matrix=m)
    bad = [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]
    with pytest.raises(WeightingError, match="inconsistent"):
        wt.ahp(X, NOM, matrix=bad, max_cr=0.1)
    with pytest.raises(WeightingError, match="needs params: matrix"):
        wt.ahp(X, NOM)


def test_combined_linear_and_multiplicative() -> None:
    m = [[1, 3, 5], ["1/3", 1, 2], ["1/5", "1/2", 1]]
    ws = wt.ahp(X, NOM, matrix=m)
    wo = wt.entropy(X, NOM)
    subj = {"method": "ahp", "params": {"matrix": m}}
    obj = {"method": "entropy"}
    lin = wt.combined(X, NOM, subjective=subj, objective=obj, alpha=0.3)
    np.testing.assert_allclose(lin, 0.3 * ws + 0.7 * wo)
    mul = wt.combined(X, NOM, subjective=subj, objective=obj, rule="multiplicative")
    np.testing.assert_allclose(mul, ws * wo / (ws * wo).sum())
    with pytest.raises(WeightingError, match="mapping with 'method'"):
        wt.combined(X, NOM, subjective="ahp", objective=obj)  # type: ignore[arg-type]
    with pytest.raises(WeightingError, match="rule"):
        wt.combined(X, NOM, subjective=subj, objective=obj, rule="mean")  # type: ignore[arg-type]


data = arrays(
    np.float64,
    st.tuples(st.integers(4, 12), st.integers(2, 5)),
    elements=st.floats(0, 100, allow_nan=False),
)


@settings(max_examples=60, deadline=None)
@given(data)
def test_objective_weights_sum_to_one_and_are_non_negative(x: np.ndarray) -> None:
    nominal = np.ones(x.shape[1])
    for name in ("equal", "manual", "entropy", "cv", "critic", "pca"):
        try:
            w = WEIGHTINGS.get(name)(x, nominal)
        except WeightingError:
            continue  # degenerate data (no variation) is refused, with a message
        assert w.shape == (x.shape[1],)
        assert np.all(w >= 0)
        assert w.sum() == pytest.approx(1.0)
