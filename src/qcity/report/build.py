"""Build the annual self-evaluation report (年度自我评价报告) from the view-ready model of
``qcity.service.report_model``: the cover, then each chapter of ``qcity.report.chapters``
in order. Every number comes from the model, every narrative is a template filled with
those numbers, and a chapter whose data do not exist is left out, never faked."""

from __future__ import annotations

from qcity.report.chapters import CHAPTERS
from qcity.report.model import Report, Section
from qcity.report.text import t
from qcity.service.report_model import ReportModel


def build_report(m: ReportModel) -> Report:
    """The report of the model ``m``: cover facts and the chapters' sections."""
    zh = m.lang == "zh"
    fw = m.framework
    subtitle = [
        f"评价体系：《{fw.name_zh}》（{fw.version} 版）"
        if zh
        else f"Framework: {fw.name_en} (version {fw.version})",
        f"运行编号 {m.run.run_id}" if zh else f"Run {m.run.run_id}",
    ]
    issued = m.issued
    report = Report(
        t("title", m.lang).format(unit=m.uname(m.unit), year=m.period),
        subtitle,
        m.lang,
        notice=m.notice,
        office=m.office,
        date=f"{issued.year}年{issued.month}月{issued.day}日" if zh else f"{issued:%-d %B %Y}",
        label=m.label,
        page=t("page", m.lang),
        contents=t("contents", m.lang),
    )
    for chapter in CHAPTERS:
        made = chapter(m)
        if made is None:
            continue
        report.sections.extend(made if isinstance(made, list) else [made])
    return report


__all__ = ["Section", "build_report"]
