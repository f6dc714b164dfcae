"""The report as one self-contained HTML file: CSS inline, charts inlined as PNG data
URIs, no external reference (it opens offline and prints to PDF as it is)."""

from __future__ import annotations

import base64
from html import escape

from qcity.report.model import Chart, Notice, Paragraph, Report, Table

CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC",
  "Microsoft YaHei", sans-serif; font-size: 11pt; line-height: 1.6; color: #222;
  max-width: 180mm; margin: 0 auto; }
h1 { font-size: 20pt; text-align: center; margin: 0.6em 0 0.2em; }
h2 { font-size: 15pt; border-bottom: 2px solid #c0392b; padding-bottom: 2px;
  margin-top: 1.4em; break-after: avoid; }
h3 { font-size: 12.5pt; margin-top: 1.1em; break-after: avoid; }
.subtitle { text-align: center; color: #555; margin: 0; font-size: 10pt; }
.notice { border: 2px solid #d35400; background: #fdf2e9; padding: 6px 10px;
  white-space: pre-wrap; font-weight: bold; color: #a04000; margin: 1em 0; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; font-size: 9pt;
  break-inside: auto; }
caption { text-align: left; font-weight: bold; margin-bottom: 3px; font-size: 10pt; }
th, td { border: 1px solid #bbb; padding: 2px 5px; vertical-align: top; }
th { background: #f0f0f0; }
td.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
table.short { break-inside: avoid; }
thead { display: table-header-group; }
figure { margin: 0.5em 0 1em; text-align: center; break-inside: avoid; }
figure img { max-width: 100%; }
figcaption { font-size: 9.5pt; color: #444; }
nav ol { margin: 0.2em 0; }
"""


def _numeric(text: str) -> bool:
    t = text.replace(",", "").replace("/", "").replace("-", "").replace(".", "").strip()
    return bool(t) and t.isdigit()


def to_html(report: Report) -> str:
    """The report as an HTML document (a string)."""
    lang = "zh-CN" if report.lang == "zh" else "en"
    out = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{escape(report.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        *[f'<p class="subtitle">{escape(s)}</p>' for s in report.subtitle],
    ]
    if report.notice:
        out.append(f'<div class="notice">{escape(report.notice)}</div>')
    out.append("<nav><ol>")
    for i, sec in enumerate(report.sections):
        if sec.level == 1:
            out.append(f'<li><a href="#s{i}">{escape(sec.title)}</a></li>')
    out.append("</ol></nav>")
    for i, sec in enumerate(report.sections):
        tag = "h2" if sec.level == 1 else "h3"
        out.append(f'<{tag} id="s{i}">{escape(sec.title)}</{tag}>')
        for block in sec.blocks:
            if isinstance(block, Paragraph):
                out.append(f"<p>{escape(block.text)}</p>")
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
    out.append("</body></html>")
    return "\n".join(out)


def _table(table: Table) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    body = []
    for row in table.rows:
        cells = "".join(
            f'<td class="num">{escape(c)}</td>' if _numeric(c) else f"<td>{escape(c)}</td>"
            for c in row
        )
        body.append(f"<tr>{cells}</tr>")
    short = ' class="short"' if len(table.rows) <= 20 else ""
    return (
        f"<table{short}><caption>{escape(table.caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )
