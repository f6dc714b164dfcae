"""Chapter 6, the towns and streets under the unit, evaluated together: who scores
highest, their index and dimension scores, and a chart."""

from __future__ import annotations

from qcity.report import charts
from qcity.report.model import Chart, Paragraph, Section, Table
from qcity.report.text import cell, t
from qcity.service.report_model import ReportModel


def chapter(m: ReportModel) -> Section | None:
    """The towns section, or None without towns' data."""
    if m.towns is None:
        return None
    zh = m.lang == "zh"
    s = m.towns
    root = m.framework.root.code
    wide = s.pivot(index="unit", columns="node", values="score")
    ranks = s[s["node"] == root].set_index("unit")["rank"]
    wide = wide.sort_values(root, ascending=False)
    dims = [d.code for d in m.dimensions() if d.code in wide.columns]
    header = (["镇（街道）", "综合指数", "排名"] if zh else ["Town / street", "Index", "Rank"]) + [
        m.nname(d) for d in dims
    ]
    rows = [
        [
            m.uname(str(u)),
            cell(wide.loc[u, root]),
            cell(ranks.get(u), 0),
            *[cell(wide.loc[u, d]) for d in dims],
        ]
        for u in wide.index
    ]
    sec = Section(t("towns", m.lang), key="towns")
    best = str(wide.index[0])
    top = float(wide[root].iloc[0])
    sec.blocks.append(
        Paragraph(
            f"{len(wide)} 个镇（街道）中，{m.uname(best)}综合指数最高（{top:.1f} 分）。"
            if zh
            else f"Of {len(wide)} towns and streets, {m.uname(best)} scores highest ({top:.1f}).",
            narrative=True,
        )
    )
    sec.blocks.append(
        Table("镇（街道）得分" if zh else "Scores of the towns and streets", header, rows)
    )
    sec.blocks.append(
        Chart(
            "镇（街道）综合指数" if zh else "Index of the towns and streets",
            charts.bar_chart(
                [m.uname(str(u)) for u in wide.index],
                [float(v) for v in wide[root]],
                None,
                t("score", m.lang),
            ),
        )
    )
    return sec
