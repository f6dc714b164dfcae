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
    "FOOTER_LABEL",
    "ILLUSTRATIVE",
    "LABEL",
    "count_line",
    "label",
    "notice_in",
    "notice_lines",
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


#: The short label every page of a report made from illustrative values carries (footer).
FOOTER_LABEL = {
    "zh": "示例数据，非官方统计，不得作为真实结果发布",
    "en": "Illustrative data, not official statistics: not to be presented as real",
}


def label(lang: str) -> str:
    """The short illustrative-data label in ``lang`` ("zh" or "en")."""
    return FOOTER_LABEL["zh" if lang == "zh" else "en"]


def notice_lines(illustrative: int, total: int) -> dict[str, str]:
    """The notice for ``illustrative`` generated values out of ``total`` used, in each
    language (one line each)."""
    return {
        "en": f"{illustrative} of the {total} values used are illustrative (generated), not "
        "official statistics. These results must not be presented as real.",
        "zh": f"本结果使用的 {total} 个数值中有 {illustrative} 个是示例（生成）数值，"
        "并非官方统计数据，不得作为真实结果发布。",
    }


def notice_in(lang: str, illustrative: int, total: int) -> str | None:
    """The notice in one language (a Chinese report is Chinese only); None when no value
    is illustrative."""
    if not illustrative:
        return None
    key = "zh" if lang == "zh" else "en"
    head = "示例数据：" if key == "zh" else "ILLUSTRATIVE DATA: "
    return head + notice_lines(illustrative, total)[key]


def notice_text(illustrative: int, total: int) -> str | None:
    """The bilingual notice for results made from ``illustrative`` generated values out
    of ``total`` values used; None when no value is illustrative."""
    if not illustrative:
        return None
    lines = notice_lines(illustrative, total)
    return f"{LABEL}: {lines['en']}\n{lines['zh']}\n"


def count_line(illustrative: int, total: int, *, what: str = "values used", tail: str = "") -> str:
    """The one-line count the CLI prints under a result made from illustrative values:
    ``示例数据 ILLUSTRATIVE: 87 of the 90 values used are generated (生成) — not real
    statistics / 非真实统计数据`` (``tail``: where to read more, e.g. ``see NOTICE.txt``)."""
    line = f"{LABEL}: {illustrative} of the {total} {what} are generated (生成)"
    line += BANNER.removeprefix(LABEL)
    return f"{line}; {tail}" if tail else line
