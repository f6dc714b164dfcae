"""The framework tree compiled for aggregation: bottom-up order, children, weights, paths."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qcity.framework.model import Framework, Indicator, Node


@dataclass(frozen=True)
class Tree:
    """Codes of the framework, laid out for the engine.

    ``indicators``: leaf codes in document order (the K columns of the data);
    ``nodes``: inner node codes, children before parents (aggregation order);
    ``children``: each inner node's child codes; ``parent``: each code's parent;
    ``weight``: each code's nominal weight within its parent; ``depth``: root = 0.
    """

    root: str
    indicators: tuple[str, ...]
    nodes: tuple[str, ...]
    children: dict[str, tuple[str, ...]]
    parent: dict[str, str | None]
    weight: dict[str, float]
    depth: dict[str, int]

    @classmethod
    def from_framework(cls, fw: Framework) -> Tree:
        """Compile ``fw``: post-order node list so that children aggregate first."""
        parent: dict[str, str | None] = {}
        children: dict[str, tuple[str, ...]] = {}
        weight: dict[str, float] = {}
        depth: dict[str, int] = {}
        indicators: list[str] = []
        for item, par, d in fw.walk():
            parent[item.code] = par.code if par else None
            weight[item.code] = float(item.weight)
            depth[item.code] = d
            if isinstance(item, Indicator):
                indicators.append(item.code)
            elif isinstance(item, Node):
                children[item.code] = tuple(c.code for c in item.children)
        nodes = sorted(children, key=lambda c: -depth[c])
        return cls(
            root=fw.root.code,
            indicators=tuple(indicators),
            nodes=tuple(nodes),
            children=children,
            parent=parent,
            weight=weight,
            depth=depth,
        )

    def without(self, dropped: set[str]) -> Tree:
        """The tree with ``dropped`` codes removed, and any node left with no child too."""
        dropped = set(dropped)
        while True:
            empty = {
                n
                for n, kids in self.children.items()
                if n not in dropped and kids and all(k in dropped for k in kids)
            }
            if not empty:
                break
            dropped |= empty
        children = {
            n: tuple(k for k in kids if k not in dropped)
            for n, kids in self.children.items()
            if n not in dropped
        }
        return Tree(
            root=self.root,
            indicators=tuple(c for c in self.indicators if c not in dropped),
            nodes=tuple(n for n in self.nodes if n not in dropped),
            children=children,
            parent={c: p for c, p in self.parent.items() if c not in dropped},
            weight={c: w for c, w in self.weight.items() if c not in dropped},
            depth={c: d for c, d in self.depth.items() if c not in dropped},
        )

    def leaves_under(self, code: str) -> list[str]:
        """Indicator codes below ``code`` (itself if it is an indicator)."""
        if code not in self.children:
            return [code]
        out: list[str] = []
        for kid in self.children[code]:
            out.extend(self.leaves_under(kid))
        return out

    def path(self, code: str) -> list[str]:
        """Codes from ``code`` up to the root, inclusive."""
        out = [code]
        while (p := self.parent.get(out[-1])) is not None:
            out.append(p)
        return out

    def effective_weights(self, weights: dict[str, np.ndarray] | None = None) -> dict[str, dict]:
        """Each indicator's share of each composite above it: the product of the
        normalised weights along the path (OECD/JRC Handbook 2008, sec. 6).

        ``weights`` maps a node to its children's normalised weights (as used in
        aggregation); without it the nominal weights are normalised per parent.
        Returns ``{composite: {indicator: share}}``.
        """
        local: dict[str, float] = {}
        for node, kids in self.children.items():
            w = (
                np.asarray(weights[node], dtype=float)
                if weights is not None and node in weights
                else np.array([self.weight[k] for k in kids], dtype=float)
            )
            total = w.sum()
            for kid, wk in zip(kids, w, strict=True):
                local[kid] = float(wk / total) if total > 0 else 0.0
        out: dict[str, dict] = {}
        for node in self.nodes:
            shares: dict[str, float] = {}
            for leaf in self.leaves_under(node):
                share = 1.0
                for code in self.path(leaf):
                    if code == node:
                        break
                    share *= local[code]
                shares[leaf] = share
            out[node] = shares
        return out
