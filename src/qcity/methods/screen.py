"""Screening of units and indicators by data availability, before imputation or treatment.

Every period is screened on its own, as COINr screens each coin of a purse (one coin per
period): a unit with too little data in a period is left out of that period, and an
indicator with too little data among the units kept in a period is left out of that
period only. OECD/JRC Handbook (2008), sec. 1.4 (a unit with too little data is
excluded rather than imputed); COINr ``Screen(unit_screen = "byNA", dat_thresh = ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qcity import errors
from qcity.methods.registry import SCREENS


@dataclass(frozen=True)
class ScreenResult:
    """Which units and indicators to keep in each period, and the availabilities behind it.

    ``unit_keep`` (T, n) bool and ``unit_availability`` (T, n); ``indicator_keep`` (T, k)
    bool and ``indicator_availability`` (T, k), shares in [0, 1] among the units kept in
    the period (0 in a period without any).
    """

    unit_keep: np.ndarray
    indicator_keep: np.ndarray
    unit_availability: np.ndarray
    indicator_availability: np.ndarray


def _check(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 3:
        raise errors.NotComputable(f"screening expects data of shape (T, n, k), got {x.shape}")
    return x


def unit_availability(x: np.ndarray) -> np.ndarray:
    """(T, n): 1 - missing indicators / k, exactly as COINr ``get_data_avail``."""
    t, n, k = x.shape
    return 1.0 - np.isnan(x).sum(axis=2) / k if k else np.ones((t, n))


def indicator_availability(x: np.ndarray, units: np.ndarray) -> np.ndarray:
    """(T, k): share of the units ``units`` (T, n) of each period with a value; 0 where a
    period has no such unit."""
    have = (~np.isnan(x) & units[:, :, None]).sum(axis=1)
    count = units.sum(axis=1)[:, None]
    return np.where(count > 0, have / np.maximum(count, 1), 0.0)


@SCREENS.register("availability")
def screen_availability(
    x: np.ndarray, unit_threshold: float = 0.65, indicator_threshold: float = 0.0
) -> ScreenResult:
    """Keep units with availability >= unit_threshold in each period (COINr ``Screen``, byNA),
    then indicators with availability >= indicator_threshold in each period.

    Unit availability = share of non-missing indicators of a unit in a period,
    1 - n_missing / k, exactly as COINr ``get_data_avail``; a unit is kept when it is
    >= ``unit_threshold`` (COINr drops ``Dat_Avail < dat_thresh``). Indicator availability
    in a period = share of the units kept in that period that have a value; the indicator
    is kept in that period when it is >= ``indicator_threshold`` (0 keeps every indicator).
    """
    for name, v in (("unit", unit_threshold), ("indicator", indicator_threshold)):
        if not 0.0 <= v <= 1.0:
            raise errors.NotComputable(f"screening: {name} threshold must lie in [0, 1], got {v}")
    x = _check(x)
    unit = unit_availability(x)
    keep = unit >= unit_threshold
    ind = indicator_availability(x, keep)
    return ScreenResult(keep, ind >= indicator_threshold, unit, ind)


@SCREENS.register("none")
def screen_none(x: np.ndarray) -> ScreenResult:
    """Keep every unit and indicator (availabilities are still reported)."""
    x = _check(x)
    unit = unit_availability(x)
    ind = indicator_availability(x, np.ones(unit.shape, dtype=bool))
    return ScreenResult(np.ones(unit.shape, bool), np.ones(ind.shape, bool), unit, ind)
