"""Read YAML keeping the line of every mapping key and sequence item.

PyYAML's composer gives each node a start mark; we build plain Python data from the
node graph ourselves and record ``path -> line`` so that any later problem (pydantic or
semantic) can name its line. Duplicate mapping keys, which PyYAML silently collapses,
are reported. Hostile input fails as ``yaml.YAMLError`` with a line: values a constructor
cannot read, an alias inside its own anchor, nesting deeper than ``MAX_DEPTH`` and alias
expansion beyond ``MAX_NODES`` ("billion laughs").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

Key = str | int | float | None
"""A mapping key (YAML scalars) or a list index."""
Path = tuple[Key, ...]

#: Deepest nesting of mappings and lists accepted (a framework needs about ten levels).
MAX_DEPTH = 64

#: libyaml's parser (C, ~8x faster on a framework file) when PyYAML has it: same nodes,
#: marks and safe constructor; it refuses nesting deeper than 1000 levels by itself.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Most values built from one document, aliases expanded.
MAX_NODES = 200_000


class LineMap:
    """Lines (1-based) of YAML locations, addressed by the path of keys and indices."""

    def __init__(self) -> None:
        self._lines: dict[Path, int] = {}

    def set(self, path: Path, line: int) -> None:
        """Record the line of ``path``."""
        self._lines[path] = line

    def exact(self, path: Path) -> int | None:
        """The line of exactly ``path``, or None when it is not in the file."""
        return self._lines.get(path)

    def line(self, path: Sequence[Key]) -> int | None:
        """Line of ``path`` or of its deepest ancestor present in the file.

        A missing key is thus reported at the mapping that should contain it.
        """
        p = tuple(path)
        while True:
            if p in self._lines:
                return self._lines[p]
            if not p:
                return None
            p = p[:-1]

    def __len__(self) -> int:
        return len(self._lines)


@dataclass
class DuplicateKey:
    """A key given twice in one mapping (the later value wins in PyYAML)."""

    path: Path
    lines: list[int]


@dataclass
class YamlDocument:
    """Plain data read from YAML, the line of every location and any duplicate keys."""

    data: Any
    lines: LineMap
    duplicates: list[DuplicateKey] = field(default_factory=list)


_SELF_ALIAS = "an alias (*name) refers to the anchor (&name) it is inside"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Builder:
    """Builds Python data from a composed node graph, recording lines."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.lines = LineMap()
        self.duplicates: list[DuplicateKey] = []
        self._open: set[int] = set()  # ids of the nodes being built (cycle guard)
        self._count = 0

    def build(self, node: yaml.Node, path: Path) -> Any:
        """Python value of ``node`` at ``path``; scalars and explicitly tagged nodes use
        the safe constructor (which rejects unsafe tags such as ``!!python/object``)."""
        self._count += 1
        if self._count > MAX_NODES:
            raise _error(node, f"more than {MAX_NODES} values once aliases are expanded")
        if len(path) > MAX_DEPTH:
            raise _error(node, f"nested more than {MAX_DEPTH} levels deep")
        if id(node) in self._open:
            raise _error(node, _SELF_ALIAS)
        is_map = isinstance(node, yaml.MappingNode) and node.tag == _MAP
        if not is_map and not (isinstance(node, yaml.SequenceNode) and node.tag == _SEQ):
            return self._construct(node)
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            out = []
            for i, item in enumerate(node.value):
                self.lines.set((*path, i), item.start_mark.line + 1)
                out.append(self.build(item, (*path, i)))
            return out
        finally:
            self._open.discard(id(node))

    def _construct(self, node: yaml.Node) -> Any:
        """The safe constructor's value of ``node``; its stray errors (``!!int x``,
        ``!!bool maybe``, ``!!timestamp x``, a recursive tagged node ...) as YAML errors."""
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise
        except RecursionError:
            raise _error(node, _SELF_ALIAS) from None
        except (ValueError, TypeError, AttributeError, OverflowError, LookupError):
            kind = str(node.tag).rsplit(":", 1)[-1]
            raise _error(node, f"cannot read {_excerpt(node)} as {kind}") from None

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)  # resolve YAML merge keys (<<)
        out: dict[Any, Any] = {}
        seen: dict[Any, list[int]] = {}
        for key_node, value_node in node.value:
            key = self._construct(key_node)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            line = key_node.start_mark.line + 1
            seen.setdefault(key, []).append(line)
            self.lines.set((*path, key), line)
            out[key] = self.build(value_node, (*path, key))
        for key, key_lines in seen.items():
            if len(key_lines) > 1:
                self.duplicates.append(DuplicateKey((*path, key), key_lines))
                self.lines.set((*path, key), key_lines[-1])
        return out


def _error(node: yaml.Node, problem: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, problem, node.start_mark)


def _excerpt(node: yaml.Node) -> str:
    """The scalar as written (shortened), or the node's tag."""
    if isinstance(node, yaml.ScalarNode):
        text = str(node.value)
        return repr(text if len(text) <= 40 else text[:39] + "…")
    return str(node.tag)


def load_yaml_with_lines(text: str) -> YamlDocument:
    """Parse one YAML document from ``text`` with the safe loader, keeping lines.

    Raises ``yaml.YAMLError`` (with a ``problem_mark`` when PyYAML knows the place),
    also for nesting too deep for PyYAML's recursive composer.
    """
    loader = _SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise yaml.MarkedYAMLError(
                problem=f"nested too deeply (keep under {MAX_DEPTH} levels)",
                problem_mark=loader.get_mark(),
            ) from None
        except yaml.MarkedYAMLError as exc:  # libyaml's own nesting limit, same message
            if "maximum nesting depth" not in str(exc.problem):
                raise
            raise yaml.MarkedYAMLError(
                problem=f"nested too deeply (keep under {MAX_DEPTH} levels)",
                problem_mark=exc.problem_mark,
            ) from None
        builder = _Builder(loader)
        if node is None:
            return YamlDocument(None, builder.lines)
        builder.lines.set((), node.start_mark.line + 1)
        data = builder.build(node, ())
        return YamlDocument(data, builder.lines, builder.duplicates)
    finally:
        loader.dispose()
