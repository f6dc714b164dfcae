"""Speed of the monitoring table, printed (not a test): ``qcity.monitor.table.monitor``
(computed over arrays) against the one-loop-per-indicator implementation it replaced, kept
as the reference in ``tests/monitor/reference_table.py``, on the demo (Liyang framework,
57 indicators and 25 composites, the demo's units) and on a larger made-up panel (the
same framework, the demo's units copied to about 500). Both give the same table
(tests/monitor/test_table_reference.py); this prints the median time of each and the
ratio old/new.

Run: ``.venv/bin/python benchmarks/bench_monitor.py [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the reference lives with the tests

from tests.monitor.reference_table import reference_monitor  # noqa: E402

from qcity.demo.build import default_framework_path, demo_observations  # noqa: E402
from qcity.engine.evaluation import Evaluation  # noqa: E402
from qcity.framework.io import load_framework  # noqa: E402
from qcity.monitor.table import monitor  # noqa: E402


def _median_time(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    fw = load_framework(default_framework_path())
    obs = demo_observations(fw)[["unit", "indicator", "period", "value"]]
    copies = [obs] + [obs.assign(unit=obs["unit"] + f"_{i}") for i in range(22)]
    cases = {
        "demo": Evaluation(fw, obs).run(),
        f"demo x23 ({len(pd.concat(copies)['unit'].unique())} units)": Evaluation(
            fw, pd.concat(copies, ignore_index=True)
        ).run(),
    }
    print("# monitoring table of liyang, 2024: reference (one loop per indicator) vs arrays")
    for label, ev in cases.items():
        old = _median_time(lambda ev=ev: reference_monitor(ev, "liyang", 2024), args.repeat)
        new = _median_time(lambda ev=ev: monitor(ev, "liyang", 2024), args.repeat)
        print(f"{label}: old {old:.3f} s, new {new:.3f} s, old/new {old / new:.1f}x")


if __name__ == "__main__":
    main()
