"""The content of each screen as plain data (JSON): the API returns it and the pages
render it. Numbers come raw (for charts) and formatted for the language (``*_text``)."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from qcity.service.frameworks import Framework, Indicator, Node
from qcity.service.reweight import reweighted_scores
from qcity.web import fmt
from qcity.web.i18n import bilingual, direction, in_lang, name, status, word
from qcity.web.state import Scope

TOP = 5
"""How many leading units make the first tier (第一方阵)."""

REWEIGHT_CACHE = 256
"""How many reweighted rankings are kept per evaluation."""


def _f(x: Any) -> float | None:
    """A float for JSON (None for missing)."""
    if x is None or x is pd.NA:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _i(x: Any) -> int | None:
    v = _f(x)
    return None if v is None else int(v)


def notice(scope: Scope, lang: str) -> dict[str, Any] | None:
    """The illustrative-data notice of the scope's evaluation (qcity.service.notice)."""
    result = scope.result
    text = result.notice
    if not text:
        return None
    lines = [line for line in text.splitlines() if line.strip()]
    line = next((x for x in lines if not x.isascii()), lines[0]) if lang == "zh" else lines[0]
    if lang == "zh" and line == lines[0] and len(lines) > 1:
        line = lines[1]
    return {
        "illustrative": result.illustrative,
        "total": result.values_used,
        "text": line,
        "badge": word("illustrative_badge", lang),
    }


def _scores(scope: Scope) -> pd.DataFrame:
    if "scores" not in scope.cache:
        s = scope.result.evaluation.scores()
        s["unit"] = s["unit"].astype(str)
        s["period"] = s["period"].astype(str)
        s["node"] = s["node"].astype(str)
        scope.cache["scores"] = s
    frame: pd.DataFrame = scope.cache["scores"]
    return frame


def _wide(scope: Scope, node: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores of ``node``: periods x units."""
    key = ("wide", node)
    if key not in scope.cache:
        s = _scores(scope)
        part = s[s["node"] == node]
        scope.cache[key] = (
            part.pivot(index="period", columns="unit", values="score").sort_index(),
            part.pivot(index="period", columns="unit", values="rank").sort_index(),
        )
    out: tuple[pd.DataFrame, pd.DataFrame] = scope.cache[key]
    return out


def _row(frame: pd.DataFrame, label: str) -> pd.Series:
    """Row ``label`` of a periods x units table, as a Series over the units."""
    row: pd.Series = frame.loc[label]  # type: ignore[assignment]
    return row


def check_unit(scope: Scope, unit: str | None) -> str:
    """``unit`` if it is evaluated in the scope (default the focus); else NotFound."""
    from qcity.web.state import NotFound

    if unit is None:
        return scope.focus
    if unit not in scope.units:
        raise NotFound(f"unit {unit!r} is not evaluated here; units: {', '.join(scope.units)}")
    return unit


def node_of(fw: Framework, code: str, kind: type) -> Any:
    """The node or indicator ``code`` of ``fw`` of type ``kind``; NotFound otherwise."""
    from qcity.web.state import NotFound

    try:
        node = fw.find(code)
    except KeyError:
        raise NotFound(f"no {kind.__name__.lower()} {code!r} in framework {fw.code}") from None
    if not isinstance(node, kind):
        raise NotFound(f"{code!r} is not a {kind.__name__.lower()} of framework {fw.code}")
    return node


def dimensions(fw: Framework, lang: str) -> list[dict[str, str]]:
    """The root's children (the five dimensions): code and name."""
    return [{"code": c.code, "name": name(c, lang)} for c in fw.root.children]


def overview(scope: Scope, unit: str | None, lang: str) -> dict[str, Any]:
    """驾驶舱: the index over time, the dimensions against the peer median and the first
    tier, coupling coordination and the biggest movers since last year."""
    unit = check_unit(scope, unit)
    key = ("overview", unit, lang)
    if key in scope.cache:
        cached: dict[str, Any] = scope.cache[key]
        return cached
    fw = scope.framework
    root = fw.root.code
    score, rank = _wide(scope, root)
    periods = [str(p) for p in score.index]
    last = periods[-1]
    n = int(_row(score, last).notna().sum())
    series: list[dict[str, Any]] = [
        {
            "period": p,
            "score": _f(score.at[p, unit]) if unit in score else None,
            "rank": _i(rank.at[p, unit]) if unit in rank else None,
        }
        for p in periods
    ]
    now_score, now_rank = series[-1]["score"], series[-1]["rank"]
    before = series[-2]["score"] if len(series) > 1 else None
    delta = now_score - before if now_score is not None and before is not None else None
    # the first tier the unit is compared with: the best TOP of the others (the unit itself
    # is not averaged into the yardstick it is measured against)
    others = _row(score, last).dropna().drop(unit, errors="ignore")
    top = others.sort_values(ascending=False).index[:TOP].tolist()
    dims = []
    for d in fw.root.children:
        ds, _ = _wide(scope, d.code)
        row = _row(ds, last)
        dims.append(
            {
                "code": d.code,
                "name": name(d, lang),
                "unit": _f(row.get(unit)),
                "median": _f(row.median()),
                "top": _f(row[top].mean()) if top else None,
            }
        )
    coupling = _coupling(scope, unit, lang)
    out = {
        "unit": unit,
        "unit_name": scope.name(unit, lang),
        "group": scope.group_name.get(lang, ""),
        "n": n,
        "period": last,
        "series": series,
        "latest": {
            "score": now_score,
            "score_text": fmt.score(now_score),
            "median": _f(_row(score, last).median()),
            "median_text": fmt.score(_f(_row(score, last).median())),
            "rank": now_rank,
            "rank_text": fmt.rank(now_rank, n, lang),
            "change": delta,
            "change_text": fmt.change(delta),
        },
        "radar": {
            "dimensions": dims,
            "labels": {
                "unit": scope.name(unit, lang),
                "median": word("peer_median", lang),
                "top": word("top5", lang),
            },
            "top_units": [scope.name(u, lang) for u in top],
        },
        "coupling": coupling,
        "scale_note": _scale_text(fw, lang),
        "movers": movers(scope, unit, lang),
        "notice": notice(scope, lang),
        "units": [{"code": u, "name": scope.name(u, lang)} for u in scope.units],
    }
    scope.cache[key] = out
    return out


def _scale_text(fw: Any, lang: str) -> str | None:
    """What 100 means on the framework's frozen reference scale (None: not frozen)."""
    from qcity.service.scale import scale_note

    note = scale_note(fw)
    return note.text(lang) if note is not None else None


def _coupling(scope: Scope, unit: str, lang: str) -> dict[str, Any] | None:
    """Coupling coordination among the dimensions for ``unit``: D and its class by year."""
    ev = scope.result.evaluation
    key = "coupling"
    if key not in scope.cache:
        try:
            c = ev.coupling()
        except (ValueError, KeyError):
            c = None
        scope.cache[key] = c
    c = scope.cache[key]
    if c is None or c.empty:
        return None
    mine = c[c["unit"].astype(str) == unit].sort_values("period")
    if mine.empty:
        return None
    rows = [
        {
            "period": str(r.period),
            "C": _f(r.C),
            "T": _f(r.T),
            "D": _f(r.D),
            "band": _i(r.band),
            "band_name": str(r.band_en if lang == "en" else r.band_zh),
        }
        for r in mine.itertuples()
    ]
    return {"series": rows, "latest": rows[-1]}


def movers(scope: Scope, unit: str, lang: str, k: int = TOP) -> dict[str, Any]:
    """The indicators whose normalised score changed most since the previous period."""
    fw = scope.framework
    s = _scores(scope)
    periods = sorted(s["period"].unique())
    if len(periods) < 2:
        return {"up": [], "down": []}
    last, prev = periods[-1], periods[-2]
    codes = [i.code for i in fw.indicators()]
    mine = s[(s["unit"] == unit) & s["node"].isin(codes) & s["period"].isin([last, prev])]
    wide = mine.pivot(index="node", columns="period", values="score")
    if last not in wide or prev not in wide:
        return {"up": [], "down": []}
    delta = (wide[last] - wide[prev]).dropna()
    dim_of = _dimension_of(fw)
    by_code = {i.code: i for i in fw.indicators()}

    def row(code: str) -> dict[str, Any]:
        ind = by_code[code]
        d = float(delta[code])
        return {
            "code": code,
            "name": name(ind, lang),
            "dimension": name(fw.find(dim_of[code]), lang),
            "change": d,
            "change_text": fmt.change(d),
            "before": _f(wide.at[code, prev]),
            "after": _f(wide.at[code, last]),
        }

    ordered = delta.sort_values()
    up = [row(c) for c in ordered[ordered > 0].index[::-1][:k]]
    down = [row(c) for c in ordered[ordered < 0].index[:k]]
    return {"up": up, "down": down, "from": prev, "to": last}


def _dimension_of(fw: Framework) -> dict[str, str]:
    """Each code's dimension (the root's child above it)."""
    out: dict[str, str] = {}
    for d in fw.root.children:
        stack: list[Node | Indicator] = [d]
        while stack:
            n = stack.pop()
            out[n.code] = d.code
            if isinstance(n, Node):
                stack.extend(n.children)
    return out


def _values(scope: Scope) -> pd.DataFrame:
    """Indicator values as evaluated (after denominators): (period, unit) x code."""
    if "values" not in scope.cache:
        ev = scope.result.evaluation
        names = ev.datasets()
        scope.cache["values"] = ev.dataset("denominated" if "denominated" in names else "raw")
    frame: pd.DataFrame = scope.cache["values"]
    return frame


def _illustrative(scope: Scope) -> set[tuple[str, str, str]]:
    """(unit, indicator, period) of the illustrative values used."""
    if "illustrative" not in scope.cache:
        data = scope.result.inputs.data
        if "status" in data:
            ill = data[data["status"].astype(str) == "illustrative"]
            keys = set(
                zip(
                    ill["unit"].astype(str),
                    ill["indicator"].astype(str),
                    ill["period"].astype(str),
                    strict=True,
                )
            )
        else:
            keys = set()
        scope.cache["illustrative"] = keys
    out: set[tuple[str, str, str]] = scope.cache["illustrative"]
    return out


def dimension(scope: Scope, code: str, unit: str | None, lang: str) -> dict[str, Any]:
    """A dimension: its sub-dimensions and indicators in one table (value, unit of
    measure, normalised score, rank among peers) for ``unit`` in the latest period."""
    fw = scope.framework
    node = node_of(fw, code, Node)
    unit = check_unit(scope, unit)
    s = _scores(scope)
    last = max(s["period"].unique())
    now = s[(s["period"] == last) & (s["unit"] == unit)].set_index("node")
    n = int(s[(s["period"] == last) & (s["node"] == fw.root.code)]["score"].notna().sum())
    values = _values(scope)
    ill = _illustrative(scope)

    def score_rank(c: str) -> tuple[float | None, int | None]:
        if c not in now.index:
            return None, None
        return _f(now.at[c, "score"]), _i(now.at[c, "rank"])

    rows: list[dict[str, Any]] = []

    def add(item: Node | Indicator, parent: str | None) -> None:
        sc, rk = score_rank(item.code)
        row: dict[str, Any] = {
            "code": item.code,
            "name": name(item, lang),
            "kind": "indicator" if isinstance(item, Indicator) else "node",
            "parent": parent,
            "score": sc,
            "score_text": fmt.score(sc),
            "rank": rk,
            "rank_text": fmt.rank(rk, n, lang) if rk else fmt.DASH,
        }
        if isinstance(item, Indicator):
            v = (
                _f(values.at[(last, unit), item.code])
                if item.code in values.columns and (last, unit) in values.index
                else None
            )
            row.update(
                value=v,
                value_text=fmt.number(v, lang),
                measure=item.unit,
                direction=direction(item.direction, lang),
                illustrative=(unit, item.code, last) in ill,
            )
        rows.append(row)

    for child in node.children:
        if isinstance(child, Node):
            add(child, None)
            for leaf in child.children:
                add(leaf, child.code)
        else:
            add(child, None)
    sc, rk = score_rank(code)
    return {
        "code": code,
        "name": name(node, lang),
        "unit": unit,
        "unit_name": scope.name(unit, lang),
        "period": last,
        "n": n,
        "score": sc,
        "score_text": fmt.score(sc),
        "rank": rk,
        "rank_text": fmt.rank(rk, n, lang) if rk else fmt.DASH,
        "rows": rows,
        "notice": notice(scope, lang),
    }


def _method_doc(kind: str, method: str) -> str:
    """The docstring of a registered method (its formula and source)."""
    from qcity.service.frameworks import framework_methods

    found = [m.doc for m in framework_methods() if m.kind == kind and m.name == method]
    return _joined(found[0]) if found else ""


def _joined(doc: str) -> str:
    """A method's documentation with its hard-wrapped source lines joined, paragraphs
    kept: the page wraps to its width."""
    paragraphs = re.split(r"\n\s*\n", doc)
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def _review(row: Any, lang: str) -> str:
    """The review state of a revision in words (draft, submitted ...), "" if unknown."""
    state = getattr(row, "review", None)
    return word(f"state_{state}", lang) if isinstance(state, str) and state else ""


def indicator(
    scope: Scope,
    code: str,
    unit: str | None,
    lang: str,
    history: pd.DataFrame | None = None,
    *,
    public: bool = False,
) -> dict[str, Any]:
    """An indicator: its series for every unit (the focus first), its facts, the method
    that normalised it, and (given) every stored revision of the focus unit's values
    (``public``: without who entered them)."""
    fw = scope.framework
    ind: Indicator = node_of(fw, code, Indicator)
    unit = check_unit(scope, unit)
    values = _values(scope)
    s = _scores(scope)
    mine = s[s["node"] == code]
    lines = []
    if code in values.columns:
        col = values[code].unstack("unit")
        col.index = col.index.astype(str)
        periods = list(col.index)
        for u in [unit, *[x for x in scope.units if x != unit]]:
            if u in col:
                lines.append(
                    {
                        "unit": u,
                        "name": scope.name(u, lang),
                        "focus": u == unit,
                        "values": [_f(v) for v in col[u].tolist()],
                    }
                )
        median = [_f(v) for v in col.median(axis=1).tolist()]
    else:
        periods, median = [], []
    spec = fw.resolved(code, "normalise")
    method = spec.method if spec is not None else ""
    revisions = []
    if history is not None and not history.empty:
        for r in history.itertuples():
            revisions.append(
                {
                    "period": str(r.period),
                    "revision": _i(r.revision),
                    "value": _f(r.value),
                    "value_text": fmt.number(_f(r.value), lang),
                    "status": status(str(r.status) if r.status else None, lang),
                    "illustrative": r.status == "illustrative",
                    "source": r.source or "",
                    "recorded_at": str(r.recorded_at)[:19],
                    "file": r.file_name or "",
                    "review": _review(r, lang),
                    **({} if public else {"entered_by": r.entered_by or ""}),
                }
            )
    ranks = mine[mine["unit"] == unit].sort_values("period")
    return {
        "code": code,
        "name": name(ind, lang),
        "unit": unit,
        "unit_name": scope.name(unit, lang),
        "measure": ind.unit,
        "direction": direction(ind.direction, lang),
        "goal": in_lang(ind.goal, lang),
        "source": ind.source or "",
        "department": bilingual(ind.department, lang),
        "targets": {str(k): v for k, v in sorted(ind.targets.items())},
        "periods": periods,
        "lines": lines,
        "median": median,
        "median_label": word("peer_median", lang),
        "scores": [
            {"period": str(r.period), "score": _f(r.score), "rank": _i(r.rank)}
            for r in ranks.itertuples()
        ],
        "normalise": {
            "method": method,
            "params": dict(spec.params) if spec is not None else {},
            "scope": getattr(spec, "scope", ""),
            "doc": _method_doc("normalise", method) if method else "",
        },
        "revisions": revisions,
        "public": public,
        "notice": notice(scope, lang),
    }


def ranking(scope: Scope, lang: str, period: str | None = None) -> dict[str, Any]:
    """The ranking of the index in ``period`` (default the latest) with each dimension's
    score, the change of rank since the year before, and the heatmap's matrix."""
    fw = scope.framework
    root = fw.root.code
    score, rank = _wide(scope, root)
    periods = [str(p) for p in score.index]
    from qcity.web.state import NotFound

    period = period or periods[-1]
    if period not in periods:
        raise NotFound(f"no period {period!r}; periods: {', '.join(periods)}")
    i = periods.index(period)
    prev = periods[i - 1] if i > 0 else None
    dims = fw.root.children
    dscores = {d.code: _row(_wide(scope, d.code)[0], period) for d in dims}
    order = _row(score, period).dropna().sort_values(ascending=False).index.tolist()
    rows = []
    for u in order:
        r = _i(rank.at[period, u])
        before = _i(rank.at[prev, u]) if prev is not None else None
        moved = before - r if before is not None and r is not None else None
        rows.append(
            {
                "unit": u,
                "name": scope.name(u, lang),
                "focus": scope.highlight(u),
                "score": _f(score.at[period, u]),
                "score_text": fmt.score(_f(score.at[period, u])),
                "rank": r,
                "moved": moved,
                "dims": [_f(dscores[d.code].get(u)) for d in dims],
            }
        )
    return {
        "period": period,
        "periods": periods,
        "group": scope.group_name.get(lang, ""),
        "dimensions": [{"code": d.code, "name": name(d, lang)} for d in dims],
        "rows": rows,
        "heatmap": {
            "x": [name(d, lang) for d in dims],
            "y": [r["name"] for r in rows],
            "z": [r["dims"] for r in rows],
        },
        "notice": notice(scope, lang),
    }


def reweight(scope: Scope, weights: dict[str, float], lang: str) -> dict[str, Any]:
    """Scores and ranks of the latest period with the dimensions weighted ``weights``
    (the evaluation's weight step with these nominal weights; everything else equal)."""
    fw = scope.framework
    root = fw.root.code
    key = ("reweight", tuple(sorted(weights.items())))
    cached = scope.cache.get(key)
    if cached is None:
        cached = reweighted_scores(scope.result.evaluation, weights)  # service.reweight
        kept = [k for k in list(scope.cache) if isinstance(k, tuple) and k[0] == "reweight"]
        if len(kept) >= REWEIGHT_CACHE:
            for k in kept:
                scope.cache.pop(k, None)
        scope.cache[key] = cached
    last, new_scores = cached
    score, rank = _wide(scope, root)
    base = _row(score, last)
    base_rank = _row(rank, last)
    units = [u for u, v in new_scores.items() if not math.isnan(v)]
    order = sorted(units, key=lambda u: -new_scores[u])
    vals = np.array([new_scores[u] for u in order])
    # competition ranking ("1224"), as the engine ranks: ties share the best rank
    new_rank = [int((vals > v).sum()) + 1 for v in vals]
    total = sum(weights.values())
    rows = [
        {
            "unit": u,
            "name": scope.name(u, lang),
            "focus": scope.highlight(u),
            "score": new_scores[u],
            "score_text": fmt.score(new_scores[u]),
            "base_score": _f(base.get(u)),
            "rank": r,
            "base_rank": _i(base_rank.get(u)),
        }
        for u, r in zip(order, new_rank, strict=True)
    ]
    return {
        "period": last,
        "weights": weights,
        "shares": {k: v / total for k, v in weights.items()},
        "dimensions": [
            {"code": d.code, "name": name(d, lang), "default": float(d.weight)}
            for d in fw.root.children
        ],
        "rows": rows,
        "notice": notice(scope, lang),
    }


def methodology(fw: Framework, steps: list[Any], lang: str) -> dict[str, Any]:
    """The framework as a reader needs it: every dimension, sub-dimension and indicator
    (goal, source, department, direction, weight), every step with its method, and
    every method with its formula."""
    from qcity.service.frameworks import framework_methods

    tree = []
    for d in fw.root.children:
        subs = []
        kids = d.children if isinstance(d, Node) else []
        for sub in kids:
            leaves = sub.children if isinstance(sub, Node) else [sub]
            subs.append(
                {
                    "code": sub.code,
                    "name": name(sub, lang),
                    "weight": float(sub.weight),
                    "indicators": [
                        {
                            "code": i.code,
                            "name": name(i, lang),
                            "measure": i.unit,
                            "goal": in_lang(i.goal, lang),
                            "source": i.source or "",
                            "department": bilingual(i.department, lang),
                            "direction": direction(i.direction, lang),
                            "weight": float(i.weight),
                            "normalise": fw.resolved(i.code, "normalise").method,
                        }
                        for i in leaves
                        if isinstance(i, Indicator)
                    ],
                }
            )
        tree.append({"code": d.code, "name": name(d, lang), "weight": d.weight, "subs": subs})
    in_use: dict[str, set[str]] = {}
    step_rows = []
    kinds = {"weight": "weighting"}
    for s in steps:
        kind = kinds.get(s.name, s.name)
        in_use.setdefault(kind, set()).add(s.method)
        step_rows.append({"step": s.name, "method": s.method, "params": s.params})
    for i in fw.indicators():
        in_use.setdefault("normalise", set()).add(fw.resolved(i.code, "normalise").method)
    methods = []
    for info in framework_methods():
        doc = _joined(info.doc)
        methods.append(
            {
                "kind": info.kind,
                "method": info.name,
                "doc": doc,
                "summary": doc.split("\n\n")[0],
                "in_use": info.name in in_use.get(info.kind, set()),
            }
        )
    return {
        "code": fw.code,
        "version": fw.version,
        "name": name(fw, lang),
        "description": in_lang(fw.description, lang),
        "dimensions": tree,
        "steps": step_rows,
        "methods": methods,
    }
