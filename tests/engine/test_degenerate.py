"""Degenerate evaluations are reported (error or diagnostic), never silently NaN."""

from __future__ import annotations

import numpy as np
import pytest

from qcity.engine import Evaluation, EvaluationError
from qcity.framework.model import Denominator, Indicator, MethodSpec, NormaliseSpec
from tests.engine.test_evaluation import panel_data, small_framework


def test_one_unit_cannot_be_normalised_against_itself() -> None:
    data = panel_data(units=1)
    with pytest.raises(EvaluationError, match=r"only one unit \(u0\).*a1.*a group") as err:
        Evaluation(small_framework(), data).run()
    assert err.value.options == ("group",) and "--" not in str(err.value)


def test_one_unit_over_time_is_scored_with_a_warning() -> None:
    """Min-max pooled over years compares the unit's own years: meaningful, ranks are not."""
    fw = small_framework()
    fw.defaults.normalise = NormaliseSpec(
        method="minmax", params={"l": 0, "u": 100}, scope="pooled"
    )
    ev = Evaluation(fw, panel_data(units=1)).run()
    scores = ev.scores()
    assert scores["score"].notna().all() and (scores["rank"] == 1).all()
    warning = [d for d in ev.diagnostics if "only one unit" in d.message]
    assert len(warning) == 1 and warning[0].severity == "warning" and warning[0].code == "u0"


def test_one_unit_with_a_relative_aggregator_is_refused() -> None:
    fw = small_framework()
    fw.defaults.normalise = NormaliseSpec(
        method="minmax", params={"l": 0, "u": 100}, scope="pooled"
    )
    fw.root.aggregate = MethodSpec(method="topsis")
    with pytest.raises(EvaluationError, match=r"aggregating A, B, idx by comparing units"):
        Evaluation(fw, panel_data(units=1)).run()


def test_indicators_dividing_each_other_are_refused() -> None:
    fw = small_framework()
    a1, b1 = fw.find("a1"), fw.find("b1")
    assert isinstance(a1, Indicator) and isinstance(b1, Indicator)
    a1.denominator, b1.denominator = Denominator(series="b1"), Denominator(series="a1")
    with pytest.raises(EvaluationError, match=r"circle \(a1 -> b1 -> a1\)"):
        Evaluation(fw, panel_data()).run()


def test_geometric_mean_over_zeros_is_a_warning_diagnostic() -> None:
    """Min-max with l = 0 gives the worst unit of each indicator 0: with zero: epsilon the
    geometric mean runs, and says that its result depends on eps."""
    fw = small_framework()
    fw.root.aggregate = MethodSpec(method="geometric", params={"zero": "epsilon"})  # A, B too
    ev = Evaluation(fw, panel_data()).run()
    notes = [d for d in ev.diagnostics if d.step == "aggregate"]
    assert [d.code for d in notes] == ["A", "B"]
    assert all(d.severity == "warning" for d in notes)
    # each of the 3 indicators of A has one worst unit in each of the 3 periods
    assert notes[0].message.startswith("geometric mean at A: 9 value(s) <= 0")
    # with min-max on [1, 100] no child is 0: no note
    fw.defaults.normalise = NormaliseSpec(method="minmax", params={"l": 1, "u": 100})
    assert not [d for d in Evaluation(fw, panel_data()).run().diagnostics]


def test_geometric_mean_refusing_zeros_is_an_error() -> None:
    fw = small_framework()
    fw.find("A").aggregate = MethodSpec(method="geometric")  # type: ignore[union-attr]
    with pytest.raises(EvaluationError, match=r"aggregation of A .geometric.*positive"):
        Evaluation(fw, panel_data()).run()


def test_a_unit_period_without_any_data_is_explained() -> None:
    data = panel_data()
    gone = (data["unit"] == "u2") & (data["period"] == 2021)
    ev = Evaluation(small_framework(), data[~gone]).run()
    scores = ev.scores()
    assert np.isnan(scores.query("unit == 'u2' and period == '2021'")["score"]).all()
    why = [str(d) for d in ev.diagnostics if d.code == "idx"]
    assert why == ["aggregate: no idx score for 1 unit(s) in 2021 (u2): no data for any of "
                   "its indicators"]  # fmt: skip


def test_a_coverage_rule_leaving_a_score_empty_is_explained() -> None:
    data = panel_data()
    gone = (data["unit"] == "u4") & (data["indicator"].isin(["a1", "a2", "a3"]))
    fw = small_framework()
    fw.root.min_coverage = 1.0
    ev = Evaluation(fw, data[~gone]).run()
    assert np.isnan(ev.dataset("aggregated").xs("u4", level="unit")["idx"]).all()
    why = [d.message for d in ev.diagnostics if d.code == "idx"]
    assert why == [
        f"no idx score for 1 unit(s) in {year} (u4): idx has data for too few of its "
        "children (min_coverage 1)"
        for year in (2020, 2021, 2022)
    ]
