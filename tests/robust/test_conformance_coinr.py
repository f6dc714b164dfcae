"""qcity's uncertainty and sensitivity analyses agree with COINr 1.1.14 on its ASEM
example (tests/reference/coinr_asem, spec in examples/asem/robust.yaml).

Both are Monte Carlo estimates from different random streams (R's and numpy's), so the
numbers differ by sampling error; the tests compare distributions, with tolerances
derived from the number of samples (N = 1000 on both sides):

- a quantile: COINr's q-quantile of a unit's rank must be a plausible q-quantile of
  qcity's rank distribution: ``P(R < floor(x)) - tol <= q <= P(R <= ceil(x)) + tol``, with
  ``tol`` four standard errors of the difference of two empirical CDFs at that point,
  ``4 sqrt(q (1 - q) (1/n1 + 1/n2))`` (n = N samples for the uncertainty analysis, 2N
  runs of the A and B matrices for the sensitivity analysis);
- a mean rank: within four standard errors of the difference of two means,
  ``4 s sqrt(2 / N)`` (``s``: the rank's standard deviation in qcity's samples), plus the
  half-rank by which a discrete rank's mean can move when COINr's ties differ;
- total Sobol indices: qcity's estimate lies inside COINr's bootstrap interval (5 % to
  95 %) for the spec's seed. First-order indices are noisier (COINr's own Si for Winmax
  exceeds its STi, impossible for the true values), so only their intervals must overlap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qcity.engine import Evaluation
from qcity.robust.sensitivity import SensitivityResult, run_sensitivity
from qcity.robust.spec import load_spec
from qcity.robust.uncertainty import UncertaintyResult, run_uncertainty
from tests.helpers import ASEM, coinr_file

N = 1000


@pytest.fixture(scope="module")
def ua(asem: Evaluation) -> UncertaintyResult:
    return run_uncertainty(asem, load_spec(ASEM / "robust.yaml"), n=N)


@pytest.fixture(scope="module")
def sa(asem: Evaluation) -> SensitivityResult:
    return run_sensitivity(asem, load_spec(ASEM / "robust.yaml"), n=N)


def _coinr(name: str) -> pd.DataFrame:
    return pd.read_csv(coinr_file(name)).set_index("uCode")


def test_nominal_ranks_are_coinrs(ua: UncertaintyResult) -> None:
    ref = _coinr("sensitivity_UA_N1000_rankstats.csv")
    ours = ua.rank_stats.set_index("unit").loc[ref.index]
    assert (ours["nominal"].to_numpy() == ref["Nominal"].to_numpy()).all()


@pytest.mark.parametrize(("column", "q"), [("Q5", 0.05), ("Median", 0.5), ("Q95", 0.95)])
@pytest.mark.parametrize("analysis", ["UA", "SA"])
def test_rank_quantiles_within_monte_carlo_error(
    ua: UncertaintyResult, sa: SensitivityResult, analysis: str, column: str, q: float
) -> None:
    """UA: N independent samples on both sides; SA: the 2N runs of the A and B matrices
    (COINr's SA rank statistics come from the same runs)."""
    ref = _coinr(f"sensitivity_{analysis}_N1000_rankstats.csv")
    res = ua if analysis == "UA" else sa
    n_ref = N if analysis == "UA" else 2 * N
    units = list(res.rank_stats["unit"])
    counts = res.rank_counts
    cdf = np.cumsum(counts, axis=1) / counts.sum(axis=1, keepdims=True)
    tol = 4 * np.sqrt(q * (1 - q) * (1 / n_ref + 1 / counts.sum(axis=1).min()))
    for code, x in ref[column].items():
        row = cdf[units.index(code)]
        lo_rank, hi_rank = int(np.floor(x)), int(np.ceil(x))
        below = row[lo_rank - 2] if lo_rank >= 2 else 0.0  # P(R < floor(x))
        upto = row[hi_rank - 1]  # P(R <= ceil(x))
        assert below - tol <= q <= upto + tol, (code, column, x, below, upto)


def test_mean_ranks_within_monte_carlo_error(ua: UncertaintyResult) -> None:
    ref = _coinr("sensitivity_UA_N1000_rankstats.csv")
    stats = ua.rank_stats.set_index("unit")
    ranks = np.arange(1, ua.rank_counts.shape[1] + 1)
    p = ua.rank_counts / ua.rank_counts.sum(axis=1, keepdims=True)
    sd = np.sqrt((p * (ranks - stats["mean"].to_numpy()[:, None]) ** 2).sum(axis=1))
    sd = pd.Series(sd, index=stats.index)
    diff = (stats.loc[ref.index, "mean"] - ref["Mean"]).abs()
    assert (diff <= 4 * sd.loc[ref.index] * np.sqrt(2 / N) + 0.5).all(), diff.max()


def test_total_sobol_indices_inside_coinrs_intervals(sa: SensitivityResult) -> None:
    ref = pd.read_csv(coinr_file("sensitivity_SA_N1000_indices.csv")).set_index("Variable")
    ours = sa.indices.set_index("input").loc[ref.index]
    assert ((ours["STi"] >= ref["STi_q5"]) & (ours["STi"] <= ref["STi_q95"])).all(), ours
    # the inputs rank in the same order of importance
    assert list(ours["STi"].sort_values().index) == list(ref["STi"].sort_values().index)


def test_first_order_intervals_overlap_coinrs(sa: SensitivityResult) -> None:
    ref = pd.read_csv(coinr_file("sensitivity_SA_N1000_indices.csv")).set_index("Variable")
    ours = sa.indices.set_index("input").loc[ref.index]
    assert ((ours["Si_lo"] <= ref["Si_q95"]) & (ref["Si_q5"] <= ours["Si_hi"])).all(), ours
    assert len(sa.y) == N * (len(ref) + 2)  # Saltelli's N (D + 2) runs, as COINr's 6000
