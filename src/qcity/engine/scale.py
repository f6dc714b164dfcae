"""A frozen scale: goalposts and weights fixed from a reference period, so that a
monitoring series does not move when a new year arrives (see docs/en/scale.md).

Min-max pooled over all years takes its minimum and maximum from every year evaluated;
data-driven weights pool every year's rows. Both change the earlier years' scores when a
year is added. With ``normalise: {scope: reference}`` and the framework's
``reference_period``, each indicator's goalposts are its minimum and maximum over the
reference years (or the goalposts the framework gives), and data-driven weights use the
rows of the reference years only; later years are scored on that fixed scale. This is the
fixed-goalpost practice of the UNDP Human Development Index (UNDP, *Human Development
Report*, Technical notes) and of the OECD/JRC *Handbook on Constructing Composite
Indicators* (2008), sec. 5 ("the normalisation should be fixed for comparisons over time").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qcity import errors
from qcity.engine.errors import EvaluationError
from qcity.engine.panel import period_time
from qcity.framework.model import Goalposts, Indicator, NormaliseSpec
from qcity.methods.columns import Columns
from qcity.methods.direction import apply_direction
from qcity.methods.errors import warn_degenerate
from qcity.methods.registry import NORMALISERS

if TYPE_CHECKING:
    from qcity.engine.evaluation import Evaluation
    from qcity.framework.model import Framework

FREEZABLE = ("minmax", "goalposts", "target")
"""Normalisers that ``scope: reference`` accepts: min-max and goalposts (goalposts fixed
from the reference period or given) and ``target`` with ``formula: ratio`` (fixed by the
target already). Ranks, percentiles, z-scores and ratios to the best or the mean compare
the units of a slice and have no fixed goalposts."""

GOALPOST_COLUMNS = ["indicator", "lo", "hi", "source"]
"""Columns of the goalposts table: lo/hi in the unit that reaches normalisation (the
indicator's own unit after its transform and the outlier treatment, whatever its
direction, lo < hi), and where they come from: ``given`` (the framework's goalposts),
``log`` (pinned in the step log) or ``reference`` (computed from the reference period)."""


def freezable(spec: NormaliseSpec) -> bool:
    """True if the normaliser can have a frozen scale (see ``FREEZABLE``)."""
    if spec.method == "target":
        return spec.params.get("formula", "ratio") == "ratio"
    return spec.method in FREEZABLE


def reference_years(value: Any, where: str = "step log") -> tuple[int, int] | None:
    """``[from, to]`` from the step log as two years, None when absent; a clear error
    for anything else."""
    if value is None:
        return None
    if (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and value[0] <= value[1]
    ):
        return int(value[0]), int(value[1])
    raise EvaluationError(
        f"the reference period in the {where} is {value!r}; give two years [from, to] with "
        "from <= to (the framework's reference_period: {from: 2015, to: 2020})"
    )


def reference_mask(periods: tuple[str, ...], years: tuple[int, int] | None) -> np.ndarray | None:
    """(T,) True for the periods whose year lies in the reference period (quarters and
    months by their year), None without a reference period."""
    if years is None:
        return None
    times = [period_time(p) for p in periods]
    return np.array(
        [t is not None and years[0] <= math.floor(t) <= years[1] for t in times], dtype=bool
    )


def _shown(years: tuple[int, int]) -> str:
    return f"{years[0]}-{years[1]}"


def frozen_normalise(
    x: np.ndarray,
    cols: Columns,
    spec: NormaliseSpec,
    ref: np.ndarray | None,
    years: tuple[int, int] | None,
    pinned: dict[str, Any],
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Normalise x (T, N, k), in the indicators' own direction, on a frozen scale.

    Goalposts per indicator: pinned in the log, else given by the framework (``cols``),
    else lo = min and hi = max of its values over the units and the reference periods
    ``ref`` (T,). Then y = (d(x) - d(lo)) / (d(hi) - d(lo)) * (u - l) + l after the
    direction mapping d (``apply_direction``), truncated to [l, u] only for the
    ``goalposts`` method (``trunc``, default true). For a +/-1 indicator this is min-max
    over the reference period exactly; later values outside the reference range score
    beyond [l, u] under min-max, which keeps progress past the reference visible. Returns
    the scores and one goalposts row per indicator (``GOALPOST_COLUMNS``)."""
    if not freezable(spec):
        raise EvaluationError(
            f"normalise scope 'reference' works with {', '.join(FREEZABLE[:2])} and target "
            f"(formula ratio), not {spec.method} (it compares the units of each slice); "
            "choose one of those, or scope period/pooled"
        )
    if spec.method == "target":  # the target fixes the scale already
        xd, cols_d = apply_direction(x, cols)
        return NORMALISERS.get("target")(xd, cols_d, **spec.params), []
    k = len(cols.codes)
    lo, hi = cols.lo.copy(), cols.hi.copy()
    source = np.where(np.isfinite(lo) & np.isfinite(hi), "given", "reference").astype(object)
    for j, code in enumerate(cols.codes):
        if code in pinned:
            lo[j], hi[j] = _pinned(code, pinned[code])
            source[j] = "log"
    need = source == "reference"
    if need.any():
        if ref is None or years is None:
            raise EvaluationError(
                f"normalise scope 'reference' needs a reference period to fix the goalposts "
                f"of {', '.join(c for c, n in zip(cols.codes, need, strict=True) if n)}; "
                "declare reference_period: {from: YEAR, to: YEAR} in the framework, or give "
                "these indicators goalposts"
            )
        if not ref.any():
            raise EvaluationError(
                f"no period of the data lies in the reference period {_shown(years)}, so the "
                "goalposts cannot be computed; evaluate data that include those years, or "
                "give the indicators goalposts in the framework"
            )
        rows = x[ref][:, :, need].reshape(-1, int(need.sum()))
        has = ~np.isnan(rows).all(axis=0)
        if not has.all():
            names = [c for c, n in zip(np.array(cols.codes)[need], has, strict=True) if not n]
            raise EvaluationError(
                f"indicator(s) {', '.join(names)} have no value in the reference period "
                f"{_shown(years)}, so their goalposts cannot be computed; give them goalposts "
                "in the framework, or widen reference_period"
            )
        lo[need], hi[need] = np.nanmin(rows, axis=0), np.nanmax(rows, axis=0)
    flat = ~(lo < hi)
    warn_degenerate(
        spec.method,
        cols.codes,
        flat,
        "its goalposts are equal (no spread in the reference period)",
    )
    safe = replace(cols, lo=lo, hi=np.where(flat, lo + 1.0, hi))
    xd, cols_d = apply_direction(x, safe)
    params = {key: spec.params[key] for key in ("l", "u") if key in spec.params}
    trunc = bool(spec.params.get("trunc", True)) if spec.method == "goalposts" else False
    y = NORMALISERS.get("goalposts")(xd, cols_d, trunc=trunc, **params)
    y = np.where(flat, np.nan, y)
    table = [
        {"indicator": cols.codes[j], "lo": float(lo[j]), "hi": float(hi[j]), "source": source[j]}
        for j in range(k)
    ]
    return y, table


def _pinned(code: str, value: Any) -> tuple[float, float]:
    """Goalposts ``[lo, hi]`` pinned in the step log for ``code``."""
    if (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        return float(value[0]), float(value[1])
    raise EvaluationError(
        f"the goalposts of {code} in the normalise step are {value!r}; give [lo, hi] numbers"
    )


def goalposts_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The goalposts rows of a run as a table (``GOALPOST_COLUMNS``)."""
    return pd.DataFrame(rows, columns=GOALPOST_COLUMNS)


# -- storing computed goalposts with the framework version ------------------------------

_INVERSE: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "log": np.exp,
    "log10": lambda v: np.power(10.0, v),
}


def _own_unit(ind: Indicator, lo: float, hi: float) -> tuple[float, float] | None:
    """Goalposts from the normalised input back in the indicator's own unit (undoing its
    transform), None when the transform has no fixed inverse (Box-Cox without lmbda)."""
    tr = ind.transform
    if tr is None or tr.method == "none":
        return lo, hi
    if tr.method in _INVERSE:
        back = _INVERSE[tr.method](np.array([lo, hi]))
        return float(back[0]), float(back[1])
    if tr.method == "boxcox" and tr.params.get("lmbda") is not None:
        from scipy.special import inv_boxcox

        back = inv_boxcox(np.array([lo, hi]), float(tr.params["lmbda"]))
        return float(back[0]), float(back[1])
    return None


def frozen_framework(ev: Evaluation, version: str | None = None) -> Framework:
    """The framework of ``ev`` with the goalposts its run computed from the reference
    period written into each indicator (``goalposts: {lo, hi}``, own unit), so that the
    scale is stored with the framework version and no later revision of the reference
    years' data can move it. ``version``: the new version label (default: unchanged).

    Goalposts already given stay as they are; an indicator whose transform cannot be
    undone (Box-Cox without ``lmbda``) is left without and named in a ValueError."""
    table = ev.goalposts()
    computed = table[table["source"] != "given"]
    if computed.empty:
        raise errors.NotComputable(
            "this run computed no goalposts (no indicator is normalised with scope "
            "'reference' without goalposts); nothing to freeze"
        )
    fw = ev.framework.model_copy(deep=True)
    by_code = {i.code: i for i in fw.indicators()}
    stuck = []
    for code, lo, hi in zip(
        computed["indicator"],
        computed["lo"].to_numpy(float),
        computed["hi"].to_numpy(float),
        strict=True,
    ):
        ind = by_code[str(code)]
        own = _own_unit(ind, float(lo), float(hi))
        if own is None:
            stuck.append(ind.code)
        elif own[0] < own[1]:
            ind.goalposts = Goalposts(lo=own[0], hi=own[1])
    if stuck:
        raise errors.NotComputable(
            f"goalposts of {', '.join(stuck)} cannot be written in their own unit (Box-Cox "
            "transform without lmbda); give the transform a fixed lmbda first"
        )
    if version is not None:
        fw.version = version
    return fw


def scale_stamp(reference: Any, table: pd.DataFrame) -> dict[str, Any] | None:
    """What fixes the scale of a run, for its stamp: the reference period and each
    indicator's goalposts; None when the run has no frozen scale."""
    if table.empty and reference is None:
        return None
    return {
        "reference_period": list(reference) if reference is not None else None,
        "goalposts": {
            str(code): [float(lo), float(hi), str(source)]
            for code, lo, hi, source in zip(
                table["indicator"],
                table["lo"].to_numpy(float),
                table["hi"].to_numpy(float),
                table["source"],
                strict=True,
            )
        },
    }
