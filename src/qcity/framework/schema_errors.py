"""Turn pydantic validation errors into Problems that name the YAML line and field.

Pydantic's ``loc`` mixes data keys with the tags of union branches (``indicator``,
``literal[1,-1]``, ``function-after[...]``); we follow ``loc`` through the data and skip
the tags, so that the line of the deepest existing key can be looked up.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from qcity.framework.model import Framework, Indicator, Node, child_kind
from qcity.framework.paths import describe, value_at
from qcity.framework.problems import Problem
from qcity.framework.yaml_lines import Key, LineMap, Path

_DIRECTION_HINT = (
    "use 1 (higher is better), -1 (lower is better), {optimal: x} or {band: [lo, hi]} "
    "(best at x or inside [lo, hi])"
)
_TYPE_HINTS = {
    "float_parsing": "write a plain number such as 0.25 (no % sign or thousands separator)",
    "float_type": "write a plain number such as 0.25",
    "int_parsing": "write a whole number such as 2025",
    "int_type": "write a whole number such as 2025",
    "int_from_float": "write a whole number such as 2025",
    "bool_parsing": "write true or false",
    "bool_type": "write true or false",
    "dict_type": "write a mapping (key: value lines, indented under this key)",
    "model_type": "write a mapping (key: value lines, indented under this key)",
    "list_type": "write a list (lines starting with '- ', or [a, b])",
    "tuple_type": "write a two-element list such as [0, 100]",
    "too_short": "write a two-element list such as [0, 100]",
    "too_long": "write a two-element list such as [0, 100]",
}
_BRANCH_MISMATCH = {"model_type", "model_attributes_type", "dict_type", "literal_error"}


def _follow(data: Any, loc: Sequence[Key]) -> tuple[Path, Path | None, bool]:
    """Data path of ``loc`` (tags dropped), path where a union tag was first skipped,
    and whether the full path exists in the data."""
    path: list[Key] = []
    union_at: Path | None = None
    cur: Any = data
    exists = True
    for i, part in enumerate(loc):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
            path.append(part)
        elif isinstance(cur, dict) and str(part) in {str(k) for k in cur}:
            key = next(k for k in cur if str(k) == str(part))
            cur = cur[key]
            path.append(key)
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
            path.append(part)
        elif _is_tag(part):
            if union_at is None and part != "[key]":
                union_at = tuple(path)
        else:
            # a key that is not in the data (missing field) or a dict-key marker
            path.extend(p for p in loc[i:] if not _is_tag(p))
            exists = False
            break
    return tuple(path), union_at, exists


def _is_tag(part: Key) -> bool:
    """True for loc items naming a union branch or a key marker, not a data key."""
    if not isinstance(part, str):
        return False
    return (
        part in {"node", "indicator", "[key]"}
        or part[:1].isupper()
        or part.startswith(("literal[", "function-", "tuple[", "nullable["))
    )


def _model_at(path: Path, data: Any) -> type[BaseModel] | None:
    """The pydantic model class that the mapping at ``path`` is validated against."""
    model: type[BaseModel] | None = Framework
    cur: Any = data
    pending: list[Any] = []  # list element annotation to use on the next index
    for part in path:
        cur = value_at((part,), cur)
        if isinstance(part, int):
            candidates = pending
        else:
            if model is None or part not in model.model_fields:
                return None
            candidates = _models_in(model.model_fields[part].annotation)
            pending = []
            if _is_list(model.model_fields[part].annotation):
                pending, model = candidates, None
                continue
        model = _choose(candidates, cur)
    return model


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every BaseModel subclass mentioned in a type annotation (unions, lists, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out.extend(_models_in(arg))
    return out


def _choose(candidates: list[type[BaseModel]], value: Any) -> type[BaseModel] | None:
    if not candidates:
        return None
    if Node in candidates and Indicator in candidates:
        return Node if child_kind(value) == "node" else Indicator
    return candidates[0]


def _drop_losing_branches(errors: list[ErrorDetails], data: Any) -> list[ErrorDetails]:
    """Keep, for a value matched against a union (e.g. ``direction``), only the errors of
    the branch that fits the value's shape: scalar -> literal, mapping -> model."""
    groups: dict[Path, list[ErrorDetails]] = {}
    for err in errors:
        _, union_at, _ = _follow(data, err["loc"])
        if union_at is not None:
            groups.setdefault(union_at, []).append(err)
    drop: set[int] = set()
    for union_at, errs in groups.items():
        if len(errs) < 2:
            continue
        is_mapping = isinstance(value_at(union_at, data), dict)
        for err in errs:
            mismatch = err["type"] in _BRANCH_MISMATCH
            wrong_shape = (err["type"] == "literal_error") == is_mapping
            if mismatch and wrong_shape:
                drop.add(id(err))
        if all(id(e) in drop for e in errs):
            drop.discard(id(errs[0]))
    return [e for e in errors if id(e) not in drop]


def schema_problems(
    exc: ValidationError, data: Any, lines: LineMap, filename: str
) -> list[Problem]:
    """One Problem per pydantic error, with the YAML line, field and a hint."""
    out: list[Problem] = []
    seen: set[tuple[Path, str]] = set()
    for err in _drop_losing_branches(list(exc.errors()), data):
        path, _, _ = _follow(data, err["loc"])
        message, hint = _explain(err, path, data)
        if (path, message) in seen:
            continue
        seen.add((path, message))
        out.append(Problem(filename, lines.line(path), describe(path, data), message, hint))
    return out


def _explain(err: ErrorDetails, path: Path, data: Any) -> tuple[str, str]:
    """Message and hint for one pydantic error."""
    kind, value = err["type"], err.get("input")
    name = str(path[-1]) if path else "document"
    is_direction = "direction" in path and path[-1] in {"direction", "optimal", "band"}
    if kind == "missing":
        parent = _model_at(path[:-1], data)
        what = parent.__name__.lower() if parent else "entry"
        return (
            f"required field '{name}' is missing from this {what}",
            f"add a line '{name}: ...' to it",
        )
    if kind == "extra_forbidden":
        return f"unknown key '{name}'", _extra_hint(path, data)
    if kind == "union_tag_not_found" or kind == "union_tag_invalid":
        return (
            f"a child must be a mapping (node or indicator), got {_show(value)}",
            "write '- code: ...' followed by name_zh, name_en and, for a node, children",
        )
    if is_direction and kind in {"literal_error", "model_type"}:
        return f"direction {_show(value)} is not allowed", _DIRECTION_HINT
    if kind == "value_error":
        message = str(err.get("ctx", {}).get("error", err["msg"]))
        return f"{name}: {message}", _DIRECTION_HINT if is_direction else ""
    if kind == "string_type" and isinstance(value, bool | int | float):
        return (
            f"{name} must be text, but YAML read {_show(value)} as {type(value).__name__}",
            f"put the value in quotes: {name}: '{value}'",
        )
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{name} {_show(value)} is not allowed", f"use one of {expected}"
    return f"{name}: {err['msg']} (got {_show(value)})", _TYPE_HINTS.get(kind, "")


def _extra_hint(path: Path, data: Any) -> str:
    """Suggest the closest allowed key and list the allowed ones."""
    model = _model_at(path[:-1], data)
    if model is None:
        return "remove it"
    allowed = [f.alias or name for name, f in model.model_fields.items()]  # as in the file
    close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
    guess = f"did you mean '{close[0]}'? " if close else "remove it or fix its spelling; "
    return f"{guess}allowed keys here: {', '.join(allowed)}"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
