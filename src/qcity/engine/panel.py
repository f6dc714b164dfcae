"""A panel of data as one array (periods x units x codes) with its labels.

The engine works on arrays (vectorised over units and indicators); tables come in and
go out in the long format ``unit, indicator, period, value`` shared with the store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qcity import errors

LONG_COLUMNS = ("unit", "indicator", "period", "value")


class DataShapeError(errors.InputError, ValueError):
    """Input data that cannot be laid out as a panel (missing column, duplicate cell)."""


def period_label(value: object) -> str:
    """The canonical text label of a period: ``2024`` or ``2024Q1`` (floats like 2024.0 too)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_PERIOD = re.compile(r"(\d{4})(?:[-_ ]?(?:([QqHh])(\d)|[Mm]?(\d{1,2})))?")
_PER_YEAR = {"q": 4, "h": 2}


def period_time(label: str) -> float | None:
    """A period label as a time in years: ``2024`` -> 2024.0, ``2024Q3`` -> 2024.5,
    ``2024H2`` -> 2024.5, ``2024-03`` or ``2024M03`` -> 2024 + 2/12; None if not one of these."""
    m = _PERIOD.fullmatch(label.strip())
    if m is None:
        return None
    year, kind, part, month = m.groups()
    if kind is not None:
        per = _PER_YEAR[kind.lower()]
        return int(year) + (int(part) - 1) / per if 1 <= int(part) <= per else None
    if month is not None:
        return int(year) + (int(month) - 1) / 12 if 1 <= int(month) <= 12 else None
    return float(year)


def period_times(periods: Sequence[str]) -> np.ndarray | None:
    """``period_time`` of every label (T,), or None when any label is not a period in time."""
    times = [period_time(p) for p in periods]
    if any(t is None for t in times):
        return None
    return np.array(times, dtype=float)


@dataclass(frozen=True)
class Panel:
    """Values ``(T, N, K)``: periods x units x codes, NaN where missing."""

    values: np.ndarray
    periods: tuple[str, ...]
    units: tuple[str, ...]
    codes: tuple[str, ...]

    def __post_init__(self) -> None:
        expected = (len(self.periods), len(self.units), len(self.codes))
        if self.values.shape != expected:
            raise DataShapeError(f"panel values have shape {self.values.shape}, labels {expected}")

    # -- construction ---------------------------------------------------------------
    @classmethod
    def from_long(
        cls,
        df: pd.DataFrame,
        codes: Sequence[str] | None = None,
        units: Sequence[str] | None = None,
        periods: Sequence[str] | None = None,
        source: str = "data",
    ) -> Panel:
        """Lay out a long table (unit, indicator, period, value) as a panel.

        Rows for codes or units outside the given lists are ignored; a cell given twice
        is an error naming the rows (a revision history must be reduced first).
        """
        missing = [c for c in LONG_COLUMNS if c not in df.columns]
        if missing:
            raise DataShapeError(
                f"{source}: missing column(s) {', '.join(missing)}; "
                f"the long format needs {', '.join(LONG_COLUMNS)}"
            )
        period_col = df["period"].map(period_label)
        unit_col = df["unit"].astype(str)
        code_col = df["indicator"].astype(str)
        periods = tuple(periods) if periods is not None else tuple(sorted(period_col.unique()))
        units = tuple(units) if units is not None else tuple(sorted(unit_col.unique()))
        codes = tuple(codes) if codes is not None else tuple(sorted(code_col.unique()))
        t = pd.Categorical(period_col, categories=list(periods)).codes
        n = pd.Categorical(unit_col, categories=list(units)).codes
        k = pd.Categorical(code_col, categories=list(codes)).codes
        keep = (t >= 0) & (n >= 0) & (k >= 0)
        value = pd.to_numeric(df["value"], errors="coerce").to_numpy(dtype=float)
        bad = keep & np.isnan(value) & df["value"].notna().to_numpy()
        if bad.any():
            rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad)[:10])
            raise DataShapeError(f"{source}: non-numeric value in row(s) {rows} (field 'value')")
        t, n, k, value = t[keep], n[keep], k[keep], value[keep]
        flat = (t.astype(np.int64) * len(units) + n) * len(codes) + k
        _, first, counts = np.unique(flat, return_index=True, return_counts=True)
        if (counts > 1).any():
            dup = np.flatnonzero(keep)[first[counts > 1]][:5]
            where = "; ".join(
                f"row {i + 2}: {unit_col.iloc[i]}/{code_col.iloc[i]}/{period_col.iloc[i]}"
                for i in dup
            )
            raise DataShapeError(
                f"{source}: the same unit/indicator/period is given more than once ({where}); "
                "keep one value per cell (the store's latest revision)"
            )
        values = np.full((len(periods), len(units), len(codes)), np.nan)
        values[t, n, k] = value
        return cls(values, periods, units, codes)

    # -- views ------------------------------------------------------------------------
    def take_periods(self, keep: Sequence[int]) -> Panel:
        """The panel with only the periods at positions ``keep``."""
        idx = list(keep)
        return Panel(self.values[idx], tuple(self.periods[i] for i in idx), self.units, self.codes)

    def select(self, codes: Sequence[str]) -> Panel:
        """The panel restricted (and ordered) to ``codes``; absent codes are all-NaN."""
        index = {c: i for i, c in enumerate(self.codes)}
        out = np.full((*self.values.shape[:2], len(codes)), np.nan)
        have = [j for j, c in enumerate(codes) if c in index]
        out[:, :, have] = self.values[:, :, [index[codes[j]] for j in have]]
        return Panel(out, self.periods, self.units, tuple(codes))

    def to_long(self, value_name: str = "value", dropna: bool = True) -> pd.DataFrame:
        """The long table ``unit, period, indicator, value`` (periods, then units, then codes)."""
        T, N, K = self.values.shape
        frame = pd.DataFrame(
            {
                "unit": np.tile(np.repeat(np.array(self.units, dtype=object), K), T),
                "period": np.repeat(np.array(self.periods, dtype=object), N * K),
                "indicator": np.tile(np.array(self.codes, dtype=object), T * N),
                value_name: self.values.reshape(-1),
            }
        )
        return frame.dropna(subset=[value_name]).reset_index(drop=True) if dropna else frame

    def to_wide(self) -> pd.DataFrame:
        """A table indexed by (period, unit) with one column per code."""
        T, N, K = self.values.shape
        index = pd.MultiIndex.from_product([self.periods, self.units], names=["period", "unit"])
        return pd.DataFrame(self.values.reshape(T * N, K), index=index, columns=list(self.codes))
