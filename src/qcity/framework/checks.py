"""Semantic checks of a framework: what the schema alone cannot see.

Each check reads the raw data through ``Context`` and adds problems with line, field,
message and hint. They never stop at the first problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from qcity.framework.aliases import check_aliases
from qcity.framework.tree import Context, Item, is_finite, iter_targets, number, pair, year


def check_validity(ctx: Context) -> None:
    """``valid_from`` must not be after ``valid_to``."""
    lo, hi = year(ctx.data.get("valid_from")), year(ctx.data.get("valid_to"))
    if lo is not None and hi is not None and lo > hi:
        ctx.add(
            ("valid_to",),
            f"valid_from {lo} is after valid_to {hi}",
            "swap them: the framework is in force from valid_from to valid_to (years)",
        )


def check_codes(ctx: Context, items: list[Item]) -> None:
    """Codes are unique over nodes and indicators, non-empty and without spaces or dots."""
    where: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        code = item.data.get("code")
        if not isinstance(code, str):
            continue  # missing or wrong type: a schema problem
        if not code.strip():
            ctx.add((*item.path, "code"), "code is empty", "give every node a short unique code")
            continue
        if any(ch.isspace() for ch in code) or "." in code:
            ctx.add(
                (*item.path, "code"),
                f"code {code!r} contains a space or a dot",
                "use letters, digits, '_' or '-' only, e.g. EC01",
            )
        where[code].append(item)
    for code, dupes in where.items():
        if len(dupes) > 1:
            lines = [ctx.lines.line((*d.path, "code")) for d in dupes]
            shown = ", ".join(str(n) for n in lines if n is not None)
            ctx.add(
                (*dupes[1].path, "code"),
                f"code {code!r} is used {len(dupes)} times (lines {shown})",
                "codes identify nodes and indicators in data and results: make each unique",
            )


def check_names(ctx: Context, items: list[Item]) -> None:
    """Chinese and English names must not be blank."""
    for item in items:
        for key in ("name_zh", "name_en"):
            value = item.data.get(key)
            if isinstance(value, str) and not value.strip():
                ctx.add((*item.path, key), f"{key} of {item.label} is empty", "fill in the name")


def check_weights(ctx: Context, items: list[Item]) -> None:
    """Weights are finite and >= 0, and siblings do not all have weight 0."""
    for item in items:
        w = number(item.data.get("weight"))
        if w is None:
            continue
        if not is_finite(w):
            ctx.add((*item.path, "weight"), f"weight of {item.label} is {w}", "use a number")
        elif w < 0:
            ctx.add(
                (*item.path, "weight"),
                f"weight of {item.label} is negative ({w:g})",
                "weights are relative importances: use 0 or a positive number",
            )
    for item in items:
        if item.kind != "node" or not item.children:
            continue
        weights = [number(c.data.get("weight", 1.0)) for c in item.children]
        if all(w == 0 for w in weights):
            ctx.add(
                (*item.path, "children"),
                f"all {len(weights)} children of {item.label} have weight 0",
                "give at least one child a positive weight, or remove the node",
            )


def check_empty_nodes(ctx: Context, items: list[Item]) -> None:
    """Every node has at least one indicator below it (reported at the topmost empty node)."""
    has_indicator: dict[int, bool] = {}
    for item in reversed(items):  # children before parents
        has_indicator[id(item)] = item.kind == "indicator" or any(
            has_indicator[id(c)] for c in item.children
        )
    for item in items:
        if item.kind != "node" or has_indicator[id(item)]:
            continue
        if item.parent is not None and not has_indicator[id(item.parent)]:
            continue  # the empty parent is reported instead
        if not isinstance(item.data.get("children"), list) or not item.data["children"]:
            ctx.add(
                (*item.path, "children"),
                f"node {item.label} has no children",
                "add indicators under 'children:', or remove the node",
            )
        elif item.children:
            empty = ", ".join(c.label for c in item.children)
            ctx.add(
                (*item.path, "children"),
                f"node {item.label} has no indicator anywhere below it (empty: {empty})",
                "add indicators to its sub-nodes, or remove the branch",
            )


def check_targets(ctx: Context, items: list[Item]) -> None:
    """Target years lie in [valid_from, valid_to] and target values are finite."""
    lo, hi = year(ctx.data.get("valid_from")), year(ctx.data.get("valid_to"))
    for item in items:
        for key, yr, value in iter_targets(item.data):
            path = (*item.path, "targets", key)
            if yr is not None and lo is not None and hi is not None and not lo <= yr <= hi:
                ctx.add(
                    path,
                    f"target year {yr} of {item.label} is outside the framework's "
                    f"validity {lo}-{hi}",
                    "fix the year, or widen valid_from/valid_to",
                )
            v = number(value)
            if v is not None and not is_finite(v):
                ctx.add(path, f"target for {yr} of {item.label} is {v}", "use a finite number")


def check_ranges(ctx: Context, items: list[Item]) -> None:
    """Goalposts lo < hi; plausible range lo <= hi; a moderate optimum/band inside it."""
    for item in (i for i in items if i.kind == "indicator"):
        d = item.data
        gp = d.get("goalposts")
        if isinstance(gp, dict):
            lo, hi = number(gp.get("lo")), number(gp.get("hi"))
            if lo is not None and hi is not None and lo >= hi:
                ctx.add(
                    (*item.path, "goalposts"),
                    f"goalposts of {item.label} have lo {lo:g} >= hi {hi:g}",
                    "lo is the worst-case end and hi the best-case end of the scale in the "
                    "indicator's unit, whatever its direction: make lo < hi",
                )
        pr = pair(d.get("plausible_range"))
        if pr is not None and None not in pr and pr[0] > pr[1]:  # type: ignore[operator]
            ctx.add(
                (*item.path, "plausible_range"),
                f"plausible_range of {item.label} is [{pr[0]:g}, {pr[1]:g}] with low > high",
                "write [lowest plausible, highest plausible]",
            )
        _check_direction(ctx, item, pr)


def _check_direction(
    ctx: Context, item: Item, plausible: tuple[float | None, float | None] | None
) -> None:
    """A boolean direction is rejected; a moderate optimum/band outside the plausible
    range is suspicious."""
    direction = item.data.get("direction")
    path = (*item.path, "direction")
    if isinstance(direction, bool):
        ctx.add(
            path,
            f"direction of {item.label} is {direction}; YAML reads yes/no/true/false as booleans",
            "use 1 (higher is better) or -1 (lower is better)",
        )
        return
    if not isinstance(direction, dict) or plausible is None:
        return
    p_lo = plausible[0] if plausible[0] is not None else float("-inf")
    p_hi = plausible[1] if plausible[1] is not None else float("inf")
    values = [number(direction.get("optimal"))]
    band = pair(direction.get("band"))
    if band is not None:
        values.extend(band)
    outside = [v for v in values if v is not None and not p_lo <= v <= p_hi]
    if outside:
        ctx.add(
            path,
            f"moderate direction of {item.label} uses {outside[0]:g}, outside its plausible_range",
            "check the optimum/band and the plausible range (same unit)",
            severity="warning",
        )


def check_min_coverage(ctx: Context, items: list[Item]) -> None:
    """``min_coverage`` is a share in [0, 1]."""
    for item in items:
        v = number(item.data.get("min_coverage"))
        if v is not None and not 0 <= v <= 1:
            ctx.add(
                (*item.path, "min_coverage"),
                f"min_coverage of {item.label} is {v:g}, outside [0, 1]",
                "it is the share of children that need data, e.g. 0.5 for half",
            )


def check_denominators(ctx: Context, items: list[Item]) -> None:
    """A denominator is a data series: not the indicator itself, not an aggregate node,
    with a positive scale; and denominators are only used when the pipeline denominates."""
    node_codes = {i.code for i in items if i.kind == "node" and i.code}
    used = False
    for item in (i for i in items if i.kind == "indicator"):
        den = item.data.get("denominator")
        if not isinstance(den, dict):
            continue
        used = True
        series = den.get("series")
        if isinstance(series, str) and series == item.code:
            ctx.add(
                (*item.path, "denominator", "series"),
                f"indicator {item.label} is divided by itself",
                "name the series to divide by, e.g. population",
            )
        elif isinstance(series, str) and series in node_codes:
            ctx.add(
                (*item.path, "denominator", "series"),
                f"denominator of {item.label} is {series!r}, which is an aggregate node code",
                "a denominator is a data series (e.g. population, GDP), not a computed score; "
                "rename the series if this is a clash of names",
                severity="warning",
            )
        scale = number(den.get("scale"))
        if scale is not None and (not is_finite(scale) or scale <= 0):
            ctx.add(
                (*item.path, "denominator", "scale"),
                f"denominator scale of {item.label} is {scale:g}",
                "use a positive factor, e.g. 10000 for 'per 10 000 residents'",
            )
    pipeline = ctx.data.get("pipeline")
    if used and isinstance(pipeline, dict) and pipeline.get("denominate") is False:
        ctx.add(
            ("pipeline", "denominate"),
            "indicators have denominators but pipeline.denominate is false, so they are ignored",
            "set denominate: true, or remove the denominators",
            severity="warning",
        )


def denominator_cycles(divided_by: Mapping[str, str]) -> list[list[str]]:
    """Circles of "is divided by" (code -> denominator series), each as ``[a, b, ..., a]``
    starting at its smallest code; a code divided by itself is a circle ``[a, a]``."""
    cycles: dict[tuple[str, ...], list[str]] = {}
    for start in divided_by:
        path: list[str] = []
        cur: str | None = start
        while cur is not None and cur in divided_by and cur not in path:
            path.append(cur)
            cur = divided_by[cur]
        if cur is None or cur not in path:
            continue
        ring = path[path.index(cur) :]
        first = ring.index(min(ring))
        ring = ring[first:] + ring[:first]
        cycles.setdefault(tuple(ring), [*ring, ring[0]])
    return list(cycles.values())


def check_denominator_cycles(ctx: Context, items: list[Item]) -> None:
    """Indicators must not divide each other in a circle (A by B and B by A, or longer):
    the ratios are then reciprocal or circular and the evaluation refuses them."""
    pipeline = ctx.data.get("pipeline")
    if isinstance(pipeline, dict) and pipeline.get("denominate") is False:
        return  # denominators are ignored (check_denominators warns)
    where: dict[str, Item] = {}
    for item in (i for i in items if i.kind == "indicator" and i.code):
        den = item.data.get("denominator")
        if isinstance(den, dict) and isinstance(den.get("series"), str):
            where[item.code] = item  # type: ignore[index]
    edges = {code: item.data["denominator"]["series"] for code, item in where.items()}
    for ring in denominator_cycles(edges):
        if len(ring) <= 2:
            continue  # divided by itself: reported by check_denominators
        ctx.add(
            (*where[ring[0]].path, "denominator", "series"),
            f"indicators divide each other in a circle: {' -> '.join(ring)}",
            "a denominator is a plain data series (population, GDP, area), not an indicator "
            "that is itself divided: remove the denominator of one of them",
        )


def check_levels(ctx: Context, items: list[Item]) -> None:
    """Each indicator exists at some level (city, town, ...), each level named once."""
    for item in (i for i in items if i.kind == "indicator"):
        levels = item.data.get("levels")
        if not isinstance(levels, list):
            continue
        path = (*item.path, "levels")
        if not levels:
            ctx.add(path, f"levels of {item.label} is empty", "list unit types, e.g. [city]")
        elif len(set(map(str, levels))) < len(levels):
            ctx.add(
                path,
                f"levels of {item.label} repeat a level",
                "name each level once",
                severity="warning",
            )


def _matrices(params: Any, path: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], Any]]:
    """Every ``matrix`` parameter inside ``params`` (also nested, as in ``combined``)."""
    if not isinstance(params, dict):
        return []
    found = [((*path, "matrix"), params["matrix"])] if "matrix" in params else []
    for key, value in params.items():
        if isinstance(value, dict):
            found += _matrices(value.get("params", value), (*path, key, "params"))
    return found


def check_pairwise_matrices(ctx: Context, items: list[Item]) -> None:
    """An AHP judgement matrix is square with one row per child, positive and reciprocal."""
    from qcity.methods.ahp import PairwiseError, as_matrix

    for item in items:
        spec = item.data.get("weighting")
        if item.kind != "node" or not isinstance(spec, dict):
            continue
        n = len(item.data.get("children") or [])
        for path, matrix in _matrices(spec.get("params"), (*item.path, "weighting", "params")):
            try:
                size = len(as_matrix(matrix))
            except (PairwiseError, TypeError, ValueError) as exc:
                ctx.add(path, f"pairwise matrix of {item.label}: {exc}", "fix the judgements")
                continue
            if size != n:
                ctx.add(
                    path,
                    f"pairwise matrix of {item.label} is {size} x {size} but it has {n} children",
                    "give one row and one column per child, in the children's order",
                )


def check_monitor(ctx: Context, items: list[Item]) -> None:
    """Monitoring fields (``target`` on nodes and indicators, the ``monitor`` section):
    goal and baseline years inside the framework's validity; a peer-based target needs a
    peer group; a band target inside the plausible range and on an indicator scored as a band
    (a warning where it is scored +1 or -1); ``target`` and ``targets`` not giving two
    different goals for one year."""
    lo, hi = year(ctx.data.get("valid_from")), year(ctx.data.get("valid_to"))
    monitor = ctx.data.get("monitor")
    monitor = monitor if isinstance(monitor, dict) else {}
    peer_group = monitor.get("peer_group")
    base = year(monitor.get("base_year"))
    if base is not None and lo is not None and hi is not None and not lo <= base <= hi:
        ctx.add(
            ("monitor", "base_year"),
            f"monitor base_year {base} is outside the framework's validity {lo}-{hi}",
            "use a year between valid_from and valid_to",
        )
    for item in items:
        target = item.data.get("target")
        if not isinstance(target, dict):
            continue
        path = (*item.path, "target")
        for key in ("year", "base_year"):
            yr = year(target.get(key))
            if yr is not None and lo is not None and hi is not None and not lo <= yr <= hi:
                ctx.add(
                    (*path, key),
                    f"target {key} {yr} of {item.label} is outside the framework's "
                    f"validity {lo}-{hi}",
                    "fix the year, or widen valid_from/valid_to",
                )
        peers_needed = target.get("kind") == "rank" or target.get("path") == "peer_first_tier"
        if peers_needed and not isinstance(peer_group, str):
            ctx.add(
                path,
                f"the target of {item.label} compares with peers but the framework names no "
                "peer group",
                "add 'monitor: {peer_group: sunan}' (a group loaded with qcity import-groups)",
            )
        band = pair(target.get("band"))
        plausible = pair(item.data.get("plausible_range"))
        if band is not None and plausible is not None and None not in band:
            p_lo = plausible[0] if plausible[0] is not None else float("-inf")
            p_hi = plausible[1] if plausible[1] is not None else float("inf")
            if not all(p_lo <= v <= p_hi for v in band if v is not None):
                ctx.add(
                    (*path, "band"),
                    f"target band of {item.label} lies outside its plausible_range",
                    "check the band and the plausible range (same unit)",
                    severity="warning",
                )
        if target.get("kind") == "band" and item.data.get("direction", 1) in (1, -1):
            sign = "higher" if item.data.get("direction", 1) == 1 else "lower"
            ctx.add(
                (*item.path, "direction"),
                f"{item.label} has a band target but is scored {sign}-is-better (direction "
                f"{item.data.get('direction', 1)}): scores and plans reward leaving the band",
                f"score it as the range it aims at: 'direction: {{band: {target.get('band')}}}'",
                severity="warning",
            )
        goal_year, value = year(target.get("year")), number(target.get("value"))
        given = {yr: number(v) for _, yr, v in iter_targets(item.data)}
        level = target.get("kind", "level") == "level"
        if level and goal_year in given and value is not None and given[goal_year] != value:
            ctx.add(
                path,
                f"{item.label} has target {value:g} for {goal_year} and 'targets' gives "
                f"{given[goal_year]:g} for the same year",
                "keep one of them",
            )


FREEZABLE = ("minmax", "goalposts", "target")
"""Normalisers that ``scope: reference`` accepts (``qcity.engine.scale.FREEZABLE``)."""


def check_reference_period(ctx: Context, items: list[Item]) -> None:
    """A frozen scale (normalise ``scope: reference``) has a reference period inside the
    framework's validity, from <= to, and a normaliser with goalposts (min-max, goalposts,
    target as a ratio); Box-Cox without ``lmbda`` would move the scale (warning)."""
    from qcity.framework.method_checks import in_force, method_of

    ref = ctx.data.get("reference_period")
    declared = isinstance(ref, dict)
    if isinstance(ref, dict):
        first, last = year(ref.get("from")), year(ref.get("to"))
        if first is not None and last is not None and first > last:
            ctx.add(
                ("reference_period", "to"),
                f"reference_period from {first} is after to {last}",
                "swap them: the reference period runs from 'from' to 'to' (years)",
            )
        lo, hi = year(ctx.data.get("valid_from")), year(ctx.data.get("valid_to"))
        for key, value in (("from", first), ("to", last)):
            if value is not None and lo is not None and hi is not None and not lo <= value <= hi:
                ctx.add(
                    ("reference_period", key),
                    f"reference_period {key} {value} is outside the framework's validity {lo}-{hi}",
                    "choose reference years the framework is in force for",
                )
    reported: set[tuple[Any, ...]] = set()
    for item in (i for i in items if i.kind == "indicator"):
        path, spec = in_force(ctx, item, "normalise")
        if spec is None or spec.get("scope") != "reference" or path in reported:
            continue
        method, params = method_of(spec) or ("", {})
        if not (
            method in FREEZABLE[:2] or (method == "target" and params.get("formula") != "distance")
        ):
            reported.add(path)
            ctx.add(
                (*path, "scope"),
                f"normalise scope 'reference' needs goalposts, which {method or 'this method'} "
                "does not have (it compares the units of each slice)",
                "use minmax or goalposts (or target with formula ratio), or scope period/pooled",
            )
        elif (
            not declared and method != "target" and not isinstance(item.data.get("goalposts"), dict)
        ):
            reported.add(path)
            ctx.add(
                (*path, "scope"),
                f"normalise scope 'reference' needs the framework's reference_period to fix "
                f"the goalposts of {item.label} (and the others without goalposts)",
                "add reference_period: {from: YEAR, to: YEAR}, or give the indicators goalposts",
            )
    if not declared:
        return
    for item in (i for i in items if i.kind == "indicator"):
        tr = item.data.get("transform")
        given = tr.get("params") if isinstance(tr, dict) else None
        if (
            isinstance(tr, dict)
            and tr.get("method") == "boxcox"
            and not (isinstance(given, dict) and given.get("lmbda") is not None)
        ):
            ctx.add(
                (*item.path, "transform"),
                f"Box-Cox transform of {item.label} estimates lambda from all periods, so its "
                "scale moves when a year is added despite the reference_period",
                "give a fixed lmbda in the transform's params",
                severity="warning",
            )


TREE_CHECKS: list[Callable[[Context, list[Item]], None]] = [
    check_codes,
    check_names,
    check_weights,
    check_empty_nodes,
    check_targets,
    check_ranges,
    check_min_coverage,
    check_denominators,
    check_denominator_cycles,
    check_levels,
    check_pairwise_matrices,
    check_monitor,
    check_reference_period,
    check_aliases,
]
"""Checks over the node/indicator items, run in this order."""
