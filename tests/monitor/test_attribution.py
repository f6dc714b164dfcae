"""Attribution of a composite's change to its indicators: hand-worked for arithmetic
trees (effective weight x change), missing values (renormalised weights), geometric
means (log-change shares); the contributions sum to the change at every node."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcity.engine import Evaluation
from qcity.framework.model import Framework
from qcity.monitor import attribution
from qcity.monitor.attribution import ATTRIBUTION_COLUMNS, log_mean
from tests.helpers import composite, indicator, toy_framework


def framework(root_aggregate: str = "arithmetic", **root: Any) -> Framework:
    """idx (weights A 2, B 1) -> A (a1 weight 1, a2 weight 3), B (b1); fixed goalposts
    0..100, so an indicator's normalised score is its value."""

    def ind(code: str, weight: float = 1.0) -> dict:
        return indicator(code, weight=weight, goalposts={"lo": 0, "hi": 100})

    a = composite(
        "A", "甲", [ind("a1"), ind("a2", 3)], weight=2, aggregate={"method": "arithmetic"}
    )
    return toy_framework(
        [a, composite("B", "乙", [ind("b1")])],
        valid_from=2015,
        valid_to=2030,
        root={"aggregate": {"method": root_aggregate, **root}},
        defaults={"normalise": {"method": "goalposts"}},
    )


def data(values: dict[str, dict[str, float]]) -> pd.DataFrame:
    """{period: {indicator: value}} for unit u0, plus a unit u1 at 50 everywhere."""
    rows = []
    for period, vals in values.items():
        for code, v in vals.items():
            rows.append({"unit": "u0", "indicator": code, "period": period, "value": v})
        for code in ("a1", "a2", "b1"):
            rows.append({"unit": "u1", "indicator": code, "period": period, "value": 50.0})
    return pd.DataFrame(rows)


def change_of(ev: Evaluation, node: str, p0: str, p1: str, unit: str = "u0") -> float:
    s = ev.scores()
    s = s[(s["unit"] == unit) & (s["node"] == node)].set_index("period")["score"]
    return float(s[p1] - s[p0])


def test_arithmetic_effective_weight_times_change() -> None:
    ev = Evaluation(
        framework(),
        data({"2020": {"a1": 10, "a2": 20, "b1": 30}, "2024": {"a1": 40, "a2": 10, "b1": 60}}),
    ).run()
    out = attribution(ev, "u0", 2020, 2024)
    assert list(out.columns) == ATTRIBUTION_COLUMNS
    idx = out[out["node"] == "idx"].set_index("indicator")
    # effective weights: a1 2/3 * 1/4 = 1/6, a2 2/3 * 3/4 = 1/2, b1 1/3
    # changes +30, -10, +30 -> contributions 5, -5, 10; index 21.667 -> 31.667 (+10)
    assert idx["change"].tolist() == [30.0, -10.0, 30.0]
    assert idx["contribution"].tolist() == pytest.approx([5.0, -5.0, 10.0])
    assert idx["contribution"].sum() == pytest.approx(change_of(ev, "idx", "2020", "2024"))
    # A: weights 1/4, 3/4 -> +7.5 and -7.5, A does not move
    a = out[out["node"] == "A"].set_index("indicator")["contribution"]
    assert a.tolist() == pytest.approx([7.5, -7.5])
    assert set(out["node"]) == {"idx", "A", "B"}
    assert (out["from_period"] == "2020").all() and (out["to_period"] == "2024").all()
    only = attribution(ev, "u0", "2020", "2024", node="B")
    assert only[["indicator", "contribution"]].values.tolist() == [["b1", 30.0]]


def test_a_missing_value_renormalises_the_weights_and_still_sums() -> None:
    ev = Evaluation(
        framework(),
        data({"2020": {"a1": 10, "a2": 20, "b1": 30}, "2024": {"a1": 40, "b1": 60}}),
    ).run()
    # 2024: a2 missing, so A = a1 = 40 and a1's effective weight is 2/3
    # index 2020 = 2/3 * 17.5 + 1/3 * 30 = 21.667; 2024 = 2/3 * 40 + 1/3 * 60 = 46.667
    # a1: 2/3 * 40 - 1/6 * 10 = 25; a2 leaves: 0 - 1/2 * 20 = -10; b1: 1/3 * 30 = 10
    idx = attribution(ev, "u0", "2020", "2024", node="idx").set_index("indicator")
    assert idx["contribution"].tolist() == pytest.approx([25.0, -10.0, 10.0])
    assert np.isnan(idx.loc["a2", "change"])
    assert idx["contribution"].sum() == pytest.approx(change_of(ev, "idx", "2020", "2024"))


def test_geometric_log_change_shares_by_hand() -> None:
    # index = A^(2/3) * B^(1/3); A arithmetic (a1 + 3 a2) / 4; B = b1
    ev = Evaluation(
        framework("geometric"),
        data({"2020": {"a1": 16, "a2": 16, "b1": 25}, "2024": {"a1": 64, "a2": 16, "b1": 100}}),
    ).run()
    # A: 16 -> 28 (+12: all a1's, 1/4 * 48); B: 25 -> 100
    S0, S1 = 16 ** (2 / 3) * 25 ** (1 / 3), 28 ** (2 / 3) * 100 ** (1 / 3)
    L = (S1 - S0) / (np.log(S1) - np.log(S0))
    a_part = L * 2 / 3 * np.log(28 / 16)  # A's log-change share, all from a1
    b_part = L * 1 / 3 * np.log(100 / 25)
    idx = attribution(ev, "u0", 2020, 2024, node="idx").set_index("indicator")
    assert idx["contribution"].tolist() == pytest.approx([a_part, 0.0, b_part])
    assert idx["contribution"].sum() == pytest.approx(S1 - S0)


def test_log_mean() -> None:
    assert log_mean(4.0, 4.0) == 4.0
    assert log_mean(np.e, 1.0) == pytest.approx(np.e - 1)
    assert np.isnan(log_mean(0.0, 1.0))


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=1.0, max_value=100.0)), min_size=6, max_size=6
    ),
    st.sampled_from(["arithmetic", "geometric"]),
)
def test_contributions_sum_to_the_change_at_every_node(
    values: list[float | None], root: str
) -> None:
    codes = ("a1", "a2", "b1")
    frame = {
        p: {c: v for c, v in zip(codes, values[3 * i : 3 * i + 3], strict=True) if v is not None}
        for i, p in enumerate(("2020", "2024"))
    }
    for p in frame:  # every period keeps b1, so the unit is evaluated in both
        frame[p].setdefault("b1", 40.0)
    ev = Evaluation(framework(root), data(frame)).run()
    out = attribution(ev, "u0", "2020", "2024")
    for node, rows in out.groupby("node"):
        total = change_of(ev, str(node), "2020", "2024")
        if np.isnan(total):
            assert rows["contribution"].isna().all()
        else:
            assert rows["contribution"].sum() == pytest.approx(total, abs=1e-9)


def test_clear_errors() -> None:
    ev = Evaluation(framework(), data({"2020": {"a1": 1, "a2": 2, "b1": 3}})).run()
    with pytest.raises(ValueError, match="no period 2019"):
        attribution(ev, "u0", 2019, 2020)
    with pytest.raises(ValueError, match="no unit 'zz'"):
        attribution(ev, "zz", 2020, 2020)
    with pytest.raises(ValueError, match="'a1' is not a composite"):
        attribution(ev, "u0", 2020, 2020, node="a1")
    harmonic = Evaluation(framework("harmonic"), data({"2020": {"a1": 1, "a2": 2, "b1": 3}}))
    with pytest.raises(ValueError, match=r"idx \(harmonic\)"):
        attribution(harmonic.run(), "u0", 2020, 2020)


def test_liyang_demo_contributions_sum_to_each_composites_change() -> None:
    from qcity.demo.build import demo_observations
    from qcity.framework.io import load_framework
    from tests.helpers import REPO

    fw = load_framework(REPO / "frameworks" / "liyang.yaml")
    obs = demo_observations(fw, seed=20221030)
    ev = Evaluation(fw, obs[~obs["unit"].str.startswith("liyang_")]).run()
    out = attribution(ev, "liyang", 2020, 2024)
    assert set(out["node"]) == set(ev.results.tree.nodes)
    sums = out.groupby("node")["contribution"].sum()
    for node, total in sums.items():
        assert total == pytest.approx(change_of(ev, str(node), "2020", "2024", "liyang"))
