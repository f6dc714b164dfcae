"""The report as a Word document an office can edit: a cover (title, framework, issuing
office and date), a table of contents field (Word fills it on opening, or with F9), the
key findings on a page of their own, real Heading 1/2 styles, tables in the "Table Grid"
style, the charts as pictures, and on every page a footer with the illustrative-data
label and the page number (a PAGE field).

Typography follows government documents: body in a serif CJK face, headings in a heavier
sans face, with the Noto CJK fonts Debian ships (``fonts-noto-cjk``); Word substitutes
宋体/黑体 (SimSun/SimHei) where they are not installed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from qcity.report.model import Chart, Notice, Paragraph, Report, Table

SERIF, SANS = "Noto Serif CJK SC", "Noto Sans CJK SC"
#: The Windows fonts Word falls back to (recorded as the fonts' alternative names).
FALLBACK = {SERIF: "SimSun", SANS: "SimHei"}


def _field(run: Any, instruction: str, shown: str) -> None:
    """A Word field (``TOC ...``, ``PAGE``) in ``run``, marked dirty so Word updates it;
    ``shown`` is the field's cached result, the text a reader sees until Word updates it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = shown
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, sep, text, end):
        run._r.append(el)


def _font(style: Any, name: str) -> None:
    """Set ``style``'s Latin and East Asian font to ``name``."""
    from docx.oxml.ns import qn

    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        rfonts.set(qn(attr), name)


def write_docx(report: Report, path: Path) -> None:
    """Write ``report`` to ``path`` as .docx."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    faces = {"Normal": SERIF, "Caption": SANS, "Title": SANS, "Heading 1": SANS,
             "Heading 2": SANS, "TOC Heading": SANS}  # fmt: skip
    for name, face in faces.items():
        _font(doc.styles[name], face)
    for name in ("Heading 1", "Heading 2", "Title", "TOC Heading"):
        doc.styles[name].font.bold = True
        doc.styles[name].font.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)
    doc.styles["Normal"].font.size = Pt(12)
    page = doc.sections[0]  # A4, as government documents (GB/T 9704)
    page.page_width, page.page_height = Cm(21.0), Cm(29.7)
    page.top_margin, page.bottom_margin = Cm(3.7), Cm(3.5)
    page.left_margin, page.right_margin = Cm(2.8), Cm(2.6)
    _footer(doc, report)
    # the cover
    for _ in range(4):
        doc.add_paragraph()
    title = doc.add_heading(report.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in report.subtitle:
        p = doc.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for _ in range(6):
        doc.add_paragraph()
    for cover_line, size in ((report.office, 16), (report.date, 14)):
        if cover_line:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(cover_line)
            run.font.size = Pt(size)
            run.bold = True
    if report.notice:
        _notice(doc, report.notice, RGBColor)
    doc.add_page_break()
    doc.add_paragraph(report.contents, style="TOC Heading")
    _field(
        doc.add_paragraph().add_run(),
        'TOC \\o "1-2" \\h \\z \\u',
        "（打开文件时更新目录，或按 F9）"
        if report.lang == "zh"
        else "(update the table of contents: F9)",
    )
    doc.add_page_break()
    for i, sec in enumerate(report.sections):
        if i and report.sections[i - 1].page:
            doc.add_page_break()
        doc.add_heading(sec.title, level=sec.level)
        for block in sec.blocks:
            if isinstance(block, Paragraph):
                if sec.page:  # the key findings: one bullet each
                    doc.add_paragraph(block.text, style="List Bullet")
                else:
                    p = doc.add_paragraph(block.text)
                    p.paragraph_format.first_line_indent = Pt(24)
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


def _footer(doc: Any, report: Report) -> None:
    """Every page's footer: the illustrative-data label (when any) and the page number."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    footer = doc.sections[0].footer
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.label:
        run = p.add_run(report.label + "　　")
        run.font.size = Pt(9)
        run.font.color.rgb = RGBColor(0x8A, 0x3B, 0x00)
    before, after = report.page.split("{n}")
    p.add_run(before).font.size = Pt(9)
    number = p.add_run()
    number.font.size = Pt(9)
    _field(number, "PAGE", "1")
    p.add_run(after).font.size = Pt(9)


def _notice(doc: Any, text: str, rgb: type) -> None:
    p = doc.add_paragraph()
    run = p.add_run(text.strip())
    run.bold = True
    run.font.color.rgb = rgb(0x7A, 0x33, 0x00)
