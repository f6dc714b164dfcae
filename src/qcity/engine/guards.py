"""Checks that turn a degenerate evaluation into a clear error or a diagnostic instead of
scores of NaN: periods outside the framework's validity, indicators that divide each
other, a single unit, non-finite values (refused) and values beyond their plausible range
(named)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from qcity.engine.errors import EvaluationError
from qcity.engine.panel import Panel, period_time
from qcity.engine.tree import Tree
from qcity.framework.checks import denominator_cycles
from qcity.framework.model import Framework, Indicator, Node, NormaliseSpec
from qcity.methods.aggregate import RELATIVE
from qcity.methods.errors import note
from qcity.methods.normalise import compares_units


def shown(labels: Sequence[str], limit: int = 8) -> str:
    """Labels for a message: all of them, or the first few and how many more."""
    head = ", ".join(labels[:limit])
    return head if len(labels) <= limit else f"{head} ... ({len(labels)} in all)"


def valid_periods(fw: Framework, data: Panel) -> tuple[Panel, list[dict[str, Any]]]:
    """The panel without the periods outside ``valid_from``..``valid_to`` (with their
    exclusion rows); EvaluationError when no period is inside. Labels that are not
    periods in time (see ``period_time``) are kept."""
    years = [period_time(p) for p in data.periods]
    inside = [y is None or fw.valid_from <= math.floor(y) <= fw.valid_to for y in years]
    valid = f"{fw.valid_from}-{fw.valid_to}"
    if all(inside):
        return data, []
    outside = [p for p, ok in zip(data.periods, inside, strict=True) if not ok]
    if not any(inside):
        raise EvaluationError(
            f"the data hold the periods {shown(outside)}, all outside the validity of "
            f"framework {fw.code} {fw.version} ({valid}); evaluate data of {valid}, or use "
            "the framework version in force for these years"
        )
    note(f"periods {shown(outside)} are outside the framework's validity {valid} and are left out")
    rows = [
        {
            "kind": "period",
            "code": p,
            "period": p,
            "availability": None,
            "threshold": None,
            "reason": f"outside the framework's validity {valid}",
        }
        for p in outside
    ]
    return data.take_periods([t for t, ok in enumerate(inside) if ok]), rows


def check_denominators(codes: Sequence[str], index: dict[str, Node | Indicator]) -> None:
    """Refuse indicators that divide each other in a circle (A by B and B by A, or longer)."""
    edges = {
        c: ind.denominator.series
        for c in codes
        if isinstance(ind := index[c], Indicator) and ind.denominator is not None
    }
    rings = denominator_cycles(edges)
    if rings:
        circles = "; ".join(" -> ".join(r) for r in rings)
        raise EvaluationError(
            f"indicators divide each other in a circle ({circles}); a denominator is a plain "
            "data series (population, GDP, area): remove the denominator of one of them"
        )


def check_single_unit(
    raw: Panel,
    tree: Tree,
    norm_specs: dict[str, NormaliseSpec],
    aggregators: dict[str, str],
) -> None:
    """With data for only one unit, refuse what compares units (normalisation within a
    period, relative aggregators); otherwise note that ranks mean nothing."""
    has = ~np.isnan(raw.values)
    with_data = np.flatnonzero(has.any(axis=(0, 2)))
    if len(with_data) == 0:
        raise EvaluationError(
            "no unit has data for the framework's indicators; check the indicator codes of "
            "the data against the framework, and the unit selection (group, unit type)",
            options=("group", "unit_type"),
        )
    if len(with_data) > 1:
        return
    unit = raw.units[with_data[0]]
    periods = int(has.any(axis=(1, 2)).sum())
    bad = [
        code
        for code, spec in norm_specs.items()
        if compares_units(spec.method, spec.params) and (spec.scope == "period" or periods < 2)
    ]
    relative = [node for node, method in aggregators.items() if method in RELATIVE]
    if bad or relative:
        what = []
        if bad:
            what.append(f"normalising {shown(bad, 5)} by comparing units")
        if relative:
            what.append(f"aggregating {shown(relative, 5)} by comparing units")
        raise EvaluationError(
            f"only one unit ({unit}) has data, so {' and '.join(what)} means nothing. "
            "Evaluate it with its peers (a group), or score it against fixed "
            "goalposts or targets (normalise: goalposts / target), or over time "
            "(normalise scope: pooled, with two or more periods)",
            options=("group",),
        )
    note(
        f"only one unit ({unit}) has data: its scores compare periods or fixed "
        "goalposts/targets, and every rank is 1",
        code=unit,
    )


def check_values(fw: Framework, data: Panel, used: Sequence[str]) -> None:
    """Refuse an evaluation of data holding a non-finite value (inf; NaN is missing),
    naming each; note every value of the ``used`` indicators outside its indicator's
    ``plausible_range``, one
    warning per indicator naming unit, period and value: such a value can only have been
    accepted on purpose (``--accept-implausible``), and whoever reads the scores should
    know it was used."""
    infinite = np.isinf(data.values)
    if infinite.any():
        found = [
            f"{data.units[n]} {data.codes[k]} {data.periods[t]} = {data.values[t, n, k]:g}"
            for t, n, k in zip(*np.nonzero(infinite), strict=True)
        ]
        raise EvaluationError(
            f"the data hold non-finite values ({shown(found)}); an evaluation uses finite "
            "numbers only: correct them in the data (qcity import refuses them)"
        )
    by_code = {i.code: i for i in fw.indicators()}
    for k, code in enumerate(data.codes):
        ind = by_code.get(code) if code in used else None
        if ind is None or ind.plausible_range is None:
            continue
        lo, hi = ind.plausible_range
        x = data.values[:, :, k]
        with np.errstate(invalid="ignore"):
            out = (x < (-np.inf if lo is None else lo)) | (x > (np.inf if hi is None else hi))
        if not out.any():
            continue
        used = [
            f"{data.units[n]} {data.periods[t]} = {x[t, n]:g}"
            for t, n in zip(*np.nonzero(out), strict=True)
        ]
        bounds = f"[{'' if lo is None else f'{lo:g}'}, {'' if hi is None else f'{hi:g}'}]"
        note(
            f"{code}: {len(used)} value(s) outside the plausible range {bounds} used: "
            f"{shown(used)}",
            code=code,
        )
