"""Appendix B, the data sources: the official publications the values come from (title,
issuer, year) and how many values each gave, then the press, then the values read from
other web material and the generated (illustrative) ones as counts. Web addresses are not
cited: a figure is cited by the publication that issued it (``qcity.service.sources``)."""

from __future__ import annotations

from qcity.report.model import Paragraph, Section, Table
from qcity.report.text import t
from qcity.service.notice import label
from qcity.service.report_model import ReportModel

HEADERS = {
    "official": (
        ["出版物", "发布机关", "年份", "数值个数"],
        ["Publication", "Issuer", "Year", "Values"],
    ),
    "press": (["报刊", "年份", "数值个数"], ["Paper", "Year", "Values"]),
}
REST = {
    "other": ("其他网络资料（百科、转载等，非官方出版物，仅作参照）",
              "other web material (encyclopedias, reprints; not official publications)"),
    "none": ("未注明来源", "no source given"),
}  # fmt: skip


def chapter(m: ReportModel) -> Section | None:
    """The sources appendix, or None when the data carry no source column."""
    if not m.citations:
        return None
    zh = m.lang == "zh"
    i = 0 if zh else 1
    sec = Section(t("sources", m.lang), key="sources")
    for kind, (caption_zh, caption_en) in (
        ("official", ("引用的官方出版物", "Official publications cited")),
        ("press", ("引用的新闻报道", "Press reports cited")),
    ):
        cited = [(c, n) for c, n in m.citations if c.kind == kind]
        if not cited:
            continue
        cited.sort(key=lambda cn: (cn[0].issuer, cn[0].year or 0, cn[0].title))
        header = HEADERS[kind][i]
        if kind == "official":
            rows = [[f"《{c.title}》", c.issuer, str(c.year or ""), str(n)] for c, n in cited]
        else:  # a paper once, with the years of its reports
            papers: dict[str, tuple[set[int], int]] = {}
            for c, n in cited:
                years, count = papers.get(c.title, (set(), 0))
                papers[c.title] = (years | ({c.year} if c.year else set()), count + n)
            rows = [
                [f"《{p}》" if zh else p, "、".join(str(y) for y in sorted(ys)), str(n)]
                for p, (ys, n) in sorted(papers.items())
            ]
        sec.blocks.append(Table(caption_zh if zh else caption_en, header, rows))
    rest: dict[str, int] = {}
    for c, n in m.citations:
        if c.kind in {*REST, "generated"}:
            rest[c.kind] = rest.get(c.kind, 0) + n
    if rest:
        sec.blocks.append(
            Table(
                "其他数值" if zh else "Other values",
                ["来源", "数值个数"] if zh else ["Source", "Values"],
                [
                    [label(m.lang) if k == "generated" else REST[k][i], str(v)]
                    for k, v in rest.items()
                ],
            )
        )
    sec.blocks.append(
        Paragraph(
            "统计公报按惯例于所述年度的次年发布；政府工作报告的年份为报告发布年份。"
            if zh
            else "A statistical bulletin appears in the year after the year it covers; a "
            "government work report's year is the year it was delivered."
        )
    )
    return sec
