"""The engine's fast path (qcity.engine.fast) gives the scores of a full run.

Expected values come from full runs of the engine with the same weights written into the
weight step (``with_step("weight", "manual", {"nominal": ...})``), one run per weight set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qcity.engine import Evaluation, Step
from qcity.engine.fast import BATCHED, StageCache, log_hash, rank_rows
from qcity.engine.outputs import rank_desc
from qcity.engine.pipeline import run_pipeline
from qcity.engine.steps import replace_step
from qcity.methods.registry import AGGREGATORS
from tests.helpers import asem_inputs


@pytest.fixture(scope="module")
def asem_gaps() -> Evaluation:
    """ASEM without imputation (63 values missing, so the means drop NaN children) and
    min-max to [1, 100] (positive, as the geometric and harmonic means need)."""
    fw, inp = asem_inputs()
    ev = Evaluation(fw, inp.data, inp.units)
    steps = replace_step(ev.log, Step("impute", "none"))
    steps = replace_step(steps, Step("normalise", "minmax", {"l": 1, "u": 100, "scope": "period"}))
    return Evaluation(fw, inp.data, inp.units, steps=steps).run()


def _full_run_scores(ev: Evaluation, codes: tuple[str, ...], w: np.ndarray) -> np.ndarray:
    """The index of a full run with the weights ``w`` (one per code) as nominal weights."""
    run = ev.with_step("weight", "manual", {"nominal": dict(zip(codes, w.tolist(), strict=True))})
    scores = run.scores()
    index = scores[scores["node"] == run.results.tree.root]
    wide = index.pivot(index="period", columns="unit", values="score")
    periods = list(run.results.datasets["raw"].periods)
    return wide.reindex(index=periods, columns=list(run.results.datasets["raw"].units)).to_numpy()


def _weights(n_codes: int, seed: int, samples: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.5, 1.5, (samples, n_codes))
    w[0, 0] = 0.0  # a zero weight: that child no longer counts
    return w


@pytest.mark.parametrize("method", AGGREGATORS.names())
def test_every_aggregator_matches_a_full_run(asem_gaps: Evaluation, method: str) -> None:
    ev = asem_gaps.with_step("aggregate", method)
    assert np.isnan(ev.dataset("normalised").to_numpy()).any()  # the NaN case is exercised
    fp = ev.fast_path()
    w = _weights(len(fp.codes), seed=len(method))
    fast = fp.scores(w)
    for s in range(len(w)):
        expected = _full_run_scores(ev, fp.codes, w[s])
        np.testing.assert_allclose(fast[s], expected, rtol=1e-10, atol=1e-10, equal_nan=True)


def test_nominal_weights_give_the_run_itself(asem_gaps: Evaluation) -> None:
    fp = asem_gaps.fast_path()
    scores = fp.scores(fp.nominal[None, :])[0]
    run = asem_gaps.results.scores["Index"]
    np.testing.assert_allclose(scores, run, rtol=1e-12, equal_nan=True)


def test_generalised_mean_orders_batched(asem_gaps: Evaluation) -> None:
    """Power means p = -2 and p = 3 (not the named ones) against full runs, and the
    batched set is the weighted means."""
    assert {"arithmetic", "geometric", "harmonic", "generalised"} == set(BATCHED)
    for p in (-2.0, 3.0):
        ev = asem_gaps.with_step("aggregate", "generalised", {"p": p})
        fp = ev.fast_path()
        w = _weights(len(fp.codes), seed=7, samples=2)
        fast = fp.scores(w)
        for s in range(len(w)):
            np.testing.assert_allclose(
                fast[s], _full_run_scores(ev, fp.codes, w[s]), rtol=1e-10, equal_nan=True
            )


def test_chunks_do_not_change_the_result(asem_gaps: Evaluation) -> None:
    fp = asem_gaps.fast_path()
    w = _weights(len(fp.codes), seed=3, samples=10)
    np.testing.assert_array_equal(fp.ranks(w, chunk=3), fp.ranks(w))
    np.testing.assert_allclose(fp.scores(w, chunk=1), fp.scores(w), rtol=1e-13, equal_nan=True)


def test_reaggregate_returns_a_table_with_the_runs_ranks(asem_gaps: Evaluation) -> None:
    fp = asem_gaps.fast_path()
    table = asem_gaps.reaggregate({"Conn": [1.0, 3.0], "Sust": [1.0, 1.0]})
    assert list(table.columns) == ["sample", "period", "unit", "score", "rank"]
    assert len(table) == 2 * len(fp.units)
    first = table[table["sample"] == 0].set_index("unit")
    ours = asem_gaps.scores()
    index = ours[ours["node"] == "Index"].set_index("unit").reindex(first.index)
    # Conn and Sust equally weighted = the nominal run (units screened out: NaN, no rank)
    np.testing.assert_allclose(first["score"], index["score"], rtol=1e-12)
    assert first["rank"].fillna(-1).equals(index["rank"].fillna(-1))
    # Conn weighted 3:1 -> Index = (3 Conn + Sust) / 4
    second = table[table["sample"] == 1].set_index("unit")
    wide = ours.pivot(index="unit", columns="node", values="score").reindex(second.index)
    np.testing.assert_allclose(second["score"], (3 * wide["Conn"] + wide["Sust"]) / 4, rtol=1e-12)


def test_reaggregate_refuses_unknown_codes(asem_gaps: Evaluation) -> None:
    with pytest.raises(ValueError, match="not in the tree: Nowhere"):
        asem_gaps.reaggregate(pd.DataFrame({"Nowhere": [1.0]}))


def test_stage_cache_runs_each_prefix_once(asem_gaps: Evaluation) -> None:
    ev = asem_gaps
    cache = StageCache(ev.framework, ev.data, ev.units)
    logs = []
    for winmax in (1, 5):
        for norm in ({"l": 1, "u": 100, "scope": "period"}, {"l": 2, "u": 50, "scope": "period"}):
            steps = replace_step(ev.log, Step("treat", "coinr", {"winmax": winmax}))
            logs.append(replace_step(steps, Step("normalise", "minmax", norm)))
    for log in logs:
        res = cache.results(log)
        full = run_pipeline(ev.framework, ev.data, ev.units, log)
        np.testing.assert_array_equal(res.scores["Index"], full.scores["Index"])
    assert cache.runs == {"early": 1, "treat": 2, "normalise": 0, "final": 4}
    # the fast path's inputs: stages up to normalisation only, the same values
    fresh = StageCache(ev.framework, ev.data, ev.units)
    for log in logs:
        norm = fresh.normalised(log)
        full = cache.results(log)
        for code, values in norm.values.items():
            np.testing.assert_array_equal(values, full.scores[code])
        for node, w in norm.weights.items():
            np.testing.assert_allclose(w, full.weights[node], rtol=1e-15)
    assert fresh.runs == {"early": 1, "treat": 2, "normalise": 4, "final": 0}
    assert log_hash(logs[0]) != log_hash(logs[1])


def test_rank_rows_ranks_as_the_engine() -> None:
    """Many rows at once: the same ranks as ``rank_desc`` (ties share the lowest rank,
    NaN stays NaN); row 0 by hand."""
    x = np.array([[3.0, 1.0, 3.0, np.nan, 2.0]])
    np.testing.assert_array_equal(rank_rows(x), [[1.0, 4.0, 1.0, np.nan, 3.0]])
    rng = np.random.default_rng(0)
    many = rng.integers(0, 6, size=(200, 30)).astype(float)  # many ties
    many[rng.random(many.shape) < 0.1] = np.nan
    many[:100] += rng.random((100, 30))  # rows without ties
    np.testing.assert_array_equal(rank_rows(many), rank_desc(many))
