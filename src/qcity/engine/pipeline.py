"""Run a step log over a panel: denominate, screen, impute, treat, normalise, weight,
aggregate. Pure: the same framework, data and log always give the same result."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from qcity.engine.combine import normalise, weigh_and_aggregate
from qcity.engine.errors import EvaluationError
from qcity.engine.panel import Panel
from qcity.engine.prepare import denominate_all, group_labels, require_data, screen, treat
from qcity.engine.steps import Step, split_params
from qcity.engine.tree import Tree
from qcity.framework.model import Framework, Indicator, Node
from qcity.methods.errors import DegenerateColumnWarning
from qcity.methods.registry import IMPUTERS, NORMALISERS

__all__ = ["EvaluationError", "Results", "run_pipeline"]


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
        """A snapshot of the current data as a dataset of the run."""
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
        st.x, points, treatment = treat(by_name["treat"], st.x, indicators, raw.periods)
    datasets["treated"] = st.panel(raw)
    require_data(st.x, st.codes)

    norm_step = by_name["normalise"]
    engine, params = split_params(norm_step)
    with _noting(notes, "normalise"):
        st.x = normalise(st.x, indicators, index, st.tree, norm_step, engine, params)
    st.x[~st.unit_keep] = np.nan
    datasets["normalised"] = st.panel(raw)

    scores = {c: st.x[:, :, j] for j, c in enumerate(st.codes)}
    with _noting(notes, "aggregate"):
        weights = weigh_and_aggregate(
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
        scale=_scale(norm_step.method, params, st.x),
        warnings=notes,
    )


def _scale(method: str, params: dict[str, Any], x: np.ndarray) -> tuple[float, float]:
    """The range [l, u] of normalised scores, for measures that need them on [0, 1]
    (coupling, obstacle degree): the normaliser's bounds ``l``/``u`` (given, or its
    defaults), else the observed range of the normalised data (z-scores, ranks, ratios)."""
    bounds = {
        name: p.default
        for name, p in inspect.signature(NORMALISERS.get(method)).parameters.items()
        if name in ("l", "u") and p.default is not inspect.Parameter.empty
    }
    bounds.update({k: params[k] for k in ("l", "u") if k in params})
    if len(bounds) == 2:
        return float(bounds["l"]), float(bounds["u"])
    if np.isnan(x).all():
        return 0.0, 1.0
    return float(np.nanmin(x)), float(np.nanmax(x))


def _early_step(
    step: Step,
    st: _State,
    raw: Panel,
    data: Panel,
    units: pd.DataFrame | None,
    index: dict[str, Node | Indicator],
) -> None:
    """Denominate, screen or impute (the steps whose order the framework may choose)."""
    engine, params = split_params(step)
    if step.name == "denominate":
        if step.method == "ratio":
            st.x = denominate_all(st.x, st.codes, data, index)
    elif step.name == "screen":
        before = list(st.codes)
        st.x, st.codes, st.tree = screen(
            step, params, st.x, st.codes, st.tree, st.unit_keep, raw, st.exclusions
        )
        st.imputed = st.imputed[:, :, [before.index(c) for c in st.codes]]
    elif step.name == "impute":
        missing = np.isnan(st.x)
        groups = group_labels(engine.get("group"), raw.units, units)
        st.x = IMPUTERS.get(step.method)(st.x, groups, **params)
        st.x[~st.unit_keep] = np.nan
        st.imputed |= missing & ~np.isnan(st.x)
