"""Shared pieces of the workflow tests: a framework whose indicators belong to two
departments, a store holding two units and one value imported by the operator, and the
actors of the city's roles."""

from __future__ import annotations

import pandas as pd

from qcity.data.roles import Actor
from qcity.data.store import Store
from qcity.framework.model import Framework
from tests.helpers import composite, indicator, toy_framework

STATS = "统计局 / Statistics Bureau"
FINANCE = "财政局 / Finance Bureau"

LI = Actor("li", "clerk", department=STATS, user_id=None, via="session")
ZHANG = Actor("zhang", "clerk", department=STATS, user_id=None, via="session")
QIAN = Actor("qian", "clerk", department=FINANCE, user_id=None, via="session")
WANG = Actor("wang", "reviewer", user_id=None, via="session")
VIEWER = Actor("zhou", "viewer", user_id=None, via="session")
ADMIN = Actor("chen", "admin", user_id=None, via="session")


def workflow_framework() -> Framework:
    """Indicators A1, A2 (statistics bureau) and B1 (finance bureau)."""
    return toy_framework(
        [
            composite(
                "A",
                "甲",
                [
                    indicator("A1", department=STATS),
                    indicator("A2", department=STATS),
                    indicator("B1", department=FINANCE),
                ],
            )
        ]
    )


def seed(store: Store) -> None:
    """Units LY and JT; the operator imported A1 = 10 for LY in 2024 (revision 1)."""
    store.add_units(
        pd.DataFrame(
            {
                "code": ["LY", "JT"],
                "name_zh": ["溧阳市", "金坛区"],
                "name_en": ["Liyang", "Jintan"],
                "type": ["city", "city"],
                "parent_code": [None, None],
            }
        )
    )
    store.add_observations(
        pd.DataFrame({"unit": ["LY"], "indicator": ["A1"], "period": ["2024"], "value": [10.0]}),
        entered_by="cli:op",
    )


def value(unit: str, ind: str, v: float, expected: int | None, period: str = "2024") -> dict:
    """One value to save, based on revision ``expected`` (None: a new value)."""
    return {
        "unit": unit,
        "indicator": ind,
        "period": period,
        "value": v,
        "expected_revision": expected,
    }


def rows(*values: dict) -> pd.DataFrame:
    """A table of values to save."""
    return pd.DataFrame(list(values))
