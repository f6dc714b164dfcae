"""Chapter 7, how stable the rank is: the unit's rank and 90 % band over the Monte Carlo
samples of the method choices (``qcity.service.robustness``), every unit's band as a
table and a chart."""

from __future__ import annotations

from qcity.report import charts
from qcity.report.model import Chart, Paragraph, Section, Table
from qcity.report.text import cell, t
from qcity.service.report_model import ReportModel


def chapter(m: ReportModel) -> Section | None:
    """The stability section, or None without rank bands."""
    if m.bands is None:
        return None
    zh = m.lang == "zh"
    stats = m.bands
    sec = Section(t("stability", m.lang), key="stability")
    name = m.uname(m.unit)
    b = m.band
    if b is not None:
        sec.blocks.append(
            Paragraph(
                f"在 {m.samples} 次蒙特卡洛抽样（权重、缺失值处理等方法选择的合理变动）中，"
                f"{name}排名为第 {b.nominal} 位，90% 区间为第 {b.low}–{b.high} 位。"
                if zh
                else f"Over {m.samples} Monte Carlo samples of the method choices, {name} "
                f"ranks {b.nominal}, with a 90% band of {b.low}-{b.high}.",
                narrative=True,
            )
        )
    header = ["城市", "排名", "平均", "5%", "95%"] if zh else ["Unit", "Rank", "Mean", "5%", "95%"]
    sec.blocks.append(
        Table(
            "排名区间" if zh else "Rank bands",
            header,
            [
                [
                    m.uname(str(r["unit"])),
                    cell(r["nominal"], 0),
                    cell(r["mean"], 2),
                    cell(r["q05"], 0),
                    cell(r["q95"], 0),
                ]
                for r in stats.to_dict("records")
            ],
        )
    )
    units = list(stats["unit"].astype(str))
    sec.blocks.append(
        Chart(
            "排名及其 5%–95% 区间" if zh else "Rank and its 5-95% band",
            charts.band_chart(
                [m.uname(u) for u in units],
                [float(v) for v in stats["nominal"]],
                [float(v) for v in stats["q05"]],
                [float(v) for v in stats["q95"]],
                units.index(m.unit) if m.unit in units else None,
                "排名" if zh else "rank",
            ),
        )
    )
    return sec
