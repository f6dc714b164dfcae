"""Normalisation per indicator and bottom-up weighting and aggregation of the tree, each
node with the method in force there (its own, an ancestor's or the step's default)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from qcity.engine import scale
from qcity.engine.errors import EvaluationError
from qcity.engine.steps import Step, split_params
from qcity.engine.tree import Tree
from qcity.framework.model import (
    Indicator,
    MethodSpec,
    Moderate,
    Node,
    NormaliseSpec,
    setting_in_force,
)
from qcity.methods.aggregate import needs_positive
from qcity.methods.columns import Columns
from qcity.methods.direction import apply_direction
from qcity.methods.errors import note
from qcity.methods.registry import AGGREGATORS, NORMALISERS, TRANSFORMS, WEIGHTINGS


def columns_of(indicators: list[Indicator], target_year: int | None) -> Columns:
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


def resolve(
    fw_index: dict[str, Node | Indicator],
    tree: Tree,
    code: str,
    setting: str,
    default: MethodSpec,
) -> MethodSpec:
    """The method setting in force at ``code`` in the (possibly screened) tree, by the
    framework's one rule (``setting_in_force``); ``default`` is the step's method."""
    return setting_in_force([fw_index[c] for c in tree.path(code)], setting, default)


def _key(spec: MethodSpec) -> str:
    return json.dumps(spec.model_dump(mode="json"), sort_keys=True, default=str)


def normalise_specs(
    indicators: list[Indicator],
    index: dict[str, Node | Indicator],
    tree: Tree,
    step: Step,
) -> dict[str, NormaliseSpec]:
    """The normalisation in force at each indicator (its own, an ancestor's or the step's)."""
    engine, params = split_params(step)
    default = NormaliseSpec(method=step.method, params=params, scope=engine.get("scope", "period"))
    specs: dict[str, NormaliseSpec] = {}
    for ind in indicators:
        spec = resolve(index, tree, ind.code, "normalise", default)
        assert isinstance(spec, NormaliseSpec)
        specs[ind.code] = spec
    return specs


def aggregator_names(
    tree: Tree, index: dict[str, Node | Indicator], agg_step: Step
) -> dict[str, str]:
    """The aggregation method in force at each node of the tree."""
    _, params = split_params(agg_step)
    default = MethodSpec(method=agg_step.method, params=params)
    return {node: resolve(index, tree, node, "aggregate", default).method for node in tree.nodes}


def normalise(
    x: np.ndarray,
    indicators: list[Indicator],
    index: dict[str, Node | Indicator],
    tree: Tree,
    step: Step,
    engine: dict[str, Any],
    periods: tuple[str, ...] = (),
    goalposts: list[dict[str, Any]] | None = None,
) -> np.ndarray:
    """Apply each indicator's normaliser (its own, an ancestor's or the step's) after its
    direction, per period, pooled over periods, or on goalposts frozen from the reference
    period (``scope: reference``, see ``scale``; their rows are added to ``goalposts``)."""
    cols_all = columns_of(indicators, engine.get("target_year"))
    years = scale.reference_years(engine.get("reference"))
    ref = scale.reference_mask(periods, years)
    pinned = engine.get("goalposts") or {}
    if not isinstance(pinned, dict):
        raise EvaluationError(
            f"the goalposts in the normalise step are {pinned!r}; give them by indicator "
            "code, {CODE: [lo, hi], ...}"
        )
    groups: dict[str, list[int]] = {}
    specs: dict[str, NormaliseSpec] = {}
    for j, spec in enumerate(normalise_specs(indicators, index, tree, step).values()):
        key = _key(spec)
        groups.setdefault(key, []).append(j)
        specs[key] = spec
    out = np.full_like(x, np.nan)
    T, N, _ = x.shape
    for key, idx in groups.items():
        spec = specs[key]
        cols = cols_all.subset(idx)
        if spec.scope == "reference":
            y, rows = scale.frozen_normalise(x[:, :, idx], cols, spec, ref, years, pinned)
            out[:, :, idx] = y
            if goalposts is not None:
                goalposts.extend(rows)
            continue
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


def weigh_and_aggregate(
    scores: dict[str, np.ndarray],
    tree: Tree,
    index: dict[str, Node | Indicator],
    weight_step: Step,
    agg_step: Step,
    unit_keep: np.ndarray,
    periods: tuple[str, ...] = (),
) -> dict[str, np.ndarray]:
    """Weight and aggregate bottom-up; returns the weights used at each node. With a
    reference period (``reference`` in the weight step) data-driven weights are computed
    from the rows of the reference periods only, so that adding a year leaves them as
    they are."""
    w_engine, w_params = split_params(weight_step)
    years = scale.reference_years(w_engine.get("reference"))
    ref = scale.reference_mask(periods, years)
    within = "" if years is None else f" (rows of the reference period {years[0]}-{years[1]})"
    a_engine, a_params = split_params(agg_step)
    nominal_override: dict[str, float] = dict(w_engine.get("nominal") or {})
    w_default = MethodSpec(method=weight_step.method, params=w_params)
    a_default = MethodSpec(method=agg_step.method, params=a_params)
    used: dict[str, np.ndarray] = {}
    for node in tree.nodes:
        kids = tree.children[node]
        X = np.stack([scores[k] for k in kids], axis=-1)
        nominal = np.array([nominal_override.get(k, tree.weight[k]) for k in kids], dtype=float)
        wspec = resolve(index, tree, node, "weighting", w_default)
        rows = X if ref is None else X[ref]
        try:
            w = WEIGHTINGS.get(wspec.method)(rows.reshape(-1, len(kids)), nominal, **wspec.params)
        except ValueError as exc:
            raise EvaluationError(
                f"weights of {node}'s children {', '.join(kids)} ({wspec.method}){within}: {exc}"
            ) from exc
        aspec = resolve(index, tree, node, "aggregate", a_default)
        _note_non_positive(node, kids, X, aspec)
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


def _note_non_positive(node: str, kids: tuple[str, ...], X: np.ndarray, spec: MethodSpec) -> None:
    """Note when values <= 0 reach a mean that they break or collapse (geometric, harmonic):
    typically min-max with l = 0, which gives the worst unit of every indicator 0."""
    if not needs_positive(spec.method, spec.params):
        return
    low = np.asarray(X <= 0)  # NaN compares False
    if not low.any():
        return
    per_kid = np.asarray(low.reshape(-1, len(kids)).any(axis=0))
    which = [k for j, k in enumerate(kids) if per_kid[j]]
    note(
        f"{spec.method} mean at {node}: {int(low.sum())} value(s) <= 0 among its children "
        f"({', '.join(which)}), which the mean refuses or turns into a score of 0 (or one that "
        "depends on 'shift'/'eps'); normalise to a positive range such as [1, 100]",
        code=node,
    )
