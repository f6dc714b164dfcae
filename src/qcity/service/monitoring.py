"""Monitoring against targets: the monitor table, attribution, trends and target specs.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.monitor.attribution import attribution
    from qcity.monitor.forecast import fit_trend
    from qcity.monitor.progress import CLASS_LABELS, period_year
    from qcity.monitor.table import Monitor, MonitorError, monitor, previous_period
    from qcity.monitor.targets import Target, read_targets_csv, spec_of

_EXPORTS = {
    "attribution": "qcity.monitor.attribution",
    "CLASS_LABELS": "qcity.monitor.progress",
    "fit_trend": "qcity.monitor.forecast",
    "Monitor": "qcity.monitor.table",
    "monitor": "qcity.monitor.table",
    "MonitorError": "qcity.monitor.table",
    "period_year": "qcity.monitor.progress",
    "previous_period": "qcity.monitor.table",
    "read_targets_csv": "qcity.monitor.targets",
    "spec_of": "qcity.monitor.targets",
    "Target": "qcity.monitor.targets",
}

__all__ = [
    "CLASS_LABELS",
    "Monitor",
    "MonitorError",
    "Target",
    "attribution",
    "fit_trend",
    "monitor",
    "period_year",
    "previous_period",
    "read_targets_csv",
    "spec_of",
]

__getattr__ = lazy_exports("qcity.service.monitoring", _EXPORTS)
