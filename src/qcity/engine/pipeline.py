"""Run a step log over a panel: denominate, screen, impute, treat, normalise, weight,
aggregate. Pure: the same framework, data and log always give the same result."""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from qcity.engine.methods.columns import Columns
from qcity.engine.methods.denominate import denominate
from qcity.engine.methods.direction import apply_direction
from qcity.engine.methods.errors import DegenerateColumnWarning
from qcity.engine.panel import Panel
from qcity.engine.registry import (
    AGGREGATORS,
    ENGINE_PARAMS,
    IMPUTERS,
    NORMALISERS,
    SCREENS,
    TRANSFORMS,
    TREATMENTS,
    WEIGHTINGS,
)
from qcity.engine.steps import STEP_KIND, Step
from qcity.engine.tree import Tree
from qcity.framework.model import Framework, Indicator, MethodSpec, Moderate, Node


class EvaluationError(ValueError):
    """The data or the configuration cannot be evaluated; the message says what to do."""


@dataclass
class Results:
    """Everything one run produced, as arrays aligned with the panel's labels."""

    datasets: dict[str, Panel]
    tree: Tree
    scores: dict[str, np.ndarray]
    weights: dict[str, np.ndarray]
    imputed: np.ndarray
    points: np.ndarray
    unit_keep: np.ndarray
    treatment: pd.DataFrame
    exclusions: pd.DataFrame
    scale: tuple[float, float]
    warnings: list[str] = field(default_factory=list)


@contextmanager
def _noting(notes: list[str], step: str) -> Iterator[None]:
    """Collect the methods' warnings about degenerate columns into ``notes``; silence
    numpy's NaN arithmetic warnings (NaN is handled explicitly)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DegenerateColumnWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        yield
    for w in caught:
        if issubclass(w.category, DegenerateColumnWarning):
            notes.append(f"{step}: {w.message}")


def _split(step: Step) -> tuple[dict[str, Any], dict[str, Any]]:
    """(engine options, method parameters) of a step."""
    own = ENGINE_PARAMS.get(STEP_KIND.get(step.name, step.name), ())
    engine = {k: v for k, v in step.params.items() if k in own}
    method = {k: v for k, v in step.params.items() if k not in own}
    return engine, method


def _columns(indicators: list[Indicator], target_year: int | None) -> Columns:
    """Per-indicator facts as arrays, goalposts mapped through the indicator's transform."""
    k = len(indicators)
    cols = Columns.plain(k, tuple(i.code for i in indicators))
    for j, ind in enumerate(indicators):
        if isinstance(ind.direction, Moderate):
            cols.direction[j] = 0
            lo, hi = ind.direction.band or (ind.direction.optimal, ind.direction.optimal)
            cols.band_lo[j], cols.band_hi[j] = lo, hi
        else:
            cols.direction[j] = ind.direction
        if ind.goalposts is not None:
            gp = np.array([ind.goalposts.lo, ind.goalposts.hi], dtype=float)
            if ind.transform is not None and ind.transform.method != "none":
                gp = TRANSFORMS.get(ind.transform.method)(gp, **ind.transform.params)
            cols.lo[j], cols.hi[j] = gp
        if ind.targets:
            year = target_year if target_year in ind.targets else max(ind.targets)
            cols.target[j] = ind.targets[year]
    return cols


def _resolve(
    fw_index: dict[str, Node | Indicator],
    tree: Tree,
    code: str,
    setting: str,
    default: MethodSpec,
) -> MethodSpec:
    """The method setting in force at ``code``: its own or its nearest ancestor's in the
    framework, else the step's default."""
    for c in tree.path(code):
        value = getattr(fw_index[c], setting, None)
        if value is not None:
            return value
    return default


def _key(spec: MethodSpec) -> str:
    return json.dumps(spec.model_dump(mode="json"), sort_keys=True, default=str)


@dataclass
class _State:
    """What the steps before normalisation pass on: data, codes left, tree, flags."""

    x: np.ndarray
    codes: list[str]
    tree: Tree
    imputed: np.ndarray
    unit_keep: np.ndarray
    exclusions: list[dict[str, Any]] = field(default_factory=list)

    def panel(self, raw: Panel) -> Panel:
        return Panel(self.x.copy(), raw.periods, raw.units, tuple(self.codes))


DATASET_OF = {"denominate": "denominated", "screen": "screened", "impute": "imputed"}


def run_pipeline(
    fw: Framework, data: Panel, units: pd.DataFrame | None, log: list[Step]
) -> Results:
    """Run ``log`` over ``data`` (which may hold denominator series besides indicators)."""
    tree = Tree.from_framework(fw)
    index: dict[str, Node | Indicator] = {n.code: n for n, _, _ in fw.walk()}
    raw = data.select(tree.indicators)
    T, N, _ = raw.values.shape
    st = _State(
        x=raw.values.copy(),
        codes=list(raw.codes),
        tree=tree,
        imputed=np.zeros(raw.values.shape, dtype=bool),
        unit_keep=np.ones((T, N), dtype=bool),
    )
    datasets: dict[str, Panel] = {"raw": raw}
    notes: list[str] = []
    by_name = {s.name: s for s in log}
    for step in log:
        if step.name not in DATASET_OF:
            continue
        with _noting(notes, step.name):
            _early_step(step, st, raw, data, units, index)
        datasets[DATASET_OF[step.name]] = st.panel(raw)

    by_code = {i.code: i for i in fw.indicators()}
    indicators = [by_code[c] for c in st.codes]
    with _noting(notes, "treat"):
        st.x, points, treatment = _treat(by_name["treat"], st.x, indicators, raw.periods)
    datasets["treated"] = st.panel(raw)
    _require_data(st.x, st.codes)

    norm_step = by_name["normalise"]
    engine, params = _split(norm_step)
    with _noting(notes, "normalise"):
        st.x = _normalise(st.x, indicators, index, st.tree, norm_step, engine, params)
    st.x[~st.unit_keep] = np.nan
    datasets["normalised"] = st.panel(raw)

    scores = {c: st.x[:, :, j] for j, c in enumerate(st.codes)}
    with _noting(notes, "aggregate"):
        weights = _aggregate(
            scores, st.tree, index, by_name["weight"], by_name["aggregate"], st.unit_keep
        )
    return Results(
        datasets=datasets,
        tree=st.tree,
        scores=scores,
        weights=weights,
        imputed=st.imputed,
        points=points,
        unit_keep=st.unit_keep,
        treatment=treatment,
        exclusions=pd.DataFrame(
            st.exclusions,
            columns=["kind", "code", "period", "availability", "threshold", "reason"],
        ),
        scale=(float(params.get("l", 0.0)), float(params.get("u", 100.0))),
        warnings=notes,
    )


def _early_step(
    step: Step,
    st: _State,
    raw: Panel,
    data: Panel,
    units: pd.DataFrame | None,
    index: dict[str, Node | Indicator],
) -> None:
    """Denominate, screen or impute (the steps whose order the framework may choose)."""
    engine, params = _split(step)
    if step.name == "denominate":
        if step.method == "ratio":
            st.x = _denominate(st.x, st.codes, data, index)
    elif step.name == "screen":
        before = list(st.codes)
        st.x, st.codes, st.tree = _screen(
            step, params, st.x, st.codes, st.tree, st.unit_keep, raw, st.exclusions
        )
        st.imputed = st.imputed[:, :, [before.index(c) for c in st.codes]]
    elif step.name == "impute":
        missing = np.isnan(st.x)
        groups = _groups(engine.get("group"), raw.units, units)
        st.x = IMPUTERS.get(step.method)(st.x, groups, **params)
        st.x[~st.unit_keep] = np.nan
        st.imputed |= missing & ~np.isnan(st.x)


def _require_data(x: np.ndarray, codes: list[str]) -> None:
    """Fail clearly when an indicator has no value at all (nothing to normalise)."""
    empty = np.isnan(x).all(axis=(0, 1))
    if empty.any():
        names = ", ".join(c for c, e in zip(codes, empty, strict=True) if e)
        raise EvaluationError(
            f"indicator(s) {names} have no data in any period for these units; add data, "
            "or let screening drop them (pipeline.screen: availability with an "
            "indicator_threshold above 0)"
        )


def _denominate(
    x: np.ndarray, codes: list[str], data: Panel, index: dict[str, Node | Indicator]
) -> np.ndarray:
    """Divide each indicator that names a denominator series by it (COINr ``Denominate``)."""
    out = x.copy()
    for j, code in enumerate(codes):
        ind = index[code]
        if not isinstance(ind, Indicator) or ind.denominator is None:
            continue
        series = ind.denominator.series
        if series not in data.codes:
            raise EvaluationError(
                f"indicator {code} is divided by the series {series!r}, which is not in the "
                f"data; add rows with indicator={series} or remove its 'denominator'"
            )
        d = data.values[:, :, data.codes.index(series)]
        out[:, :, j] = denominate(x[:, :, j], d, ind.denominator.scale)
    return out


def _screen(
    step: Step,
    params: dict[str, Any],
    x: np.ndarray,
    codes: list[str],
    tree: Tree,
    unit_keep: np.ndarray,
    raw: Panel,
    exclusions: list[dict[str, Any]],
) -> tuple[np.ndarray, list[str], Tree]:
    """Drop units (per period) and indicators with too little data, recording why."""
    res = SCREENS.get(step.method)(x, **params)
    dropped_units = unit_keep & ~res.unit_keep
    unit_keep &= res.unit_keep
    thr_u = params.get("unit_threshold")
    for t, n in zip(*np.nonzero(dropped_units), strict=True):
        exclusions.append(
            {
                "kind": "unit",
                "code": raw.units[n],
                "period": raw.periods[t],
                "availability": float(res.unit_availability[t, n]),
                "threshold": thr_u,
                "reason": "data availability below the threshold",
            }
        )
    thr_i = params.get("indicator_threshold")
    for j in np.flatnonzero(~res.indicator_keep):
        exclusions.append(
            {
                "kind": "indicator",
                "code": codes[j],
                "period": None,
                "availability": float(res.indicator_availability[j]),
                "threshold": thr_i,
                "reason": "data availability below the threshold",
            }
        )
    keep = np.flatnonzero(res.indicator_keep)
    if len(keep) == 0:
        raise EvaluationError("screening removed every indicator; lower the thresholds")
    x = x[:, :, keep].copy()
    x[~unit_keep] = np.nan
    kept = [codes[j] for j in keep]
    tree = tree.without({c for c in codes if c not in kept})
    return x, kept, tree


def _groups(attr: str | None, unit_codes: tuple[str, ...], units: pd.DataFrame | None) -> Any:
    """The group label of each unit for group-wise imputation (None: no groups)."""
    if attr is None:
        return None
    if units is None or attr not in units.columns:
        raise EvaluationError(
            f"imputation by group {attr!r} needs a units table with a column {attr!r} "
            "(give --units U.csv or name units_file in the framework)"
        )
    labels = units.set_index("code")[attr].reindex(list(unit_codes))
    missing = [u for u, v in zip(unit_codes, labels, strict=True) if pd.isna(v)]
    if missing:
        raise EvaluationError(
            f"units without a {attr!r} value: {', '.join(missing[:10])}; fill it in the units table"
        )
    return labels.to_numpy(dtype=object)


PARALLEL_CELLS = 1_000_000
"""Treatment of more cells than this is split over the machine's cores (threads)."""


def _workers(cells: int) -> int:
    """Number of threads for a column-wise method on ``cells`` values."""
    return max(1, min(os.cpu_count() or 1, 4)) if cells > PARALLEL_CELLS else 1


def _treat(
    step: Step, x: np.ndarray, indicators: list[Indicator], periods: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Explicit per-indicator transforms, then the outlier rule per period on the rest
    (each indicator in each period is one column for the treatment method)."""
    x = x.copy()
    points = np.zeros(x.shape, dtype=np.int8)
    auto: list[int] = []
    for j, ind in enumerate(indicators):
        tr = ind.transform
        if tr is not None and tr.method != "none":
            try:
                x[:, :, j] = TRANSFORMS.get(tr.method)(x[:, :, j], **tr.params)
            except ValueError as exc:
                raise EvaluationError(f"transform of indicator {ind.code}: {exc}") from exc
            points[:, :, j] = np.where(np.isnan(x[:, :, j]), 0, 2)
        else:
            auto.append(j)
    table = pd.DataFrame()
    if step.method != "none" and auto:
        # Treatment works column by column, so every (period, indicator) is one column
        # of an (n, T*k) matrix, kept column-contiguous (rows of ``cols``), and treated
        # in one call per thread.
        T, n, _ = x.shape
        k = len(auto)
        cols = np.ascontiguousarray(x[:, :, auto].transpose(0, 2, 1).reshape(T * k, n))
        pts = np.zeros(cols.shape, dtype=np.int8)
        has = np.flatnonzero(~np.isnan(cols).all(axis=1))  # skip periods without data
        codes = np.array([indicators[j].code for j in auto] * T, dtype=object)
        f = TREATMENTS.get(step.method)
        chunks = np.array_split(has, _workers(n * len(has)))
        with ThreadPoolExecutor(len(chunks)) as pool:  # numpy releases the GIL
            parts = list(
                pool.map(lambda c: f(cols[c].T, codes=list(codes[c]), **step.params), chunks)
            )
        for c, res in zip(chunks, parts, strict=True):
            cols[c], pts[c] = res.values.T, res.points.T
        x[:, :, auto] = cols.reshape(T, k, n).transpose(0, 2, 1)
        points[:, :, auto] = pts.reshape(T, k, n).transpose(0, 2, 1)
        table = pd.concat([r.details for r in parts]).reset_index()
        table = table.rename(columns={"code": "indicator"})
        table.insert(0, "period", np.repeat(np.array(periods, dtype=object), k)[has])
    return x, points, table


def _normalise(
    x: np.ndarray,
    indicators: list[Indicator],
    index: dict[str, Node | Indicator],
    tree: Tree,
    step: Step,
    engine: dict[str, Any],
    params: dict[str, Any],
) -> np.ndarray:
    """Apply each indicator's normaliser (its own, an ancestor's or the step's) after its
    direction, per period or pooled over periods."""
    from qcity.framework.model import NormaliseSpec

    default = NormaliseSpec(method=step.method, params=params, scope=engine.get("scope", "period"))
    cols_all = _columns(indicators, engine.get("target_year"))
    groups: dict[str, list[int]] = {}
    specs: dict[str, NormaliseSpec] = {}
    for j, ind in enumerate(indicators):
        spec = _resolve(index, tree, ind.code, "normalise", default)
        assert isinstance(spec, NormaliseSpec)
        groups.setdefault(_key(spec), []).append(j)
        specs[_key(spec)] = spec
    out = np.full_like(x, np.nan)
    T, N, _ = x.shape
    for key, idx in groups.items():
        spec = specs[key]
        cols = cols_all.subset(idx)
        xd, cols_d = apply_direction(x[:, :, idx], cols)
        if spec.scope == "pooled":
            xd = xd.reshape(1, T * N, len(idx))
        f = NORMALISERS.get(spec.method)
        try:
            y = f(xd, cols_d, **spec.params)
        except ValueError as exc:
            raise EvaluationError(f"normalisation ({spec.method}): {exc}") from exc
        out[:, :, idx] = y.reshape(T, N, len(idx))
    return out


def _aggregate(
    scores: dict[str, np.ndarray],
    tree: Tree,
    index: dict[str, Node | Indicator],
    weight_step: Step,
    agg_step: Step,
    unit_keep: np.ndarray,
) -> dict[str, np.ndarray]:
    """Weight and aggregate bottom-up; returns the weights used at each node."""
    w_engine, w_params = _split(weight_step)
    a_engine, a_params = _split(agg_step)
    nominal_override: dict[str, float] = dict(w_engine.get("nominal") or {})
    w_default = MethodSpec(method=weight_step.method, params=w_params)
    a_default = MethodSpec(method=agg_step.method, params=a_params)
    used: dict[str, np.ndarray] = {}
    for node in tree.nodes:
        kids = tree.children[node]
        X = np.stack([scores[k] for k in kids], axis=-1)
        nominal = np.array([nominal_override.get(k, tree.weight[k]) for k in kids], dtype=float)
        wspec = _resolve(index, tree, node, "weighting", w_default)
        try:
            w = WEIGHTINGS.get(wspec.method)(X.reshape(-1, len(kids)), nominal, **wspec.params)
        except ValueError as exc:
            raise EvaluationError(
                f"weights of {node}'s children {', '.join(kids)} ({wspec.method}): {exc}"
            ) from exc
        aspec = _resolve(index, tree, node, "aggregate", a_default)
        try:
            s = AGGREGATORS.get(aspec.method)(X, np.asarray(w, dtype=float), **aspec.params)
        except ValueError as exc:
            raise EvaluationError(f"aggregation of {node} ({aspec.method}): {exc}") from exc
        node_obj = index[node]
        min_cov = getattr(node_obj, "min_coverage", None) or a_engine.get("min_coverage")
        if min_cov:
            coverage = (~np.isnan(X)).mean(axis=-1)
            s = np.where(coverage + 1e-12 >= float(min_cov), s, np.nan)
        s = np.where(unit_keep, s, np.nan)
        scores[node] = s
        used[node] = np.asarray(w, dtype=float)
    return used
