"""Chapter 4, early warnings by department: the counts of red and yellow warnings, then
one table per department, the departments with the most red warnings first (then the
most yellow), each table red first."""

from __future__ import annotations

import pandas as pd

from qcity.report.model import Paragraph, Section, Table
from qcity.report.text import LIGHT, SEVERITY, pick, t
from qcity.service.report_model import ReportModel, bilingual


def by_severity(warnings: pd.DataFrame, lang: str) -> list[tuple[str, pd.DataFrame]]:
    """The warnings grouped by department (composites under one heading), the most severe
    department first: most red, then most yellow, then by name; red rows first."""
    w = warnings.copy()
    w["_dept"] = [bilingual(d, lang) or t("composites", lang) for d in w["department"]]
    w["_order"] = w["warning"].map(SEVERITY).fillna(3)
    groups = []
    for dept, rows in w.groupby("_dept", sort=False):
        red = int((rows["warning"] == "red").sum())
        yellow = int((rows["warning"] == "yellow").sum())
        groups.append(((-red, -yellow, str(dept)), str(dept), rows.sort_values("_order")))
    return [(dept, rows) for _, dept, rows in sorted(groups, key=lambda g: g[0])]


def chapter(m: ReportModel) -> Section | None:
    """The warnings section, or None without warnings."""
    if m.monitor is None or m.monitor.warnings.empty:
        return None
    zh = m.lang == "zh"
    sec = Section(t("warnings", m.lang), key="warnings")
    w = m.monitor.warnings
    red = int((w["warning"] == "red").sum())
    yellow = int((w["warning"] == "yellow").sum())
    sec.blocks.append(
        Paragraph(
            f"共 {red} 项红色预警、{yellow} 项黄色预警。"
            if zh
            else f"{red} red and {yellow} yellow warnings.",
            narrative=True,
        )
    )
    msg = "message_zh" if zh else "message_en"
    header = ["预警", "指标", "说明"] if zh else ["Warning", "Indicator", "Message"]
    for dept, rows in by_severity(w, m.lang):
        sec.blocks.append(
            Table(
                dept,
                header,
                [
                    [
                        pick(LIGHT.get(str(r["warning"]), ("", "")), m.lang),
                        m.nname(str(r["indicator"])),
                        str(r[msg]),
                    ]
                    for r in rows.to_dict("records")
                ],
            )
        )
    return sec
