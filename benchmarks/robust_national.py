"""Uncertainty analysis at national scale, printed as ``name=value`` lines.

2,850 county units x 60 indicators (the synthetic panel of bench_engine.py, 20 years,
ranked in the latest), N = 10,000 samples with every indicator weight perturbed within
+-25 % and 4 discrete variants (min-max to [1, 100] pooled over the years or per year;
arithmetic or geometric mean). Goal: under 10 s on 2 cores and under 2 GB peak memory.

Also printed: the time to prepare the variants (each through the engine's stages once,
on all 20 years) and to evaluate the samples; the bound set by the matrix products and
sorts alone (per variant, the index as one product of the normalised indicators with each
sample's effective weights, then one argsort per sample) and the sampling time's ratio to
it; the sampling on a Dask LocalCluster with 1 and 2 worker processes (one thread each;
the local run uses a thread per core).

Run: ``make bench`` (or ``.venv/bin/python benchmarks/robust_national.py``).
"""

from __future__ import annotations

import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import UNITS, national_framework, national_panel

from qcity.engine import Evaluation
from qcity.robust.distributed import dask_runner
from qcity.robust.problem import Problem
from qcity.robust.spec import parse_spec
from qcity.robust.uncertainty import draw_design, run_uncertainty

N = 10_000
SPEC = {
    "seed": 1,
    "inputs": [
        {
            "name": "normalisation",
            "kind": "method",
            "step": "normalise",
            "options": [
                {"method": "minmax", "params": {"l": 1, "u": 100, "scope": "pooled"}},
                {"method": "minmax", "params": {"l": 1, "u": 100, "scope": "period"}},
            ],
        },
        {
            "name": "aggregation",
            "kind": "method",
            "step": "aggregate",
            "options": [{"method": "arithmetic"}, {"method": "geometric"}],
        },
        {"name": "weights", "kind": "weights", "noise": {1: 0.25}},
    ],
}


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def bound(problem: Problem, n: int) -> float:
    """Seconds for the matrix products and sorts alone, on every core: per variant,
    normalised indicators (N, K) times effective weights (K, S), then an argsort per
    sample (the variants' work spread over one thread per core, as the analysis does)."""
    rng = np.random.default_rng(0)
    fp = next(iter(problem.paths.values()))
    x = np.stack([fp.values[c][problem.t] for c in fp.tree.indicators], axis=1)
    x = np.nan_to_num(x)
    w = rng.uniform(0.75, 1.25, (x.shape[1], n // len(problem.paths)))

    def one(_: int) -> None:
        np.argsort(-(x @ w).T, axis=1)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(one, range(len(problem.paths))))
    return time.perf_counter() - t0


def main() -> None:
    cores = os.cpu_count()
    fw = national_framework()
    panel = national_panel(fw)
    ev = Evaluation(fw, panel).run()
    spec = parse_spec(SPEC)
    print(f"cores={cores}")
    print(f"units={UNITS}")
    print(f"indicators={len(fw.indicators())}")
    print(f"samples={N}")
    base_rss = peak_rss_gb()
    t0 = time.perf_counter()
    problem = Problem(ev, spec)
    cats, _, _ = draw_design(problem, N, spec.seed or 1)
    problem.prepare(cats)  # each variant through the engine's stages once
    t_prepare = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = run_uncertainty(ev, spec, n=N, problem=problem)
    t_sampling = time.perf_counter() - t0
    t_local = t_prepare + t_sampling
    print(f"variants={len(problem.paths)}")
    print(f"qcity_ua_national_n10000_s={t_local:.3f}")
    print(f"prepare_variants_s={t_prepare:.3f}")
    print(f"sampling_s={t_sampling:.3f}")
    print(f"goal_s=10 within_goal={t_local < 10}")
    print(f"peak_rss_gb={peak_rss_gb():.3f} (before the analysis: {base_rss:.3f}; goal < 2)")
    t_bound = bound(problem, N)
    print(f"bound_products_and_sorts_s={t_bound:.3f}")
    print(f"ratio_sampling_to_bound={t_sampling / t_bound:.2f}")
    print(f"mean_abs_rank_shift={res.mean_abs_shift:.3f}")
    from distributed import Client, LocalCluster

    for workers in (1, 2):
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            t0 = time.perf_counter()
            remote = run_uncertainty(ev, spec, n=N, runner=dask_runner(client), problem=problem)
            t = time.perf_counter() - t0
        same = remote.rank_stats.equals(res.rank_stats)
        print(f"dask_{workers}_workers_sampling_s={t:.3f} identical_to_local={same}")


if __name__ == "__main__":
    main()
