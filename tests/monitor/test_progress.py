"""Progress classes and scores (Statistics Canada / open-sdg method), worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qcity.monitor import period_year, progress_class, progress_score
from qcity.monitor.progress import class_of_score, limit_factor, overall_scores


def test_with_a_target_the_ratio_of_growth_rates_sets_the_class() -> None:
    # target 200 by 2025 from 100 in 2015: required CAGR 2^(1/10) - 1 = 7.177 %
    required = 2 ** (1 / 10) - 1
    for latest, expected in [(150, "on_track"), (130, "acceleration_needed"),
                             (120, "limited_progress"), (90, "deterioration")]:  # fmt: skip
        ratio = ((latest / 100) ** (1 / 5) - 1) / required
        # 150: R = 1.18; 130: R = 0.75; 120: R = 0.52; 90: R < 0
        assert (ratio >= 0.95) == (expected == "on_track")
        assert progress_class(100, 2015, latest, 2020, 200, 2025) == expected


def test_a_target_already_met_is_its_own_class() -> None:
    assert progress_class(100, 2015, 210, 2020, 200, 2025) == "target_achieved"
    assert progress_class(100, 2015, 200, 2020, 200, 2025) == "target_achieved"
    assert progress_score(100, 2015, 210, 2020, 200, 2025) == 5


def test_without_a_target_the_growth_rate_sets_the_class() -> None:
    # 5 years at 2 %, 1 %, 0.3 % and -1 % a year
    assert progress_class(100, 2015, 100 * 1.02**5, 2020) == "on_track"
    assert progress_class(100, 2015, 100 * 1.01**5, 2020) == "acceleration_needed"
    assert progress_class(100, 2015, 100 * 1.003**5, 2020) == "limited_progress"
    assert progress_class(100, 2015, 100 * 0.99**5, 2020) == "deterioration"


def test_negative_indicators_progress_when_they_fall() -> None:
    # PM2.5 from 50 to 40 in 5 years: -4.4 % a year, which is progress
    assert progress_class(50, 2015, 40, 2020, direction=-1) == "on_track"
    assert progress_class(50, 2015, 55, 2020, direction=-1) == "deterioration"
    # target 35 by 2025: required -3.50 %/year, observed -4.36 %/year -> R = 1.25
    assert progress_class(50, 2015, 40, 2020, 35, 2025, direction=-1) == "on_track"
    assert progress_class(50, 2015, 34, 2020, 35, 2025, direction=-1) == "target_achieved"
    assert progress_class(50, 2015, 52, 2020, 35, 2025, direction=-1) == "deterioration"


def test_thresholds_shrink_near_a_natural_limit() -> None:
    # base 90 % with a limit of 100 %: C = 1 - 0.9^4.44 = 0.3736; thresholds 0.56 % and 0.19 %
    c = 1 - 0.9**4.44
    assert float(limit_factor(np.array(90.0), np.array(100.0))) == pytest.approx(c)
    latest = 90 * 1.006**4  # 0.6 % a year
    assert progress_class(90, 2020, latest, 2024) == "acceleration_needed"
    assert progress_class(90, 2020, latest, 2024, limit=100) == "on_track"
    # far from the limit (base >= 2L) nothing changes
    assert float(limit_factor(np.array(250.0), np.array(100.0))) == 1.0


def test_zero_and_negative_values() -> None:
    # the method replaces a zero base by 0.001: any rise is large growth
    assert progress_class(0, 2015, 5, 2020) == "on_track"
    # falling to zero: CAGR (0/10)^(1/5) - 1 = -100 %/year
    assert progress_class(10, 2015, 0, 2020) == "deterioration"
    # both negative and rising towards zero: the sign factor makes it progress
    assert progress_class(-10, 2015, -5, 2020) == "on_track"
    assert progress_class(-10, 2015, -12, 2020) == "deterioration"
    # crossing zero: the method has no answer (open-sdg returns no progress value)
    assert progress_class(-2, 2015, 3, 2020) == "unable_to_assess"
    assert progress_score(-2, 2015, 3, 2020) is None
    # ... unless the linear extension is asked for: +1/year over |-2| = 50 %/year
    assert progress_class(-2, 2015, 3, 2020, fallback=True) == "on_track"
    # with a target across zero: slopes 1/year observed, (4 - -2)/10 = 0.6 required: R = 1.67
    assert progress_class(-2, 2015, 3, 2020, 4, 2025) == "unable_to_assess"
    assert progress_class(-2, 2015, 3, 2020, 4, 2025, fallback=True) == "on_track"
    # flat at zero: 0.001 -> 0 is a fall of 100 % in the method
    assert progress_class(0, 2015, 0, 2020) == "deterioration"


def test_missing_years_give_no_class() -> None:
    assert progress_class(None, 2015, 10, 2020) is None
    assert progress_class(10, 2015, None, 2020) is None
    assert progress_class(10, 2020, 12, 2020) is None  # one data point
    assert progress_class(float("nan"), 2015, 12, 2020) is None
    with pytest.raises(ValueError, match="direction"):
        progress_class(10, 2015, 12, 2020, direction=2)
    with pytest.raises(ValueError, match="both"):
        progress_class(10, 2015, 12, 2020, target_value=20)


def test_quarterly_periods_are_fractional_years() -> None:
    assert period_year("2024Q1") == 2024.125
    assert period_year("2024Q2") == 2024.375
    assert period_year("2024") == 2024.0
    with pytest.raises(ValueError, match="quarter"):
        period_year("2024-13")
    # half a year at 1 %: 2.01 % a year, on track; four quarters at 1 % in all: 1 %
    assert progress_class(100, "2023Q1", 101, "2023Q3") == "on_track"
    assert progress_class(100, "2023Q1", 101, "2024Q1") == "acceleration_needed"


def test_scores_put_the_thresholds_at_minus_2_5_0_and_2_5() -> None:
    # without a target: 500 v - 5 at v = 1.5 % is 2.5; 250 v - 1.25 at 0.5 % is 0; -2.5 at 0
    assert progress_score(100, 2015, 100 * 1.015**5, 2020) == pytest.approx(2.5)
    assert progress_score(100, 2015, 100 * 1.005**5, 2020) == pytest.approx(0.0)
    assert progress_score(100, 2015, 100, 2020) == pytest.approx(-2.5)
    assert progress_score(100, 2015, 100 * 1.03**5, 2020) == 5  # capped
    assert progress_score(100, 2015, 50, 2020) == -5  # capped
    # with a target: R = 0.95 -> 7.1429*0.95 - 4.2857 = 2.5; R = 0 -> -2.5
    required = 2 ** (1 / 10) - 1
    latest = 100 * (1 + 0.95 * required) ** 5
    assert progress_score(100, 2015, latest, 2020, 200, 2025) == pytest.approx(2.5, abs=1e-3)
    assert progress_score(100, 2015, 100, 2020, 200, 2025) == pytest.approx(-2.5)


def test_overall_score_is_the_mean_of_the_indicators_below() -> None:
    parents = {
        "a": "dim1",
        "b": "dim1",
        "c": "dim2",
        "dim1": "index",
        "dim2": "index",
        "index": None,
    }
    scores = pd.Series({"a": 5.0, "b": 1.0, "c": -4.0})
    out = overall_scores(scores, parents, pd.Series({"a": True, "b": False, "c": False}))
    got = out.set_index("node")
    assert got.loc["dim1", "score"] == 3.0 and got.loc["dim1", "progress_class"] == "on_track"
    assert got.loc["dim2", "progress_class"] == "deterioration"
    assert got.loc["index", "score"] == pytest.approx(2 / 3)
    assert got.loc["index", "indicators"] == 3
    only_a = overall_scores(
        pd.Series({"a": 5.0}), {"a": "dim1", "dim1": None}, pd.Series({"a": True})
    )
    assert only_a["progress_class"].tolist() == ["target_achieved"]
    assert list(class_of_score(np.array([2.5, 0.0, -2.5, -2.6, math.nan]))) == [
        "on_track", "acceleration_needed", "limited_progress", "deterioration", None,
    ]  # fmt: skip


def test_a_series_that_changes_sign_is_unable_to_assess() -> None:
    # -5 -> 5: the method's CAGR is not defined for values of opposite signs
    assert progress_class(-5, 2015, 5, 2020) == "unable_to_assess"
    assert progress_class(5, 2015, -5, 2020, direction=-1) == "unable_to_assess"
    # a target already met wins, as in the method
    assert progress_class(-5, 2015, 5, 2020, 4, 2025) == "target_achieved"


def test_a_target_of_zero_is_replaced_by_0_001() -> None:
    # lower is better, 10 -> 5 in 5 years with target 0 in 2030: required CAGR
    # (0.001/10)^(1/15) - 1 = -45.9 %; observed -12.9 %: R = 0.28, limited progress
    required = (0.001 / 10) ** (1 / 15) - 1
    observed = (5 / 10) ** (1 / 5) - 1
    r = -observed / abs(required)
    assert 0 < r < 0.6
    assert progress_class(10, 2015, 5, 2020, 0, 2030, direction=-1) == "limited_progress"
    assert progress_score(10, 2015, 5, 2020, 0, 2030, direction=-1) == pytest.approx(
        4.1667 * r - 2.5
    )


def test_the_limit_counts_only_in_the_desired_direction() -> None:
    # a rising indicator near its maximum 100: thresholds shrink (C < 1)
    assert float(limit_factor(np.array(95.0), np.array(100.0), 1)) < 0.3
    # a falling indicator (lower is better) with the same "limit" 100 above it: no effect
    assert float(limit_factor(np.array(95.0), np.array(100.0), -1)) == 1.0
    # a falling indicator approaching its minimum 5 from above: the method's upper branch
    c = float(limit_factor(np.array(5.5), np.array(5.0), -1))
    assert c == pytest.approx(1 - ((2 * 5 - 5.5) / 5) ** 4.44)
    # so 5.0 -> 4.9 (lower is better, -0.4 %/year) with limit 100 is judged as without a limit
    assert progress_class(5, 2015, 4.9, 2020, direction=-1, limit=100) == progress_class(
        5, 2015, 4.9, 2020, direction=-1
    )
