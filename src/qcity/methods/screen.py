"""Screening of units and indicators by data availability, before imputation or treatment.

OECD/JRC Handbook (2008), sec. 1.4 (a unit with too little data is excluded rather than
imputed); COINr ``Screen(unit_screen = "byNA", dat_thresh = ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qcity.methods.registry import SCREENS


@dataclass(frozen=True)
class ScreenResult:
    """Which units (per period) and indicators to keep, and the availabilities behind it.

    ``unit_keep`` (T, n) bool, ``indicator_keep`` (k,) bool, ``unit_availability`` (T, n)
    and ``indicator_availability`` (k,) as shares in [0, 1].
    """

    unit_keep: np.ndarray
    indicator_keep: np.ndarray
    unit_availability: np.ndarray
    indicator_availability: np.ndarray


def _availability(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit availability (T, n) = 1 - missing/k (as COINr ``get_data_avail``); indicator (k,)."""
    if x.ndim != 3:
        raise ValueError(f"screening expects data of shape (T, n, k), got {x.shape}")
    miss = np.isnan(x)
    t, n, k = x.shape
    unit = 1.0 - miss.sum(axis=2) / k if k else np.ones((t, n))
    cells = t * n
    ind = 1.0 - miss.sum(axis=(0, 1)) / cells if cells else np.zeros(k)
    return unit, ind


@SCREENS.register("availability")
def screen_availability(
    x: np.ndarray, unit_threshold: float = 0.65, indicator_threshold: float = 0.0
) -> ScreenResult:
    """Keep units with availability >= unit_threshold in each period (COINr ``Screen``, byNA).

    Unit availability = share of non-missing indicators of a unit in a period,
    1 - n_missing / k, exactly as COINr ``get_data_avail``; a unit is kept when it is
    >= ``unit_threshold`` (COINr drops ``Dat_Avail < dat_thresh``). Indicator availability =
    share of non-missing values over all units and periods; an indicator is kept when it is
    >= ``indicator_threshold`` (0 keeps every indicator).
    """
    for name, v in (("unit", unit_threshold), ("indicator", indicator_threshold)):
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"screening: {name} threshold must lie in [0, 1], got {v}")
    x = np.asarray(x, dtype=float)
    unit, ind = _availability(x)
    return ScreenResult(unit >= unit_threshold, ind >= indicator_threshold, unit, ind)


@SCREENS.register("none")
def screen_none(x: np.ndarray) -> ScreenResult:
    """Keep every unit and indicator (availabilities are still reported)."""
    x = np.asarray(x, dtype=float)
    unit, ind = _availability(x)
    return ScreenResult(np.ones(unit.shape, bool), np.ones(ind.shape, bool), unit, ind)
