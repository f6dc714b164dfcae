"""Appendix C, the illustrative values: the notice (``qcity.service.notice``) and, per
indicator, how many generated values were used, for how many units and years, and the
unit's own value this year."""

from __future__ import annotations

from qcity.report.model import Notice, Section, Table
from qcity.report.text import MONEY_EN, measure, missing, t
from qcity.service.report_model import ReportModel


def _value(m: ReportModel, code: str, value: object) -> str:
    """The unit's value of ``code`` with its unit of measure, as the report writes values."""
    if missing(value):
        return ""
    unit = next((i.unit for i in m.indicators() if i.code == code), "") or ""
    (text,), shown = measure([value], unit)
    if m.lang != "zh":
        shown = MONEY_EN.get(shown, shown)
    return f"{text}{'' if shown in {'%', ''} else ' '}{shown}"


def chapter(m: ReportModel) -> Section | None:
    """The illustrative-values appendix, or None when no value used is illustrative."""
    used = m.used
    if "status" not in used.columns or m.notice is None:
        return None
    ill = used[used["status"].astype(str) == m.illustrative_status]
    if ill.empty:
        return None
    zh = m.lang == "zh"
    sec = Section(t("illustrative", m.lang), key="illustrative")
    sec.blocks.append(Notice(m.notice))
    mine = ill[(ill["unit"].astype(str) == m.unit) & (ill["period"].astype(str) == m.period)]
    mine_by = dict(zip(mine["indicator"].astype(str), mine["value"], strict=True))
    rows = []
    for code, g in ill.groupby(ill["indicator"].astype(str)):
        periods = sorted(g["period"].astype(str).unique())
        rows.append(
            [
                m.nname(str(code)),
                str(len(g)),
                str(g["unit"].nunique()),
                f"{periods[0]}–{periods[-1]}",
                _value(m, str(code), mine_by.get(str(code))),
            ]
        )
    header = (
        ["指标", "示例数值个数", "单元数", "年份", f"{m.uname(m.unit)}{m.period}年数值"]
        if zh
        else ["Indicator", "Illustrative values", "Units", "Years", f"{m.uname(m.unit)} {m.period}"]
    )
    sec.blocks.append(
        Table("示例数值（按指标）" if zh else "Illustrative values by indicator", header, rows)
    )
    return sec
