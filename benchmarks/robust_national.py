"""Uncertainty analysis at national scale, printed as ``name=value`` lines.

Case 1: 2,850 county units x 60 indicators (the synthetic panel of bench_engine.py, 20
years, ranked in the latest), N = 10,000 samples with every indicator weight perturbed
within +-25 % and 4 discrete variants (min-max to [1, 100] pooled over the years or per
year; arithmetic or geometric mean). Goal: under 10 s on 2 idle cores.

Case 2: 30,000 units (a provincial or national platform's townships), same framework and
spec, N = 1,000. Before, each unit's rank distribution was a units x units count matrix
(30,000 units: 7.2 GB); now only the (unit, rank) pairs seen are kept
(``qcity.robust.rank_counts``): printed, their bytes next to the dense matrix's.

Each case runs in a child process of its own, which prints its time and its peak
resident memory (``ru_maxrss``) and the resident memory before the analysis; the load of
the machine (``uptime``) is printed first, since other work slows the figures.

Also printed for case 1: the time to prepare the variants (each through the engine's
stages once, on all 20 years) and to evaluate the samples; the bound set by the matrix
products and sorts alone (per variant, the index as one product of the normalised
indicators with each sample's effective weights, then one argsort per sample) and the
sampling time's ratio to it; the sampling on a Dask LocalCluster with 1 and 2 worker
processes (one thread each; the local run uses a thread per core).

Run: ``make bench`` (or ``.venv/bin/python benchmarks/robust_national.py``; one case:
``... robust_national.py UNITS N YEARS``).
"""

from __future__ import annotations

import os
import resource
import subprocess
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


CASES = ((UNITS, N, 20), (30_000, 1_000, 20))
"""(units, samples, years) of each case."""


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def rss_gb() -> float:
    """Resident memory of this process now (Linux: VmRSS of /proc/self/status)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024**2
    return float("nan")


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


def case(units: int, n: int, years: int) -> None:
    """One case, in this process: time, memory and the rank counts' size."""
    fw = national_framework(years=years)
    panel = national_panel(fw, units=units)
    ev = Evaluation(fw, panel).run()
    spec = parse_spec(SPEC)
    tag = f"{units}u_n{n}"
    print(f"[{tag}] units={units} indicators={len(fw.indicators())} years={years} samples={n}")
    before = rss_gb()
    t0 = time.perf_counter()
    problem = Problem(ev, spec)
    cats, _, _ = draw_design(problem, n, spec.seed or 1)
    problem.prepare(cats)  # each variant through the engine's stages once
    t_prepare = time.perf_counter() - t0
    prepared = rss_gb()
    t0, c0 = time.perf_counter(), time.process_time()
    res = run_uncertainty(ev, spec, n=n, problem=problem)
    t_sampling, c_sampling = time.perf_counter() - t0, time.process_time() - c0
    t_local = t_prepare + t_sampling
    peak = peak_rss_gb()
    print(f"[{tag}] variants={len(problem.paths)}")
    print(f"[{tag}] qcity_ua_s={t_local:.3f}")
    print(
        f"[{tag}] prepare_variants_s={t_prepare:.3f} sampling_s={t_sampling:.3f} "
        f"sampling_cpu_s={c_sampling:.3f} (all threads)"
    )
    if (units, n) == (UNITS, N):
        print(f"[{tag}] goal_s=10 within_goal={t_local < 10}")
    print(
        f"[{tag}] rss_gb before_analysis={before:.3f} variants_prepared={prepared:.3f} "
        f"peak={peak:.3f}"
    )
    pairs = len(res.counts.ranks)
    dense = units * units * 8
    print(
        f"[{tag}] rank_count_pairs={pairs} ({pairs / units:.0f} per unit) "
        f"rank_counts_mb={res.counts.nbytes / 1e6:.1f} dense_matrix_mb={dense / 1e6:.1f} "
        f"ratio_dense_to_sparse={dense / res.counts.nbytes:.1f}"
    )
    print(f"[{tag}] mean_abs_rank_shift={res.mean_abs_shift:.3f}")
    if (units, n) != (UNITS, N):
        return
    t_bound = bound(problem, n)
    print(f"[{tag}] bound_products_and_sorts_s={t_bound:.3f}")
    print(f"[{tag}] ratio_sampling_to_bound={t_sampling / t_bound:.2f}")
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
            remote = run_uncertainty(ev, spec, n=n, runner=dask_runner(client), problem=problem)
            t = time.perf_counter() - t0
        same = remote.rank_stats.equals(res.rank_stats)
        print(f"[{tag}] dask_{workers}_workers_sampling_s={t:.3f} identical_to_local={same}")


def main() -> None:
    if len(sys.argv) == 4:
        case(*(int(a) for a in sys.argv[1:]))
        return
    print(f"cores={os.cpu_count()}")
    print(f"load_average_1_5_15={' '.join(f'{x:.2f}' for x in os.getloadavg())} (uptime)")
    for units, n, years in CASES:
        cmd = [sys.executable, __file__, str(units), str(n), str(years)]
        subprocess.run(cmd, check=True)
    print(f"load_average_1_5_15={' '.join(f'{x:.2f}' for x in os.getloadavg())} (after)")


if __name__ == "__main__":
    main()
