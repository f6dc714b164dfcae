"""The test that matters: a plan's ``value_to``, imported into the store as new revisions
(``Store.add_observations``, what ``qcity import`` calls), gives the unit rank k or better
when the group is evaluated again from the store — on SQLite and PostgreSQL, for Liyang
among its southern-Jiangsu peers and for one of its towns among the towns and streets."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qcity.benchmark import find_path, level_peers
from qcity.benchmark.plan import Plan
from qcity.data.store import Store
from qcity.demo.build import default_framework_path
from qcity.framework.io import load_framework
from qcity.service.evaluation import EvaluationResult, evaluate
from qcity.service.inputs import from_store


def _evaluate(url: str, unit: str, level: str | None) -> EvaluationResult:
    fw = load_framework(default_framework_path())
    inp = from_store(url)
    if level is None:
        return evaluate(fw, inp.restrict(group="sunan"))
    keep = level_peers(fw, inp.units, unit, level)
    return evaluate(fw, replace(inp, data=inp.data[inp.data["unit"].isin(keep)]))


def _rank(result: EvaluationResult, unit: str) -> int:
    s = result.evaluation.scores()
    row = s[(s["unit"] == unit) & (s["period"] == "2024") & (s["node"] == "index")]
    return int(row["rank"].iloc[0])


def _import(store: Store, plan: Plan) -> None:
    rows = plan.table.assign(unit=plan.unit, period=plan.period)
    rows = rows[["unit", "indicator", "period", "value_to"]].rename(columns={"value_to": "value"})
    summary = store.add_observations(rows, entered_by="规划测试")
    assert summary is not None


@pytest.mark.usefixtures("demo_db")
@pytest.mark.parametrize(
    ("unit", "level", "k"),
    [("liyang", None, 3), ("liyang", None, 1), ("liyang_shanghuang", "town", 4)],
)
def test_imported_plan_reaches_the_rank(
    store: Store, db_url: str, unit: str, level: str | None, k: int
) -> None:
    before = _evaluate(db_url, unit, level)
    assert _rank(before, unit) > k
    plan = find_path(before.evaluation, unit, 2024, k=k)
    assert plan.reached and not plan.table.empty
    _import(store, plan)
    after = _evaluate(db_url, unit, level)
    assert _rank(after, unit) <= k
    s = after.evaluation.scores()
    mine = s[(s["unit"] == unit) & (s["period"] == "2024") & (s["node"] == "index")]
    assert float(mine["score"].iloc[0]) == pytest.approx(plan.score_after, abs=1e-9)


@pytest.mark.usefixtures("demo_db")
def test_unreachable_town_plan_reaches_its_best_rank(store: Store, db_url: str) -> None:
    before = _evaluate(db_url, "liyang_daibu", "town")
    plan = find_path(before.evaluation, "liyang_daibu", 2024, k=1)
    assert not plan.reached and plan.best_rank is not None
    assert plan.rank_before > plan.best_rank > 1 and plan.shortfall and plan.shortfall > 0
    _import(store, plan)
    after = _evaluate(db_url, "liyang_daibu", "town")
    assert _rank(after, "liyang_daibu") <= plan.best_rank
