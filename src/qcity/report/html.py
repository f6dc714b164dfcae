"""The report as one self-contained HTML file: CSS inline, charts inlined as PNG data
URIs, no external reference (it opens offline and prints to PDF as it is).

Typography follows government documents: a serif (宋体-like) body, heavier sans (黑体-like)
headings, with the Noto CJK fonts Debian ships (``fonts-noto-cjk``) and the usual Windows
and macOS fonts as fallbacks. Printed, every page's footer carries the illustrative-data
label and the page number (CSS ``@page`` margin boxes, which Chromium prints); on a phone
the text reflows and wide tables scroll inside their own box."""

from __future__ import annotations

import base64
import re
from html import escape

from qcity.report.model import Chart, Notice, Paragraph, Report, Table

SERIF = '"Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC", serif'
SANS = '"Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "Heiti SC", sans-serif'

CSS = """
* { box-sizing: border-box; }
body { font-family: SERIF; font-size: 12pt; line-height: 1.75; color: #1a1a1a;
  max-width: 180mm; margin: 0 auto; padding: 0 12px; overflow-wrap: break-word; }
h1, h2, h3, caption, th, .office { font-family: SANS; font-weight: 700; }
h1 { font-size: 22pt; line-height: 1.4; text-align: center; margin: 0.6em 0 0.4em; }
h2 { font-size: 16pt; border-bottom: 2px solid #1f3b5c; padding-bottom: 2px;
  margin-top: 1.4em; break-after: avoid; }
h3 { font-size: 13.5pt; margin-top: 1.1em; break-after: avoid; }
p { margin: 0.5em 0; text-indent: 2em; }
p.plain, .cover p { text-indent: 0; }
.cover { text-align: center; padding-top: 30mm; }
.cover .subtitle { color: #444; margin: 0.2em 0; font-size: 11pt; }
.cover .office { font-size: 15pt; margin-top: 30mm; }
.cover .date { font-size: 13pt; }
.page { break-before: page; }
.after { break-after: page; }
.keypoints p { text-indent: 0; padding-left: 1.2em; position: relative; margin: 0.7em 0; }
.keypoints p::before { content: "■"; position: absolute; left: 0; color: #1f3b5c;
  font-size: 0.7em; top: 0.35em; }
.notice { border: 2px solid #b35900; background: #fdf2e9; padding: 6px 10px;
  white-space: pre-wrap; font-weight: bold; color: #7a3300; margin: 1em 0; }
.scroll { overflow-x: auto; max-width: 100%; margin: 0.5em 0 1em; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; line-height: 1.45;
  break-inside: auto; }
caption { text-align: left; margin-bottom: 3px; font-size: 10.5pt; }
th, td { border: 1px solid #999; padding: 2px 5px; vertical-align: top; }
th { background: #eef1f5; font-size: 9.5pt; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.qty { white-space: nowrap; }
tr { break-inside: avoid; }
table.short { break-inside: avoid; }
thead { display: table-header-group; }
figure { margin: 0.5em 0 1em; text-align: center; break-inside: avoid; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: 10pt; color: #333; }
nav ol { margin: 0.2em 0; list-style: none; padding-left: 1em; }  /* titles are numbered */
@media screen and (max-width: 600px) {
  body { font-size: 15px; padding: 0 10px; }
  h1 { font-size: 21px; } h2 { font-size: 18px; } h3 { font-size: 16px; }
  .cover { padding-top: 12px; } .cover .office { margin-top: 24px; }
  table { width: auto; min-width: 100%; font-size: 13px; }
  td, th { white-space: nowrap; }
}
@media print { .scroll { overflow: visible; } }
""".replace("SERIF", SERIF).replace("SANS", SANS)


#: A number with its unit ("441.00 亿元", "5–7%", "441.00 100m yuan"): kept on one line.
QUANTITY = re.compile(r"[-\d.,–]+(?: ?[^\s\d]{1,6}| \d+m yuan| 10k yuan)?")


def _numeric(text: str) -> bool:
    t = text.replace(",", "").replace("/", "").replace("-", "").replace(".", "").strip()
    return bool(t) and t.isdigit()


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def to_html(report: Report) -> str:
    """The report as an HTML document (a string)."""
    lang = "zh-CN" if report.lang == "zh" else "en"
    before, after = report.page.split("{n}")
    footer = (
        "@page { size: A4; margin: 20mm 18mm 22mm;\n"
        f"  @bottom-left {{ content: {_css_string(report.label or '')}; font-size: 8.5pt;"
        f" font-family: {SERIF}; color: #8a3b00; }}\n"
        f"  @bottom-right {{ content: {_css_string(before)} counter(page) {_css_string(after)};"
        f" font-size: 9pt; font-family: {SERIF}; color: #333; }} }}"
    )
    out = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)}</title><style>{footer}\n{CSS}</style></head><body>",
        '<section class="cover">',
        f"<h1>{escape(report.title)}</h1>",
        *[f'<p class="subtitle">{escape(s)}</p>' for s in report.subtitle],
    ]
    if report.office:
        out.append(f'<p class="office">{escape(report.office)}</p>')
    out.append(f'<p class="date">{escape(report.date)}</p>')
    if report.notice:
        out.append(f'<div class="notice">{escape(report.notice)}</div>')
    out.append("</section>")
    out.append(f'<nav class="page"><h2>{escape(report.contents)}</h2><ol>')
    for i, sec in enumerate(report.sections):
        if sec.level == 1:
            out.append(f'<li><a href="#s{i}">{escape(sec.title)}</a></li>')
    out.append("</ol></nav>")
    after_page = False
    for i, sec in enumerate(report.sections):
        tag = "h2" if sec.level == 1 else "h3"
        classes = []
        if sec.page or after_page:
            classes.append("page")
        after_page = sec.page
        if sec.page:
            classes.append(sec.key)
        out.append(f'<section class="{" ".join(classes)}">' if classes else "<section>")
        out.append(f'<{tag} id="s{i}">{escape(sec.title)}</{tag}>')
        for block in sec.blocks:
            if isinstance(block, Paragraph):
                plain = "" if block.narrative or not sec.page else ' class="plain"'
                out.append(f"<p{plain}>{escape(block.text)}</p>")
            elif isinstance(block, Notice):
                out.append(f'<div class="notice">{escape(block.text)}</div>')
            elif isinstance(block, Table):
                out.append(_table(block))
            elif isinstance(block, Chart):
                data = base64.b64encode(block.png).decode("ascii")
                out.append(
                    f'<figure><img alt="{escape(block.caption)}" src="data:image/png;base64,{data}">'  # noqa: E501
                    f"<figcaption>{escape(block.caption)}</figcaption></figure>"
                )
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out)


def _table(table: Table) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    body = []
    for row in table.rows:
        cells = "".join(
            f'<td class="num">{escape(c)}</td>'
            if _numeric(c)
            else f'<td class="qty">{escape(c)}</td>'
            if QUANTITY.fullmatch(c)
            else f"<td>{escape(c)}</td>"
            for c in row
        )
        body.append(f"<tr>{cells}</tr>")
    short = ' class="short"' if len(table.rows) <= 12 else ""
    return (
        f'<div class="scroll" tabindex="0" role="region" aria-label="{escape(table.caption)}">'
        f"<table{short}><caption>{escape(table.caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
