"""Fixtures of the data-store tests: a small framework, units in the store, file writers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qcity.data.store import Store
from qcity.framework.model import Framework

FRAMEWORK = {
    "code": "test",
    "version": "1",
    "name_zh": "测试指标体系",
    "name_en": "Test framework",
    "valid_from": 2020,
    "valid_to": 2030,
    "root": {
        "code": "IDX",
        "name_zh": "总指数",
        "name_en": "Index",
        "children": [
            {
                "code": "EC",
                "name_zh": "经济发展",
                "name_en": "Economy",
                "children": [
                    {
                        "code": "EC01",
                        "name_zh": "人均地区生产总值",
                        "name_en": "GDP per capita",
                        "unit": "元",
                        "plausible_range": [1000, 1000000],
                        "denominator": {"series": "POP"},
                    },
                    {
                        "code": "EC04",
                        "name_zh": "动力电池产业营业收入",
                        "name_en": "Power battery revenue",
                        "unit": "亿元",
                        "levels": ["city", "town"],
                    },
                    {
                        "code": "EC05",
                        "name_zh": "季度工业增加值增速",
                        "name_en": "Quarterly industrial growth",
                        "unit": "%",
                        "frequency": "quarterly",
                        "plausible_range": [-50, 50],
                    },
                ],
            }
        ],
    },
}

UNITS = pd.DataFrame(
    {
        "code": ["LY", "TMH", "DB", "JT"],
        "name_zh": ["溧阳市", "天目湖镇", "东坝", "金坛区"],
        "name_en": ["Liyang", "Tianmuhu", "Dongba", "Jintan"],
        "type": ["city", "town", "town", "city"],
        "parent_code": [None, "LY", "LY", None],
        "region": ["苏南", None, None, "苏南"],
    }
)


@pytest.fixture
def fw() -> Framework:
    """A three-indicator framework: EC01 (元, plausible 1000..1e6, denominator POP),
    EC04 (亿元, city and town), EC05 (%, quarterly, plausible -50..50)."""
    return Framework.model_validate(FRAMEWORK)


@pytest.fixture
def ustore(store: Store) -> Store:
    """A migrated store holding the four test units."""
    store.add_units(UNITS)
    return store


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` (a CSV table) to ``path`` in ``encoding``; returns the path."""
    path.write_bytes(text.encode(encoding))
    return path


def obs(rows: list[tuple[str, str, str, float]], **extra: list[object]) -> pd.DataFrame:
    """An observations DataFrame from (unit, indicator, period, value) tuples."""
    df = pd.DataFrame(rows, columns=["unit", "indicator", "period", "value"])
    for col, values in extra.items():
        df[col] = values
    return df
