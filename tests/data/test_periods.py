"""Period labels: normalisation and range."""

from __future__ import annotations

import pandas as pd

from qcity.data.periods import MIN_YEAR, max_year, parse_periods


def test_parse_periods() -> None:
    raw = pd.Series(["2024", 2024.0, "2024q1", " 2024-Q4", "2024 Q2", "24", "2024Q5", "", None])
    p = parse_periods(raw)
    assert p["period"].tolist()[:5] == ["2024", "2024", "2024Q1", "2024Q4", "2024Q2"]
    assert p["well_formed"].tolist() == [True] * 5 + [False] * 4
    assert p["quarter"].tolist()[:5] == [pd.NA, pd.NA, 1, 4, 2]
    assert p["year"].iloc[2] == 2024


def test_year_range() -> None:
    p = parse_periods(
        pd.Series([str(MIN_YEAR - 1), str(MIN_YEAR), str(max_year()), str(max_year() + 1)])
    )
    assert p["well_formed"].all()
    assert p["in_range"].tolist() == [False, True, True, False]
