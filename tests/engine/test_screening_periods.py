"""Screening decides per period: a sparse period never removes indicators from the others."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qcity.engine import Evaluation
from tests.engine.test_evaluation import panel_data, small_framework

SCREEN = {"method": "availability", "params": {"unit_threshold": 0.65, "indicator_threshold": 0.65}}


def test_one_early_value_of_a_new_year_leaves_the_complete_years_alone() -> None:
    """The Liyang case: 2022 complete, one 2023 value already entered (before, every
    indicator but a1 had availability 1/2 over both years and was dropped from 2022)."""
    complete = panel_data(5, years=(2022,))
    early = pd.DataFrame([{"unit": "u0", "indicator": "a1", "period": 2023, "value": 30.0}])
    fw = small_framework(screen=SCREEN, impute={"method": "locf"})
    ev = Evaluation(fw, pd.concat([complete, early], ignore_index=True)).run()
    alone = Evaluation(fw, complete).run()
    pd.testing.assert_frame_equal(ev.scores(), alone.scores(), check_categorical=False)
    ex = ev.exclusions
    assert set(ex["period"]) == {"2023"}
    assert ex[ex["kind"] == "period"]["code"].tolist() == ["2023"]
    assert (ex[ex["kind"] == "unit"]["period"] == "2023").all()


def test_an_indicator_short_of_data_in_one_period_is_left_out_there_only() -> None:
    data = panel_data(6)
    gap = (data["indicator"] == "b2") & (data["period"] == 2021) & (data["unit"] != "u0")
    fw = small_framework(screen=SCREEN, impute={"method": "locf"})
    ev = Evaluation(fw, data[~gap]).run()
    ex = ev.exclusions
    row = ex[ex["kind"] == "indicator"]
    assert row[["code", "period"]].values.tolist() == [["b2", "2021"]]
    assert row["availability"].iloc[0] == 1 / 8
    norm = ev.dataset("normalised")
    # not carried forward from 2020 by LOCF, nor normalised from u0's lone value
    assert norm.loc["2021", "b2"].isna().all()
    assert norm.loc[["2020", "2022"], "b2"].notna().all()
    # in 2021, B is b1 alone (available-case); elsewhere the mean of b1 and b2
    agg = ev.dataset("aggregated")
    np.testing.assert_allclose(agg.loc["2021", "B"], norm.loc["2021", "b1"], atol=1e-12)
    both = norm.loc["2020", ["b1", "b2"]].mean(axis=1)
    np.testing.assert_allclose(agg.loc["2020", "B"], both, atol=1e-12)


def test_an_indicator_short_everywhere_leaves_the_tree() -> None:
    data = panel_data(7)
    sparse = (data["indicator"] == "a2") & (data["unit"] != "u1")
    fw = small_framework(screen=SCREEN)
    ev = Evaluation(fw, data[~sparse]).run()
    ex = ev.exclusions
    assert sorted(ex.loc[ex["code"] == "a2", "period"]) == ["2020", "2021", "2022"]
    assert "a2" not in set(ev.scores()["node"])
