"""Benchmarking: where a unit stands among its peers, and the path to a better rank.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.benchmark.focus import level_peers, resolve_year
    from qcity.benchmark.peers import compare, compare_years, strengths
    from qcity.benchmark.plan import change_text, find_path, one_rank_up

_EXPORTS = {
    "change_text": "qcity.benchmark.plan",
    "compare": "qcity.benchmark.peers",
    "compare_years": "qcity.benchmark.peers",
    "find_path": "qcity.benchmark.plan",
    "level_peers": "qcity.benchmark.focus",
    "one_rank_up": "qcity.benchmark.plan",
    "resolve_year": "qcity.benchmark.focus",
    "strengths": "qcity.benchmark.peers",
}

__all__ = [
    "change_text",
    "compare",
    "compare_years",
    "find_path",
    "level_peers",
    "one_rank_up",
    "resolve_year",
    "strengths",
]

__getattr__ = lazy_exports("qcity.service.compare", _EXPORTS)
