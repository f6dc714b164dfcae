"""Normalisers: formulas, degenerate columns, configuration errors."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

from qcity.methods.columns import Columns
from qcity.methods.direction import apply_direction
from qcity.methods.errors import DegenerateColumnWarning, MethodDataError
from qcity.methods.normalise import (
    best,
    goalposts,
    minmax,
    moderate,
    percentile,
    rank,
    ratio_mean,
    target,
    zscore,
)
from qcity.methods.registry import NORMALISERS, load_methods

nan = np.nan
X = np.array([[2.0, 10.0], [4.0, nan], [6.0, 30.0], [10.0, 20.0]])
COLS = Columns.plain(2, ("a", "b"))


def _cols(k: int, **kw: list[float]) -> Columns:
    base = Columns.plain(k, tuple(f"c{i}" for i in range(k)))
    return replace(base, **{name: np.array(v, float) for name, v in kw.items()})


def test_registry_has_every_method() -> None:
    load_methods()
    expected = {"minmax", "zscore", "goalposts", "target", "best", "rank", "percentile"}
    assert expected | {"ratio_mean", "moderate"} <= set(NORMALISERS.names())


def test_minmax_formula_and_bounds() -> None:
    out = minmax(X, COLS)
    np.testing.assert_allclose(out[:, 0], [0, 25, 50, 100])
    np.testing.assert_allclose(out[:, 1], [0, nan, 100, 50])
    np.testing.assert_allclose(minmax(X, COLS, l=1, u=10)[:, 0], [1, 3.25, 5.5, 10])
    with pytest.raises(ValueError, match="lower bound"):
        minmax(X, COLS, l=5, u=5)


def test_minmax_per_leading_slice() -> None:
    x = np.stack([X, X * 2 + 1])
    out = minmax(x, COLS)
    np.testing.assert_allclose(out[0], out[1])


def test_zscore_uses_sample_sd() -> None:
    out = zscore(X, COLS, m=10, sd=2)
    col = X[:, 0]
    np.testing.assert_allclose(out[:, 0], (col - col.mean()) / col.std(ddof=1) * 2 + 10)
    b = np.array([10.0, 30.0, 20.0])
    np.testing.assert_allclose(out[[0, 2, 3], 1], (b - b.mean()) / b.std(ddof=1) * 2 + 10)
    with pytest.raises(ValueError, match="sd must be > 0"):
        zscore(X, COLS, sd=0)


def test_goalposts_truncate_and_scale() -> None:
    cols = _cols(1, lo=[3], hi=[8])
    out = goalposts(X[:, :1], cols, l=0, u=1)
    np.testing.assert_allclose(out[:, 0], [0, 0.2, 0.6, 1.0])
    free = goalposts(X[:, :1], cols, l=0, u=1, trunc=False)
    np.testing.assert_allclose(free[:, 0], [-0.2, 0.2, 0.6, 1.4])


def test_goalposts_of_a_negative_indicator_after_direction() -> None:
    raw = np.array([[1.0], [5.0], [9.0]])
    cols = _cols(1, lo=[1], hi=[9], direction=[-1])
    xd, mapped = apply_direction(raw, cols)
    np.testing.assert_allclose(goalposts(xd, mapped)[:, 0], [100, 50, 0])


def test_goalposts_missing_or_inverted_are_errors() -> None:
    with pytest.raises(MethodDataError, match=r"c1\. Give both goalposts"):
        goalposts(np.ones((2, 2)), _cols(2, lo=[0, nan], hi=[1, 1]))
    with pytest.raises(MethodDataError, match="not below"):
        goalposts(np.ones((2, 1)), _cols(1, lo=[2], hi=[1]))


def test_target_ratio_positive_and_flipped_negative() -> None:
    raw = np.array([[50.0, 2.0], [100.0, 4.0], [150.0, 8.0]])
    cols = _cols(2, target=[100, 4], direction=[1, -1])
    xd, mapped = apply_direction(raw, cols)
    out = target(xd, mapped)
    np.testing.assert_allclose(out[:, 0], [50, 100, 100])  # x / target, capped
    np.testing.assert_allclose(out[:, 1], [100, 100, 50])  # target / x in the own unit


def test_target_distance_formula_is_coinr_dist2targ_capped() -> None:
    x = np.array([[2.0], [5.0], [8.0], [12.0]])
    out = target(x, _cols(1, target=[10]), l=0, u=1, formula="distance")
    np.testing.assert_allclose(out[:, 0], 1 - (10 - x[:, 0].clip(max=10)) / (10 - 2))


def test_target_errors_name_the_columns() -> None:
    with pytest.raises(MethodDataError, match="no target value is set for c0"):
        target(np.ones((2, 2)), _cols(2, target=[nan, 1]))
    with pytest.raises(MethodDataError, match="target is 0"):
        target(np.ones((2, 1)), _cols(1, target=[0]))
    with pytest.raises(ValueError, match="formula"):
        target(np.ones((2, 1)), _cols(1, target=[1]), formula="x")


def test_best_ratio_and_negative_columns() -> None:
    np.testing.assert_allclose(best(X, COLS)[:, 0], X[:, 0] / 10 * 100)
    raw = np.array([[2.0], [4.0], [8.0]])
    xd, mapped = apply_direction(raw, _cols(1, direction=[-1]))
    np.testing.assert_allclose(best(xd, mapped)[:, 0], [100, 50, 25])  # min / x


def test_ratio_methods_refuse_mixed_signs() -> None:
    x = np.array([[-1.0], [2.0]])
    for f in (best, ratio_mean):
        with pytest.raises(MethodDataError, match="one sign"):
            f(x, _cols(1))


def test_ratio_mean() -> None:
    out = ratio_mean(X, COLS)
    np.testing.assert_allclose(out[:, 0], X[:, 0] / X[:, 0].mean() * 100)
    neg = ratio_mean(-X[:, :1], _cols(1), scale=1)
    np.testing.assert_allclose(neg[:, 0], X[:, 0].mean() / X[:, 0])


def test_rank_and_percentile_ties_min() -> None:
    x = np.array([[3.0], [1.0], [3.0], [nan], [7.0]])
    r = rank(x, _cols(1))
    np.testing.assert_array_equal(r[:, 0], [2, 1, 2, nan, 4])
    np.testing.assert_array_equal(
        r[[0, 1, 2, 4], 0], stats.rankdata(x[[0, 1, 2, 4], 0], method="min")
    )
    p = percentile(x, _cols(1), l=0, u=1)
    np.testing.assert_allclose(p[:, 0], [1 / 3, 0, 1 / 3, nan, 1])


def test_moderate_one_minus_relative_distance() -> None:
    raw = np.array([[1.0], [2.5], [7.0], [4.0]])
    xd, mapped = apply_direction(raw, _cols(1, direction=[0], band_lo=[2], band_hi=[3]))
    out = moderate(xd, mapped, l=0, u=1)
    np.testing.assert_allclose(out[:, 0], [1 - 1 / 4, 1, 0, 1 - 1 / 4])
    inside = moderate(np.zeros((3, 1)), mapped)
    np.testing.assert_array_equal(inside[:, 0], [100, 100, 100])


def test_moderate_needs_a_band_and_directed_data() -> None:
    with pytest.raises(MethodDataError, match="no optimal band"):
        moderate(-np.ones((2, 1)), _cols(1))
    with pytest.raises(MethodDataError, match="apply_direction"):
        moderate(np.ones((2, 1)), _cols(1, band_lo=[0], band_hi=[1]))


def test_shape_mismatch() -> None:
    with pytest.raises(ValueError, match=r"\(\.\.\., n, k\)"):
        minmax(np.ones(3), _cols(3))


# --- documented outcome for constant and all-missing columns --------------------------

EMPTY_CONST = np.array([[nan, 5.0, 1.0], [nan, 5.0, 2.0], [nan, 5.0, 3.0]])


def _run(f, **kw):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = f(EMPTY_CONST, _cols(3, **kw))
    return out, [w.message for w in rec if isinstance(w.message, DegenerateColumnWarning)]


@pytest.mark.parametrize("f", [minmax, zscore])
def test_spread_methods_give_nan_and_name_empty_and_constant_columns(f) -> None:  # type: ignore[no-untyped-def]
    out, warned = _run(f)
    assert np.isnan(out[:, :2]).all() and not np.isnan(out[:, 2]).any()
    named = {c for w in warned for c in w.codes}
    assert named == {"c0", "c1"}


@pytest.mark.parametrize(
    ("f", "kw", "constant_value"),
    [
        (goalposts, {"lo": [0, 0, 0], "hi": [10, 10, 10]}, 50.0),
        (target, {"target": [10, 10, 10]}, 50.0),
        (best, {}, 100.0),
        (ratio_mean, {}, 100.0),
        (rank, {}, 1.0),
        (percentile, {}, 0.0),
    ],
)
def test_other_methods_define_constant_columns_and_warn_on_empty(f, kw, constant_value) -> None:  # type: ignore[no-untyped-def]
    out, warned = _run(f, **kw)
    assert np.isnan(out[:, 0]).all()
    np.testing.assert_allclose(out[:, 1], constant_value)
    assert [w.codes for w in warned] == [("c0",)]
    assert "no data" in str(warned[0])
