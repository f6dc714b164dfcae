"""Uncertainty and sensitivity analysis on COINr's ASEM example, against COINr's times.

Runs examples/asem/robust.yaml (COINr's sensitivity vignette: winmax 1-5, min-max or
z-score, pillar and sub-index weights +-25 %, arithmetic or geometric mean) with N = 1000,
as COINr's ``get_sensitivity`` did on this machine kind (tests/reference/coinr_asem/
timings.csv: 91.3 s for the uncertainty analysis, 675 s for the sensitivity analysis,
6,000 runs), both starting from the evaluated index. Prints one ``name=value`` per line:
the best of 5 wall times and the ratios to COINr's.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/robust_asem.py``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from bench_engine import best_of  # the same timing as the engine benchmark

from qcity.engine import Evaluation
from qcity.framework.io import load_framework
from qcity.robust.sensitivity import run_sensitivity
from qcity.robust.spec import load_spec
from qcity.robust.uncertainty import run_uncertainty
from qcity.service.inputs import from_files

ROOT = Path(__file__).resolve().parents[1]
ASEM = ROOT / "examples" / "asem"
TIMINGS = ROOT / "tests" / "reference" / "coinr_asem" / "timings.csv"
N = 1000


def coinr_seconds(task: str, n: int = N) -> float:
    """COINr's elapsed time for ``task`` (get_sensitivity_UA / _SA) at ``n``."""
    table = pd.read_csv(TIMINGS)
    row = table[(table["task"] == task) & (table["N"] == n)]
    return float(row["elapsed_s"].iloc[0])


def main() -> None:
    fw = load_framework(ASEM / "framework.yaml")
    inp = from_files(fw, ASEM / "framework.yaml", ASEM / "data.csv", None)
    ev = Evaluation(fw, inp.data, inp.units).run()
    spec = load_spec(ASEM / "robust.yaml")
    run_sensitivity(ev, spec, n=8)  # import SALib once, outside the timing
    t_ua, ua = best_of(lambda: run_uncertainty(ev, spec, n=N))
    t_sa, sa = best_of(lambda: run_sensitivity(ev, spec, n=N))
    coinr_ua = coinr_seconds("get_sensitivity_UA")
    coinr_sa = coinr_seconds("get_sensitivity_SA")
    print(f"qcity_ua_n1000_s={t_ua:.4f}")
    print(f"qcity_sa_n1000_s={t_sa:.4f}")
    print(f"coinr_ua_n1000_s={coinr_ua}")
    print(f"coinr_sa_n1000_s={coinr_sa}")
    print(f"speedup_ua={coinr_ua / t_ua:.0f}")
    print(f"speedup_sa={coinr_sa / t_sa:.0f}")
    print(f"sa_runs={len(sa.y)}")
    print(f"ua_mean_abs_rank_shift={ua.mean_abs_shift:.4f}")


if __name__ == "__main__":
    main()
