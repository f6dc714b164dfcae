"""Chapter 1, the summary: the index, its rank among the peers and the change since last
year, what 100 means, the indicators that lifted and held back the index most (from the
attribution of the change) and a table of the dimensions."""

from __future__ import annotations

import math

from qcity.report.model import Paragraph, Section, Table
from qcity.report.text import cell, f1, t
from qcity.service.report_model import ReportModel


def chapter(m: ReportModel) -> Section:
    """The summary section."""
    zh = m.lang == "zh"
    root = m.framework.root.code
    sec = Section(t("summary", m.lang), key="summary")
    score, rank, n = m.score(root, m.period)
    name = m.uname(m.unit)
    if zh:
        text = f"{m.period}年{name}高质量发展综合指数为 {score:.1f} 分，在 {n} 个对标城市中排第 {rank} 位"  # noqa: E501
    else:
        text = f"In {m.period} {name}'s index is {score:.1f}, rank {rank} of {n} peers"
    if m.previous is not None:
        before, rank0, _ = m.score(root, m.previous)
        if not math.isnan(before):
            d = score - before
            if zh:
                text += f"，较上年{'提高' if d >= 0 else '下降'} {f1(d)} 分（上年 {before:.1f} 分、第 {rank0} 位）"  # noqa: E501
            else:
                text += f", {'up' if d >= 0 else 'down'} {f1(d)} points on {m.previous} ({before:.1f}, rank {rank0})"  # noqa: E501
    s = m.scores
    median = s.loc[(s["node"] == root) & (s["period"] == m.period), "score"].median()
    if not math.isnan(float(median)):
        text += (
            f"；对标城市中位数为 {float(median):.1f} 分"
            if zh
            else f"; the peers' median is {float(median):.1f}"
        )
    sec.blocks.append(Paragraph(text + ("。" if zh else "."), narrative=True))
    if m.scale is not None:
        sec.blocks.append(Paragraph(m.scale.text(m.lang), narrative=False))
    if m.attribution is not None:
        rows = m.attribution[m.attribution["node"] == root].dropna(subset=["contribution"])
        rows = rows.sort_values("contribution")
        # contributions that round to 0.0 are neither gains nor shortfalls
        gains = rows[rows["contribution"] >= 0.05].iloc[::-1].head(3)
        losses = rows[rows["contribution"] <= -0.05].head(3)
        for frame, label_zh, label_en in (
            (gains, "拉动最大的三项指标", "The three biggest gains"),
            (losses, "拖累最大的三项指标", "The three biggest shortfalls"),
        ):
            if frame.empty:
                continue
            items = []
            for code, c in zip(frame["indicator"], frame["contribution"], strict=True):
                sign = "+" if float(c) > 0 else "-"
                item = m.nname(str(code))
                items.append(
                    f"{item}（{sign}{f1(float(c))} 分）"
                    if zh
                    else f"{item} ({sign}{f1(float(c))} points)"
                )
            sec.blocks.append(
                Paragraph(
                    (f"{label_zh}：" + "、".join(items) + "。")
                    if zh
                    else f"{label_en}: " + "; ".join(items) + ".",
                    narrative=True,
                )
            )
    header = ["维度", "得分", "排名", "较上年"] if zh else ["Dimension", "Score", "Rank", "Change"]
    rows_out = []
    for node in [m.framework.root, *m.dimensions()]:
        sc, r, k = m.score(node.code, m.period)
        change = ""
        if m.previous is not None:
            b, _, _ = m.score(node.code, m.previous)
            change = cell(sc - b) if not (math.isnan(sc) or math.isnan(b)) else ""
        rows_out.append([m.nname(node.code), cell(sc), f"{r}/{k}" if r else "", change])
    sec.blocks.append(Table("总体得分" if zh else "Scores", header, rows_out))
    return sec
