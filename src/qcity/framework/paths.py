"""Readable names for locations in a framework document.

A location is a path of mapping keys and list indices, e.g.
``("root", "children", 0, "children", 2, "weight")``. People read it better from the
nearest node or indicator code: ``EC01.weight``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qcity.framework.yaml_lines import Key, Path

_MISSING = object()


def child(container: Any, part: Key) -> Any:
    """``container[part]`` for a mapping key or an in-range list index, else ``MISSING``."""
    if isinstance(container, dict):
        return container.get(part, _MISSING)
    if isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container):
        return container[part]
    return _MISSING


def value_at(path: Sequence[Key], data: Any) -> Any:
    """The value at ``path`` in ``data``, or None when the path does not exist."""
    cur = data
    for part in path:
        cur = child(cur, part)
        if cur is _MISSING:
            return None
    return cur


def _is_tree_item(path: Path) -> bool:
    """True when ``path`` addresses the root node or an item of some ``children`` list."""
    if path == ("root",):
        return True
    return len(path) >= 2 and path[-2] == "children" and isinstance(path[-1], int)


def describe(path: Sequence[Key], data: Any) -> str:
    """Dotted path from the nearest enclosing node/indicator with a usable code;
    ``[i]`` marks list items, mapping keys (also year keys) follow a dot."""
    text, cur = "", data
    for i, part in enumerate(path):
        in_list = isinstance(cur, list)
        nxt = child(cur, part) if cur is not _MISSING else _MISSING
        if in_list or (nxt is _MISSING and isinstance(part, int) and not isinstance(part, bool)):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
        cur = nxt
        if _is_tree_item(tuple(path[: i + 1])) and isinstance(cur, dict):
            code = cur.get("code")
            if isinstance(code, str) and code.strip():
                text = code
    return text
