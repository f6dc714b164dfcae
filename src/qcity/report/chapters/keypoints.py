"""The key findings (要点) on a page of their own, for a reader with one minute: the score
and rank with last year's, the distance to the first tier (or the lead over the next
unit), the targets at risk with their departments, the 90 % rank band and what 100
means. Every number comes from the model; the chapters give the detail."""

from __future__ import annotations

import math

from qcity.report.model import Paragraph, Section
from qcity.report.text import SEVERITY, f1, t
from qcity.service.report_model import ReportModel, bilingual

AT_RISK = {"acceleration_needed", "limited_progress", "deterioration"}


def chapter(m: ReportModel) -> Section:
    """The key-findings section (one page)."""
    sec = Section(t("keypoints", m.lang), key="keypoints", page=True)
    for text in (_standing(m), _tier(m), _risks(m), _band(m)):
        if text:
            sec.blocks.append(Paragraph(text, narrative=True))
    if m.scale is not None:
        sec.blocks.append(Paragraph(m.scale.text(m.lang)))
    if m.label:
        sec.blocks.append(Paragraph(m.notice or m.label))
    return sec


def _standing(m: ReportModel) -> str:
    root = m.framework.root.code
    score, rank, n = m.score(root, m.period)
    zh = m.lang == "zh"
    text = (
        f"综合指数 {score:.1f} 分，在 {n} 个对标城市中排第 {rank} 位"
        if zh
        else f"Index {score:.1f}, rank {rank} of {n} peers"
    )
    if m.previous is not None:
        before, rank0, _ = m.score(root, m.previous)
        if not math.isnan(before):
            text += (
                f"（上年 {before:.1f} 分、第 {rank0} 位）"
                if zh
                else f" ({m.previous}: {before:.1f}, rank {rank0})"
            )
    return text + ("。" if zh else ".")


def _tier(m: ReportModel) -> str:
    """The gap to the first tier (the top ``k``), or, inside it, the lead over the unit
    just below and the distance to the one just above."""
    root = m.framework.root.code
    s = m.scores[(m.scores["node"] == root) & (m.scores["period"] == m.period)]
    s = s.dropna(subset=["score"]).sort_values("score", ascending=False)
    order = list(s["unit"])
    if m.unit not in order or len(order) < 2:
        return ""
    at = order.index(m.unit)
    score = float(s["score"].iloc[at])
    zh = m.lang == "zh"
    parts = []
    if at >= m.k:
        gap = float(s["score"].iloc[m.k - 1]) - score
        parts.append(
            f"距第一方阵（前 {m.k} 名）第 {m.k} 名差 {f1(gap)} 分"
            if zh
            else f"{f1(gap)} points short of the first tier (rank {m.k})"
        )
    else:
        parts.append(f"位列第一方阵（前 {m.k} 名）" if zh else f"in the first tier (top {m.k})")
    if at > 0:
        up = float(s["score"].iloc[at - 1]) - score
        parts.append(f"落后第 {at} 名 {f1(up)} 分" if zh else f"{f1(up)} points behind rank {at}")
    if at + 1 < len(order):
        down = score - float(s["score"].iloc[at + 1])
        parts.append(
            f"领先第 {at + 2} 名 {f1(down)} 分"
            if zh
            else f"{f1(down)} points ahead of rank {at + 2}"
        )
    return ("，".join(parts) + "。") if zh else ("; ".join(parts) + ".").capitalize()


def _risks(m: ReportModel) -> str:
    """The targets at risk (behind their path: a red or yellow light on a target, or a
    progress class short of on track), grouped by department, red first."""
    if m.monitor is None:
        return ""
    tab = m.monitor.table
    tab = tab[tab["target"].notna()]
    risky = tab[(tab["warning"] == "red") | tab["progress_class"].isin(AT_RISK)].copy()
    zh = m.lang == "zh"
    if risky.empty:
        return "设有目标的指标均进展顺利。" if zh else "Every target is on track."
    risky["_order"] = risky["warning"].map(SEVERITY).fillna(3)
    risky["_dept"] = [bilingual(d, m.lang) or t("composites", m.lang) for d in risky["department"]]
    red = int((risky["warning"] == "red").sum())
    groups: dict[str, list[str]] = {}
    for r in risky.sort_values("_order", kind="stable").to_dict("records"):
        light = {"red": "红灯", "yellow": "黄灯"} if zh else {"red": "red", "yellow": "yellow"}
        tag = light.get(str(r["warning"]))
        name = m.nname(str(r["indicator"]))
        groups.setdefault(str(r["_dept"]), []).append(
            (f"{name}（{tag}）" if zh else f"{name} ({tag})") if tag else name
        )
    if zh:
        items = "；".join(f"{d}：{'、'.join(v)}" for d, v in groups.items())
        return f"{len(risky)} 项目标进度滞后（其中 {red} 项红灯）——{items}。"
    items = "; ".join(f"{d}: {', '.join(v)}" for d, v in groups.items())
    return f"{len(risky)} targets behind their path ({red} red) — {items}."


def _band(m: ReportModel) -> str:
    """The unit's 90 % rank band over the Monte Carlo samples."""
    b = m.band
    if b is None:
        return ""
    if m.lang == "zh":
        return (
            f"排名稳健性：在 {b.samples} 次方法选择的合理变动中，"
            f"90% 情形下排第 {b.low}–{b.high} 位。"
        )
    return (
        f"Rank stability: over {b.samples} samples of the method choices, 90% of ranks "
        f"fall in {b.low}–{b.high}."
    )
