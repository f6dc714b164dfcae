"""Dynamic monitoring (动态监测): progress classes, targets and their paths, attainment
(实现程度) and gap closed (进度), early warnings by department, forecasts.

    from qcity.monitor import progress_class, monitor_table
    progress_class(100, 2015, 130, 2020, target_value=200, target_year=2030)  # 'on_track'

Names are imported lazily so that importing the package stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.monitor.measures import attainment, gap_closed
    from qcity.monitor.progress import period_year, progress_class, progress_score
    from qcity.monitor.table import Monitor, monitor, monitor_table, warnings_table
    from qcity.monitor.trends import cagr_table, linear_trends, trend_table, year_on_year

_EXPORTS = {
    "attainment": "qcity.monitor.measures",
    "gap_closed": "qcity.monitor.measures",
    "progress_class": "qcity.monitor.progress",
    "progress_score": "qcity.monitor.progress",
    "period_year": "qcity.monitor.progress",
    "Monitor": "qcity.monitor.table",
    "monitor": "qcity.monitor.table",
    "monitor_table": "qcity.monitor.table",
    "warnings_table": "qcity.monitor.table",
    "cagr_table": "qcity.monitor.trends",
    "linear_trends": "qcity.monitor.trends",
    "trend_table": "qcity.monitor.trends",
    "year_on_year": "qcity.monitor.trends",
}

__all__ = [
    "Monitor",
    "attainment",
    "attribution",
    "cagr_table",
    "gap_closed",
    "linear_trends",
    "monitor",
    "monitor_table",
    "period_year",
    "progress_class",
    "progress_score",
    "trend_table",
    "warnings_table",
    "year_on_year",
]


__getattr__ = lazy_exports("qcity.monitor", _EXPORTS)

# Imported now, not lazily: the function has its module's name, and a lazy name would be
# shadowed by the submodule once that is imported (``qcity.monitor.attribution``).
from qcity.monitor.attribution import attribution  # noqa: E402
