"""Where a unit stands among its peers: ranks at every level and indicator, gaps to the
leader, the median and the first-tier threshold (the k-th unit's score), in points and in
raw units; strengths and weaknesses (长板/短板) weighted by effective weight.

Every unit of the evaluation is a peer: evaluate the group (or level) first, as
``qcity evaluate --group`` does, so that normalisation and ranks are among the peers only.

The first tier is the top ``k``. For a unit inside it the gap to the threshold says nothing
(it is 0 or positive), so every row also carries the gap to the next rank up
(``next_up_unit``, ``gap_to_next_up``: NaN for the leader) and the margin over the first
unit outside the tier, rank ``k + 1`` (``first_out_unit``, ``margin_over_first_out``);
``in_first_tier`` says which of the two questions the row answers.

Gaps are ``score - reference``: negative means behind by that many points (or raw units
for indicators, in the indicator's direction: a negative raw gap of an indicator where
lower is better means a value that is higher than the reference).

Whether a rank difference is meaningful is for the robustness analysis to say: a gap of a
few points may vanish under another defensible choice of methods. ``compare`` takes its
result as ``bands`` (``unit, node, rank_low, rank_high``, e.g. the 5th-95th percentile of
ranks over the robustness runs) and then fills ``rank_low``, ``rank_high`` and ``tier``
(``in``: even the worst rank of the band is within the first k; ``out``: even the best is
outside; ``uncertain``: the band straddles k). Without it these columns stay empty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qcity import errors
from qcity.benchmark.focus import (
    describe,
    imputed_cells,
    kth_best,
    raw_values,
    resolve_year,
    scores_at,
)
from qcity.engine.evaluation import Evaluation
from qcity.framework.model import Indicator, Moderate

COMPARE_COLUMNS = ["node", "rank", "score", "leader", "median", "threshold", "gap_to_threshold"]
"""The leading columns of ``compare`` (and compare.csv), in this order."""

EXTRA_COLUMNS = [
    "period", "unit", "kind", "depth", "name_zh", "name_en", "n", "k", "leader_unit",
    "threshold_unit", "gap_to_leader", "gap_to_median", "indicator_unit", "direction",
    "value", "imputed", "leader_value", "median_value", "threshold_value",
    "value_gap_to_leader", "value_gap_to_median", "value_gap_to_threshold",
    "rank_low", "rank_high", "tier", "in_first_tier", "next_up_unit", "gap_to_next_up",
    "first_out_unit", "margin_over_first_out",
]  # fmt: skip

STRENGTH_COLUMNS = [
    "indicator", "name_zh", "name_en", "kind", "rank", "n", "score", "median", "diff",
    "effective_weight", "weighted", "value", "median_value", "indicator_unit", "imputed",
]  # fmt: skip


def _direction(ind: Indicator) -> int:
    return 0 if isinstance(ind.direction, Moderate) else int(ind.direction)


def compare(
    ev: Evaluation,
    unit: str,
    year: object | None = None,
    k: int = 5,
    bands: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per node and indicator (document order) for ``unit`` at ``year`` (default
    its latest scored period): rank among the evaluation's units, score, leader's, median
    and k-th unit's (threshold) scores, gaps to them, and for indicators the same in raw
    units. ``bands`` (optional, from the robustness analysis): see the module docstring."""
    if k < 1:
        raise errors.BadValue(f"k must be at least 1 (got {k})")
    period = resolve_year(ev, unit, year)
    fw = ev.framework
    s = scores_at(ev, period)
    scores = s.pivot(index="node", columns="unit", values="score")
    ranks = s.pivot(index="node", columns="unit", values="rank").reindex_like(scores)
    units = np.array(scores.columns.astype(str), dtype=object)
    col = int(np.flatnonzero(units == unit)[0])
    raw = raw_values(ev, period).reindex(list(units))
    imputed = imputed_cells(ev, period).reindex(list(units)).fillna(False)
    by_code = {i.code: i for i in fw.indicators()}
    rows = []
    for info in describe(fw).itertuples(index=False):
        node = str(info.node)
        if node not in scores.index:
            continue
        values = scores.loc[node].to_numpy(dtype=float)
        have = np.flatnonzero(~np.isnan(values))
        if np.isnan(values[col]) or len(have) == 0:
            continue
        node_ranks = ranks.loc[node].to_numpy(dtype=float)
        ordered = have[np.lexsort((units[have], node_ranks[have]))]  # by rank, then code
        score = float(values[col])
        leader = float(values[ordered[0]])
        median = float(np.median(values[have]))
        threshold = kth_best(values, k)
        kth = int(ordered[k - 1]) if len(ordered) >= k else None
        first_out = int(ordered[k]) if len(ordered) > k else None
        place = int(np.flatnonzero(ordered == col)[0])
        above = [int(i) for i in ordered[:place] if values[i] > values[col]]
        next_up = above[-1] if above else None
        row: dict[str, object] = {
            "node": node,
            "rank": int(node_ranks[col]),
            "score": score,
            "leader": leader,
            "median": median,
            "threshold": threshold,
            "gap_to_threshold": score - threshold,
            "period": period,
            "unit": unit,
            "kind": info.kind,
            "depth": info.depth,
            "name_zh": info.name_zh,
            "name_en": info.name_en,
            "n": len(have),
            "k": k,
            "leader_unit": str(units[ordered[0]]),
            "threshold_unit": str(units[kth]) if kth is not None else None,
            "gap_to_leader": score - leader,
            "gap_to_median": score - median,
            "indicator_unit": info.indicator_unit,
            "in_first_tier": bool(node_ranks[col] <= k),
            "next_up_unit": str(units[next_up]) if next_up is not None else None,
            "gap_to_next_up": score - float(values[next_up]) if next_up is not None else np.nan,
            "first_out_unit": str(units[first_out]) if first_out is not None else None,
            "margin_over_first_out": (
                score - float(values[first_out]) if first_out is not None else np.nan
            ),
        }
        ind = by_code.get(node)
        if ind is not None and node in raw.columns:
            x = raw[node].to_numpy(dtype=float)
            row.update(_raw_columns(ind, x, bool(imputed[node].iloc[col]), col, ordered, kth))
        rows.append(row)
    out = pd.DataFrame(rows, columns=[*COMPARE_COLUMNS, *EXTRA_COLUMNS])
    out["rank"] = out["rank"].astype("Int64")
    out["imputed"] = out["imputed"].astype("boolean")
    return _with_bands(out, bands, unit, period, k)


def compare_years(
    ev: Evaluation, unit: str, k: int = 5, bands: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``compare`` for every period in which ``unit`` has an index score, one table (the
    ``period`` column tells them apart): how its ranks and gaps moved over the years."""
    s = ev.scores()
    mine = s[(s["unit"].astype(str) == unit) & (s["node"] == ev.framework.root.code)]
    periods = sorted(mine.loc[mine["score"].notna(), "period"].astype(str))
    if not periods:
        resolve_year(ev, unit, None)  # raises the error naming the unit
    return pd.concat([compare(ev, unit, p, k=k, bands=bands) for p in periods], ignore_index=True)


def _raw_columns(
    ind: Indicator,
    x: np.ndarray,
    imputed: bool,
    col: int,
    ordered: np.ndarray,
    kth: int | None,
) -> dict[str, object]:
    """Raw values of the unit (``x[col]``), the indicator's leader, the peers' median and
    the k-th unit, and the gaps to them signed so that negative means worse."""
    sign = _direction(ind) or 1
    value = float(x[col])
    leader_value = float(x[ordered[0]])
    peers = x[ordered]
    median_value = float(np.nanmedian(peers)) if np.isfinite(peers).any() else np.nan
    threshold_value = float(x[kth]) if kth is not None else np.nan
    return {
        "direction": _direction(ind),
        "value": value,
        "imputed": imputed,
        "leader_value": leader_value,
        "median_value": median_value,
        "threshold_value": threshold_value,
        "value_gap_to_leader": sign * (value - leader_value),
        "value_gap_to_median": sign * (value - median_value),
        "value_gap_to_threshold": sign * (value - threshold_value),
    }


def _with_bands(
    out: pd.DataFrame, bands: pd.DataFrame | None, unit: str, period: str, k: int
) -> pd.DataFrame:
    """Fill ``rank_low, rank_high, tier`` from a robustness result (see module docstring)."""
    if bands is None:
        return out
    need = {"unit", "node", "rank_low", "rank_high"}
    missing = need - set(bands.columns)
    if missing:
        raise errors.BadValue(
            f"rank bands need the columns {', '.join(sorted(need))}; missing "
            f"{', '.join(sorted(missing))}"
        )
    b = bands[bands["unit"].astype(str) == unit]
    if "period" in b.columns:
        b = b[b["period"].astype(str) == period]
    b = b.assign(node=b["node"].astype(str)).drop_duplicates("node").set_index("node")
    lo = out["node"].map(b["rank_low"]).astype(float)
    hi = out["node"].map(b["rank_high"]).astype(float)
    out["rank_low"] = lo.astype("Int64")
    out["rank_high"] = hi.astype("Int64")
    low, high = lo.to_numpy(), hi.to_numpy()
    tier = np.where(high <= k, "in", np.where(low > k, "out", "uncertain")).astype(object)
    tier[np.isnan(low) | np.isnan(high)] = None
    out["tier"] = tier
    return out


def strengths(
    ev: Evaluation, unit: str, year: object | None = None, node: str | None = None
) -> pd.DataFrame:
    """Indicators ordered from the strongest to the weakest (长板 -> 短板) for ``unit``:
    ``diff`` = its normalised score minus the peers' median, ``weighted`` = diff times the
    indicator's effective weight in ``node`` (default the index), i.e. the points of
    ``node``'s score that the indicator puts the unit above (+) or below (-) a median
    peer; ``kind`` is ``strength`` or ``weakness`` by its sign; raw values beside them."""
    period = resolve_year(ev, unit, year)
    fw = ev.framework
    node = node or fw.root.code
    shares = ev.effective_weights()
    eff = shares[shares["node"] == node].set_index("indicator")["effective"]
    if eff.empty:
        raise errors.BadValue(f"{node!r} is not a composite of this evaluation")
    s = scores_at(ev, period)
    scores = s.pivot(index="node", columns="unit", values="score")
    ranks = s.pivot(index="node", columns="unit", values="rank").reindex_like(scores)
    units = list(scores.columns.astype(str))
    raw = raw_values(ev, period).reindex(units)
    imputed = imputed_cells(ev, period).reindex(units).fillna(False)
    by_code = {i.code: i for i in fw.indicators()}
    rows = []
    at = units.index(unit)
    for code, weight in eff.items():
        code = str(code)
        if code not in scores.index:
            continue
        values = scores.loc[code].to_numpy(dtype=float)
        if np.isnan(values[at]):
            continue
        have = ~np.isnan(values)
        ind = by_code[code]
        score = float(values[at])
        median = float(np.median(values[have]))
        diff = score - median
        x = raw[code].to_numpy(dtype=float) if code in raw.columns else np.full(len(units), np.nan)
        peer_x = x[have]
        rows.append(
            {
                "indicator": code,
                "name_zh": ind.name_zh,
                "name_en": ind.name_en,
                "kind": "strength" if diff > 0 else "weakness" if diff < 0 else "",
                "rank": int(ranks.loc[code].to_numpy(dtype=float)[at]),
                "n": int(have.sum()),
                "score": score,
                "median": median,
                "diff": diff,
                "effective_weight": float(weight),
                "weighted": float(weight) * diff,
                "value": float(x[at]),
                "median_value": float(np.nanmedian(peer_x))
                if np.isfinite(peer_x).any()
                else np.nan,
                "indicator_unit": ind.unit,
                "imputed": bool(imputed[code].loc[unit]) if code in imputed.columns else False,
            }
        )
    out = pd.DataFrame(rows, columns=STRENGTH_COLUMNS)
    out["rank"] = out["rank"].astype("Int64")
    return out.sort_values("weighted", ascending=False, kind="stable").reset_index(drop=True)
