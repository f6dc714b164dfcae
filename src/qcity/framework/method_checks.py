"""Check method names and parameters against the registries of ``qcity.engine``.

Names are looked up at run time (after ``load_methods()``), never from a fixed list, so
a newly registered method is accepted at once. Parameters are checked against the
registered function's signature: the leading data arguments of each kind (see the
array conventions in CONTRIBUTING.md) are not parameters a framework can set.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from qcity.framework.model import Defaults, PipelineSpec
from qcity.framework.paths import describe
from qcity.framework.problems import Problem
from qcity.framework.tree import Context, Item
from qcity.framework.yaml_lines import Path

if TYPE_CHECKING:
    from qcity.methods.registry import Registry

DATA_ARGS = {
    "screen": 1,
    "impute": 2,
    "treat": 1,
    "transform": 1,
    "normalise": 2,
    "weighting": 2,
    "aggregate": 2,
}
"""Number of leading positional data arguments per kind: ``x`` and e.g. ``cols``/``w``."""

_NO_OP = {"transform": "none"}
"""Names that mean "no method" for a kind and need no registered function."""


def _specs(ctx: Context, items: list[Item]) -> Iterator[tuple[str, Path, Any, bool]]:
    """``(kind, path, spec, from_file)`` for every method setting, including built-in
    defaults that the file does not override."""
    defaults = ctx.data.get("defaults")
    builtin_defaults = Defaults()
    for kind in ("normalise", "weighting", "aggregate"):
        given = defaults.get(kind) if isinstance(defaults, dict) else None
        if given is not None:
            yield kind, ("defaults", kind), given, True
        else:
            yield kind, ("defaults", kind), getattr(builtin_defaults, kind).model_dump(), False
    pipeline = ctx.data.get("pipeline")
    builtin_pipeline = PipelineSpec()
    for kind in ("screen", "impute", "treat"):
        given = pipeline.get(kind) if isinstance(pipeline, dict) else None
        if given is not None:
            yield kind, ("pipeline", kind), given, True
        elif (spec := getattr(builtin_pipeline, kind)) is not None:
            yield kind, ("pipeline", kind), spec.model_dump(), False
    for item in items:
        kinds = (
            ("normalise", "weighting", "aggregate")
            if item.kind == "node"
            else (
                "normalise",
                "transform",
            )
        )
        for kind in kinds:
            if item.data.get(kind) is not None:
                yield kind, (*item.path, kind), item.data[kind], True


def _registries() -> dict[str, Registry]:
    """The engine's registries with every method module imported."""
    from qcity.methods.registry import ALL, load_methods

    load_methods()
    return ALL


def check_methods(ctx: Context, items: list[Item]) -> None:
    """Every named method is registered and its parameters fit its signature.

    The engine is imported here, not at module import, so that a broken method module
    is reported as one problem instead of making the file unreadable.
    """
    try:
        registries = _registries()
    except ImportError as exc:
        ctx.problems.append(
            Problem(
                ctx.filename,
                None,
                "",
                f"method names could not be checked: the engine failed to import ({exc})",
                "reinstall qcity or fix the named module; the other checks ran",
            )
        )
        return
    for kind, path, spec, from_file in _specs(ctx, items):
        if not isinstance(spec, dict) or not isinstance(spec.get("method"), str):
            continue  # wrong shape: a schema problem
        name = spec["method"]
        if _NO_OP.get(kind) == name:
            continue
        registry = registries[kind]
        where = "" if from_file else " (built-in default, not set in this file)"
        if name not in registry:
            known = registry.names()
            ctx.add(
                (*path, "method"),
                f"unknown {kind} method {name!r}{where}",
                f"available: {', '.join(known)}" if known else f"no {kind} method is registered",
                exact=not from_file,
            )
            continue
        params = spec.get("params")
        params = {} if params is None else params
        if isinstance(params, dict):
            _check_params(ctx, kind, name, registry, params, (*path, "params"), from_file)
    check_positive_means(ctx, items)


def _check_params(
    ctx: Context,
    kind: str,
    name: str,
    registry: Registry,
    params: dict[Any, Any],
    path: Path,
    from_file: bool,
) -> None:
    """Unknown or missing keyword parameters of a registered method."""
    from qcity.methods.registry import ENGINE_PARAMS

    accepted, required, any_name = option_names(registry.get(name), DATA_ARGS[kind])
    if accepted is None:
        return
    accepted = [*accepted, *ENGINE_PARAMS.get(kind, ())]
    shown = ", ".join(accepted) if accepted else "(none)"
    for key in params:
        if not any_name and key not in accepted:
            ctx.add(
                (*path, key),
                f"{kind} method {name!r} has no parameter {key!r}",
                f"its parameters: {shown}",
                exact=not from_file,
            )
    for key in required:
        if key not in params:
            ctx.add(
                path,
                f"{kind} method {name!r} needs parameter {key!r}",
                f"add it under params:, e.g. params: {{{key}: ...}}",
                exact=not from_file,
            )


def option_names(func: Callable[..., Any], n_data: int) -> tuple[list[str] | None, list[str], bool]:
    """Settable parameters of ``func`` after its ``n_data`` data arguments: (accepted
    names or None if unknowable, required names, accepts any name via ``**kwargs``)."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return None, [], True
    params = list(sig.parameters.values())
    positional = [
        p
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    data = {p.name for p in positional[:n_data]}
    options = [
        p
        for p in params
        if p.name not in data
        and p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    ]
    any_name = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    required = [p.name for p in options if p.default is inspect.Parameter.empty]
    return [p.name for p in options], required, any_name


def in_force(ctx: Context, item: Item, kind: str) -> tuple[Path, dict[Any, Any] | None]:
    """Where the ``kind`` setting in force at ``item`` is given and what it is: its own,
    its nearest ancestor's, the file's default or the built-in one (path ``defaults``)."""
    cur: Item | None = item
    while cur is not None:
        if isinstance(cur.data.get(kind), dict):
            return (*cur.path, kind), cur.data[kind]
        cur = cur.parent
    defaults = ctx.data.get("defaults")
    given = defaults.get(kind) if isinstance(defaults, dict) else None
    if given is None:
        given = getattr(Defaults(), kind).model_dump()
    return ("defaults", kind), given if isinstance(given, dict) else None


def method_of(spec: dict[Any, Any] | None) -> tuple[str, dict[Any, Any]] | None:
    if spec is None or not isinstance(spec.get("method"), str):
        return None
    params = spec.get("params")
    return spec["method"], params if isinstance(params, dict) else {}


def check_positive_means(ctx: Context, items: list[Item]) -> None:
    """Warn where a geometric (harmonic, power p <= 0) mean combines indicators whose
    normaliser always gives the worst unit a score <= 0 (min-max or percentile with l = 0,
    z-scores): the mean is then refused or collapses to 0 for that unit."""
    try:
        from qcity.methods.aggregate import needs_positive
        from qcity.methods.normalise import worst_score
    except ImportError:
        return  # reported by check_methods
    found: dict[tuple[Path, Path], tuple[list[str], str, str, float]] = {}
    for node in (i for i in items if i.kind == "node"):
        agg_path, agg_spec = in_force(ctx, node, "aggregate")
        agg = method_of(agg_spec)
        if agg is None or not needs_positive(*agg):
            continue
        for child in (c for c in node.children if c.kind == "indicator"):
            norm_path, norm_spec = in_force(ctx, child, "normalise")
            norm = method_of(norm_spec)
            worst = worst_score(*norm) if norm is not None else None
            if norm is None or worst is None or worst > 0:
                continue
            nodes, _, _, _ = found.setdefault((agg_path, norm_path), ([], agg[0], norm[0], worst))
            if node.label not in nodes:
                nodes.append(node.label)
    for (agg_path, norm_path), (nodes, agg_name, norm_name, worst) in found.items():
        score = "a score below 0" if worst == float("-inf") else f"{worst:g}"
        ctx.add(
            agg_path,
            f"{agg_name} mean at {', '.join(nodes)} over indicators normalised by {norm_name} "
            f"({describe(norm_path, ctx.data)}): the worst unit of each indicator scores "
            f"{score}, so the mean is refused or collapses to 0 for it",
            "normalise to a positive range (e.g. params: {l: 1, u: 100}) or aggregate "
            "these indicators with an arithmetic mean",
            severity="warning",
        )
