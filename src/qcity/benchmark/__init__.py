"""Peer benchmarking: where a unit stands among its peers, its strengths and weaknesses
(长板/短板), and the least-cost path into the first tier (跻身第一方阵).

    from qcity.benchmark import compare, strengths, path, find_path
    compare(ev, "liyang", 2024, k=5)      # ranks and gaps at every level and indicator
    strengths(ev, "liyang", 2024)         # indicators from strongest to weakest
    path(ev, "liyang", 2024, k=3)         # the plan table; find_path gives the Plan object

``ev`` is an evaluation of the peers only (a group, or one level such as Liyang's towns
and streets: ``level_peers``). Names are imported lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.benchmark.focus import BenchmarkError, level_peers, level_types
    from qcity.benchmark.peers import compare, compare_years, strengths
    from qcity.benchmark.plan import (
        Plan,
        apply_values,
        feasible_annual_change,
        find_path,
        path,
    )

_EXPORTS = {
    "compare": "qcity.benchmark.peers",
    "strengths": "qcity.benchmark.peers",
    "compare_years": "qcity.benchmark.peers",
    "BenchmarkError": "qcity.benchmark.focus",
    "level_peers": "qcity.benchmark.focus",
    "level_types": "qcity.benchmark.focus",
    "Plan": "qcity.benchmark.plan",
    "apply_values": "qcity.benchmark.plan",
    "feasible_annual_change": "qcity.benchmark.plan",
    "find_path": "qcity.benchmark.plan",
    "path": "qcity.benchmark.plan",
}

__all__ = [
    "BenchmarkError",
    "Plan",
    "apply_values",
    "compare",
    "compare_years",
    "feasible_annual_change",
    "find_path",
    "level_peers",
    "level_types",
    "path",
    "strengths",
]

__getattr__ = lazy_exports("qcity.benchmark", _EXPORTS)
