"""The monitoring table computed over arrays (``qcity.monitor.table.monitor``) equals, column
for column and value for value, what the one-loop-per-indicator implementation it replaced
computed (kept in ``tests/monitor/reference_table.py``): on the demo, on generated
frameworks with every kind of target, on data with gaps, negative values and quarters, with
and without peers, targets and bands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

from qcity.engine.evaluation import Evaluation
from qcity.framework.model import Framework
from qcity.monitor.table import Monitor, monitor
from tests.monitor.reference_table import reference_monitor


@dataclass
class _Inputs:
    data: pd.DataFrame
    groups: pd.DataFrame | None
    as_of: datetime | None = None


@dataclass
class _Result:
    evaluation: Evaluation
    inputs: Any


def _same(new: Monitor, old: Monitor) -> None:
    pd.testing.assert_frame_equal(new.table, old.table, check_exact=True)
    pd.testing.assert_frame_equal(new.details, old.details, check_exact=True)
    pd.testing.assert_frame_equal(new.progress, old.progress, check_exact=True)
    assert (new.illustrative, new.peers) == (old.illustrative, old.peers)
    assert len(new.table) > 0


TARGETS: list[dict[str, Any] | None] = [
    None,
    {"kind": "level", "value": 150, "year": 2030},
    {"kind": "level", "value": 150, "year": 2028, "path": "constant_growth", "assumed": True},
    {"kind": "growth", "value": 5, "year": 2030},
    {"kind": "not_worse"},
    {"kind": "band", "band": [40, 60], "year": 2027},
    {"kind": "rank", "value": 1, "year": 2030},
    {"kind": "level", "year": 2030, "path": "peer_first_tier", "top_k": 2},
    {"kind": "level", "year": 2030, "path": "own_trend", "source": "plan"},
    {"kind": "level", "value": 10, "year": 2019},  # a goal year before the baseline
]
DIRECTIONS: list[Any] = [1, -1, {"band": [40, 60]}, {"optimal": 50}]


def _framework(rng: np.random.Generator, n: int, frequency: str, base: int | None) -> Framework:
    children = []
    for i in range(n):
        ind: dict[str, Any] = {
            "code": f"i{i}",
            "name_zh": f"指{i}",
            "name_en": f"I{i}",
            "unit": "%",
            "department": f"局{i % 3} / Bureau {i % 3}",
            "frequency": frequency if i % 2 else "annual",
            "direction": DIRECTIONS[int(rng.integers(len(DIRECTIONS)))],
        }
        target = TARGETS[int(rng.integers(len(TARGETS)))]
        if target is not None:
            ind["target"] = target
        elif rng.random() < 0.3:
            ind["targets"] = {2025: 120.0, 2030: 160.0}
        if rng.random() < 0.3:
            ind["plausible_range"] = [0, 120]
        children.append(ind)
    half = n // 2
    return Framework.model_validate(
        {
            "code": "g", "version": "1", "name_zh": "生", "name_en": "G",
            "valid_from": 2010, "valid_to": 2035,
            "monitor": {"base_year": base, "peer_group": "peers"},
            "root": {
                "code": "idx", "name_zh": "总", "name_en": "Index",
                "target": {"kind": "not_worse"},
                "children": [
                    {"code": "d1", "name_zh": "一", "name_en": "D1", "children": children[:half],
                     "target": {"kind": "level", "value": 70, "year": 2030}},
                    {"code": "d2", "name_zh": "二", "name_en": "D2", "children": children[half:]},
                ],
            },
        }
    )  # fmt: skip


def _generated(seed: int, quarterly: bool) -> tuple[_Result, list[str]]:
    rng = np.random.default_rng(seed)
    fw = _framework(rng, 8, "quarterly" if quarterly else "annual", 2020 if seed % 2 else None)
    years = list(range(2018, 2025))
    quarters = [f"{y}Q{q}" for y in (2023, 2024) for q in (1, 2, 3, 4)][:-1]
    units = [f"u{j}" for j in range(5)]
    rows = []
    for ind in fw.indicators():
        sub = ind.frequency != "annual"
        periods = quarters if sub else [str(y) for y in years]
        for u in units:
            level = rng.uniform(-20 if rng.random() < 0.1 else 20, 140)
            steps = rng.normal(2, 6, len(periods)).cumsum()
            for p, v in zip(periods, level + steps, strict=True):
                if rng.random() < 0.12:
                    continue  # a gap
                rows.append((u, ind.code, p, float(v)))
    data = pd.DataFrame(rows, columns=["unit", "indicator", "period", "value"])
    data["status"] = np.where(rng.random(len(data)) < 0.2, "illustrative", "final")
    groups = pd.DataFrame({"group": ["peers"] * 4, "unit_code": units[:4]})
    ev = Evaluation(fw, data[["unit", "indicator", "period", "value"]]).run()
    return _Result(ev, _Inputs(data, groups, datetime(2025, 4, 1, tzinfo=UTC))), units


# quarterly without a base year (0), annual with one (1), quarterly with one (3)
@pytest.mark.parametrize("seed", [0, 1, 3])
def test_generated_frameworks_and_data_give_the_reference_table(seed: int) -> None:
    result, units = _generated(seed, quarterly=seed % 3 == 0)
    for unit in (units[0], units[4]):
        for year in ("2024", "2023"):
            _same(monitor(result, unit, year), reference_monitor(result, unit, year))
    # without statuses, groups or as-of (an evaluation alone), and quarter by quarter
    ev = result.evaluation
    _same(monitor(ev, units[1], 2024), reference_monitor(ev, units[1], 2024))
    if seed % 3 == 0:
        _same(monitor(ev, units[2], "2024Q2"), reference_monitor(ev, units[2], "2024Q2"))


def test_targets_given_and_an_explicit_group_give_the_reference_table() -> None:
    from qcity.framework.targets import TargetSpec

    result, units = _generated(5, quarterly=False)
    given = {
        "i0": TargetSpec(kind="level", value=90, year=2027, base_year=2019),
        "i3": TargetSpec(kind="band", band=(10, 30), year=2026),
        "d2": TargetSpec(kind="growth", value=2, year=2030),
    }
    when = datetime(2024, 2, 1)
    new = monitor(result, units[0], 2024, "peers", targets=given, as_of=when)
    _same(new, reference_monitor(result, units[0], 2024, "peers", targets=given, as_of=when))


def test_the_demo_gives_the_reference_table() -> None:
    from qcity.demo.build import default_framework_path, demo_observations
    from qcity.framework.io import load_framework

    fw = load_framework(default_framework_path())
    obs = demo_observations(fw)
    ev = Evaluation(fw, obs[["unit", "indicator", "period", "value"]]).run()
    units = sorted(obs["unit"].unique())
    groups = pd.DataFrame({"group": "demo", "unit_code": units[:8]})
    result = _Result(ev, _Inputs(obs, groups, datetime(2025, 8, 1, tzinfo=UTC)))
    for unit, year, group in (("liyang", 2024, None), (units[3], 2020, "demo")):
        _same(monitor(result, unit, year, group), reference_monitor(result, unit, year, group))
