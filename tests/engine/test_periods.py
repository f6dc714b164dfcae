"""Periods as time: imputation counts years (not positions), and only the framework's
validity years are evaluated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qcity.engine import Evaluation, EvaluationError
from qcity.engine.panel import period_time, period_times
from tests.engine.test_evaluation import panel_data, small_framework


@pytest.mark.parametrize(
    ("label", "time"),
    [("2024", 2024.0), ("2024Q1", 2024.0), ("2024Q3", 2024.5), ("2024-q4", 2024.75),
     ("2024H2", 2024.5), ("2024M03", 2024 + 2 / 12), ("2024-12", 2024 + 11 / 12),
     ("2024Q5", None), ("2024-13", None), ("FY2024", None), ("latest", None)],
)  # fmt: skip
def test_period_labels_as_years(label: str, time: float | None) -> None:
    assert period_time(label) == time


def test_period_times_need_every_label() -> None:
    assert period_times(["2015", "2016", "2018"]).tolist() == [2015.0, 2016.0, 2018.0]
    assert period_times(["2015", "base"]) is None


def test_linear_imputation_uses_the_real_spacing_of_years() -> None:
    data = panel_data(8, years=(2020, 2022, 2023))
    hole = (data["unit"] == "u3") & (data["indicator"] == "a1") & (data["period"] == 2022)
    fw = small_framework(impute={"method": "linear"})
    got = Evaluation(fw, data[~hole]).run().dataset("imputed").loc[("2022", "u3"), "a1"]
    a1 = data[(data["unit"] == "u3") & (data["indicator"] == "a1")].set_index("period")["value"]
    # 2022 is two thirds of the way from 2020 to 2023 (not halfway, as positions would say)
    assert got == pytest.approx(a1[2020] + 2 / 3 * (a1[2023] - a1[2020]), rel=1e-12)


def test_linear_imputation_of_quarters() -> None:
    data = panel_data(9, years=(1, 2, 4))
    data["period"] = "2024Q" + data["period"].astype(str)
    hole = (data["unit"] == "u1") & (data["indicator"] == "b2") & (data["period"] == "2024Q2")
    fw = small_framework(impute={"method": "linear"})
    got = Evaluation(fw, data[~hole]).run().dataset("imputed").loc[("2024Q2", "u1"), "b2"]
    b2 = data[(data["unit"] == "u1") & (data["indicator"] == "b2")].set_index("period")["value"]
    assert got == pytest.approx(b2["2024Q1"] + 1 / 3 * (b2["2024Q4"] - b2["2024Q1"]), rel=1e-12)


def test_locf_max_gap_counts_years() -> None:
    data = panel_data(10, years=(2020, 2023))
    hole = (data["unit"] == "u2") & (data["indicator"] == "a2") & (data["period"] == 2023)
    near = Evaluation(small_framework(impute={"method": "locf", "params": {"max_gap": 3}}),
                      data[~hole]).run()  # fmt: skip
    far = near.with_step("impute", "locf", {"max_gap": 1})
    v2020 = data[(data["unit"] == "u2") & (data["indicator"] == "a2") & (data["period"] == 2020)]
    assert near.dataset("imputed").loc[("2023", "u2"), "a2"] == v2020["value"].iloc[0]
    assert np.isnan(far.dataset("imputed").loc[("2023", "u2"), "a2"])  # 3 years > 1


def test_data_entirely_outside_the_validity_years_is_refused() -> None:
    fw = small_framework()  # valid 2020-2024
    with pytest.raises(EvaluationError, match=r"2010, 2011, 2012.*2020-2024"):
        Evaluation(fw, panel_data(years=(2010, 2011, 2012))).run()


def test_periods_outside_the_validity_years_are_left_out_with_a_note() -> None:
    ev = Evaluation(small_framework(), panel_data(years=(2019, 2020, 2021))).run()
    assert set(ev.scores()["period"]) == {"2020", "2021"}
    ex = ev.exclusions
    assert ex[["kind", "code", "period"]].values.tolist() == [["period", "2019", "2019"]]
    assert any(d.step == "periods" and "2019" in d.message for d in ev.diagnostics)
    alone = Evaluation(small_framework(), panel_data(years=(2019, 2020, 2021)).query(
        "period != 2019")).run()  # fmt: skip
    pd.testing.assert_frame_equal(ev.scores(), alone.scores(), check_categorical=False)
