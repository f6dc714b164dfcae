"""The steps before normalisation: denominate, screen, group labels, treat."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from typing import Any

import numpy as np
import pandas as pd

from qcity.engine.errors import EvaluationError
from qcity.engine.panel import Panel
from qcity.engine.steps import Step
from qcity.framework.model import Indicator, Node
from qcity.methods.denominate import denominate
from qcity.methods.errors import Diagnostic, collecting, current
from qcity.methods.registry import SCREENS, TRANSFORMS, TREATMENTS


def require_data(x: np.ndarray, codes: list[str]) -> None:
    """Fail clearly when an indicator has no value at all (nothing to normalise)."""
    empty = np.isnan(x).all(axis=(0, 1))
    if empty.any():
        names = ", ".join(c for c, e in zip(codes, empty, strict=True) if e)
        raise EvaluationError(
            f"indicator(s) {names} have no data in any period for these units; add data, "
            "or let screening drop them (pipeline.screen: availability with an "
            "indicator_threshold above 0)"
        )


def denominate_all(
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


def screen(
    step: Step,
    params: dict[str, Any],
    x: np.ndarray,
    codes: list[str],
    unit_keep: np.ndarray,
    raw: Panel,
    exclusions: list[dict[str, Any]],
) -> tuple[np.ndarray, np.ndarray]:
    """Screen each period on its own: units with too little data in a period, indicators
    with too little data among the units kept in a period (left out of that period only),
    and periods left without a unit or an indicator. Returns the cells kept (T, k) and
    the data with every other cell missing; ``unit_keep`` is updated in place and every
    exclusion recorded with its period."""
    res = SCREENS.get(step.method)(x, **params)
    T, _, k = x.shape
    ind_keep = np.broadcast_to(np.asarray(res.indicator_keep, dtype=bool), (T, k)).copy()
    ind_avail = np.broadcast_to(np.asarray(res.indicator_availability, dtype=float), (T, k))
    had_data = ~np.isnan(x).all(axis=(1, 2))
    dropped_units = unit_keep & ~res.unit_keep
    unit_keep &= res.unit_keep
    thr_u, thr_i = params.get("unit_threshold"), params.get("indicator_threshold")
    for t, n in zip(*np.nonzero(dropped_units), strict=True):
        exclusions.append(
            _row("unit", raw.units[n], raw.periods[t], res.unit_availability[t, n], thr_u)
        )
    alive = np.asarray(unit_keep.any(axis=1), dtype=bool)
    for t, j in zip(*np.nonzero(~ind_keep & alive[:, None]), strict=True):
        exclusions.append(_row("indicator", codes[j], raw.periods[t], ind_avail[t, j], thr_i))
    empty = alive & ~ind_keep.any(axis=1)
    for t in np.flatnonzero(had_data & ~(alive & ~empty)):
        why = "no unit" if not alive[t] else "no indicator"
        exclusions.append(_row("period", raw.periods[t], raw.periods[t], None, None, why))
    unit_keep[empty] = False
    if not unit_keep.any():
        raise EvaluationError(
            "screening left no period with data (no unit or no indicator reaches the "
            "availability thresholds); lower pipeline.screen's thresholds or add data"
        )
    x = np.where(unit_keep[:, :, None] & ind_keep[:, None, :], x, np.nan)
    return x, ind_keep


def _row(
    kind: str,
    code: str,
    period: str,
    availability: float | None,
    threshold: float | None,
    what: str = "",
) -> dict[str, Any]:
    """One exclusion by screening."""
    reason = (
        f"{what} with enough data in this period"
        if what
        else "data availability below the threshold"
    )
    return {
        "kind": kind,
        "code": code,
        "period": period,
        "availability": None if availability is None else float(availability),
        "threshold": threshold,
        "reason": reason,
    }


def group_labels(attr: str | None, unit_codes: tuple[str, ...], units: pd.DataFrame | None) -> Any:
    """The group label of each unit for group-wise imputation (None: no groups)."""
    if attr is None:
        return None
    if units is None or attr not in units.columns:
        raise EvaluationError(
            f"imputation by group {attr!r} needs a units table with a column {attr!r} "
            "(give a units table or name units_file in the framework)",
            options=("units",),
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


def treat(
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

        run = current()

        def work(c: np.ndarray) -> tuple[Any, list[Diagnostic]]:
            if run is None:
                return f(cols[c].T, codes=list(codes[c]), **step.params), []
            with collecting() as notes:  # this chunk's notes, merged below in order
                return f(cols[c].T, codes=list(codes[c]), **step.params), notes.items

        if len(chunks) == 1:  # no thread to start for one chunk
            parts = [copy_context().run(work, chunks[0])]
        else:
            with ThreadPoolExecutor(len(chunks)) as pool:  # numpy releases the GIL
                # each chunk runs in a copy of this run's context (diagnostics, errstate)
                done = [pool.submit(copy_context().run, work, c) for c in chunks]
                parts = [d.result() for d in done]
        for c, (res, notes) in zip(chunks, parts, strict=True):
            cols[c], pts[c] = res.values.T, res.points.T
            if run is not None:
                run.items.extend(notes)
        x[:, :, auto] = cols.reshape(T, k, n).transpose(0, 2, 1)
        points[:, :, auto] = pts.reshape(T, k, n).transpose(0, 2, 1)
        table = pd.concat([r.details for r, _ in parts]).reset_index()
        table = table.rename(columns={"code": "indicator"})
        table.insert(0, "period", np.repeat(np.array(periods, dtype=object), k)[has])
    return x, points, table
