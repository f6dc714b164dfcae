"""Targets of a unit's indicators and composites: the target path for every year, the
the feasibility of the target (attainment and gap closed: ``qcity.monitor.measures``).

A target comes from the framework (``target:`` on an indicator or node, or the older
``targets: {year: value}`` read as level targets through those points) or from a targets
file (:func:`read_targets_csv`, one row per target with its provenance). The path gives a
target for every year from the baseline to the goal year:

- ``linear``: ``T(y) = x0 + (x* - x0)(y - y0)/(Y - y0)``;
- ``constant_growth`` ("one level a year", 一年一个台阶): ``T(y) = x0 (x*/x0)^((y - y0)/(Y - y0))``
  (linear when ``x0`` and ``x*`` are not both positive);
- ``peer_first_tier``: linear to the median of the best ``top_k`` peers' values in the
  latest year with data (direction-aware);
- ``own_trend``: the least-squares line through the unit's values up to the baseline year,
  extended.

Kinds: ``level`` (``x*`` = value), ``growth`` (``x* = x0 (1 + g/100)^(Y - y0)`` along a
constant-growth path), ``band`` (inside ``[low, high]``; no path), ``not_worse`` (this
year's target is last year's value) and ``rank`` (``x*`` is the value that ranked
``value``-th among the peers and the unit in the latest year with data).
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from qcity import errors
from qcity.framework.model import Framework, Indicator, Node
from qcity.framework.targets import TargetSpec


class TargetFileError(errors.InputError, ValueError):
    """A targets file that cannot be read: the message names the file, row and field."""


@dataclass(frozen=True)
class Target:
    """A target resolved for one unit's series: the goal, the baseline and the path."""

    code: str
    kind: str
    goal_year: float | None
    goal: float | None
    base_year: float | None
    base_value: float | None
    path: str = "linear"
    band: tuple[float, float] | None = None
    anchors: tuple[tuple[float, float], ...] = ()
    source: str | None = None
    assumed: bool = False
    trend: tuple[float, float] | None = None  # own_trend: intercept, slope
    notes: list[str] = field(default_factory=list)

    def at(self, year: float, previous: float | None = None) -> float:
        """The path's target for ``year`` (``previous`` is last year's value, for
        ``not_worse``); NaN where the path gives none (a band, no baseline)."""
        if self.kind == "not_worse":
            return np.nan if previous is None else float(previous)
        if self.kind == "band" or self.goal is None or self.goal_year is None:
            return np.nan
        if self.trend is not None:
            return float(self.trend[0] + self.trend[1] * year)
        points = [*(self.anchors or ())]
        if self.base_year is not None and self.base_value is not None:
            points = [(self.base_year, self.base_value), *points]
        points.append((self.goal_year, self.goal))
        points = sorted(dict(points).items())
        if len(points) == 1 or year >= points[-1][0]:
            return float(points[-1][1])
        if year <= points[0][0]:
            return float(points[0][1])
        for (y0, v0), (y1, v1) in itertools.pairwise(points):
            if y0 <= year <= y1:
                share = (year - y0) / (y1 - y0)
                if self.path == "constant_growth" and v0 > 0 and v1 > 0:
                    return float(v0 * (v1 / v0) ** share)
                return float(v0 + (v1 - v0) * share)
        return np.nan  # pragma: no cover - points cover every year


def spec_of(item: Indicator | Node) -> TargetSpec | None:
    """The target of a node or indicator: its ``target``, else its ``targets`` mapping as a
    level target for the last year given (the earlier years become points of the path)."""
    if item.target is not None:
        return item.target
    if item.targets:
        year = max(item.targets)
        return TargetSpec(kind="level", value=item.targets[year], year=year)
    return None


def own_trend(years: np.ndarray, values: np.ndarray) -> tuple[float, float] | None:
    """Least-squares line ``a + b·year`` through the finite points (None with fewer than 2)."""
    ok = np.isfinite(values) & np.isfinite(years)
    if ok.sum() < 2:
        return None
    b, a = np.polyfit(years[ok], values[ok], 1)
    return float(a), float(b)


def first_tier(peer_values: np.ndarray, top_k: int, direction: int) -> float:
    """Median of the best ``top_k`` values (the highest, or the lowest when lower is better)."""
    v = np.sort(peer_values[np.isfinite(peer_values)])
    if v.size == 0:
        return np.nan
    best = v[::-1][:top_k] if direction >= 0 else v[:top_k]
    return float(np.median(best))


def value_at_rank(values: np.ndarray, rank: int, direction: int) -> float:
    """The value that ranks ``rank``-th (1 = best) among ``values``."""
    v = np.sort(values[np.isfinite(values)])
    if v.size == 0:
        return np.nan
    ordered = v[::-1] if direction >= 0 else v
    return float(ordered[min(rank, ordered.size) - 1])


def resolve(
    code: str,
    spec: TargetSpec,
    series: pd.Series,
    *,
    direction: int,
    default_base_year: float | None,
    peers: pd.DataFrame | None = None,
    anchors: dict[int, float] | None = None,
) -> Target:
    """The target of one series: ``series`` is the unit's values indexed by (fractional)
    year, ``peers`` the peers' values (rows years, columns peer units, the unit included or
    not). The baseline is ``spec.base_year``, else ``default_base_year``, else the first year
    with data."""
    s = series.dropna()
    base_year = spec.base_year if spec.base_year is not None else default_base_year
    if base_year is None and len(s):
        base_year = float(s.index.min())
    base_value = float(s.loc[base_year]) if base_year is not None and base_year in s.index else None
    notes: list[str] = []
    if base_year is not None and base_value is None:
        notes.append(f"no value for the baseline year {base_year:g}")
    goal: float | None = spec.value
    path = spec.path
    trend = None
    latest_peer_year = None
    if peers is not None and not peers.empty:
        have = peers.dropna(how="all")
        latest_peer_year = float(have.index.max()) if len(have) else None
    if spec.kind == "growth" and spec.value is not None and base_value is not None:
        assert spec.year is not None
        goal = base_value * (1 + spec.value / 100.0) ** (spec.year - float(base_year or 0))
        path = "constant_growth"
    elif spec.kind == "rank":
        goal = np.nan
        if peers is not None and latest_peer_year is not None:
            row = peers.loc[latest_peer_year].to_numpy(float)
            goal = value_at_rank(row, int(spec.value or 1), direction)
    if path == "peer_first_tier":
        goal = np.nan
        if peers is not None and latest_peer_year is not None:
            goal = first_tier(peers.loc[latest_peer_year].to_numpy(float), spec.top_k, direction)
    elif path == "own_trend":
        upto = s[s.index <= (base_year if base_year is not None else np.inf)]
        trend = own_trend(upto.index.to_numpy(float), upto.to_numpy(float))
        if trend is not None and spec.year is not None:
            goal = trend[0] + trend[1] * spec.year
    points = tuple(
        (float(y), float(v))
        for y, v in sorted((anchors or {}).items())
        if spec.year is None or y < spec.year
    )
    if goal is not None and not math.isfinite(goal):
        notes.append("the peers' values needed for this target are missing")
        goal = None
    return Target(
        code=code,
        kind=spec.kind,
        goal_year=float(spec.year) if spec.year is not None else None,
        goal=goal,
        base_year=float(base_year) if base_year is not None else None,
        base_value=base_value,
        path=path,
        band=spec.band,
        anchors=points,
        source=spec.source,
        assumed=spec.assumed,
        trend=trend,
        notes=notes,
    )


def band_distance(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Distance from ``x`` to the band ``[lo, hi]`` (0 inside)."""
    x = np.asarray(x, float)
    return np.maximum(np.asarray(lo, float) - x, 0) + np.maximum(x - np.asarray(hi, float), 0)


def met(
    value: np.ndarray,
    target: np.ndarray,
    direction: np.ndarray | int,
    band_lo: np.ndarray | None = None,
    band_hi: np.ndarray | None = None,
) -> np.ndarray:
    """True where the target is met: ``d (x - x*) >= 0``, or ``x`` inside the band."""
    x = np.asarray(value, float)
    d = np.asarray(direction, float)
    with np.errstate(invalid="ignore"):
        level = d * (x - np.asarray(target, float)) >= 0
    if band_lo is None or band_hi is None:
        return level
    lo, hi = np.asarray(band_lo, float), np.asarray(band_hi, float)
    is_band = np.isfinite(lo) & np.isfinite(hi)
    return np.where(is_band, (x >= lo) & (x <= hi), level)


def rolling_rates(values: np.ndarray, years: np.ndarray, window: int = 3) -> np.ndarray:
    """Annual rates of change over every ``window``-year span of a series: the CAGR where
    both ends are positive, else the linear change divided by ``|start|`` (NaN when 0)."""
    v = np.asarray(values, float)
    y = np.asarray(years, float)
    out = []
    for i in range(len(v)):
        j = np.searchsorted(y, y[i] + window)
        if j < len(v) and y[j] == y[i] + window and np.isfinite(v[i]) and np.isfinite(v[j]):
            out.append(annual_rate(v[i], v[j], window))
    return np.array(out, float)


def annual_rate(start: float, end: float, years: float) -> float:
    """Annual rate from ``start`` to ``end`` over ``years``: CAGR for positive values,
    else the linear change per year divided by ``|start|`` (NaN when ``start`` is 0)."""
    if years <= 0:
        return np.nan
    if start > 0 and end > 0:
        return float((end / start) ** (1 / years) - 1)
    if start == 0:
        return np.nan
    return float((end - start) / years / abs(start))


def feasibility(
    required: float,
    city_best: float,
    peer_p90: float,
) -> str | None:
    """Label of a required annual rate (direction-adjusted): ``within_history`` if the city
    has done at least as well over some 3 years, ``ambitious`` if only peers have (their
    90th percentile of 3-year rates), ``beyond_observed`` otherwise; None without a rate."""
    if not math.isfinite(required):
        return None
    if required <= 0 or (math.isfinite(city_best) and required <= city_best):
        return "within_history"
    if math.isfinite(peer_p90) and required <= peer_p90:
        return "ambitious"
    return "beyond_observed"


def feasibility_numbers(
    target: Target,
    latest_year: float,
    latest_value: float,
    own: pd.Series,
    peers: pd.DataFrame | None,
    direction: int,
) -> dict[str, float | str | None]:
    """``required_rate`` (direction-adjusted annual rate needed from the latest value to
    the goal), ``city_best_3y`` (the city's best 3-year rate), ``peer_p90_3y`` (90th
    percentile of the peers' 3-year rates) and the ``feasibility`` label."""
    nan = float("nan")
    out: dict[str, float | str | None] = {
        "required_rate": nan,
        "city_best_3y": nan,
        "peer_p90_3y": nan,
        "feasibility": None,
    }
    if target.goal is None or target.goal_year is None or not math.isfinite(latest_value):
        return out
    years_left = target.goal_year - latest_year
    if direction * (latest_value - target.goal) >= 0:
        required = 0.0
    elif years_left <= 0:
        required = float("inf")
    else:
        required = direction * annual_rate(latest_value, target.goal, years_left)
    s = own.dropna()
    city = direction * rolling_rates(s.to_numpy(float), s.index.to_numpy(float))
    best = float(np.nanmax(city)) if np.isfinite(city).any() else nan
    p90 = nan
    if peers is not None and not peers.empty:
        rates = [
            direction
            * rolling_rates(col.dropna().to_numpy(float), col.dropna().index.to_numpy(float))
            for _, col in peers.items()
        ]
        pooled = np.concatenate(rates) if rates else np.array([])
        pooled = pooled[np.isfinite(pooled)]
        p90 = float(np.percentile(pooled, 90)) if pooled.size else nan
    out.update(
        required_rate=required,
        city_best_3y=best,
        peer_p90_3y=p90,
        feasibility=feasibility(required, best, p90),
    )
    return out


TARGET_COLUMNS = ("indicator", "kind", "year", "value", "source")
"""Required columns of a targets file; optional: unit, base_year, path, band_low,
band_high, top_k, assumed."""


def read_targets_csv(path: Path, fw: Framework) -> dict[str, TargetSpec]:
    """Targets imported as data: a CSV (UTF-8, BOM allowed) with one row per target and
    its provenance (``source`` is required). Returns code -> TargetSpec; every bad row is
    reported at once, naming the file, row (line) and field."""
    if not path.is_file():
        raise TargetFileError(f"{path}: no such targets file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TargetFileError(
            f"{path}: not UTF-8 text; save the targets file as CSV UTF-8"
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in TARGET_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise TargetFileError(
            f"{path}: missing column(s) {', '.join(missing)}; the header needs "
            f"{', '.join(TARGET_COLUMNS)}"
        )
    codes = {n.code for n, _, _ in fw.walk()}
    out: dict[str, TargetSpec] = {}
    problems: list[str] = []
    for line, row in enumerate(reader, start=2):
        code = (row.get("indicator") or "").strip()
        if code not in codes:
            problems.append(
                f"{path}, row {line}, indicator: {code!r} is not in framework {fw.code!r}"
            )
            continue
        if not (row.get("source") or "").strip():
            problems.append(f"{path}, row {line}, source: say where the target comes from")
            continue
        fields: dict[str, object] = {
            "kind": (row.get("kind") or "level").strip(),
            "source": row["source"].strip(),
        }
        for key in ("year", "base_year", "top_k"):
            if (row.get(key) or "").strip():
                fields[key] = row[key].strip()
        if (row.get("value") or "").strip():
            fields["value"] = row["value"].strip()
        if (row.get("path") or "").strip():
            fields["path"] = row["path"].strip()
        if (row.get("band_low") or "").strip() or (row.get("band_high") or "").strip():
            fields["band"] = (row.get("band_low"), row.get("band_high"))
        if (row.get("assumed") or "").strip().lower() in ("1", "true", "yes", "是"):
            fields["assumed"] = True
        try:
            spec = TargetSpec.model_validate(fields)
        except ValueError as exc:
            errors = getattr(exc, "errors", None)
            what = (
                "; ".join(f"{'.'.join(map(str, e['loc'])) or 'row'}: {e['msg']}" for e in errors())
                if callable(errors)
                else str(exc)
            )
            problems.append(f"{path}, row {line}: {what}")
            continue
        if code in out:
            problems.append(f"{path}, row {line}, indicator: a second target for {code!r}")
            continue
        out[code] = spec
    if problems:
        raise TargetFileError("\n".join(problems))
    return out
