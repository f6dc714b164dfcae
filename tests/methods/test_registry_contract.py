"""The registry contract: one common test over every method of every registry.

Like scikit-learn's ``check_estimator``, every method registered in
``qcity.methods.registry`` (CONTRIBUTING.md, "Methods are pure functions on arrays") is
checked for what its kind promises, so a new method is held to the contract without
writing these checks again:

- signature: the kind's data arguments first (named as in CONTRIBUTING.md's table), every
  other parameter has a default and can be given by keyword (a framework may omit it), no
  ``**kwargs`` (a misspelt setting is an error) and no setting named like one the engine
  reads itself (``ENGINE_PARAMS``);
- docstring: a summary line, and a formula or a source (methods named ``none`` are the
  identity and only say so);
- purity: the input arrays are not changed;
- determinism: two calls give the same result;
- shape and NaN handling per kind (below, one test per kind).

Methods that cannot run on plain data without settings get them from ``PARAMS`` (the same
settings a framework would give); ``COLUMNS`` gives the per-column facts a normaliser needs.
"""

from __future__ import annotations

import inspect
import re
import warnings
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from qcity.methods.columns import Columns
from qcity.methods.registry import ALL, ENGINE_PARAMS
from qcity.methods.screen import ScreenResult
from qcity.methods.treat import TreatResult

T, N, K = 3, 12, 4
"""Periods, units and indicators (children) of the test data."""

DATA_ARGS: dict[str, tuple[str, ...]] = {
    "impute": ("x", "groups"),
    "screen": ("x",),
    "treat": ("x",),
    "transform": ("x",),
    "normalise": ("x", "cols"),
    "weighting": ("x", "nominal"),
    "aggregate": ("x", "w"),
}
"""The data arguments of each kind, in order (CONTRIBUTING.md's table)."""

KEYWORD_DATA: dict[str, str] = {"treat": "codes"}
"""Data a kind takes by keyword, default None (a treatment's column codes)."""

PARAMS: dict[tuple[str, str], dict[str, Any]] = {
    ("weighting", "ahp"): {
        "matrix": [[1, 3, 5, 1], ["1/3", 1, 2, "1/3"], ["1/5", "1/2", 1, "1/5"], [1, 3, 5, 1]]
    },
    ("weighting", "combined"): {
        "subjective": {"method": "equal"},
        "objective": {"method": "entropy"},
    },
    # elementwise (the kind's contract) only with lambda given; None estimates it from x
    ("transform", "boxcox"): {"lmbda": 0.5},
}
"""Settings without which a method cannot run (a framework gives them)."""

IDENTITY = "none"
"""The name of a kind's do-nothing method: its docstring needs no formula or source."""

FORMULA = re.compile(r"[=^]|\w\s*/\s*\w|\b(?:ln|log10|exp|sqrt|max|min|sum|mean)\s*\(")
SOURCE = re.compile(r"\b(?:1[89]|20)\d\d\b|COINr|OECD|UNDP|Handbook|\bR ``|et al\.")

CASES = [(kind, name) for kind, registry in ALL.items() for name in registry.names()]
IDS = [f"{kind}/{name}" for kind, name in CASES]


def _rng() -> np.random.Generator:
    return np.random.default_rng(20)


def _panel() -> np.ndarray:
    """(T, N, K) positive values with gaps: scattered ones, a unit missing everything in
    period 1, an indicator missing for the first two units in period 2."""
    x = _rng().uniform(1.0, 100.0, (T, N, K))
    x[0, 1, 2] = x[1, 3, 0] = x[2, 5, 1] = np.nan
    x[1, 6, :] = np.nan
    x[2, :2, 3] = np.nan
    return x


def _one_period() -> np.ndarray:
    """(N * 3, K) values of one period, one column skewed with outliers so a treatment
    has something to do, and two gaps."""
    rng = _rng()
    x = rng.uniform(1.0, 100.0, (N * 3, K))
    x[:, 0] = rng.lognormal(0.0, 1.0, N * 3)
    x[:3, 0] = [400.0, 900.0, 2500.0]
    x[4, 1] = x[7, 2] = np.nan
    return x


def _columns(name: str, x: np.ndarray) -> tuple[np.ndarray, Columns]:
    """Data and column facts fit for normaliser ``name`` (after ``apply_direction``)."""
    cols = Columns.plain(K)
    if name == "moderate":
        # a moderate column holds -d, d the distance to the optimal band
        d = np.where(np.arange(x.size).reshape(x.shape) % 5 == 0, 0.0, x / 10.0)
        band = np.full(K, 1.0)
        return -d, replace(cols, direction=np.zeros(K), band_lo=band, band_hi=band * 2)
    if name == "goalposts":
        return x, replace(cols, lo=np.full(K, 0.0), hi=np.full(K, 120.0))
    if name == "target":
        return x, replace(cols, target=np.full(K, 80.0))
    return x, cols


def _call(kind: str, name: str, data: dict[str, Any]) -> Any:
    """Run method ``name`` of ``kind`` on ``data`` (its data arguments, by keyword after
    ``x``) with the settings of ``PARAMS``; warnings about degenerate data are allowed."""
    func = ALL[kind].get(name)
    args = dict(data)
    x = args.pop("x")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(x, **args, **PARAMS.get((kind, name), {}))


def _inputs(kind: str, name: str) -> dict[str, Any]:
    """Valid data arguments for a method of ``kind``, keyed by argument name."""
    if kind == "impute":
        return {"x": _panel(), "groups": np.array(["a", "b", "c"] * (N // 3))}
    if kind == "screen":
        return {"x": _panel()}
    if kind == "treat":
        return {"x": _one_period(), "codes": tuple(f"c{j}" for j in range(K))}
    if kind == "transform":
        return {"x": _one_period()}
    if kind == "normalise":
        x, cols = _columns(name, _panel())
        return {"x": x, "cols": cols}
    if kind == "weighting":
        # the children's normalised values, rows pooled over periods and units
        return {"x": _panel().reshape(T * N, K), "nominal": np.array([2.0, 1.0, 1.0, 1.0])}
    if kind == "aggregate":
        return {"x": _panel(), "w": np.full(K, 1.0 / K)}
    raise AssertionError(f"no test data for kind {kind!r}: add it to _inputs")


def _snapshot(value: Any) -> Any:
    """A deep copy of a method's argument or result that ``_same`` can compare."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, pd.DataFrame):
        return value.copy(deep=True)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _snapshot(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {key: _snapshot(v) for key, v in value.items()}
    return value


def _same(a: Any, b: Any) -> bool:
    """Equal values, NaN equal to NaN, the same dtypes and shapes."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, pd.DataFrame):
        return isinstance(b, pd.DataFrame) and a.equals(b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def test_every_kind_has_methods_and_test_data() -> None:
    """Each registry holds methods, and this test knows each kind's data arguments."""
    assert set(ALL) == set(DATA_ARGS)
    for kind, registry in ALL.items():
        assert registry.names(), f"registry {kind} is empty"
        expected = set(DATA_ARGS[kind]) | ({KEYWORD_DATA[kind]} if kind in KEYWORD_DATA else set())
        assert set(_inputs(kind, registry.names()[0])) == expected


def test_params_name_registered_methods() -> None:
    """``PARAMS`` does not outlive a method or a parameter."""
    for (kind, name), params in PARAMS.items():
        assert name in ALL[kind], f"PARAMS names {kind}/{name}, which is not registered"
        assert set(params) <= set(inspect.signature(ALL[kind].get(name)).parameters)


@pytest.mark.parametrize(("kind", "name"), CASES, ids=IDS)
def test_signature(kind: str, name: str) -> None:
    """The kind's data arguments first; every setting has a default and a keyword."""
    params = list(inspect.signature(ALL[kind].get(name)).parameters.values())
    data = DATA_ARGS[kind]
    assert tuple(p.name for p in params[: len(data)]) == data
    for p in params:
        assert p.kind not in (p.VAR_POSITIONAL, p.POSITIONAL_ONLY), f"{name}: {p} has no keyword"
    settings = params[len(data) :]
    missing = [p.name for p in settings if p.default is p.empty]
    assert not missing, f"{kind}/{name}: settings without a default: {missing}"
    # a misspelt setting in a framework is an error, not silently ignored
    assert all(p.kind != p.VAR_KEYWORD for p in params), f"{kind}/{name} takes **kwargs"
    # the engine reads these itself and never passes them to the method
    taken = set(ENGINE_PARAMS.get(kind, ())) & {p.name for p in settings}
    assert not taken, f"{kind}/{name}: settings named like the engine's own: {taken}"
    # optional data (an impute's groups, a treatment's codes) defaults to None
    by_name = {p.name: p for p in params}
    optional = [a for a in (*DATA_ARGS[kind], KEYWORD_DATA.get(kind)) if a in ("groups", "codes")]
    for arg in optional:
        assert arg in by_name and by_name[arg].default is None, f"{kind}/{name}: {arg}=None"


@pytest.mark.parametrize(("kind", "name"), CASES, ids=IDS)
def test_docstring(kind: str, name: str) -> None:
    """A summary line (``Registry.describe``), then a formula or a source."""
    doc = inspect.getdoc(ALL[kind].get(name)) or ""
    assert ALL[kind].describe(name), f"{kind}/{name} has no docstring"
    if name != IDENTITY:
        assert FORMULA.search(doc) or SOURCE.search(doc), (
            f"{kind}/{name}: the docstring gives neither a formula nor a source:\n{doc}"
        )


@pytest.mark.parametrize(("kind", "name"), CASES, ids=IDS)
def test_pure_and_deterministic(kind: str, name: str) -> None:
    """The inputs come back unchanged and a second call gives the same result."""
    data = _inputs(kind, name)
    before = _snapshot(data)
    first = _snapshot(_call(kind, name, data))
    for arg, value in data.items():
        assert _same(_snapshot(value), before[arg]), f"{kind}/{name} changed its input {arg}"
    assert _same(_snapshot(_call(kind, name, data)), first), f"{kind}/{name} is not deterministic"


def _cases(kind: str) -> list[str]:
    return ALL[kind].names()


@pytest.mark.parametrize("name", _cases("impute"))
def test_impute(name: str) -> None:
    """(T, n, k) in and out; observed values kept; a gap is only ever filled."""
    data = _inputs("impute", name)
    x = data["x"]
    out = _call("impute", name, data)
    assert isinstance(out, np.ndarray) and out.shape == x.shape
    seen = ~np.isnan(x)
    np.testing.assert_array_equal(out[seen], x[seen])
    assert not (np.isnan(out) & seen).any()
    # without groups as well
    np.testing.assert_array_equal(_call("impute", name, {**data, "groups": None})[seen], x[seen])


@pytest.mark.parametrize("name", _cases("screen"))
def test_screen(name: str) -> None:
    """Keep flags per period, (T, n) and (T, k); unit availability is the share of the
    unit's indicators present in the period (so a unit missing everything has 0)."""
    x = _inputs("screen", name)["x"]
    res = _call("screen", name, {"x": x})
    assert isinstance(res, ScreenResult)
    assert res.unit_keep.shape == res.unit_availability.shape == (T, N)
    assert res.indicator_keep.shape == res.indicator_availability.shape == (T, K)
    assert res.unit_keep.dtype == bool and res.indicator_keep.dtype == bool
    np.testing.assert_allclose(res.unit_availability, 1 - np.isnan(x).mean(axis=2))
    assert res.unit_availability[1, 6] == 0
    av = res.indicator_availability
    assert ((av >= 0) & (av <= 1)).all()


@pytest.mark.parametrize("name", _cases("treat"))
def test_treat(name: str) -> None:
    """(n, k) values and int8 points; a gap stays a gap; each column treated on its own
    (the engine may split the columns over threads)."""
    data = _inputs("treat", name)
    x = data["x"]
    res = _call("treat", name, data)
    assert isinstance(res, TreatResult)
    assert res.values.shape == res.points.shape == x.shape
    assert res.points.dtype == np.int8
    assert set(np.unique(res.points)) <= {-1, 0, 1, 2}
    np.testing.assert_array_equal(np.isnan(res.values), np.isnan(x))
    assert (res.points[np.isnan(x)] == 0).all()
    assert isinstance(res.details, pd.DataFrame) and len(res.details) in (0, K)
    for j in range(K):
        alone = _call("treat", name, {"x": x[:, [j]], "codes": (data["codes"][j],)})
        np.testing.assert_array_equal(alone.values[:, 0], res.values[:, j])
        np.testing.assert_array_equal(alone.points[:, 0], res.points[:, j])


@pytest.mark.parametrize("name", _cases("transform"))
def test_transform(name: str) -> None:
    """Elementwise: the same shape, each value transformed on its own, NaN stays NaN."""
    x = _inputs("transform", name)["x"]
    out = _call("transform", name, {"x": x})
    assert isinstance(out, np.ndarray) and out.shape == x.shape
    np.testing.assert_array_equal(np.isnan(out), np.isnan(x))
    assert np.isfinite(out[~np.isnan(x)]).all()
    one_by_one = np.array([_call("transform", name, {"x": v}) for v in x.ravel()])
    np.testing.assert_allclose(one_by_one.reshape(x.shape), out)


@pytest.mark.parametrize("name", _cases("normalise"))
def test_normalise(name: str) -> None:
    """Any leading shape (..., n, k): reduces over the units of each period on its own; a
    gap stays a gap and a present value gets a number."""
    data = _inputs("normalise", name)
    x, cols = data["x"], data["cols"]
    out = _call("normalise", name, data)
    assert isinstance(out, np.ndarray) and out.shape == x.shape
    np.testing.assert_array_equal(np.isnan(out), np.isnan(x))
    per_period = np.stack([_call("normalise", name, {"x": x[t], "cols": cols}) for t in range(T)])
    np.testing.assert_allclose(per_period, out)


@pytest.mark.parametrize("name", _cases("weighting"))
def test_weighting(name: str) -> None:
    """(m, c) in, (c,) out: finite, non-negative, summing to 1, also with gaps in x."""
    data = _inputs("weighting", name)
    w = _call("weighting", name, data)
    assert isinstance(w, np.ndarray) and w.shape == (K,)
    assert np.isfinite(w).all() and (w >= 0).all()
    assert w.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("name", _cases("aggregate"))
def test_aggregate(name: str) -> None:
    """(..., n, c) in, (..., n) out; a unit missing every child scores NaN, a unit with
    every child scores a number; one period alone gives the same scores."""
    data = _inputs("aggregate", name)
    x = data["x"]
    out = _call("aggregate", name, data)
    assert isinstance(out, np.ndarray) and out.shape == (T, N)
    assert np.isnan(out[1, 6])
    complete = ~np.isnan(x).any(axis=2)
    assert np.isfinite(out[complete]).all()
    for t in range(T):
        np.testing.assert_allclose(_call("aggregate", name, {"x": x[t], "w": data["w"]}), out[t])


def test_contract_covers_every_registered_method() -> None:
    """Every kind has its per-kind test above, so no registered method escapes them."""
    per_kind: dict[str, Callable[..., None]] = {
        "impute": test_impute,
        "screen": test_screen,
        "treat": test_treat,
        "transform": test_transform,
        "normalise": test_normalise,
        "weighting": test_weighting,
        "aggregate": test_aggregate,
    }
    assert set(per_kind) == set(ALL)


def test_the_contract_catches_bad_methods(monkeypatch: pytest.MonkeyPatch) -> None:
    """A method that changes its input, one that is not deterministic, one without a
    formula or source and one with a setting lacking a default all fail the contract."""
    draws = iter(range(100))

    def mutates(x: np.ndarray) -> np.ndarray:
        """Changes x in place: x = x + 1."""
        x += 1
        return x

    def random(x: np.ndarray) -> np.ndarray:
        """Adds a counter: x + c (not deterministic)."""
        return x + next(draws)

    def vague(x: np.ndarray) -> np.ndarray:
        """Does something."""
        return x

    def needs(x: np.ndarray, factor: float) -> np.ndarray:
        """x * factor."""
        return x * factor

    for name, func in [("mutates", mutates), ("random", random), ("vague", vague)]:
        monkeypatch.setitem(ALL["transform"]._methods, name, func)
    monkeypatch.setitem(ALL["transform"]._methods, "needs", needs)
    for name in ("mutates", "random"):
        with pytest.raises(AssertionError):
            test_pure_and_deterministic("transform", name)
    with pytest.raises(AssertionError, match="neither a formula nor a source"):
        test_docstring("transform", "vague")
    with pytest.raises(AssertionError, match="without a default"):
        test_signature("transform", "needs")
