"""What every benchmark starts from: the focus unit and year in an evaluation, the peers'
scores at that year, raw values in the indicators' own units, and the peer selection for
towns and streets (镇街)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qcity import errors
from qcity.engine.evaluation import Evaluation
from qcity.engine.panel import period_label
from qcity.framework.model import Framework, Indicator, Node


class BenchmarkError(errors.InputError, ValueError):
    """A benchmark that cannot be made as asked (unknown unit or year, no score ...)."""


def resolve_year(ev: Evaluation, unit: str, year: object | None) -> str:
    """The period label of ``year`` (default: the latest period in which ``unit`` has an
    index score); BenchmarkError naming the unit, year and what exists otherwise."""
    scores = ev.scores()
    root = ev.framework.root.code
    units = sorted(set(scores["unit"].astype(str)))
    if unit not in units:
        shown = ", ".join(units[:20]) + (" ..." if len(units) > 20 else "")
        raise BenchmarkError(
            f"unit {unit!r} is not among the units evaluated ({shown}); choose a unit of "
            "the group or level compared (--group / --level)"
        )
    mine = scores[(scores["unit"].astype(str) == unit) & (scores["node"] == root)]
    scored = sorted(mine.loc[mine["score"].notna(), "period"].astype(str))
    if year is None:
        if not scored:
            raise BenchmarkError(f"unit {unit!r} has no index score in any period")
        return scored[-1]
    label = period_label(year)
    if label not in scored:
        raise BenchmarkError(
            f"unit {unit!r} has no index score for {label}; periods with a score: "
            f"{', '.join(scored) or 'none'}"
        )
    return label


def scores_at(ev: Evaluation, period: str) -> pd.DataFrame:
    """``unit, node, score, rank`` of every unit and node at ``period`` (string codes)."""
    s = ev.scores()
    s = s[s["period"].astype(str) == period].copy()
    s["unit"] = s["unit"].astype(str)
    s["node"] = s["node"].astype(str)
    return s[["unit", "node", "score", "rank"]].reset_index(drop=True)


def raw_values(ev: Evaluation, period: str) -> pd.DataFrame:
    """Values in the indicators' own units at ``period`` (after denominators), indexed by
    unit, one column per indicator; a value missing in the data but imputed is filled
    from the imputed dataset (see ``imputed_cells``)."""
    names = ev.datasets()
    base = "denominated" if "denominated" in names else "raw"
    wide = pd.DataFrame(ev.dataset(base).xs(period, level="period"))
    if "imputed" in names:
        imputed = pd.DataFrame(ev.dataset("imputed").xs(period, level="period"))
        imputed = imputed.reindex(index=wide.index, columns=wide.columns)
        wide = pd.DataFrame(
            np.where(wide.isna(), imputed, wide), index=wide.index, columns=wide.columns
        )
    return wide


def imputed_cells(ev: Evaluation, period: str) -> pd.DataFrame:
    """True where a value at ``period`` was missing in the data and imputed."""
    names = ev.datasets()
    base = "denominated" if "denominated" in names else "raw"
    wide = pd.DataFrame(ev.dataset(base).xs(period, level="period"))
    if "imputed" not in names:
        return pd.DataFrame(False, index=wide.index, columns=wide.columns)
    imputed = pd.DataFrame(ev.dataset("imputed").xs(period, level="period")).reindex_like(wide)
    return pd.DataFrame(wide.isna() & imputed.notna())


def describe(fw: Framework) -> pd.DataFrame:
    """One row per node and indicator in document order: ``node, kind, depth, name_zh,
    name_en, indicator_unit`` (kind: index, node or indicator)."""
    rows = []
    for item, parent, depth in fw.walk():
        kind = "index" if parent is None else "indicator" if isinstance(item, Indicator) else "node"
        rows.append(
            {
                "node": item.code,
                "kind": kind,
                "depth": depth,
                "name_zh": item.name_zh,
                "name_en": item.name_en,
                "indicator_unit": item.unit if isinstance(item, Indicator) else "",
            }
        )
    return pd.DataFrame(rows)


def kth_best(values: np.ndarray, k: int) -> float:
    """The k-th highest of ``values`` (NaN ignored); NaN when fewer than k values."""
    v = np.sort(values[~np.isnan(values)])[::-1]
    return float(v[k - 1]) if len(v) >= k else float("nan")


def level_types(fw: Framework, level: str) -> list[str]:
    """Unit types ranked together with ``level``: those at which exactly the same
    indicators exist (Liyang's ``town`` and ``street``), as the engine's level rule says."""
    indicators = fw.indicators()
    known = sorted({t for i in indicators for t in i.levels})
    if level not in known:
        raise BenchmarkError(
            f"unknown level {level!r}; the framework's indicators exist at: {', '.join(known)}"
        )

    def cover(t: str) -> frozenset[str]:
        return frozenset(i.code for i in indicators if t in i.levels)

    return [t for t in known if cover(t) == cover(level)]


def level_peers(
    fw: Framework, units: pd.DataFrame | None, unit: str, level: str | None = None
) -> list[str]:
    """The units compared with ``unit`` at a sub-city level: the units of ``level``'s
    types (default: the type of ``unit``) that share ``unit``'s parent (its siblings,
    e.g. Liyang's 3 streets and 9 towns), or all units of those types when it has none."""
    if units is None or "type" not in units.columns:
        raise BenchmarkError("comparing by level needs a units table with a 'type' column")
    table = units.assign(code=units["code"].astype(str)).drop_duplicates("code").set_index("code")
    if unit not in table.index:
        raise BenchmarkError(f"unit {unit!r} is not in the units table")
    own_type = str(table.loc[unit, "type"])
    types = level_types(fw, level or own_type)
    if own_type not in types:
        raise BenchmarkError(
            f"unit {unit!r} is of type {own_type!r}, not of level {level!r} "
            f"({', '.join(types)}); choose a unit of that level, e.g. "
            f"{', '.join(table.index[table['type'].isin(types)][:3])}"
        )
    same = table[table["type"].astype(str).isin(types)]
    parent = table.loc[unit, "parent_code"] if "parent_code" in table.columns else None
    if isinstance(parent, str) and parent:
        same = same[same["parent_code"].astype(str) == str(parent)]
    return sorted(same.index.astype(str))


def index_of(fw: Framework) -> dict[str, Node | Indicator]:
    """Every node and indicator of ``fw`` by code."""
    return {n.code: n for n, _, _ in fw.walk()}
