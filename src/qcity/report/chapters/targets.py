"""Chapter 3, the targets: how many are reached, and one row per indicator or composite
with a target — its value, the target as the framework states it (a band as a band,
"5–7%"; "no worse than last year" as such), the goal year, attainment, gap closed, the
progress class and the warning light, the most severe first."""

from __future__ import annotations

from typing import Any

from qcity.report.model import Paragraph, Section, Table
from qcity.report.text import (
    LIGHT,
    MONEY_EN,
    SCORE_UNITS,
    SEVERITY,
    cell,
    measure,
    percent,
    pick,
    t,
    year,
)
from qcity.service.report_model import ReportModel, bilingual, progress_classes


def texts(m: ReportModel, code: str, value: Any, target: Any, unit: str) -> list[str]:
    """The value and the target as the framework states it (a band as a band, a rank as
    a rank), each with its unit, written alike (one money scale for both; scores with one
    decimal)."""
    spec = m.target_spec(code)
    kind = spec.kind if spec is not None else "level"
    band = list(spec.band) if kind == "band" and spec is not None and spec.band else []
    if unit in SCORE_UNITS:
        out, shown = [cell(v) for v in (value, target)], unit
    else:
        out, shown = measure([value, target], unit)
    if m.lang != "zh":
        shown = MONEY_EN.get(shown, shown)
    sep = "" if shown in {"%", ""} else " "
    now, goal = out[0], out[1]
    if band:  # the band as the framework states it ("5–7%")
        goal = "–".join(f"{float(v):g}" for v in band)
    done = [f"{now}{sep}{shown}" if now else "", f"{goal}{sep}{shown}" if goal else ""]
    zh = m.lang == "zh"
    if kind == "not_worse":
        done[1] = f"不低于上年（{done[1]}）" if zh else f"no worse than last year ({done[1]})"
    elif kind == "rank" and spec is not None and spec.value is not None:
        rank = int(spec.value)
        done[1] = f"前 {rank} 名水平（{done[1]}）" if zh else f"top {rank} level ({done[1]})"
    return done


def chapter(m: ReportModel) -> Section | None:
    """The targets section, or None without a monitoring table with targets."""
    if m.monitor is None:
        return None
    zh = m.lang == "zh"
    table = m.monitor.table[m.monitor.table["target"].notna()].copy()
    if table.empty:
        return None
    sec = Section(t("targets", m.lang), key="targets")
    done = int((table["attainment"] >= 1).sum())
    sec.blocks.append(
        Paragraph(
            f"{len(table)} 项设有目标的指标中，{done} 项已达到目标。"
            if zh
            else f"Of {len(table)} indicators with a target, {done} have reached it.",
            narrative=True,
        )
    )
    header = (
        ["指标", "责任部门", "现值", "目标", "目标年", "实现程度(%)", "进度(%)", "进展", "预警"]
        if zh
        else ["Indicator", "Department", "Value", "Target", "Year", "Attainment (%)",
              "Gap closed (%)", "Progress", "Warning"]
    )  # fmt: skip
    table["_order"] = table["warning"].map(SEVERITY).fillna(3)
    table = table.sort_values("_order", kind="stable")
    classes = progress_classes()
    rows = []
    for r in table.to_dict("records"):
        code = str(r["indicator"])
        unit = bilingual(r["unit_of_measure"], m.lang)
        rows.append(
            [
                m.nname(code),
                bilingual(r["department"], m.lang) or t("composites", m.lang),
                *texts(m, code, r["value"], r["target"], unit),
                year(r["target_year"]),
                percent(r["attainment"]),
                percent(r["gap_closed"]),
                pick(classes.get(str(r["progress_class"]), ("", "")), m.lang),
                pick(LIGHT.get(str(r["warning"]), ("", "")), m.lang),
            ]
        )
    sec.blocks.append(
        Table("目标实现情况表" if zh else "Targets: attainment and progress", header, rows)
    )
    return sec
