"""The monitored values as arrays: one wide (period, unit) table of an evaluation reshaped
once into a cube ``periods × units × codes``, and from it, for every code at once, the
unit's series up to the period monitored (its value now and a year earlier, its first and
latest known points) and the peers' values.

Why arrays: the monitoring table used to reshape the evaluation once per indicator and read
each series with pandas; the cube is built once and every per-code quantity below is a
numpy reduction over its code axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from qcity.monitor import progress as prog


@dataclass(frozen=True)
class Panel:
    """A wide (period, unit) table as arrays: ``years`` (fractional, ascending, one per
    row), ``labels`` (the period label of each row), ``units``, ``codes`` and ``values``
    (``len(years) × len(units) × len(codes)``, NaN where there is no value)."""

    years: np.ndarray
    labels: list[str]
    units: list[str]
    codes: list[str]
    values: np.ndarray

    @classmethod
    def of(cls, wide: pd.DataFrame, codes: list[str]) -> Panel:
        """The cube of ``codes`` (columns of ``wide``, whose index is (period, unit))."""
        periods = wide.index.get_level_values("period").astype(str)
        units = wide.index.get_level_values("unit").astype(str)
        p_codes, p_labels = pd.factorize(periods, sort=True)
        u_codes, u_labels = pd.factorize(units, sort=True)
        years = np.array([prog.period_year(p) for p in p_labels], float)
        order = np.argsort(years, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        cube = np.full((len(years), len(u_labels), len(codes)), np.nan)
        if len(codes):
            cube[rank[p_codes], u_codes, :] = wide[codes].to_numpy(float)
        labels = [str(p_labels[i]) for i in order]
        return cls(years[order], labels, [str(u) for u in u_labels], list(codes), cube)

    def unit_index(self, unit: str) -> int | None:
        """The position of ``unit`` among the units (None when it has no row here)."""
        return self.units.index(unit) if unit in self.units else None

    def quarter_of(self, period: str) -> str:
        """The period a sub-annual indicator is monitored at for the year ``period``: the
        latest quarter of that year in the table, else its fourth quarter."""
        quarters = [lbl for lbl in self.labels if lbl.startswith(period + "Q")]
        return max(quarters) if quarters else f"{period}Q4"


@dataclass(frozen=True)
class Series:
    """Per code (arrays over the codes of a ``Panel``): the unit's series up to the
    period monitored. ``rows`` marks, per period row and code, the rows read (same kind of
    period, annual or quarterly, and not after the period monitored); ``own`` is the
    unit's values there (NaN elsewhere); ``value`` and ``previous`` are its values at the
    period and a year earlier; ``latest_t``/``latest_v`` its latest known point and
    ``first_t`` its first known year (NaN without data; "known" is "not NaN")."""

    rows: np.ndarray
    own: np.ndarray
    value: np.ndarray
    previous: np.ndarray
    latest_t: np.ndarray
    latest_v: np.ndarray
    first_t: np.ndarray

    @property
    def known(self) -> np.ndarray:
        """Rows × codes: a value of the unit is known there."""
        return self.rows & ~np.isnan(self.own)


def _at(panel_years: np.ndarray, grid: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Per code, the value of ``grid`` (rows × codes) in the row of year ``t`` (NaN when
    the table has no such row)."""
    hit = panel_years[:, None] == t[None, :]
    found = hit.any(axis=0)
    row = hit.argmax(axis=0)
    out = grid[row, np.arange(grid.shape[1])] if grid.size else np.full(len(t), np.nan)
    return np.where(found, out, np.nan)


def series(panel: Panel, unit: str, t_now: np.ndarray, t_prev: np.ndarray) -> Series:
    """The unit's series of every code of ``panel``, each read up to its own period year
    ``t_now`` (annual codes read annual rows, quarterly ones quarterly rows)."""
    years = panel.years
    annual_row = years == np.floor(years)
    annual_code = t_now == np.floor(t_now)
    rows = (annual_row[:, None] == annual_code[None, :]) & (years[:, None] <= t_now[None, :])
    u = panel.unit_index(unit)
    own = np.full(rows.shape, np.nan) if u is None else panel.values[:, u, :].copy()
    own[~rows] = np.nan
    known = ~np.isnan(own)
    any_known = known.any(axis=0)
    year_grid = np.where(known, years[:, None], np.nan)
    with np.errstate(invalid="ignore"):
        last = np.where(any_known, np.nanargmax(np.where(known, year_grid, -np.inf), axis=0), 0)
    cols = np.arange(own.shape[1])
    latest_t = np.where(any_known, years[last] if len(years) else np.nan, np.nan)
    latest_v = np.where(any_known, own[last, cols] if own.size else np.nan, np.nan)
    first = np.where(any_known, np.argmax(known, axis=0), 0)
    first_t = np.where(any_known, years[first] if len(years) else np.nan, np.nan)
    return Series(
        rows=rows,
        own=own,
        value=_at(years, own, t_now),
        previous=_at(years, own, t_prev),
        latest_t=latest_t,
        latest_v=latest_v,
        first_t=first_t,
    )


def peer_medians(panel: Panel, peers: list[str], t_now: np.ndarray) -> np.ndarray:
    """Per code, the median of the peers' finite values in the row of ``t_now`` (NaN
    without peers, without that row or without a finite value)."""
    idx = np.array([panel.units.index(p) for p in peers if p in panel.units], dtype=int)
    out = np.full(len(panel.codes), np.nan)
    if not idx.size or not len(panel.years):
        return out
    hit = panel.years[:, None] == t_now[None, :]
    found = hit.any(axis=0)
    row = hit.argmax(axis=0)
    cols = np.arange(len(panel.codes))
    now = panel.values[row[:, None], idx[None, :], cols[:, None]]  # codes × peers
    now = np.where(np.isfinite(now), now, np.nan)
    some = found & np.isfinite(now).any(axis=1)
    if some.any():
        out[some] = np.nanmedian(now[some], axis=1)
    return out


def own_series(panel: Panel, s: Series, k: int, unit: str) -> pd.Series:
    """The unit's values of code ``k`` in the rows read, as a Series indexed by year
    (empty when the unit has no row in the table): what target resolution takes."""
    if unit not in panel.units:
        return pd.Series(dtype=float)
    rows = s.rows[:, k]
    return pd.Series(s.own[rows, k], index=pd.Index(panel.years[rows], dtype=float))


def peer_frame(panel: Panel, peers: list[str], s: Series, k: int, unit: str | None) -> pd.DataFrame:
    """The peers' values of code ``k`` (and the unit's, when ``unit`` is given and has a
    row) in the rows read: rows years, columns units."""
    cols = [p for p in peers if p in panel.units]
    if unit is not None and unit in panel.units:
        cols.append(unit)
    rows = s.rows[:, k]
    idx = [panel.units.index(c) for c in cols]
    return pd.DataFrame(
        panel.values[rows][:, idx, k],
        index=pd.Index(panel.years[rows], dtype=float),
        columns=cols,
    )
