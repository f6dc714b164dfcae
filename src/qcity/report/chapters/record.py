"""Appendix D, the run record: which stored run the report comes from (stored by it, or
taken with ``--run``), the data vintage in local time, the configuration and data hashes
and the framework, so that the report can be regenerated identically."""

from __future__ import annotations

from qcity.report.model import Paragraph, Section, Table
from qcity.report.text import t
from qcity.service.report_model import ReportModel, local_time


def chapter(m: ReportModel) -> Section:
    """The run-record appendix."""
    zh = m.lang == "zh"
    r = m.run
    how = (
        ("本报告生成时将评价结果保存为运行 " if zh else "Stored by this report as run ")
        if r.kept
        else ("本报告取自已保存的运行 " if zh else "Taken from the stored run ")
    ) + str(r.run_id)
    sec = Section(t("record", m.lang), key="record")
    sec.blocks.append(Paragraph(how + ("。" if zh else ".")))
    fw = m.framework
    vintage = local_time(r.data_vintage, m.timezone)
    if zh:
        rows = [
            ["运行编号", str(r.run_id)],
            ["数据版本（当地时间）", vintage],
            ["配置哈希", r.config_sha256],
            ["数据哈希", r.data_sha256],
            ["评价体系", f"《{fw.name_zh}》{r.framework_version} 版"],
            ["重新生成", f"以运行编号 {r.run_id} 重新生成本报告，数据未变时内容相同"],
        ]
    else:
        rows = [
            ["run id", str(r.run_id)],
            [f"data vintage ({m.timezone})", vintage],
            ["config sha256", r.config_sha256],
            ["data sha256", r.data_sha256],
            ["framework", f"{fw.code} {r.framework_version}"],
            [
                "regenerate",
                f"qcity report --unit {m.unit} --year {m.period} --run {r.run_id}",
            ],
        ]
    sec.blocks.append(
        Table("运行记录" if zh else "Run record", ["项目", "值"] if zh else ["Item", "Value"], rows)
    )
    return sec
