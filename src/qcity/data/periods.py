"""Period labels: ``"2024"`` for a year, ``"2024Q1"`` for a quarter.

Clerks write periods in many ways (``2024.0`` from Excel, ``2024年``, ``2024年度``,
``2024年末``, ``2024q1``, ``2024-Q1``, ``2024 Q1``, ``2024年一季度``, ``2024年第1季度``); they
are normalised to the two canonical labels before anything is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from qcity.data.textops import frame_by_unique

#: Earliest year accepted; anything before is taken for a typing error.
MIN_YEAR = 1900

_PERIOD_PATTERN = (
    r"^(?P<year>\d{4})(?:\.0+)?\s*(?:年(?:度|末|底)?)?"
    r"(?:[\s\-_/]*(?:Q(?P<quarter>[1-4])|第?(?P<cnq>[1-4一二三四])季度?))?$"
)
_CHINESE_QUARTER = {"一": "1", "二": "2", "三": "3", "四": "4"}


def max_year() -> int:
    """Latest year accepted: next year (budgets and plans are not observations)."""
    return datetime.now(UTC).year + 1


def parse_periods(raw: pd.Series) -> pd.DataFrame:
    """Normalise period labels; columns ``period``, ``year``, ``quarter`` (<NA> for a
    year), ``well_formed`` (the label matched) and ``in_range`` (year within reason).
    Each distinct label is parsed once."""
    out = frame_by_unique(raw, _parse_unique)
    return out.astype({"well_formed": bool, "in_range": bool})


def _parse_unique(raw: pd.Series) -> pd.DataFrame:
    """``parse_periods`` on a Series of distinct labels."""
    text = raw.astype("string").fillna("").str.strip()
    parts = text.str.upper().str.extract(_PERIOD_PATTERN)
    parts["quarter"] = parts["quarter"].fillna(parts["cnq"].replace(_CHINESE_QUARTER))
    well_formed = parts["year"].notna()
    year = pd.to_numeric(parts["year"], errors="coerce").astype("Int64")
    quarter = pd.to_numeric(parts["quarter"], errors="coerce").astype("Int64")
    label = parts["year"].where(parts["quarter"].isna(), parts["year"] + "Q" + parts["quarter"])
    in_range = well_formed & year.between(MIN_YEAR, max_year()).fillna(False)
    return pd.DataFrame(
        {
            "period": label.where(well_formed, text),
            "year": year,
            "quarter": quarter,
            "well_formed": well_formed.astype(bool),
            "in_range": in_range.astype(bool),
        },
        index=raw.index,
    )
