"""Say why a unit has no index score in a period where it was not excluded: no data, no
value left after screening, normalisation gave none, or a node's coverage rule."""

from __future__ import annotations

import numpy as np

from qcity.engine.guards import shown
from qcity.engine.panel import Panel
from qcity.engine.tree import Tree
from qcity.framework.model import Indicator, Node
from qcity.methods.errors import note


def explain_missing(
    scores: dict[str, np.ndarray],
    tree: Tree,
    index: dict[str, Node | Indicator],
    aggregators: dict[str, str],
    min_coverage: float | None,
    unit_keep: np.ndarray,
    stages: list[tuple[np.ndarray, str]],
    raw: Panel,
) -> None:
    """Note, per period and reason, the units kept in a period whose index score is NaN.

    ``stages``: (values (T, N, k), reason) in pipeline order; a unit-period is explained by
    the first stage where all its values are missing, else by the lowest node whose score
    is missing although some of its children have one."""
    missing = np.isnan(scores[tree.root]) & unit_keep
    if not missing.any():
        return
    reason = np.full(missing.shape, -1)
    texts: list[str] = []
    for values, text in stages:
        hit = missing & (reason < 0) & np.isnan(values).all(axis=-1)
        reason[hit] = len(texts)
        texts.append(text)
    for node in tree.nodes:  # children before parents
        kids = np.stack([scores[k] for k in tree.children[node]], axis=-1)
        hit = missing & (reason < 0) & np.isnan(scores[node]) & ~np.isnan(kids).all(axis=-1)
        if not hit.any():
            continue
        own = getattr(index[node], "min_coverage", None) or min_coverage
        coverage = (~np.isnan(kids)).mean(axis=-1)
        if own:
            low = hit & (coverage + 1e-12 < float(own))
            reason[low] = len(texts)
            texts.append(f"{node} has data for too few of its children (min_coverage {own:g})")
            hit &= ~low
        reason[hit] = len(texts)
        texts.append(f"the {aggregators[node]} aggregation of {node} gave no value")
    for t, period in enumerate(raw.periods):
        for r in np.unique(reason[t][missing[t]]):
            who = [raw.units[n] for n in np.flatnonzero(missing[t] & (reason[t] == r))]
            why = texts[r] if r >= 0 else "no value could be computed"
            note(
                f"no {tree.root} score for {len(who)} unit(s) in {period} ({shown(who)}): {why}",
                code=tree.root,
            )
