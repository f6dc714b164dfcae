"""Use case: one indicator of one unit against its target (the dashboard's indicator
view): the monitoring row, the target path, the band, the trend forecast and the
feasibility of the pace required, as ``qcity.monitor.indicator_view.IndicatorOutlook``.

    out = indicator_outlook(result, "A1", unit="liyang")            # latest period
    out = indicator_outlook(result, "A1", unit="liyang", monitored=mon)  # reuse a monitor
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity import errors
from qcity.framework.model import Indicator

if TYPE_CHECKING:
    from qcity.monitor.indicator_view import IndicatorOutlook
    from qcity.monitor.table import Monitor
    from qcity.service.evaluation import EvaluationResult


class IndicatorNotFound(errors.NotFound, LookupError):
    """An indicator code that is not in the evaluation's framework."""


def indicator_outlook(
    result: EvaluationResult,
    code: str,
    *,
    unit: str,
    period: str | None = None,
    group: str | None = None,
    monitored: Monitor | None = None,
) -> IndicatorOutlook | None:
    """The outlook of indicator ``code`` for ``unit`` in ``period`` (default the latest)
    with the peers of ``group`` (default the framework's peer group); ``monitored``: the
    unit's monitoring already made (``qcity.service.monitoring.monitor_result``), reused
    instead of made again. None when the monitoring table has no row for the indicator (no values);
    ``IndicatorNotFound`` for a code that is not an indicator of the framework."""
    from qcity.monitor.indicator_view import indicator_outlook as outlook
    from qcity.service.monitoring import monitor_result

    fw = result.evaluation.framework
    ind = next((i for i in fw.indicators() if i.code == code), None)
    if not isinstance(ind, Indicator):
        raise IndicatorNotFound(f"no indicator {code!r} in framework {fw.code} {fw.version}")
    if monitored is None:
        monitored = monitor_result(result, unit=unit, period=period, group=group)
    return outlook(result, monitored, ind)


__all__ = ["IndicatorNotFound", "indicator_outlook"]
