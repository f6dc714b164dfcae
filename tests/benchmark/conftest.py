"""A small hand-checkable peer group for the benchmark tests.

Five units P, Q, R, S, U; two indicators with equal weights and arithmetic aggregation,
min-max to [0, 100] within each year, no screening, imputation or treatment:

    2024     A (%, higher better)   B (higher better)
    P        10  -> 0               100 -> 100        index (0 + 100) / 2  = 50
    Q        20  -> 25               80 -> 80         index (25 + 80) / 2  = 52.5
    R        30  -> 50               20 -> 20         index (50 + 20) / 2  = 35
    S        50  -> 100               0 -> 0          index (100 + 0) / 2  = 50
    U        30  -> 50               30 -> 30         index (50 + 30) / 2  = 40

Index ranks: Q 1, P and S 2 (tie), U 4, R 5. In 2023 every unit had A 2 lower and B 10
lower, so every peer's year-on-year change is +2 for A and +10 for B.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from qcity.engine.evaluation import Evaluation
from qcity.framework.model import Framework

VALUES_2024 = {
    "P": (10.0, 100.0),
    "Q": (20.0, 80.0),
    "R": (30.0, 20.0),
    "S": (50.0, 0.0),
    "U": (30.0, 30.0),
}


def framework(a_range: tuple[float, float] = (0, 100), aggregate: str = "arithmetic") -> Framework:
    """Index over A and B, min-max per year, no screening/imputation/treatment."""
    spec: dict[str, Any] = {
        "code": "peers",
        "version": "1",
        "name_zh": "对标测试",
        "name_en": "Benchmark test",
        "valid_from": 2020,
        "valid_to": 2030,
        "defaults": {
            "normalise": {"method": "minmax", "params": {"l": 0, "u": 100}, "scope": "period"},
            "aggregate": {"method": aggregate, "params": {}},
        },
        "root": {
            "code": "IDX",
            "name_zh": "指数",
            "name_en": "Index",
            "children": [
                {
                    "code": "A",
                    "name_zh": "空气质量优良天数比率",
                    "name_en": "Good air days",
                    "unit": "%",
                    "plausible_range": list(a_range),
                },
                {"code": "B", "name_zh": "人均收入", "name_en": "Income", "unit": "元"},
            ],
        },
    }
    return Framework.model_validate(spec)


def long_data() -> pd.DataFrame:
    rows = []
    for unit, (a, b) in VALUES_2024.items():
        rows += [
            (unit, "A", "2024", a),
            (unit, "B", "2024", b),
            (unit, "A", "2023", a - 2),
            (unit, "B", "2023", b - 10),
        ]
    return pd.DataFrame(rows, columns=["unit", "indicator", "period", "value"])


@pytest.fixture
def ev() -> Evaluation:
    return Evaluation(framework(), long_data()).run()
