"""qcity.report: the annual self-evaluation report (年度自我评价报告) of one unit and year,
as Word (.docx), one self-contained HTML file, or PDF printed from that HTML.

``build.Builder`` turns an evaluation (the unit with its peers) into a
``model.Report``; ``docx.write_docx``, ``html.to_html`` and ``pdf.html_to_pdf`` write it.
"""
