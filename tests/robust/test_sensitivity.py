"""Sobol sensitivity: the mapping of uniform samples to categories, indices of inputs
with and without effect, and the outputs on a chosen unit."""

from __future__ import annotations

import numpy as np
import pytest

from qcity.engine import Evaluation
from qcity.robust.sensitivity import run_sensitivity, to_categories
from qcity.robust.spec import parse_spec
from tests.helpers import asem_inputs

#: Aggregation matters; the "same" input offers two identical values (no effect).
SPEC = {
    "inputs": [
        {"name": "Aggregation", "kind": "method", "step": "aggregate",
         "options": [{"method": "arithmetic"}, {"method": "geometric"}]},
        {"name": "same", "kind": "parameter", "step": "treat", "parameter": "winmax",
         "values": [5, 5]},
    ]
}  # fmt: skip


@pytest.fixture(scope="module")
def asem() -> Evaluation:
    fw, inp = asem_inputs()
    ev = Evaluation(fw, inp.data, inp.units)
    return ev.with_step("normalise", params={"l": 1, "u": 100, "scope": "period"})


def test_uniform_to_categories_in_equal_shares() -> None:
    u = np.array([0.0, 0.19, 0.2, 0.59, 0.6, 0.999, 1.0])
    # 5 categories: [0, .2) -> 0, [.2, .4) -> 1, ..., [.8, 1] -> 4 (1.0 itself included)
    assert to_categories(u, 5).tolist() == [0, 0, 1, 2, 3, 4, 4]
    assert to_categories(u, 1).tolist() == [0] * 7


def test_only_the_effective_input_has_indices(asem: Evaluation) -> None:
    """With one input that matters, the output is a function of it alone: its first-order
    and total indices are 1 (up to the estimator's error) and the other input's are 0."""
    res = run_sensitivity(asem, parse_spec(SPEC), n=64, seed=3, bootstrap=20)
    idx = res.indices.set_index("input")
    assert list(res.indices.columns) == ["input", "Si", "STi", "Si_lo", "Si_hi", "STi_lo", "STi_hi"]
    assert idx.loc["same", "STi"] == 0.0 and idx.loc["same", "Si"] == 0.0
    assert idx.loc["Aggregation", "STi"] == pytest.approx(1.0, abs=0.2)
    assert idx.loc["Aggregation", "Si"] == pytest.approx(1.0, abs=0.2)
    assert len(res.y) == 64 * (2 + 2)
    assert (idx["Si_lo"] <= idx["Si"]).all() and (idx["STi"] <= idx["STi_hi"]).all()


def test_unit_rank_and_score_outputs(asem: Evaluation) -> None:
    spec = parse_spec(SPEC)
    rank = run_sensitivity(asem, spec, n=16, seed=1, output="rank", unit="LUX", bootstrap=10)
    score = run_sensitivity(asem, spec, n=16, seed=1, output="score", unit="LUX", bootstrap=10)
    assert set(np.unique(rank.y)) <= set(range(1, 52))
    arith = asem.scores().query("node == 'Index' and unit == 'LUX'")["score"].iloc[0]
    # the arithmetic-mean runs give the run's own score
    assert np.isclose(score.y, arith, rtol=1e-12, atol=0).any()
    assert score.y.min() < arith  # the geometric mean is never above the arithmetic one


def test_seed_fixes_the_indices(asem: Evaluation) -> None:
    spec = parse_spec(SPEC)
    a = run_sensitivity(asem, spec, n=16, seed=2, bootstrap=10)
    b = run_sensitivity(asem, spec, n=16, seed=2, bootstrap=10, chunk=5)
    assert a.indices.equals(b.indices)


def test_bad_requests(asem: Evaluation) -> None:
    spec = parse_spec(SPEC)
    with pytest.raises(ValueError, match="needs a unit"):
        run_sensitivity(asem, spec, n=8, output="rank")
    one = parse_spec({"inputs": SPEC["inputs"][:1]})
    with pytest.raises(ValueError, match="at least two"):
        run_sensitivity(asem, one, n=8)
