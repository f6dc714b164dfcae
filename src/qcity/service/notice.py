"""The one rule for illustrative data: which values an evaluation used, how many of them
are illustrative (generated, not official), and the notice every output then carries.

The CLI printout, ``NOTICE.txt``, the dashboard and the report all take the count and the
text from here, so they always agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.data.statuses import ILLUSTRATIVE, ILLUSTRATIVE_BANNER, ILLUSTRATIVE_LABEL

if TYPE_CHECKING:  # a light module: the CLI imports its label when it starts
    import pandas as pd

    from qcity.framework.model import Framework

#: The label and the one-line banner of outputs made from illustrative values.
LABEL = ILLUSTRATIVE_LABEL
BANNER = ILLUSTRATIVE_BANNER

__all__ = [
    "BANNER",
    "ILLUSTRATIVE",
    "LABEL",
    "count_line",
    "notice_text",
    "used_rows",
    "value_counts",
]


def used_rows(data: pd.DataFrame, fw: Framework, units: list[str], periods: list[str]) -> pd.Series:
    """Which rows of a long table an evaluation used: its units and periods, and the
    framework's indicators and denominator series."""
    codes = {i.code for i in fw.indicators()} | {
        i.denominator.series for i in fw.indicators() if i.denominator is not None
    }
    return (
        data["unit"].astype(str).isin(units)
        & data["indicator"].astype(str).isin(codes)
        & data["period"].astype(str).isin(periods)
    )


def value_counts(
    data: pd.DataFrame, fw: Framework, units: list[str], periods: list[str]
) -> dict[str, int]:
    """Number of values used, by status (``final``, ``preliminary``, ``estimated``,
    ``illustrative``); values without a status count as ``final``."""
    import pandas as pd

    used = data[used_rows(data, fw, units, periods)]
    status = used["status"].fillna("final") if "status" in used else pd.Series("final", used.index)
    counts = {str(k): int(v) for k, v in status.astype(str).value_counts().items()}
    return dict(sorted(counts.items()))


def notice_text(illustrative: int, total: int) -> str | None:
    """The bilingual notice for results made from ``illustrative`` generated values out
    of ``total`` values used; None when no value is illustrative."""
    if not illustrative:
        return None
    return (
        f"{LABEL}: {illustrative} of the {total} values used are illustrative "
        "(generated), not official statistics. These results must not be presented as real.\n"
        f"本结果使用的 {total} 个数值中有 {illustrative} 个是示例（生成）数值，并非官方统计数据，"
        "不得作为真实结果发布。\n"
    )


def count_line(illustrative: int, total: int, *, what: str = "values used", tail: str = "") -> str:
    """The one-line count the CLI prints under a result made from illustrative values:
    ``示例数据 ILLUSTRATIVE: 87 of the 90 values used are generated (生成) — not real
    statistics / 非真实统计数据`` (``tail``: where to read more, e.g. ``see NOTICE.txt``)."""
    line = f"{LABEL}: {illustrative} of the {total} {what} are generated (生成)"
    line += BANNER.removeprefix(LABEL)
    return f"{line}; {tail}" if tail else line
