"""Chapter 5, the peers and the path into the first tier: ranks, scores and gaps at every
composite (``qcity compare``), the peers' index as a chart, and the unit's place in the
first tier or the path into it (``qcity path``)."""

from __future__ import annotations

from qcity.report import charts
from qcity.report.model import Chart, Paragraph, Section, Table
from qcity.report.text import cell, f1, t
from qcity.service.report_model import ReportModel


def chapter(m: ReportModel) -> Section | None:
    """The peers section, or None with fewer than two units."""
    if m.peers is None or m.plan is None:
        return None
    zh = m.lang == "zh"
    k = m.k
    sec = Section(t("peers", m.lang), key="peers")
    header = (
        ["指标", "排名", "得分", "最高", "中位数", f"第{k}名", "与第一方阵差距"]
        if zh
        else ["Node", "Rank", "Score", "Leader", "Median", f"No. {k}", "Gap to the first tier"]
    )
    table = m.peers
    rows = [
        [
            ("\u3000" * int(r["depth"])) + m.nname(str(r["node"])),
            f"{r['rank']}/{r['n']}",
            cell(r["score"]),
            cell(r["leader"]),
            cell(r["median"]),
            cell(r["threshold"]),
            cell(r["gap_to_threshold"]),
        ]
        for r in table[table["kind"] != "indicator"].to_dict("records")
    ]
    sec.blocks.append(Table("对标得分与差距" if zh else "Ranks and gaps", header, rows))
    root = m.framework.root.code
    now = m.scores[(m.scores["node"] == root) & (m.scores["period"] == m.period)]
    now = now.dropna(subset=["score"]).sort_values("score", ascending=False)
    idx = list(now["unit"]).index(m.unit)
    sec.blocks.append(
        Chart(
            f"{m.period}年对标城市综合指数" if zh else f"Index of the peers, {m.period}",
            charts.bar_chart(
                [m.uname(u) for u in now["unit"]],
                [float(v) for v in now["score"]],
                idx,
                t("score", m.lang),
            ),
        )
    )
    plan = m.plan
    name = m.uname(m.unit)
    if plan.rank_before <= k:
        text = (
            f"{name}已位列第一方阵（第 {plan.rank_before} 位，前 {k} 名）。"
            if zh
            else f"{name} is already in the first tier (rank {plan.rank_before}, top {k})."
        )
        sec.blocks.append(Paragraph(text, narrative=True))
        return sec
    gap = plan.threshold_before - plan.score_before
    text = (
        f"进入前 {k} 名需提高 {f1(gap)} 分；按下表路径可达到第 {plan.rank_after} 位。"
        if zh
        else f"Entering the top {k} needs {f1(gap)} more points; the path below reaches "
        f"rank {plan.rank_after}."
    )
    sec.blocks.append(Paragraph(text, narrative=True))
    if len(plan.table):
        h = (
            ["指标", "现值", "目标值", "指数增量"]
            if zh
            else ["Indicator", "Now", "Target", "Index points"]
        )
        sec.blocks.append(
            Table(
                "进入第一方阵路径" if zh else "Path into the first tier",
                h,
                [
                    [
                        m.nname(str(r["indicator"])),
                        cell(r["value_from"], 2),
                        cell(r["value_to"], 2),
                        cell(r["index_points"], 2),
                    ]
                    for r in plan.table.to_dict("records")
                ],
            )
        )
    return sec
