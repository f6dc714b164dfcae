"""稳健性 (Robustness): each unit's rank band over random sets of the choices behind the
index, and which choice the ranks depend on most.

The uncertainty analysis of ``qcity.robust`` (Monte Carlo over the framework's shipped
robustness spec, Saisana, Saltelli & Tarantola 2005) on the peer group's latest year, with
``N`` samples and a fixed seed so that the page is the same on every load; the total
Sobol indices (Jansen 1999, via SALib) of the mean absolute rank shift from the same
``N``. Computed once per evaluation and kept in the scope's cache.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from qcity.service.robustness import SAMPLES
from qcity.web import fmt
from qcity.web.i18n import name, word
from qcity.web.state import PEERS, Dashboard, NotFound, Scope
from qcity.web.views import _f, _i, notice

N = SAMPLES
"""Monte Carlo samples of the page, those of the report (``qcity.service.robustness``);
the Sobol indices use the same ``N`` (``N (inputs + 2)`` runs)."""

_lock = threading.Lock()
_bands_lock = threading.Lock()


def spec_path(d: Dashboard) -> Path | None:
    """The robustness spec shipped for the framework in force (None: no such page)."""
    from qcity.service.robust import NoShippedSpec, choose_spec

    try:
        return choose_spec(d.framework).path
    except NoShippedSpec:
        return None


def available(d: Dashboard, scopes: list[str]) -> bool:
    """Whether the page has data: a peer-group evaluation and a spec for its framework."""
    return PEERS in scopes and spec_path(d) is not None


def label(text: str, lang: str) -> str:
    """A spec input's name in ``lang``: its Chinese or its other words of a bilingual
    name such as ``Imputation 插补`` (the whole name when it has no such part)."""
    parts = text.split()
    mine = [p for p in parts if p.isascii() != (lang == "zh")]
    return " ".join(mine) or text


def compute(scope: Scope) -> dict[str, Any]:
    """The language-free results: rank statistics, per-unit shift, Sobol indices. The rank
    bands and the Sobol indices come from ``qcity.service.robustness`` (the report reads
    the same bands)."""
    from qcity.service.robustness import band_sensitivity

    ev = scope.result.evaluation
    bands = cached_bands(scope)
    if bands is None:
        raise NotFound(f"framework {ev.framework.code} has no shipped robustness spec")
    ua, problem = bands.result, bands.problem
    stats = ua.rank_stats.copy()
    nominal = stats["nominal"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    stats["shift"] = ua.counts.shift(nominal)
    sa = band_sensitivity(bands, samples=N)
    sobol = sa.indices if sa is not None else None
    return {
        "stats": stats,
        "mean_abs_shift": ua.mean_abs_shift,
        "seed": ua.seed,
        "n": ua.n,
        "node": ua.node,
        "period": ua.period,
        "inputs": problem.names(),
        "sobol": sobol,
        "spec": bands.spec.name,
    }


def cached_bands(scope: Scope) -> Any:
    """The rank bands of the scope's latest year (``qcity.service.robustness.rank_bands``,
    None without a shipped spec), computed once per evaluation: the overview's headline
    and this page read the same."""
    from qcity.service.robustness import rank_bands

    with _bands_lock:
        if "bands" not in scope.cache:
            ev = scope.result.evaluation
            scope.cache["bands"] = rank_bands(ev, period=_latest_period(scope), samples=N)
    return scope.cache["bands"]


def _latest_period(scope: Scope) -> str:
    """The latest period with index scores: the year the report of that year reads."""
    s = scope.result.evaluation.scores()
    root = scope.result.evaluation.framework.root.code
    have = s[(s["node"].astype(str) == root) & s["score"].notna()]
    return str(max(have["period"].astype(str)))


def _results(scope: Scope) -> dict[str, Any]:
    with _lock:
        if "robustness" not in scope.cache:
            scope.cache["robustness"] = compute(scope)
    out: dict[str, Any] = scope.cache["robustness"]
    return out


def robustness(d: Dashboard, lang: str) -> dict[str, Any]:
    """The page's data: per unit (by nominal rank) the nominal and median rank, the
    5-95 % band and the mean absolute rank shift; the Sobol total indices; N and seed."""
    scope = d.scope(PEERS)
    path = spec_path(d)
    if path is None:
        raise NotFound(
            f"framework {d.framework.code} has no shipped robustness spec; "
            "run qcity robust --spec FILE instead"
        )
    key = ("robustness", lang)
    if key in scope.cache:
        cached: dict[str, Any] = scope.cache[key]
        return cached
    res = _results(scope)
    stats: pd.DataFrame = res["stats"].sort_values(["nominal", "median"], na_position="last")
    n_units = len(stats)
    rows = []
    for r in stats.itertuples():
        unit = str(r.unit)
        nominal = _i(r.nominal)
        q05, q95 = _f(r.q05), _f(r.q95)
        rows.append(
            {
                "unit": unit,
                "name": scope.name(unit, lang),
                "focus": scope.highlight(unit),
                "nominal": nominal,
                "nominal_text": fmt.rank(nominal, n_units, lang),
                "median": _f(r.median),
                "mean": _f(r.mean),
                "q05": q05,
                "q95": q95,
                "band_text": fmt.DASH if q05 is None or q95 is None else f"{q05:g}–{q95:g}",
                "shift": _f(r.shift),
                "shift_text": fmt.number(_f(r.shift), lang),
            }
        )
    sobol = None
    if res["sobol"] is not None:
        si: pd.DataFrame = res["sobol"]
        sobol = {
            "inputs": [label(str(x), lang) for x in si["input"]],
            "STi": [_f(x) for x in si["STi"]],
            "STi_lo": [_f(x) for x in si["STi_lo"]],
            "STi_hi": [_f(x) for x in si["STi_hi"]],
            "Si": [_f(x) for x in si["Si"]],
            "output": "mean absolute rank shift",
        }
    fw = scope.framework
    node = fw.root if res["node"] == fw.root.code else fw.find(res["node"])
    mine = next((r for r in rows if r["unit"] == scope.focus), None)
    headline = None
    if mine is not None and mine["nominal"] is not None and mine["q05"] is not None:
        headline = {
            "unit": scope.focus,
            "name": mine["name"],
            "nominal": mine["nominal"],
            "q05": mine["q05"],
            "q95": mine["q95"],
            "text": word("robust_headline", lang).format(
                name=mine["name"],
                rank=mine["nominal"],
                lo=f"{mine['q05']:g}",
                hi=f"{mine['q95']:g}",
            ),
        }
    out = {
        "headline": headline,
        "n": res["n"],
        "seed": res["seed"],
        "period": res["period"],
        "node": res["node"],
        "node_name": name(node, lang),
        "group": scope.group_name.get(lang, ""),
        "spec": res["spec"],
        "inputs": [label(x, lang) for x in res["inputs"]],
        "mean_abs_shift": _f(res["mean_abs_shift"]),
        "mean_abs_shift_text": fmt.number(_f(res["mean_abs_shift"]), lang),
        "run_text": word("robust_run", lang).format(n=res["n"], seed=res["seed"]),
        "rows": rows,
        "sobol": sobol,
        "notice": notice(scope, lang),
    }
    scope.cache[key] = out
    return out
