"""The report as a Word document an office can edit: real Heading 1/2 styles, a table of
contents field (Word fills it on opening, or with F9), tables in the "Table Grid" style
and the charts as pictures."""

from __future__ import annotations

import io
from pathlib import Path

from qcity.report.model import Chart, Notice, Paragraph, Report, Table

FONT_ZH = "Noto Sans CJK SC"


def _toc(document: object, lang: str) -> None:
    """A TOC field over heading levels 1-2 (Word updates it when the file opens)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    para = document.add_paragraph()  # type: ignore[attr-defined]
    run = para.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-2" \\h \\z \\u'
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = (
        "（打开文件时更新目录，或按 F9）" if lang == "zh" else "(update the table of contents: F9)"
    )
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, sep, text, end):
        run._r.append(el)


def write_docx(report: Report, path: Path) -> None:
    """Write ``report`` to ``path`` as .docx."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        style = doc.styles[name]
        style.font.name = FONT_ZH
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), FONT_ZH)
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(report.title, level=0)
    for line in report.subtitle:
        p = doc.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.notice:
        _notice(doc, report.notice, RGBColor)
    doc.add_paragraph("目录" if report.lang == "zh" else "Contents", style="TOC Heading")
    _toc(doc, report.lang)
    doc.add_page_break()
    for sec in report.sections:
        doc.add_heading(sec.title, level=sec.level)
        for block in sec.blocks:
            if isinstance(block, Paragraph):
                doc.add_paragraph(block.text)
            elif isinstance(block, Notice):
                _notice(doc, block.text, RGBColor)
            elif isinstance(block, Table):
                doc.add_paragraph(block.caption, style="Caption")
                table = doc.add_table(rows=1, cols=len(block.columns))
                table.style = doc.styles["Table Grid"]
                for cell, text in zip(table.rows[0].cells, block.columns, strict=True):
                    cell.text = text
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
                for row in block.rows:
                    cells = table.add_row().cells
                    for cell, text in zip(cells, row, strict=True):
                        cell.text = text
            elif isinstance(block, Chart):
                doc.add_picture(io.BytesIO(block.png), width=Cm(15))
                doc.add_paragraph(block.caption, style="Caption")
    doc.save(str(path))


def _notice(doc: object, text: str, rgb: type) -> None:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    run = p.add_run(text.strip())
    run.bold = True
    run.font.color.rgb = rgb(0xA0, 0x40, 0x00)
