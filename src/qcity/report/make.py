"""Make the report from the database: the use case ``qcity.service.report_model``
evaluates the unit with its peers (or re-runs a stored run), stores the run and hands the
view-ready model here; this module builds the report and writes it as docx, html or pdf.
The interface's only rule is the format."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from qcity.report.build import build_report
from qcity.report.model import Report
from qcity.service.report_model import (
    Framework,
    Made,
    ReportError,
    ReportModel,
    write_atomic,
)
from qcity.service.report_model import (
    make_report as _make,
)
from qcity.service.robustness import SAMPLES

FORMATS = ("docx", "html", "pdf")

__all__ = ["FORMATS", "Made", "ReportError", "make_report", "render", "write"]


def make_report(
    url: str | None,
    fw: Framework,
    framework_text: str | None,
    unit: str,
    year: str,
    fmt: str,
    out: Path,
    group: str | None = None,
    lang: str = "zh",
    run_id: int | None = None,
    samples: int = SAMPLES,
    created_by: str = "qcity report",
    office: str | None = None,
    issued: date | None = None,
) -> Made[Report]:
    """Evaluate (or re-run run ``run_id``), build the report and write it to ``out``."""
    if fmt not in FORMATS:
        raise ReportError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if lang not in {"zh", "en"}:
        raise ReportError(f"--lang {lang!r}: choose zh or en")
    if fmt == "pdf":  # a missing browser stops here, before a run is stored
        from qcity.report.pdf import chromium

        chromium()

    def draw(model: ReportModel, tmp: Path) -> Report:
        report = build_report(model)
        _write(report, fmt, tmp)
        return report

    return _make(
        url=url, framework=fw, framework_text=framework_text, unit=unit, year=str(year),
        out=out, render=draw, lang=lang, group=group, run_id=run_id, samples=samples,
        created_by=created_by, office=office, issued=issued,
    )  # fmt: skip


def render(model: ReportModel, fmt: str, out: Path) -> Report:
    """Build the report of ``model`` and write it to ``out`` as ``fmt``, whole or not at
    all."""
    report = build_report(model)
    write(report, fmt, out)
    return report


def write(report: Report, fmt: str, out: Path) -> None:
    """Write ``report`` to ``out`` as ``fmt`` (docx, html or pdf), whole or not at all."""
    write_atomic(out, lambda tmp: _write(report, fmt, tmp))


def _write(report: Report, fmt: str, out: Path) -> None:
    if fmt == "docx":
        from qcity.report.docx import write_docx

        write_docx(report, out)
        return
    from qcity.report.html import to_html

    html = to_html(report)
    if fmt == "html":
        out.write_text(html, encoding="utf-8")
        return
    from qcity.report.pdf import html_to_pdf

    html_to_pdf(html, out)
