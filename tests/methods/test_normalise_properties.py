"""Property tests (hypothesis) for the normalisers."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from qcity.methods.columns import Columns
from qcity.methods.direction import apply_direction
from qcity.methods.errors import DegenerateColumnWarning
from qcity.methods.normalise import goalposts, minmax, percentile, target, zscore

finite = st.floats(min_value=1.0, max_value=1e6, allow_nan=False)


@st.composite
def data(draw: st.DrawFn) -> np.ndarray:
    """(n, k) positive data with some NaN, at least two distinct values per column."""
    n = draw(st.integers(3, 12))
    k = draw(st.integers(1, 4))
    x = draw(hnp.arrays(np.float64, (n, k), elements=finite))
    holes = draw(hnp.arrays(np.bool_, (n, k)))
    holes[:2] = False
    x[holes] = np.nan
    x[0] = x[1] + 1.0  # two distinct observed values per column
    return x


def _cols(x: np.ndarray, **kw: np.ndarray) -> Columns:
    return replace(Columns.plain(x.shape[1]), **kw)


def _bounded(x: np.ndarray) -> dict[str, np.ndarray]:
    k = x.shape[1]
    return {
        "minmax": minmax(x, _cols(x), l=-5, u=7),
        "goalposts": goalposts(x, _cols(x, lo=np.full(k, 100.0), hi=np.full(k, 5e5)), l=-5, u=7),
        "target": target(x, _cols(x, target=np.full(k, 1e3)), l=-5, u=7),
        "target_d": target(x, _cols(x, target=np.full(k, 1e3)), l=-5, u=7, formula="distance"),
        "percentile": percentile(x, _cols(x), l=-5, u=7),
    }


@settings(max_examples=40, deadline=None)
@given(data())
def test_bounded_methods_stay_within_l_u(x: np.ndarray) -> None:
    for name, out in _bounded(x).items():
        obs = ~np.isnan(x)
        assert np.array_equal(np.isnan(out), ~obs), name
        assert np.all((out[obs] >= -5 - 1e-9) & (out[obs] <= 7 + 1e-9)), name


@settings(max_examples=40, deadline=None)
@given(data(), st.randoms(use_true_random=False))
def test_shuffling_units_permutes_outputs(x: np.ndarray, rnd) -> None:  # type: ignore[no-untyped-def]
    perm = np.arange(x.shape[0])
    rnd.shuffle(perm)
    for (name, out), shuffled in zip(_bounded(x).items(), _bounded(x[perm]).values(), strict=True):
        np.testing.assert_allclose(shuffled, out[perm], err_msg=name)
    np.testing.assert_allclose(zscore(x[perm], _cols(x)), zscore(x, _cols(x))[perm])


@settings(max_examples=40, deadline=None)
@given(data())
def test_reversing_direction_mirrors_minmax(x: np.ndarray) -> None:
    cols = _cols(x, direction=-np.ones(x.shape[1]))
    flipped, mapped = apply_direction(x, cols)
    lo, up = 1.0, 100.0
    np.testing.assert_allclose(
        minmax(flipped, mapped, l=lo, u=up), up + lo - minmax(x, _cols(x), l=lo, u=up), atol=1e-9
    )


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 10), st.floats(-1e6, 1e6, allow_nan=False))
def test_constant_and_empty_columns_warn_and_give_nan(n: int, value: float) -> None:
    x = np.column_stack([np.full(n, value), np.full(n, np.nan)])
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = minmax(x, Columns.plain(2, ("const", "empty")))
    assert np.isnan(out).all()
    named = {
        c for w in rec if isinstance(w.message, DegenerateColumnWarning) for c in w.message.codes
    }
    assert named == {"const", "empty"}
