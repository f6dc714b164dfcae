"""Engine speed, printed as figures measured in one run (not a test).

1. A synthetic national-scale panel: 2,850 county units x 60 indicators x 20 years,
   the full default pipeline (screen, impute LOCF, COINr treatment, min-max pooled over
   years, weights, arithmetic aggregation over 5 dimensions and 15 sub-dimensions),
   next to pymcdm's entropy weights + TOPSIS on the same matrices (one per year).
2. The Liyang demo (frameworks/liyang.yaml + the demo generator), evaluated as the
   dashboard would: target under 0.2 s.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_engine.py``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from qcity.engine import Evaluation, Panel
from qcity.engine.outputs import scores_long
from qcity.framework.model import Framework

ROOT = Path(__file__).resolve().parents[1]
UNITS, INDICATORS, YEARS = 2850, 60, 20
FIRST_YEAR = 2005


def best_of(f: Callable[[], Any], repeat: int = 5) -> tuple[float, Any]:
    """Smallest wall time of ``repeat`` runs (seconds) and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def national_framework(indicators: int = INDICATORS, years: int = YEARS) -> Framework:
    """Indicators in sub-dimensions of 4, sub-dimensions in dimensions of 3 (60 -> 5 x 3
    x 4); every fourth indicator negative; the default pipeline."""
    codes = [f"i{k:03d}" for k in range(indicators)]
    subs = [
        {
            "code": f"s{j:02d}",
            "name_zh": f"子维度{j}",
            "name_en": f"sub {j}",
            "children": [
                {
                    "code": c,
                    "name_zh": f"指标{c}",
                    "name_en": f"indicator {c}",
                    "direction": -1 if int(c[1:]) % 4 == 3 else 1,
                }
                for c in codes[i : i + 4]
            ],
        }
        for j, i in enumerate(range(0, indicators, 4))
    ]
    dims = [
        {"code": f"d{j}", "name_zh": f"维度{j}", "name_en": f"dim {j}", "children": subs[i : i + 3]}
        for j, i in enumerate(range(0, len(subs), 3))
    ]
    return Framework.model_validate(
        {
            "code": "bench",
            "version": "1",
            "name_zh": "基准",
            "name_en": "benchmark",
            "valid_from": FIRST_YEAR,
            "valid_to": FIRST_YEAR + years - 1,
            "pipeline": {
                "screen": {
                    "method": "availability",
                    "params": {"unit_threshold": 0.65, "indicator_threshold": 0.65},
                },
                "impute": {"method": "locf"},
                "treat": {"method": "coinr"},
            },
            "defaults": {
                "normalise": {"method": "minmax", "params": {"l": 0, "u": 100}, "scope": "pooled"}
            },
            "root": {"code": "index", "name_zh": "指数", "name_en": "index", "children": dims},
        }
    )


def national_panel(fw: Framework, seed: int = 7, units: int = UNITS) -> Panel:
    """Log-normal levels with unit effects, trends and 2 % missing cells (``units``
    units, as many years as the framework is valid)."""
    rng = np.random.default_rng(seed)
    years = fw.valid_to - fw.valid_from + 1
    k = len(fw.indicators())
    unit_effect = rng.normal(0, 0.5, size=(1, units, k))
    trend = np.linspace(0, 0.4, years)[:, None, None]
    x = np.exp(2 + unit_effect + trend + rng.normal(0, 0.3, size=(years, units, k)))
    x[rng.random(x.shape) < 0.02] = np.nan
    codes = tuple(i.code for i in fw.indicators())
    return Panel(
        x,
        tuple(str(FIRST_YEAR + t) for t in range(years)),
        tuple(f"c{n:05d}" if units > 9999 else f"c{n:04d}" for n in range(units)),
        codes,
    )


def pymcdm_entropy_topsis(panel: Panel, types: np.ndarray) -> list[np.ndarray]:
    """pymcdm's entropy weights and TOPSIS, one decision matrix per year."""
    from pymcdm.methods import TOPSIS
    from pymcdm.weights import entropy_weights

    out = []
    topsis = TOPSIS()
    for t in range(panel.values.shape[0]):
        m = panel.values[t]
        m = np.where(np.isnan(m), np.nanmean(m, axis=0), m)
        w = entropy_weights(m)
        out.append(topsis(m, w, types))
    return out


def qcity_entropy_topsis(fw: Framework, panel: Panel) -> Evaluation:
    """qcity with the same two methods at one level (indicators -> index)."""
    flat = Framework.model_validate(
        {
            **fw.model_dump(exclude={"root", "pipeline", "defaults"}),
            "pipeline": {"impute": {"method": "mean"}},
            "defaults": {
                "normalise": {"method": "minmax", "params": {"l": 0, "u": 100}},
                "weighting": {"method": "entropy"},
                "aggregate": {"method": "topsis"},
            },
            "root": {
                "code": "index",
                "name_zh": "指数",
                "name_en": "index",
                "children": [i.model_dump() for i in fw.indicators()],
            },
        }
    )
    return Evaluation(flat, panel).run()


def main() -> None:
    print(f"machine: {os.cpu_count()} cores; numpy {np.__version__}")
    fw = national_framework()
    panel = national_panel(fw)
    t_pipe, ev = best_of(lambda: Evaluation(fw, panel).run(), repeat=3)
    t_scores, scores = best_of(lambda: scores_long(ev.results, fw), repeat=3)
    types = np.array([-1 if i.direction == -1 else 1 for i in fw.indicators()])
    t_pymcdm, _ = best_of(lambda: pymcdm_entropy_topsis(panel, types), repeat=3)
    t_qet, _ = best_of(lambda: qcity_entropy_topsis(fw, panel), repeat=3)
    print(f"\nnational panel: {UNITS} units x {INDICATORS} indicators x {YEARS} years")
    print(f"  qcity full default pipeline (7 steps, 20 nodes): {t_pipe:8.3f} s")
    print(f"  qcity scores table ({len(scores):,} rows with ranks):  {t_scores:8.3f} s")
    print(f"  qcity entropy + TOPSIS (one level):               {t_qet:8.3f} s")
    print(f"  pymcdm entropy + TOPSIS (per year):               {t_pymcdm:8.3f} s")
    print(f"  ratio full pipeline / pymcdm entropy+TOPSIS:      {t_pipe / t_pymcdm:8.2f}")
    print(f"  ratio qcity / pymcdm, same two methods:           {t_qet / t_pymcdm:8.2f}")
    liyang(fw)


def liyang(_: Framework) -> None:
    """Evaluate the Liyang demo (10 cities, 10 years) as the dashboard does."""
    from qcity.demo.build import demo_observations, demo_units
    from qcity.framework.io import load_framework

    fw = load_framework(ROOT / "frameworks" / "liyang.yaml")
    units = demo_units()
    data = demo_observations(fw)
    cities = set(units.loc[units["type"] == "city", "code"])
    data = data[data["unit"].isin(cities)]
    t_ev, _ = best_of(lambda: Evaluation(fw, data, units).run(), repeat=10)
    t_panel, panel = best_of(lambda: Panel.from_long(data), repeat=10)
    t_run, _ = best_of(lambda: Evaluation(fw, panel, units).run(), repeat=10)
    print(
        f"\nLiyang demo: {len(cities)} cities x {len(fw.indicators())} indicators x "
        f"{len(panel.periods)} years"
    )
    print(
        f"  evaluate from the long table: {t_ev:.4f} s (target < 0.2 s: "
        f"{'met' if t_ev < 0.2 else 'NOT met'})"
    )
    print(f"  of which laying out the panel: {t_panel:.4f} s; pipeline: {t_run:.4f} s")


if __name__ == "__main__":
    main()
