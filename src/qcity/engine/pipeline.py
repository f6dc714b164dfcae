"""Run a step log over a panel: denominate, screen, impute, treat, normalise, weight,
aggregate. Pure: the same framework, data and log always give the same result.

Every run collects its own diagnostics (``qcity.methods.errors.collecting``, a context
variable), so that runs in parallel threads never mix or lose each other's notes."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from qcity.engine import guards
from qcity.engine.combine import (
    aggregator_names,
    normalise,
    normalise_specs,
    weigh_and_aggregate,
)
from qcity.engine.errors import EvaluationError
from qcity.engine.explain import explain_missing
from qcity.engine.levels import level_exclusions
from qcity.engine.log_file import check_steps
from qcity.engine.panel import Panel, period_times
from qcity.engine.prepare import denominate_all, group_labels, require_data, screen, treat
from qcity.engine.scale import goalposts_frame
from qcity.engine.steps import Step, split_params
from qcity.engine.tree import Tree
from qcity.framework.model import Framework, Indicator, Node
from qcity.methods.errors import Collector, Diagnostic, collecting, note
from qcity.methods.registry import IMPUTERS, NORMALISERS

__all__ = ["EXCLUSION_COLUMNS", "EvaluationError", "Results", "run_pipeline"]

EXCLUSION_COLUMNS = ["kind", "code", "period", "availability", "threshold", "reason"]
"""Columns of the exclusions table: kind (unit, indicator, period), code, period (empty:
every period), availability and threshold (screening), reason."""


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
    diagnostics: list[Diagnostic] = field(default_factory=list)
    goalposts: pd.DataFrame = field(default_factory=lambda: goalposts_frame([]))
    """Goalposts of the indicators normalised on a frozen scale (``scope: reference``)."""

    @property
    def warnings(self) -> list[str]:
        """The diagnostics as text, ``"step: message"`` (what callers printed before)."""
        return [str(d) for d in self.diagnostics]


@dataclass
class _State:
    """What the steps before normalisation pass on: data, codes left, tree, flags."""

    x: np.ndarray
    codes: list[str]
    tree: Tree
    imputed: np.ndarray
    unit_keep: np.ndarray
    cell_keep: np.ndarray  # (T, k): indicator kept in the period by screening
    exclusions: list[dict[str, Any]] = field(default_factory=list)

    def panel(self, raw: Panel) -> Panel:
        """A snapshot of the current data as a dataset of the run."""
        return Panel(self.x.copy(), raw.periods, raw.units, tuple(self.codes))

    def mask(self) -> None:
        """Blank the cells that screening left out (units and indicators per period)."""
        keep = self.unit_keep[:, :, None] & self.cell_keep[:, None, :]
        self.x = np.where(keep, self.x, np.nan)


DATASET_OF = {"denominate": "denominated", "screen": "screened", "impute": "imputed"}


def run_pipeline(
    fw: Framework, data: Panel, units: pd.DataFrame | None, log: list[Step]
) -> Results:
    """Run ``log`` over ``data`` (which may hold denominator series besides indicators);
    the run's diagnostics are in ``Results.diagnostics``. A log with a step missing or
    given twice is refused first (``LogError``), not met as a lookup error half-way; the
    methods' parameters are checked where they are used (a framework's by its validation,
    a saved log's by ``log_file.parse_log``), whose messages say more."""
    check_steps(log, methods=False)
    with collecting() as diag, np.errstate(all="ignore"):  # NaN is handled explicitly
        return _run(fw, data, units, log, diag)


@dataclass
class Early:
    """What the steps before treatment leave (levels, periods, denominate, screen and
    impute in the log's order): a stage that the fast path (``qcity.engine.fast``) runs once
    per distinct log prefix and reuses."""

    data: Panel
    raw: Panel
    index: dict[str, Node | Indicator]
    by_code: dict[str, Indicator]
    st: _State
    datasets: dict[str, Panel]
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class Treated:
    """What treatment leaves: the stage before normalisation."""

    early: Early
    st: _State
    points: np.ndarray
    treatment: pd.DataFrame
    datasets: dict[str, Panel]
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _run(
    fw: Framework, data: Panel, units: pd.DataFrame | None, log: list[Step], diag: Collector
) -> Results:
    early = early_stage(fw, data, units, log, diag)
    treated = treat_stage(early, log, diag)
    return final_stage(treated, log, diag)


def check_variant(
    raw: Panel,
    by_code: dict[str, Indicator],
    index: dict[str, Node | Indicator],
    tree: Tree,
    log: list[Step],
) -> None:
    """The guards that depend on the normalise and aggregate steps (one unit cannot be
    normalised or aggregated against others)."""
    by_name = {s.name: s for s in log}
    guards.check_single_unit(
        raw,
        tree,
        normalise_specs([by_code[c] for c in tree.indicators], index, tree, by_name["normalise"]),
        aggregator_names(tree, index, by_name["aggregate"]),
    )


def early_stage(
    fw: Framework, data: Panel, units: pd.DataFrame | None, log: list[Step], diag: Collector
) -> Early:
    """Levels, periods, then denominate, screen and impute in the log's order."""
    tree = Tree.from_framework(fw)
    index: dict[str, Node | Indicator] = {n.code: n for n, _, _ in fw.walk()}
    by_name = {s.name: s for s in log}
    with diag.at("levels"):
        excluded = level_exclusions(fw, data.units, units)
    tree = tree.without({row["code"] for row in excluded})
    with diag.at("periods"):
        data, outside = guards.valid_periods(fw, data)
        data = _periods_with_data(data, tree)
    raw = data.select(tree.indicators)
    with diag.at("values"):
        guards.check_values(fw, data, tree.indicators)
    by_code = {i.code: i for i in fw.indicators()}
    if by_name["denominate"].method == "ratio":
        guards.check_denominators(tree.indicators, index)
    check_variant(raw, by_code, index, tree, log)
    T, N, K = raw.values.shape
    st = _State(
        x=raw.values.copy(),
        codes=list(raw.codes),
        tree=tree,
        imputed=np.zeros(raw.values.shape, dtype=bool),
        unit_keep=np.ones((T, N), dtype=bool),
        cell_keep=np.ones((T, K), dtype=bool),
        exclusions=[*excluded, *outside],
    )
    datasets: dict[str, Panel] = {"raw": raw}
    for step in log:
        if step.name not in DATASET_OF:
            continue
        with diag.at(step.name):
            _early_step(step, st, raw, data, units, index)
        datasets[DATASET_OF[step.name]] = st.panel(raw)
    return Early(data, raw, index, by_code, st, datasets)


def treat_stage(early: Early, log: list[Step], diag: Collector) -> Treated:
    """Transforms and outlier treatment (the log's ``treat`` step); ``early`` is unchanged."""
    by_name = {s.name: s for s in log}
    st = replace(early.st, exclusions=list(early.st.exclusions))
    indicators = [early.by_code[c] for c in st.codes]
    with diag.at("treat"):
        st.x, points, treatment = treat(by_name["treat"], st.x, indicators, early.raw.periods)
    datasets = {**early.datasets, "treated": st.panel(early.raw)}
    require_data(st.x, st.codes)
    return Treated(early, st, points, treatment, datasets)


def normalise_stage(
    treated: Treated,
    log: list[Step],
    diag: Collector,
    goalposts: list[dict[str, Any]] | None = None,
) -> _State:
    """The state after the log's ``normalise`` step; ``treated`` is unchanged. Goalposts
    frozen from a reference period are added to ``goalposts`` when given."""
    early = treated.early
    norm_step = next(s for s in log if s.name == "normalise")
    engine, _ = split_params(norm_step)
    st = replace(treated.st)
    indicators = [early.by_code[c] for c in st.codes]
    with diag.at("normalise"):
        st.x = normalise(
            st.x, indicators, early.index, st.tree, norm_step, engine, early.raw.periods, goalposts
        )
    st.x[~st.unit_keep] = np.nan
    return st


def final_stage(treated: Treated, log: list[Step], diag: Collector) -> Results:
    """Normalise, weight and aggregate after ``treated``; ``treated`` is unchanged."""
    raw, index = treated.early.raw, treated.early.index
    by_name = {s.name: s for s in log}
    before_norm = treated.st.x
    norm_step = by_name["normalise"]
    _, params = split_params(norm_step)
    goalposts: list[dict[str, Any]] = []
    st = normalise_stage(treated, log, diag, goalposts)
    datasets = {**treated.datasets, "normalised": st.panel(raw)}

    scores = {c: st.x[:, :, j] for j, c in enumerate(st.codes)}
    agg_step = by_name["aggregate"]
    with diag.at("aggregate"):
        weights = weigh_and_aggregate(
            scores, st.tree, index, by_name["weight"], agg_step, st.unit_keep, raw.periods
        )
        explain_missing(
            scores,
            st.tree,
            index,
            aggregator_names(st.tree, index, agg_step),
            split_params(agg_step)[0].get("min_coverage"),
            st.unit_keep,
            [
                (raw.select(st.codes).values, "no data for any of its indicators"),
                (before_norm, "no value left for any of its indicators after screening"),
                (st.x, "normalisation gave no value for any of its indicators (see notes)"),
            ],
            raw,
        )
    return Results(
        datasets=datasets,
        tree=st.tree,
        scores=scores,
        weights=weights,
        imputed=st.imputed,
        points=treated.points,
        unit_keep=st.unit_keep,
        treatment=treated.treatment,
        exclusions=pd.DataFrame(st.exclusions, columns=EXCLUSION_COLUMNS),
        scale=_scale(norm_step.method, params, st.x),
        diagnostics=diag.unique(),
        goalposts=goalposts_frame(goalposts),
    )


def _periods_with_data(data: Panel, tree: Tree) -> Panel:
    """The panel without periods that hold no value of any indicator (only denominator
    series, say), which could only give empty scores."""
    values = data.select(tree.indicators).values
    has = ~np.isnan(values).all(axis=(1, 2))
    if has.all() or not has.any():
        return data
    empty = [p for p, h in zip(data.periods, has, strict=True) if not h]
    note(f"periods {guards.shown(empty)} hold no indicator data and are left out", severity="info")
    return data.take_periods(np.flatnonzero(has).tolist())


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


def _impute_params(method: str, params: dict[str, Any], periods: tuple[str, ...]) -> dict:
    """The method's parameters plus the periods' times in years, for the imputers that
    count time (linear, LOCF's max_gap), unless given explicitly."""
    accepts = inspect.signature(IMPUTERS.get(method)).parameters
    if "times" not in accepts or "times" in params:
        return params
    times = period_times(periods)
    if times is None or np.any(np.diff(times) <= 0):
        note(
            f"period labels ({guards.shown(list(periods))}) are not years, quarters or months "
            f"in order, so {method} imputation counts positions instead of years"
        )
        return params
    return {**params, "times": times}


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
        st.x, cell_keep = screen(step, params, st.x, st.codes, st.unit_keep, raw, st.exclusions)
        st.cell_keep &= cell_keep
        st.imputed &= st.unit_keep[:, :, None] & st.cell_keep[:, None, :]  # imputed first
        keep = np.flatnonzero(st.cell_keep.any(axis=0))
        if len(keep) == 0:
            raise EvaluationError("screening removed every indicator; lower the thresholds")
        dropped = {c for j, c in enumerate(st.codes) if j not in set(keep)}
        st.tree = st.tree.without(dropped)
        st.codes = [st.codes[j] for j in keep]
        st.x, st.imputed = st.x[:, :, keep], st.imputed[:, :, keep]
        st.cell_keep = st.cell_keep[:, keep]
    elif step.name == "impute":
        missing = np.isnan(st.x)
        groups = group_labels(engine.get("group"), raw.units, units)
        method_params = _impute_params(step.method, params, raw.periods)
        st.x = IMPUTERS.get(step.method)(st.x, groups, **method_params)
        st.mask()
        st.imputed |= missing & ~np.isnan(st.x)
