"""Units of different levels are never normalised or ranked together by accident."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qcity.engine import Evaluation, EvaluationError
from qcity.framework.model import Framework
from tests.engine.test_evaluation import small_framework

UNITS = pd.DataFrame(
    {
        "code": ["c1", "c2", "c3", "t1", "t2", "s1", "s2"],
        "type": ["city", "city", "city", "town", "town", "street", "street"],
    }
)


def leveled() -> Framework:
    """a1, a2, a3 exist only for cities; b1, b2 for cities, towns and streets."""
    fw = small_framework()
    for ind in fw.indicators():
        ind.levels = ["city"] if ind.code.startswith("a") else ["city", "town", "street"]
    return fw


def data_for(units: list[str], codes: tuple[str, ...] = ("a1", "a2", "a3", "b1", "b2")):
    rows = [
        {"unit": u, "indicator": c, "period": y, "value": float(10 + i + 3 * j + (y - 2020))}
        for i, u in enumerate(units)
        for j, c in enumerate(codes)
        for y in (2020, 2021)
    ]
    return pd.DataFrame(rows)


def test_mixed_levels_are_refused_naming_types_counts_and_the_way_out() -> None:
    data = data_for(list(UNITS["code"]))
    with pytest.raises(EvaluationError) as err:
        Evaluation(leveled(), data, UNITS).run()
    text = str(err.value)
    for part in ("city (3 units, 5 indicators)", "town (2 units, 2 indicators)",
                 "street (2 units, 2 indicators)", "unit type", "group"):  # fmt: skip
        assert part in text
    assert "--" not in text, "the engine names no CLI option"
    assert err.value.options == ("unit_type", "group")


def test_towns_and_streets_are_one_level_evaluated_on_their_own_indicators() -> None:
    subs = ["t1", "t2", "s1", "s2"]
    ev = Evaluation(leveled(), data_for(subs, ("b1", "b2")), UNITS).run()
    scores = ev.scores()
    assert set(scores["unit"]) == set(subs)
    assert set(scores["node"]) == {"idx", "B", "b1", "b2"}
    ex = ev.exclusions
    left_out = ex[ex["kind"] == "indicator"]
    assert sorted(left_out["code"]) == ["a1", "a2", "a3"]
    assert left_out["period"].isna().all()
    assert left_out["reason"].str.contains("street, town").all()
    # the index of towns and streets is B alone: the mean of b1 and b2
    idx = scores[scores["node"] == "idx"].set_index(["period", "unit"])["score"]
    expected = ev.dataset("normalised")[["b1", "b2"]].mean(axis=1)
    got = idx.rename(index=str).reindex(expected.index)
    assert np.allclose(got.to_numpy(dtype=float), expected.to_numpy(), atol=1e-12)


def test_cities_use_every_indicator_of_their_level() -> None:
    ev = Evaluation(leveled(), data_for(["c1", "c2", "c3"]), UNITS).run()
    assert ev.exclusions.empty
    assert {"a1", "b2", "A", "B"} <= set(ev.scores()["node"])


def test_a_unit_without_a_type_is_refused_when_others_have_one() -> None:
    units = UNITS.assign(type=UNITS["type"].where(UNITS["code"] != "c2"))
    with pytest.raises(EvaluationError, match=r"without a type.*c2"):
        Evaluation(leveled(), data_for(["c1", "c2"]), units).run()


def test_types_the_framework_does_not_name_use_every_indicator() -> None:
    """E.g. COINr's ASEM countries evaluated with indicators left at the default level."""
    units = pd.DataFrame({"code": ["c1", "c2", "c3"], "type": "country"})
    ev = Evaluation(small_framework(), data_for(["c1", "c2", "c3"]), units).run()
    assert ev.exclusions.empty
    info = [d for d in ev.diagnostics if d.step == "levels"]
    assert len(info) == 1 and info[0].severity == "info" and "country" in info[0].message


def test_indicators_of_the_demo_framework_make_towns_and_streets_one_level() -> None:
    from qcity.demo.build import default_framework_path
    from qcity.framework.io import load_framework

    fw = load_framework(default_framework_path())
    cover = {t: {i.code for i in fw.indicators() if t in i.levels} for t in ("town", "street")}
    city = {i.code for i in fw.indicators() if "city" in i.levels}
    assert cover["town"] == cover["street"] and cover["town"] != city
