"""Lenient walk over the raw (not yet validated) framework data.

Semantic checks run on the plain data read from YAML, not on the pydantic model, so
that they still run when some part of the file fails the schema: every problem is
reported in one go. Anything of the wrong shape is skipped here (the schema check
reports it).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from qcity.framework.model import child_kind
from qcity.framework.paths import describe
from qcity.framework.problems import Problem, Severity
from qcity.framework.yaml_lines import LineMap, Path


@dataclass
class Item:
    """A node or indicator mapping found in the raw tree."""

    path: Path
    data: dict[Any, Any]
    kind: str  # "node" or "indicator"
    parent: Item | None = None
    children: list[Item] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        """The code if it is a non-empty string."""
        code = self.data.get("code")
        return code if isinstance(code, str) and code.strip() else None

    @property
    def label(self) -> str:
        """Code for messages, or a stand-in label when it has none."""
        return f"'{self.code}'" if self.code else "(without code)"


@dataclass
class Context:
    """The document under check and the problems found so far."""

    data: dict[Any, Any]
    lines: LineMap
    filename: str
    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        path: Path,
        message: str,
        hint: str = "",
        severity: Severity = "error",
        *,
        exact: bool = False,
    ) -> None:
        """Record a problem at ``path``: at the line of its deepest part present in the
        file, or (``exact``) only at its own line, None when it is not in the file."""
        self.problems.append(
            Problem(
                self.filename,
                self.lines.exact(path) if exact else self.lines.line(path),
                describe(path, self.data),
                message,
                hint,
                severity,
            )
        )

    def items(self) -> list[Item]:
        """All node/indicator mappings, depth-first in document order (root first)."""
        root = self.data.get("root")
        if not isinstance(root, dict):
            return []
        out: list[Item] = []
        _collect(Item(("root",), root, "node"), out)
        return out


def _collect(item: Item, out: list[Item]) -> None:
    out.append(item)
    children = item.data.get("children") if item.kind == "node" else None
    if not isinstance(children, list):
        return
    for i, child in enumerate(children):
        kind = child_kind(child)
        if kind is None:
            continue
        sub = Item((*item.path, "children", i), child, kind, parent=item)
        item.children.append(sub)
        _collect(sub, out)


def number(value: Any) -> float | None:
    """``value`` as float when it is an int or float (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def pair(value: Any) -> tuple[float | None, float | None] | None:
    """A two-element list/tuple as numbers (None where not a number), else None."""
    if isinstance(value, list | tuple) and len(value) == 2:
        return number(value[0]), number(value[1])
    return None


def year(value: Any) -> int | None:
    """A year given as int or as digits, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def iter_targets(item_data: dict[Any, Any]) -> Iterator[tuple[Any, int | None, Any]]:
    """``(key, year, value)`` for each target of a node or indicator."""
    targets = item_data.get("targets")
    if isinstance(targets, dict):
        for key, value in targets.items():
            yield key, year(key), value


def is_finite(value: float) -> bool:
    """True unless NaN or infinite."""
    return math.isfinite(value)
