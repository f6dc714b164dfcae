"""Chapter 2, one section per dimension: a narrative of its score, rank and change (and
the indicator that moved it most), a chart of the unit's score over the years against the
peers' median, and the sub-dimensions' scores."""

from __future__ import annotations

import math

import numpy as np

from qcity.report import charts
from qcity.report.model import Chart, Paragraph, Section, Table
from qcity.report.text import cell, f1, t
from qcity.service.report_model import ReportModel


def chapter(m: ReportModel) -> list[Section]:
    """The chapter heading and one subsection per dimension with a score."""
    zh = m.lang == "zh"
    out = [Section(t("dimensions", m.lang), key="dimensions")]
    s = m.scores
    for dim in m.dimensions():
        score, rank, n = m.score(dim.code, m.period)
        if math.isnan(score):
            continue
        sec = Section(m.nname(dim.code), level=2, key=f"dim:{dim.code}")
        name = m.nname(dim.code)
        text = (
            f"{name}指数为 {score:.1f} 分，在 {n} 个对标城市中排第 {rank} 位"
            if zh
            else f"{name}: {score:.1f}, rank {rank} of {n}"
        )
        if m.previous is not None:
            before, _, _ = m.score(dim.code, m.previous)
            if not math.isnan(before):
                d = score - before
                text += (
                    f"，较上年{'提高' if d >= 0 else '下降'} {f1(d)} 分"
                    if zh
                    else f", {'up' if d >= 0 else 'down'} {f1(d)} points on {m.previous}"
                )
                text += _mainly(m, dim.code, d)
        sec.blocks.append(Paragraph(text + ("。" if zh else "."), narrative=True))
        rows_d = s[s["node"] == dim.code]
        mine = rows_d[rows_d["unit"] == m.unit].set_index("period")["score"]
        med = rows_d.groupby("period")["score"].median()
        periods = [p for p in m.periods if p in mine.index]
        sec.blocks.append(
            Chart(
                f"{name}得分与对标城市中位数" if zh else f"{name}: score and the peers' median",
                charts.trend_chart(
                    periods,
                    [float(mine[p]) for p in periods],
                    [float(med[p]) for p in periods],
                    m.uname(m.unit),
                    t("median", m.lang),
                    t("score", m.lang),
                ),
            )
        )
        header = (
            ["子维度", "得分", "排名", "较上年"]
            if zh
            else ["Sub-dimension", "Score", "Rank", "Change"]
        )
        rows_out = []
        for child in getattr(dim, "children", []):
            cs, cr, cn = m.score(child.code, m.period)
            if math.isnan(cs):
                continue
            change = ""
            if m.previous is not None:
                b, _, _ = m.score(child.code, m.previous)
                change = cell(cs - b) if not math.isnan(b) else ""
            rows_out.append([m.nname(child.code), cell(cs), f"{cr}/{cn}", change])
        if rows_out:
            sec.blocks.append(
                Table(f"{name}分项得分" if zh else f"{name}: parts", header, rows_out)
            )
        out.append(sec)
    return out if len(out) > 1 else []


def _mainly(m: ReportModel, node: str, change: float) -> str:
    """ ", mainly from X (contribution c)": the indicator that moved ``node`` most."""
    if m.attribution is None:
        return ""
    rows = m.attribution[m.attribution["node"] == node].dropna(subset=["contribution"])
    if rows.empty:
        return ""
    contrib = rows["contribution"].to_numpy(dtype=float)
    top = rows.iloc[int(np.argmax(contrib) if change >= 0 else np.argmin(contrib))]
    c = float(top["contribution"])
    what = m.nname(str(top["indicator"]))
    sign = "" if c >= 0 else "-"
    if m.lang == "zh":
        return f"，主要来自{what}（贡献 {sign}{f1(c)} 分）"
    return f", mainly from {what} (contribution {sign}{f1(c)} points)"
