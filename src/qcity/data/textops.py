"""Vectorised helpers for text columns of imported files.

Columns such as unit, indicator and period repeat a few distinct values thousands of
times; ``by_unique`` applies a Python-level function once per distinct value and
broadcasts the result, which keeps a 40,000-row import to a fraction of a second.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pandas as pd


def by_unique(values: pd.Series, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``func`` applied to the distinct values of ``values`` only, broadcast back
    (object dtype, same index). ``func`` maps a Series to a Series of the same length."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=False)
    mapped = func(pd.Series(uniques, dtype=object)).to_numpy(dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def frame_by_unique(values: pd.Series, func: Callable[[pd.Series], pd.DataFrame]) -> pd.DataFrame:
    """Like ``by_unique`` for a function returning one DataFrame row per value."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=False)
    mapped = func(pd.Series(uniques, dtype=object)).reset_index(drop=True)
    out = mapped.iloc[codes]
    out.index = values.index
    return out


def all_text(values: pd.Series) -> bool:
    """True if every non-missing cell is a string (CSV input): fast vectorised paths apply."""
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")


def _one_text(v: object) -> str:
    """One cell as stripped text: None/NaN -> "", whole floats without ".0"."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v).strip()


def cell_text(values: pd.Series) -> pd.Series:
    """Cells as stripped text: None -> "", whole floats without ".0" (Excel stores 2024
    as 2024.0), other numbers as their shortest round-trip form."""
    obj = values.astype(object)
    if all_text(obj):
        return obj.where(obj.notna(), "").str.strip().astype(object)
    return by_unique(obj, lambda u: u.map(_one_text))


def nfkc(values: pd.Series) -> pd.Series:
    """Text normalised with NFKC (full-width digits, letters and punctuation -> ASCII)."""
    return by_unique(
        values, lambda u: u.map(lambda v: unicodedata.normalize("NFKC", str(v)).strip())
    )
