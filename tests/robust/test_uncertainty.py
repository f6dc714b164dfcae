"""Uncertainty analysis: every sample is a full evaluation with its recorded parameters,
the statistics are those of the samples, and the seed alone fixes the results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qcity.engine import Evaluation, Step
from qcity.engine.outputs import rank_desc
from qcity.robust.problem import Problem, rank_quantile
from qcity.robust.spec import load_spec, parse_spec
from qcity.robust.uncertainty import run_uncertainty
from tests.helpers import ASEM


def _index_ranks(ev: Evaluation) -> pd.Series:
    scores = ev.scores()
    return scores[scores["node"] == "Index"].set_index("unit")["rank"].astype(float)


def test_each_sample_is_a_full_run_with_its_parameters(asem: Evaluation) -> None:
    """Rebuild samples from their recorded parameters with the ordinary engine (no fast
    path): the mean absolute rank shift is the one recorded."""
    res = run_uncertainty(asem, load_spec(ASEM / "robust.yaml"), n=40, seed=5)
    nominal = _index_ranks(asem)
    samples = res.samples
    assert set(samples["Aggregation"]) == {"arithmetic", "geometric"}
    weight_cols = [c for c in samples.columns if c.startswith("w:")]
    for _, row in samples.iloc[:6].iterrows():
        winmax = int(row["Winmax"].split("=")[1])
        norm = (
            Step("normalise", "minmax", {"l": 1, "u": 100, "scope": "period"})
            if row["Normalisation"].startswith("minmax")
            else Step("normalise", "zscore", {"m": 10, "sd": 2, "scope": "period"})
        )
        # ASEM's nominal weights are all 1, so the multipliers are the weights
        weights = {c[2:]: float(row[c]) for c in weight_cols}
        log = [s for s in asem.log]
        replaced = {
            "treat": Step("treat", "coinr", {"winmax": winmax}),
            "normalise": norm,
            "weight": Step("weight", "manual", {"nominal": weights}),
            "aggregate": Step("aggregate", row["Aggregation"]),
        }
        log = [replaced.get(s.name, s) for s in log]
        full = Evaluation(asem.framework, asem.data, asem.units, steps=log).run()
        shift = (_index_ranks(full) - nominal.loc[_index_ranks(full).index]).abs().mean()
        assert row["mean_abs_shift"] == pytest.approx(shift, abs=1e-12)


def test_statistics_are_those_of_the_samples(asem: Evaluation) -> None:
    spec = load_spec(ASEM / "robust.yaml")
    res = run_uncertainty(asem, spec, n=200, seed=1)
    counts = res.rank_counts
    assert (counts.sum(axis=1) == 200).all()  # every unit ranked in every sample
    assert (counts.sum(axis=0) == 200).all()  # every rank given once per sample (no ties)
    stats = res.rank_stats.set_index("unit")
    ranks = np.arange(1, counts.shape[1] + 1)
    for i, unit in enumerate(res.rank_stats["unit"]):
        sample = np.repeat(ranks, counts[i])  # this unit's 200 ranks
        assert stats.loc[unit, "mean"] == pytest.approx(sample.mean())
        assert stats.loc[unit, "median"] == np.quantile(sample, 0.5)
        assert stats.loc[unit, "q05"] == np.quantile(sample, 0.05)
        assert stats.loc[unit, "q95"] == np.quantile(sample, 0.95)
    assert res.mean_abs_shift == pytest.approx(res.samples["mean_abs_shift"].mean())
    assert list(res.rank_stats.columns) == ["unit", "nominal", "mean", "median", "q05", "q95"]


def test_rank_quantile_interpolates_as_r_type_7() -> None:
    # ranks 1, 2, 2, 5 of one unit: type 7 at q = 0.05 is 1 + 0.15 (2 - 1) = 1.15
    hist = np.zeros((1, 5), dtype=int)
    hist[0, [0, 1, 4]] = [1, 2, 1]
    assert rank_quantile(hist, 0.05)[0] == pytest.approx(1.15)
    assert rank_quantile(hist, 0.5)[0] == 2.0
    assert rank_quantile(hist, 0.95)[0] == pytest.approx(2 + 0.85 * 3)
    assert np.isnan(rank_quantile(np.zeros((1, 3), dtype=int), 0.5)[0])


def test_same_seed_same_results_whatever_the_chunks(asem: Evaluation) -> None:
    spec = load_spec(ASEM / "robust.yaml")
    one = run_uncertainty(asem, spec, n=120, seed=9)
    chunked = run_uncertainty(asem, spec, n=120, seed=9, chunk=7)
    pd.testing.assert_frame_equal(one.rank_stats, chunked.rank_stats)
    pd.testing.assert_frame_equal(one.samples, chunked.samples)
    other = run_uncertainty(asem, spec, n=120, seed=10)
    assert not one.samples.equals(other.samples)
    assert one.seed == 9 and run_uncertainty(asem, spec, n=2).seed == spec.seed


def test_choices_without_effect_leave_every_rank_nominal(asem: Evaluation) -> None:
    """Two identical options: every sample is the nominal run, so every statistic is the
    nominal rank and the shift is 0."""
    spec = parse_spec(
        {"inputs": [{"name": "same", "kind": "parameter", "step": "treat",
                     "parameter": "winmax", "values": [5, 5]}]}
    )  # fmt: skip
    res = run_uncertainty(asem, spec, n=30, seed=1)
    stats = res.rank_stats
    for col in ("mean", "median", "q05", "q95"):
        assert (stats[col] == stats["nominal"].astype(float)).all()
    assert res.mean_abs_shift == 0.0


def test_leave_one_out_and_level_aggregator(asem: Evaluation) -> None:
    """Leaving LPI out is its weight 0: the Physical pillar is then the mean of the others;
    a geometric mean at level 2 only changes the pillars, not the sub-index means."""
    spec = parse_spec(
        {
            "inputs": [
                {"name": "drop", "kind": "leave_out", "indicators": ["LPI"]},
                {"name": "pillars", "kind": "method", "step": "aggregate", "level": 2,
                 "options": [{"method": "arithmetic"}]},
            ]
        }
    )  # fmt: skip
    problem = Problem(asem, spec)
    cats = np.array([[1, 0]])
    mult = problem.multipliers(cats, {})
    assert mult[0, problem.codes.index("LPI")] == 0.0
    chunk = problem.run_chunk(cats, mult)
    # the same by hand: Physical without LPI, then arithmetic means above
    agg = asem.dataset("aggregated").xs("2018", level="period")
    phys = [c for c in asem.results.tree.children["Physical"] if c != "LPI"]
    physical = agg[phys].mean(axis=1)
    conn_kids = asem.results.tree.children["Conn"]
    conn = pd.concat(
        [physical.rename("Physical"), agg[[k for k in conn_kids if k != "Physical"]]], axis=1
    )
    index = (conn.mean(axis=1) + agg["Sust"]) / 2
    ranks = rank_desc(index.loc[problem.units].to_numpy())
    expected = np.abs(ranks - problem.nominal_ranks).mean()
    assert chunk.shift[0] == pytest.approx(expected)


def test_unknown_unit_or_period_is_refused(asem: Evaluation) -> None:
    spec = load_spec(ASEM / "robust.yaml")
    with pytest.raises(ValueError, match="unit 'XXX'"):
        run_uncertainty(asem, spec, n=2, unit="XXX")
    with pytest.raises(ValueError, match="at least 1"):
        run_uncertainty(asem, spec, n=0)
