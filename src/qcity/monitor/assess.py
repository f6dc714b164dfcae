"""The steps of the monitoring table over arrays (one element per indicator or composite):
the target each row shows, the inputs of the progress method, the progress classes and
scores, attainment (实现程度) and gap closed (进度).

Only target resolution stays one call per code (``qcity.monitor.targets.resolve``: each
kind of target reads its own series and its peers differently); everything after it is one
numpy expression over all codes, with the formulas of ``qcity.monitor.progress`` and
``qcity.monitor.measures``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qcity.monitor import progress as prog
from qcity.monitor.measures import attainment, gap_closed
from qcity.monitor.panel import Series
from qcity.monitor.targets import Target


@dataclass(frozen=True)
class Shown:
    """Per code: the target shown (value, year), the band (``lo``/``hi``, NaN without),
    the path's value this period, whether the path is checked by the warnings, and the
    baseline (year, value)."""

    target: np.ndarray
    target_year: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    band_target: np.ndarray
    path_value: np.ndarray
    check_path: np.ndarray
    base_year: np.ndarray
    base_value: np.ndarray


def _attr(targets: list[Target | None], name: str) -> np.ndarray:
    """``getattr(target, name)`` per code as floats (NaN without a target or a value)."""
    out = [getattr(t, name, None) if t is not None else None for t in targets]
    return np.array([np.nan if v is None else float(v) for v in out], float)


def kinds(targets: list[Target | None]) -> np.ndarray:
    """The kind of each code's target (``""`` without one)."""
    return np.array([t.kind if t is not None else "" for t in targets], dtype=object)


def baseline(
    targets: list[Target | None], s: Series, years: np.ndarray, default: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """(base year, base value) per code: the target's baseline year, else ``default``,
    else the first known year; when the unit has no value that year, its first known
    point after it."""
    by = _attr(targets, "base_year")
    no_target = np.array([t is None for t in targets], bool)
    by = np.where(no_target, np.nan if default is None else default, by)
    known = s.known
    any_known = known.any(axis=0)
    by = np.where(np.isnan(by) & any_known, s.first_t, by)
    at_base = known & (years[:, None] == by[None, :])
    cols = np.arange(known.shape[1])
    bv = np.where(at_base.any(axis=0), s.own[at_base.argmax(axis=0), cols], np.nan)
    later = known & (years[:, None] >= np.where(np.isnan(by), -np.inf, by)[None, :])
    move = ~np.isfinite(bv) & any_known & later.any(axis=0)
    first_later = later.argmax(axis=0)
    by = np.where(move, years[first_later], by)
    bv = np.where(move, s.own[first_later, cols], bv)
    return by, bv


def shown(
    targets: list[Target | None],
    s: Series,
    t_now: np.ndarray,
    band: tuple[np.ndarray, np.ndarray],
    base: tuple[np.ndarray, np.ndarray],
) -> tuple[Shown, dict[str, np.ndarray]]:
    """The target shown per code and the inputs of the progress method (``p_*``: base,
    latest, target, target year, direction).

    - "not worse than last year": last year's value this year; progress is this year
      against last year;
    - a band (the target's, or a moderate indicator's): the bound nearer the value; the
      progress goal is the nearer bound from outside, the latest value itself inside;
    - a level or growth goal: the goal and its year, and the path's value this year.
    """
    kind = kinds(targets)
    goal, goal_year = _attr(targets, "goal"), _attr(targets, "goal_year")
    t_band = [t.band if t is not None and t.kind == "band" else None for t in targets]
    lo = np.array([b[0] if b is not None else np.nan for b in t_band], float)
    hi = np.array([b[1] if b is not None else np.nan for b in t_band], float)
    lo, hi = np.where(np.isfinite(lo), lo, band[0]), np.where(np.isfinite(hi), hi, band[1])
    has_band = np.isfinite(lo) & np.isfinite(hi)
    value, latest_v = s.value, s.latest_v
    n = len(kind)
    tgt, tgt_year, path_value = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    p_target, p_year = np.full(n, np.nan), np.full(n, np.nan)
    direction_override = np.zeros(n)
    not_worse = kind == "not_worse"
    banded = ~not_worse & has_band & (kind == "band")
    goal_kind = ~not_worse & ~banded & (kind != "") & np.isfinite(goal) & np.isfinite(goal_year)
    # not worse than last year
    tgt = np.where(not_worse, s.previous, tgt)
    tgt_year = np.where(not_worse, np.floor(t_now), tgt_year)
    # a band
    ref = np.where(np.isfinite(value), value, latest_v)
    with np.errstate(invalid="ignore"):
        below = np.isfinite(ref) & (ref < lo)
        lat_below, lat_above = latest_v < lo, latest_v > hi
    b_year = np.where(np.isfinite(goal_year), goal_year, np.floor(t_now))
    tgt = np.where(banded, np.where(below, lo, hi), tgt)
    tgt_year = np.where(banded, b_year, tgt_year)
    outside = banded & np.isfinite(latest_v) & (lat_below | lat_above)
    inside = banded & np.isfinite(latest_v) & ~(lat_below | lat_above)
    direction_override = np.where(outside, np.where(lat_below, 1, -1), direction_override)
    p_target = np.where(outside, np.where(lat_below, lo, hi), p_target)
    p_target = np.where(inside, latest_v, p_target)
    p_year = np.where(outside | inside, b_year, p_year)
    # a goal
    tgt = np.where(goal_kind, goal, tgt)
    tgt_year = np.where(goal_kind, goal_year, tgt_year)
    p_target = np.where(goal_kind, goal, p_target)
    p_year = np.where(goal_kind, goal_year, p_year)
    at = [
        float(t.at(float(y))) if g and t is not None else np.nan
        for t, y, g in zip(targets, t_now, goal_kind, strict=True)
    ]
    path_value = np.where(goal_kind, np.array(at, float), path_value)
    by, bv = base
    with np.errstate(invalid="ignore"):
        too_early = np.isfinite(p_year) & np.isfinite(by) & (p_year <= by)
    p_target = np.where(too_early, np.nan, p_target)
    p_year = np.where(too_early, np.nan, p_year)
    band_target = has_band & ((kind == "") | (kind == "band"))
    out = Shown(
        target=tgt,
        target_year=tgt_year,
        lo=lo,
        hi=hi,
        band_target=band_target,
        path_value=path_value,
        check_path=~not_worse,
        base_year=by,
        base_value=bv,
    )
    inputs = {
        "base_value": np.where(not_worse, s.previous, bv),
        "latest_value": np.where(not_worse, value, latest_v),
        "target": p_target,
        "target_year": p_year,
        "override": direction_override,
    }
    return out, inputs


@dataclass(frozen=True)
class Progress:
    """Per code: the progress method's results (``qcity.monitor.progress.progress_values``),
    the class (None without two data points) and the -5..+5 score (NaN without a class)."""

    values: dict[str, np.ndarray]
    classes: np.ndarray
    scores: np.ndarray


def progress(
    targets: list[Target | None],
    s: Series,
    shown_: Shown,
    inputs: dict[str, np.ndarray],
    *,
    direction: np.ndarray,
    t_now: np.ndarray,
    t_prev: np.ndarray,
    fallback: bool,
) -> Progress:
    """The progress classes and scores of every code at once. A band counts as achieved
    where the latest value lies inside it; "not worse" where this year's value is not
    worse than last year's."""
    not_worse = kinds(targets) == "not_worse"
    p_dir = np.where(inputs["override"] != 0, inputs["override"], direction)
    base_year = np.where(not_worse, t_prev, shown_.base_year)
    latest_t = np.where(not_worse, t_now, s.latest_t)
    pv = prog.progress_values(
        inputs["base_value"],
        base_year,
        inputs["latest_value"],
        latest_t,
        inputs["target"],
        inputs["target_year"],
        p_dir,
        fallback=fallback,
    )
    has_band = np.isfinite(shown_.lo) & np.isfinite(shown_.hi)
    latest_v = s.latest_v
    with np.errstate(invalid="ignore"):
        inside = (shown_.lo <= latest_v) & (latest_v <= shown_.hi)
        better = direction * (s.value - s.previous) >= 0
    band_rule = has_band & np.isfinite(latest_v)
    achieved = np.where(band_rule, inside & pv["valid"], pv["achieved"])
    achieved = np.where(not_worse, pv["valid"] & better, achieved)
    pv["achieved"] = achieved.astype(bool)
    classes = prog.classify(
        pv["value"], pv["achieved"], pv["has_target"], pv["factor"], pv["valid"]
    )
    score = prog.scores(pv["value"], pv["achieved"], pv["has_target"], pv["factor"]).astype(float)
    score = np.where(np.array([c is None for c in classes], bool), np.nan, score)
    return Progress(pv, classes, score)


def measures(
    targets: list[Target | None], s: Series, shown_: Shown, direction: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(attainment, gap closed) per code (``qcity.monitor.measures``), against the target
    shown and, where the target is a band, the band; no gap closed without a target or
    for "not worse"."""
    lo = np.where(shown_.band_target, shown_.lo, np.nan)
    hi = np.where(shown_.band_target, shown_.hi, np.nan)
    reached = np.asarray(
        attainment(s.value, shown_.target, direction=direction, band=(lo, hi)), float
    )
    closed = np.asarray(
        gap_closed(s.value, shown_.target, shown_.base_value, direction=direction, band=(lo, hi)),
        float,
    )
    kind = kinds(targets)
    closed = np.where((kind == "") | (kind == "not_worse"), np.nan, closed)
    return reached, closed


def method_labels(pv: dict[str, np.ndarray]) -> list[str | None]:
    """How each progress class was found: the cited method, or the linear extension."""
    return [
        None
        if not v
        else "linear change (extension of the method)"
        if lin
        else "Statistics Canada / open-sdg"
        if ok
        else "not assessable"
        for v, lin, ok in zip(pv["valid"], pv["linear"], pv["assessable"], strict=True)
    ]


def floor_or_nan(x: float) -> float:
    """``math.floor`` of a finite number, NaN otherwise."""
    return float(math.floor(x)) if math.isfinite(x) else math.nan
