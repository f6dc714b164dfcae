"""Backtest of the monitoring forecasts on the demo, printed (not a test).

For every indicator of the Liyang framework and every demo unit (cities, streets, towns),
fit the linear and the log-linear trend on 2015-2020 and forecast 2021-2024; print, per
model, the median and mean absolute percentage error over the series, the share of the
2021-2024 values inside the 95 % prediction interval, and the same for Liyang alone. The
demo values are ILLUSTRATIVE (generated), so this checks the machinery, not the
predictability of real statistics.

Run: ``.venv/bin/python benchmarks/backtest_monitor.py [--seed N]``.
"""

from __future__ import annotations

import argparse

import pandas as pd

from qcity.demo.build import DEFAULT_SEED, default_framework_path, demo_observations
from qcity.framework.io import load_framework
from qcity.monitor.forecast import backtest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args()
    fw = load_framework(default_framework_path())
    obs = demo_observations(fw, args.seed)
    codes = {i.code for i in fw.indicators()}
    obs = obs[obs["indicator"].isin(codes) & ~obs["period"].astype(str).str.contains("Q")]
    obs = obs.assign(year=obs["period"].astype(int), series=obs["unit"] + ":" + obs["indicator"])
    panel = obs.pivot_table(index="year", columns="series", values="value")
    panel.index = panel.index.astype(float)
    got = backtest(panel, (2015, 2020), (2021, 2024))
    print("# demo backtest: fit 2015-2020, forecast 2021-2024 (illustrative data)")
    print(f"series={panel.shape[1]}")
    for label, rows in (("all", got), ("liyang", got[got["series"].str.startswith("liyang:")])):
        for model, part in rows.groupby("model"):
            print(f"{label}_{model}_series={len(part)}")
            print(f"{label}_{model}_mape_median={part['mape'].median():.4f}")
            print(f"{label}_{model}_mape_mean={part['mape'].mean():.4f}")
            print(f"{label}_{model}_pi95_coverage={part['coverage'].mean():.3f}")
    both = got.pivot_table(index="series", columns="model", values="mape").dropna()
    ratio = (both["loglinear"] / both["linear"]).median()
    print(f"loglinear_over_linear_mape_median_ratio={ratio:.3f}")
    worst = got.sort_values("mape", ascending=False).head(5)
    pd.set_option("display.width", 120)
    print("# largest errors")
    print(worst.to_string(index=False))


if __name__ == "__main__":
    main()
