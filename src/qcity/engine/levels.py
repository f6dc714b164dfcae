"""Unit levels: which indicators an evaluation uses, by the type of its units.

Each indicator lists the unit types (``levels``) at which it exists; the units table
gives each unit's ``type``. Units are ranked together only when every indicator covers
all of their types alike: city and town are two levels (different indicator sets), while
Liyang's towns and streets are one level (every indicator that exists for towns exists
for streets). Mixed levels are refused; for one level, the indicators that do not exist
there are left out and recorded as exclusions.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from qcity.engine.errors import EvaluationError
from qcity.framework.model import Framework
from qcity.methods.errors import note


def _types(unit_codes: tuple[str, ...], units: pd.DataFrame | None) -> pd.Series | None:
    """The type of each unit (index: unit code), None when the units table gives none."""
    if units is None or "type" not in units.columns or "code" not in units.columns:
        return None
    table = units.assign(code=units["code"].astype(str)).drop_duplicates("code")
    types = table.set_index("code")["type"].reindex(list(unit_codes))
    if types.isna().all():
        return None
    missing = types.index[types.isna()].tolist()
    if missing:
        raise EvaluationError(
            f"units without a type in the units table: {', '.join(missing[:10])}"
            f"{' ...' if len(missing) > 10 else ''}; give each unit its type (city, town, ...) "
            "so that units of different levels are not ranked together"
        )
    return types.astype(str)


def level_exclusions(
    fw: Framework, unit_codes: tuple[str, ...], units: pd.DataFrame | None
) -> list[dict[str, Any]]:
    """Exclusion rows for the indicators that do not exist at the level of the units;
    EvaluationError when the units span levels with different indicator sets."""
    types = _types(unit_codes, units)
    if types is None:
        return []
    indicators = fw.indicators()
    counts = types.value_counts().sort_index()
    cover = {t: frozenset(i.code for i in indicators if t in i.levels) for t in counts.index}
    known = {level for i in indicators for level in i.levels}
    if len(set(cover.values())) > 1:
        found = ", ".join(f"{t} ({n} units, {len(cover[t])} indicators)" for t, n in counts.items())
        raise EvaluationError(
            f"the data hold units of different levels: {found}; the framework's indicators "
            "do not cover these types alike, so their scores would be normalised and ranked "
            "together by accident. Evaluate one level at a time: choose a unit type (e.g. "
            f"{counts.index[0]}) or a group "
            "(Python: EvaluationInput.restrict(unit_type=..., group=...))",
            options=("unit_type", "group"),
        )
    level = ", ".join(counts.index)
    used = next(iter(cover.values()))
    if not used:
        note(
            f"unit type(s) {level} are not among the framework's levels "
            f"({', '.join(sorted(known))}); every indicator is used",
            severity="info",
        )
        return []
    left_out = [i for i in indicators if i.code not in used]
    if left_out:
        note(
            f"units of type {level}: {len(used)} indicator(s) defined at this level are "
            f"used, {len(left_out)} defined only at other levels are left out",
            severity="info",
        )
    return [
        {
            "kind": "indicator",
            "code": i.code,
            "period": None,
            "availability": None,
            "threshold": None,
            "reason": f"not defined for units of type {level} (levels: {', '.join(i.levels)})",
        }
        for i in left_out
    ]
