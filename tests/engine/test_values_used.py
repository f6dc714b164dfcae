"""An evaluation never uses a non-finite value, and names every value beyond its
indicator's plausible range that it uses (issue 18)."""

from __future__ import annotations

import numpy as np
import pytest

from qcity.engine import Evaluation
from qcity.engine.errors import EvaluationError
from qcity.framework.model import Framework
from tests.engine.test_evaluation import panel_data, small_framework
from tests.helpers import composite, indicator, toy_framework


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_a_non_finite_value_is_refused_naming_it(bad: float) -> None:
    data = panel_data()
    row = data.index[(data["unit"] == "u3") & (data["indicator"] == "b1")][1]
    data.loc[row, "value"] = bad
    with pytest.raises(EvaluationError, match=r"u3 b1 2021") as err:
        Evaluation(small_framework(), data).run()
    assert "inf" in str(err.value)


def test_values_beyond_their_plausible_range_are_named() -> None:
    fw = Framework.model_validate(
        toy_framework(
            [
                composite("A", "甲", [indicator("a1", plausible_range=[0, 100]), indicator("a2")]),
                composite("B", "乙", [indicator("b1"), indicator("b2")]),
            ]
        )
    )
    data = panel_data()
    data = data[data["indicator"] != "a3"].reset_index(drop=True)
    a1 = data["indicator"] == "a1"
    data.loc[a1, "value"] = data.loc[a1, "value"].clip(upper=90.0)  # all plausible but one
    hit = (data["unit"] == "u2") & (data["indicator"] == "a1") & (data["period"] == 2022)
    data.loc[hit, "value"] = 1e300
    ev = Evaluation(fw, data).run()
    named = [d for d in ev.diagnostics if "plausible range" in d.message]
    assert [(d.code, d.severity) for d in named] == [("a1", "warning")]
    assert "u2 2022 = 1e+300" in named[0].message and "[0, 100]" in named[0].message
