"""Appendix B, the data sources: the official publications the values come from (title,
issuer, year) and how many values each gave, then the press, then the values read from
other web material and the generated (illustrative) ones as counts. Web addresses are not
cited: a figure is cited by the publication that issued it (``qcity.service.sources``)."""

from __future__ import annotations

from qcity.report.model import Paragraph, Section, Table
from qcity.report.text import t
from qcity.service.report_model import ReportModel

KIND = {
    "official": ("官方出版物", "official publication"),
    "press": ("新闻报道", "press"),
}
REST = {
    "other": ("其他网络资料（百科、转载等，非官方出版物，仅作参照）",
              "other web material (encyclopedias, reprints; not official publications)"),
    "generated": ("示例（生成）数值，非官方统计", "illustrative (generated) values, not official"),
    "none": ("未注明来源", "no source given"),
}  # fmt: skip


def chapter(m: ReportModel) -> Section | None:
    """The sources appendix, or None when the data carry no source column."""
    if not m.citations:
        return None
    zh = m.lang == "zh"
    i = 0 if zh else 1
    sec = Section(t("sources", m.lang), key="sources")
    cited = [(c, n) for c, n in m.citations if c.kind in KIND]
    cited.sort(key=lambda cn: (cn[0].kind != "official", cn[0].issuer, cn[0].year or 0))
    if cited:
        sec.blocks.append(
            Table(
                "引用的出版物" if zh else "Publications cited",
                ["出版物", "发布机关", "年份", "类别", "数值个数"]
                if zh
                else ["Publication", "Issuer", "Year", "Kind", "Values"],
                [
                    [
                        f"《{c.title}》" if c.kind == "official" else c.title,
                        c.issuer,
                        str(c.year or ""),
                        KIND[c.kind][i],
                        str(n),
                    ]
                    for c, n in cited
                ],
            )
        )
    rest: dict[str, int] = {}
    for c, n in m.citations:
        if c.kind in REST:
            rest[c.kind] = rest.get(c.kind, 0) + n
    if rest:
        sec.blocks.append(
            Table(
                "其他数值" if zh else "Other values",
                ["来源", "数值个数"] if zh else ["Source", "Values"],
                [[REST[k][i], str(v)] for k, v in rest.items()],
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
