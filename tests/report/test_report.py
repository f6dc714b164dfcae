"""``qcity report`` on the demo: the Word file's headings, TOC field and tables against the
results, every narrative number against the results, the HTML self-contained, the PDF
rendered with Chinese text, and a report regenerated from its stored run."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from qcity.demo.build import default_framework_path
from qcity.framework.io import load_framework
from qcity.report.make import Made, make_report

runner = CliRunner()
FW_PATH = default_framework_path()


@dataclass
class Built:
    url: str
    root: Path
    made: dict[str, Made]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, demo_sqlite: Path) -> Built:
    """The demo in a SQLite store (a copy of the session's) and the report in the three
    formats (built once)."""
    root = tmp_path_factory.mktemp("report")
    shutil.copyfile(demo_sqlite, root / "demo.sqlite")
    url = f"sqlite:///{root / 'demo.sqlite'}"
    fw = load_framework(FW_PATH)
    text = FW_PATH.read_text(encoding="utf-8")
    made = {
        fmt: make_report(url, fw, text, "liyang", "2024", fmt, root / f"report.{fmt}", samples=50)
        for fmt in ("docx", "html", "pdf")
    }
    return Built(url, root, made)


def _score(made: Made, node: str, period: str = "2024") -> float:
    s = made.result.evaluation.scores()
    row = s[(s["unit"] == "liyang") & (s["node"] == node) & (s["period"].astype(str) == period)]
    return float(row["score"].iloc[0])


def test_docx_has_headings_toc_tables_and_the_notice(built: Built) -> None:
    from docx import Document

    made = built.made["docx"]
    doc = Document(str(made.path))
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert h1[:2] == ["要点", "一、总体评价"]  # the key findings, then the chapters
    assert {"三、目标完成情况", "五、对标分析与进入第一方阵路径", "七、排名稳健性"} <= set(h1)
    fw = made.result.framework
    assert [d.name_zh for d in fw.root.children] == h2  # one section per dimension
    instr = [el.text for el in doc.element.body.iter() if el.tag.endswith("}instrText")]
    assert any(t.strip().startswith("TOC") for t in instr)
    # the summary table: index and dimension scores, one decimal, as in the results
    summary = doc.tables[0]
    rows = {r.cells[0].text: r.cells[1].text for r in summary.rows[1:]}
    for node in [fw.root, *fw.root.children]:
        assert rows[node.name_zh] == f"{_score(made, node.code):.1f}"
    assert all(t.style.name == "Table Grid" for t in doc.tables)
    text = "\n".join(p.text for p in doc.paragraphs)
    ill, used = made.result.illustrative, made.result.values_used
    assert f"本结果使用的 {used} 个数值中有 {ill} 个是示例（生成）数值" in text
    assert "values used" not in text  # a Chinese report is Chinese only
    assert f"运行 {made.run.run_id}" in text  # the run it came from
    # every page's footer: the illustrative label and a PAGE field
    footer = doc.sections[0].footer
    assert "示例数据" in "".join(p.text for p in footer.paragraphs)
    fields = [el.text for el in footer._element.iter() if el.tag.endswith("}instrText")]
    assert [f.strip() for f in fields] == ["PAGE"]
    # the cover: the issuing date in Chinese
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text)
    # body in a serif CJK face, headings in a heavier sans face
    from docx.oxml.ns import qn

    def east_asian(style: str) -> str:
        fonts = doc.styles[style].element.rPr.find(qn("w:rFonts"))
        return str(fonts.get(qn("w:eastAsia")))

    assert east_asian("Normal") == "Noto Serif CJK SC"
    assert east_asian("Heading 1") == "Noto Sans CJK SC" and doc.styles["Heading 1"].font.bold


def _allowed_numbers(made: Made, unit: str, samples: int, towns: pd.DataFrame) -> set[str]:
    """The numbers a narrative about ``unit`` may contain, worked out from the results:
    scores, the peers' median, changes since 2023, contributions and gaps (one decimal,
    signs written in words), the gaps between neighbours in the ranking, ranks, the counts
    of targets, targets at risk and warnings, years and the sample count."""
    from qcity.benchmark.peers import compare
    from qcity.monitor.attribution import attribution
    from qcity.monitor.table import monitor

    ev = made.result.evaluation
    s = ev.scores()
    s = s[s["period"].astype(str).isin({"2023", "2024"})]
    one = {f"{abs(v):.1f}" for v in s["score"].dropna()}
    wide = s.pivot_table(index=["unit", "node"], columns="period", values="score")
    one |= {f"{abs(v):.1f}" for v in (wide["2024"] - wide["2023"]).dropna()}
    one |= {f"{abs(v):.1f}" for v in attribution(ev, unit, "2023", "2024")["contribution"]}
    one |= {f"{abs(v):.1f}" for v in compare(ev, unit, "2024")["gap_to_threshold"].dropna()}
    one |= {f"{v:.1f}" for v in towns["score"].dropna()}
    # the peers' median index score beside the unit's
    one |= {f"{v:.1f}" for v in s[s["node"] == "index"].groupby("period")["score"].median()}
    # the gaps to the units above and below, and to the first tier (key findings)
    now = s[(s["node"] == "index") & (s["period"].astype(str) == "2024")]["score"]
    ranked = sorted(now.dropna(), reverse=True)
    one |= {f"{a - b:.1f}" for a in ranked for b in ranked if a > b}
    n = s["unit"].nunique()
    mon = monitor(made.result, unit, "2024")
    with_target = mon.table[mon.table["target"].notna()]
    behind = {"acceleration_needed", "limited_progress", "deterioration"}
    risky = with_target[
        (with_target["warning"] == "red") | with_target["progress_class"].isin(behind)
    ]
    counts = {
        len(risky),
        int((risky["warning"] == "red").sum()),
        len(with_target),
        int((with_target["attainment"] >= 1).sum()),
        int((mon.warnings["warning"] == "red").sum()),
        int((mon.warnings["warning"] == "yellow").sum()),
        towns["unit"].nunique(),
        samples,
        90,  # the 90% band
        2023,
        2024,
    }
    return one | {str(i) for i in range(1, n + 1)} | {str(c) for c in counts}


def test_every_narrative_number_is_in_the_results(built: Built) -> None:
    """Each number in a narrative is one of the results' (for Liyang, in the first tier,
    and for Danyang, last, whose path into the first tier is narrated)."""
    from qcity.report.build import build_report
    from qcity.service.report_model import report_model, towns_of

    made = built.made["docx"]
    towns = towns_of(built.url, made.result.framework, "liyang", None, None)
    assert towns is not None
    ts = towns.evaluation.scores()
    town_index = ts[(ts["node"] == "index") & (ts["period"].astype(str) == "2024")]
    danyang = build_report(
        report_model(result=made.result, unit="danyang", period="2024", run=made.run, samples=20)
    )
    for unit, report, samples in (("liyang", made.report, 50), ("danyang", danyang, 20)):
        allowed = _allowed_numbers(made, unit, samples, town_index)
        narratives = report.narratives()
        assert len(narratives) >= 9
        for text in narratives:
            for number in re.findall(r"\d+(?:\.\d+)?", text):
                assert number in allowed, f"{number} in {text!r} is not in the results"
    assert any("进入前 5 名需提高" in t for t in danyang.narratives())
    assert any("距第一方阵（前 5 名）第 5 名差" in t for t in danyang.narratives())
    # the summary sentence: index, rank and change worked out here
    s = made.result.evaluation.scores()
    index = _score(made, "index")
    change = index - _score(made, "index", "2023")
    now = s[(s["unit"] == "liyang") & (s["node"] == "index") & (s["period"].astype(str) == "2024")]
    first = next(t for t in made.report.narratives() if "高质量发展综合指数" in t)
    assert f"{index:.1f} 分，在 10 个对标城市中排第 {int(now['rank'].iloc[0])} 位" in first
    assert f"{'提高' if change >= 0 else '下降'} {abs(change):.1f} 分" in first


def test_html_is_self_contained(built: Built) -> None:
    html = built.made["html"].path.read_text(encoding="utf-8")
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", html)
    assert refs and all(r.startswith(("#", "data:")) for r in refs)
    assert "<link" not in html and "<script" not in html and "@import" not in html
    assert html.count("data:image/png;base64,") >= 7  # five dimensions, peers, towns, bands
    assert "示例数据：" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def _pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (pdftotext separates pages by form feeds)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def test_pdf_renders_with_pages_and_chinese(built: Built, tmp_path: Path) -> None:
    pdf = built.made["pdf"].path
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert pages >= 5
    text = "".join(_pdf_pages(pdf)[:4])
    assert "总体评价" in text and "溧阳市" in text and "要点" in text
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    png = next(tmp_path.glob("p*.png"))
    assert png.stat().st_size > 5000


def test_every_pdf_page_carries_its_number_and_the_label(built: Built) -> None:
    """The footer of every page, the cover included: the illustrative-data label and the
    page's own number."""
    from qcity.service.notice import label

    pages = _pdf_pages(built.made["pdf"].path)
    assert len(pages) >= 5
    for n, page in enumerate(pages, start=1):
        flat = re.sub(r"\s+", "", page)
        assert f"第{n}页" in flat, f"page {n} has no page number"
        assert re.sub(r"\s+", "", label("zh")) in flat, f"page {n} has no illustrative label"


def _report_text(html: str) -> str:
    """What a reader of the HTML report reads: the text without styles, tags and images."""
    from html import unescape

    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    html = re.sub(r'(?:src|alt)="[^"]*"', " ", html)
    return unescape(re.sub(r"<[^>]+>", " ", html))


#: ASCII words a Chinese report may contain: abbreviations in indicator names and units.
ASCII_ALLOWED = {"GDP", "PM2.5", "GEP", "CRITIC", "R&D"}


def test_the_chinese_report_is_chinese_only(built: Built) -> None:
    """No framework code, no English word (other than the abbreviations listed), years as
    years, no microsecond timestamp, no web address."""
    made = built.made["html"]
    text = _report_text(made.path.read_text(encoding="utf-8"))
    fw = made.result.framework
    codes = {node.code for node, _, _ in fw.walk()}
    units = set(made.result.evaluation.scores()["unit"].astype(str))
    words = re.findall(r"[A-Za-z][A-Za-z0-9_.&]*[A-Za-z0-9]|[A-Za-z]", text)
    assert not (set(words) & (codes | units)), set(words) & (codes | units)
    hashes = {made.run.config_sha256, made.run.data_sha256}
    for h in hashes:  # the hashes are numbers in hexadecimal, not words
        text = text.replace(h, "")
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_.&]*[A-Za-z0-9]|[A-Za-z]", text))
    assert words <= ASCII_ALLOWED, words - ASCII_ALLOWED
    assert not re.search(r"\b20\d\d\.0\b|\b2,0\d\d\b", text)  # years as years
    assert not re.search(r"\d\d:\d\d:\d\d", text)  # timestamps to the minute
    assert " / " not in text  # no bilingual "交通局 / Transport Bureau"


_MODELS: dict[tuple[str, str], Any] = {}


def _model(built: Built, lang: str = "zh") -> Any:
    """The report model of Liyang in ``lang`` from the fixture's run (made once)."""
    from qcity.service.report_model import report_model

    made = built.made["html"]
    key = (str(built.root), lang)
    if key not in _MODELS:
        _MODELS[key] = report_model(
            result=made.result, unit="liyang", period="2024", lang=lang, run=made.run, samples=20
        )
    return _MODELS[key]


def test_the_report_imports_only_the_service() -> None:
    """``qcity.report`` is an interface: it imports ``qcity.service`` and ``qcity.errors``
    (and itself), never the layers below (issue 20)."""
    import ast

    import qcity.report

    root = Path(qcity.report.__file__).parent
    allowed = ("qcity.report", "qcity.service", "qcity.errors")
    seen = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module == "qcity":
                names = [f"qcity.{a.name}" for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            seen += [(path.name, n) for n in names if n.split(".")[0] == "qcity"]
    assert seen and all(n.startswith(allowed) for _, n in seen), [
        s for s in seen if not s[1].startswith(allowed)
    ]


def test_the_english_report_is_english(built: Built) -> None:
    from qcity.report.build import build_report
    from qcity.report.html import to_html

    text = _report_text(to_html(build_report(_model(built, "en"))))
    assert "Key findings" in text and "1 Summary" in text and "Transport Bureau" in text
    assert "ILLUSTRATIVE DATA:" in text and "示例数据" not in text
    assert "本结果" not in text  # the notice in English only


def test_departments_by_severity_and_bands_as_bands(built: Built) -> None:
    """Warnings: the department with the most red warnings first, red rows first in each;
    targets: a band target written as the band the framework states."""
    from qcity.report.model import Table

    made = built.made["html"]
    sections = {s.key: s for s in made.report.sections}
    tables = [b for b in sections["warnings"].blocks if isinstance(b, Table)]
    reds = [sum(r[0] == "红" for r in t.rows) for t in tables]
    yellows = [sum(r[0] == "黄" for r in t.rows) for t in tables]
    order = list(zip((-r for r in reds), (-y for y in yellows), strict=True))
    assert order == sorted(order) and reds[0] > 0
    for t in tables:
        lights = [r[0] for r in t.rows]
        assert lights == sorted(lights, key=["红", "黄", "绿"].index)
    (targets,) = [b for b in sections["targets"].blocks if isinstance(b, Table)]
    fw = made.result.framework
    banded = [
        ind for ind in fw.indicators() if ind.target is not None and ind.target.kind == "band"
    ]
    assert banded
    for ind in banded:
        assert ind.target is not None and ind.target.band is not None
        lo, hi = ind.target.band
        row = next(r for r in targets.rows if r[0] == ind.name_zh)
        assert row[3] == f"{lo:g}–{hi:g}{ind.unit}", row
    years = {r[4] for r in targets.rows}
    assert years and all(re.fullmatch(r"20\d\d", y) for y in years)


def test_the_sources_appendix_cites_publications(built: Built) -> None:
    """Official publications by title, issuer and year; no web address."""
    from qcity.report.model import Table

    made = built.made["html"]
    sec = next(s for s in made.report.sections if s.key == "sources")
    cited = next(b for b in sec.blocks if isinstance(b, Table))
    assert cited.columns[:3] == ["出版物", "发布机关", "年份"]
    bulletins = [r for r in cited.rows if r[0].endswith("统计公报》")]
    assert bulletins and all(
        r[1].endswith("统计局") and re.fullmatch(r"20\d\d", r[2]) for r in bulletins
    )
    text = str([b for b in sec.blocks])
    assert "http" not in text and "www." not in text


def test_the_key_findings(built: Built) -> None:
    """The key findings: standing with last year's, the tier, the targets at risk with
    their departments, the rank band and what 100 means — each from the model."""
    m = _model(built)
    made = built.made["html"]
    sec = next(s for s in made.report.sections if s.key == "keypoints")
    text = " ".join(b.text for b in sec.blocks if hasattr(b, "text"))
    score, rank, n = m.score("index", "2024")
    before, rank0, _ = m.score("index", "2023")
    standing = f"综合指数 {score:.1f} 分，在 {n} 个对标城市中排第 {rank} 位"
    assert f"{standing}（上年 {before:.1f} 分、第 {rank0} 位）" in text
    red = m.monitor.table[(m.monitor.table["warning"] == "red") & m.monitor.table["target"].notna()]
    for r in red.to_dict("records"):
        dept = str(r["department"]).split(" / ")[0]
        assert dept in text and m.nname(str(r["indicator"])) in text
    band = m.band
    assert band is not None
    assert "90% 情形下排第" in text
    assert m.scale is not None and m.scale.zh in text


def test_the_html_report_reads_on_a_phone(built: Built) -> None:
    """At 390 px nothing scrolls sideways: wide tables scroll inside their box."""
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    def look() -> tuple[int, int, str]:
        # a thread of its own: a worker may already hold the browser tests' Playwright loop
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            try:
                page = b.new_page(viewport={"width": 390, "height": 844})
                page.goto(built.made["html"].path.as_uri())
                return (
                    page.evaluate("document.documentElement.scrollWidth"),
                    page.evaluate("document.querySelectorAll('div.scroll').length"),
                    page.evaluate("getComputedStyle(document.body).fontFamily"),
                )
            finally:
                b.close()

    with ThreadPoolExecutor(1) as pool:
        width, boxes, font = pool.submit(look).result()
    assert width <= 390, width
    assert boxes >= 10
    assert font.startswith('"Noto Serif CJK SC"')


def test_report_from_its_stored_run_says_the_same(built: Built, tmp_path: Path) -> None:
    first = built.made["html"]
    out = tmp_path / "again.html"
    res = runner.invoke(
        app,
        ["report", "--unit", "liyang", "--year", "2024", "--out", str(out), "-N", "50",
         "--run", str(first.run.run_id), "--db", built.url],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert f"from run 取自运行 {first.run.run_id}" in res.output
    again = out.read_text(encoding="utf-8")
    assert f"本报告取自已保存的运行 {first.run.run_id}" in again
    for text in first.report.narratives():
        assert text in again


def test_english_report_and_bad_options(built: Built, tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        ["report", "--unit", "nowhere", "--year", "2024", "--out", str(tmp_path / "r.html"),
         "--db", built.url],
    )  # fmt: skip
    assert res.exit_code == 1 and "'nowhere' has no data" in res.output
    res = runner.invoke(
        app,
        ["report", "--unit", "liyang", "--year", "1990", "--out", str(tmp_path / "r.html"),
         "--db", built.url],
    )  # fmt: skip
    assert res.exit_code == 1 and "--year 1990" in res.output
    res = runner.invoke(
        app, ["report", "--unit", "liyang", "--year", "2024", "--out", str(tmp_path / "r.txt")]
    )
    assert res.exit_code == 1 and "--format 'txt'" in res.output


@pytest.mark.usefixtures("demo_db")
def test_report_on_both_backends(store: Store, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = runner.invoke(
        app,
        ["report", "--unit", "liyang", "--year", "2024", "--lang", "en", "--out", str(out),
         "-N", "20", "--db", db_url],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert "1 Summary" in html and "Appendix C Illustrative values" in html
    assert "stored as run" in res.output


def test_run_refused_when_the_data_changed(built: Built, tmp_path: Path) -> None:
    """A stored run re-run on revised data would not be the run: --run says so."""
    import shutil

    copy = tmp_path / "revised.sqlite"
    shutil.copy(built.root / "demo.sqlite", copy)
    url = f"sqlite:///{copy}"
    revised = pd.DataFrame(
        {"unit": ["liyang"], "indicator": ["EC01"], "period": ["2024"], "value": [1.0]}
    )
    with Store(url) as store:
        store.add_observations(revised, entered_by="test")
    run_id = built.made["html"].run.run_id
    res = runner.invoke(
        app,
        ["report", "--unit", "liyang", "--year", "2024", "--out", str(tmp_path / "r.html"),
         "--run", str(run_id), "--db", url],
    )  # fmt: skip
    assert res.exit_code == 1, res.output
    assert f"the data changed since run {run_id}" in res.output
    assert not (tmp_path / "r.html").exists()


def test_pdf_without_chromium_stores_no_run(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No browser to print the PDF: the command says what to install and stores no run."""
    import shutil

    from qcity.service.runs import list_runs

    copy = tmp_path / "copy.sqlite"
    shutil.copy(built.root / "demo.sqlite", copy)
    url = f"sqlite:///{copy}"
    before = len(list_runs(db=url))
    monkeypatch.setattr("qcity.report.pdf.CANDIDATES", ())
    monkeypatch.delenv("QCITY_CHROMIUM", raising=False)
    res = runner.invoke(
        app,
        ["report", "--unit", "liyang", "--year", "2024", "--format", "pdf", "--out",
         str(tmp_path / "r.pdf"), "--db", url],
    )  # fmt: skip
    assert res.exit_code == 1 and "Chromium" in res.output and "--format html" in res.output
    assert len(list_runs(db=url)) == before
    assert not (tmp_path / "r.pdf").exists()
