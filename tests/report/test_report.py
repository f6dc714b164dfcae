"""``qcity report`` on the demo: the Word file's headings, TOC field and tables against the
results, every narrative number against the results, the HTML self-contained, the PDF
rendered with Chinese text, and a report regenerated from its stored run."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

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
    assert h1[0] == "一、总体评价"
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
    assert f"{made.result.illustrative} of the {made.result.values_used} values" in text
    assert "示例数据" in text
    assert f"运行 {made.run.run_id}" in text  # the run it came from


def _allowed_numbers(made: Made, unit: str, samples: int, towns: pd.DataFrame) -> set[str]:
    """The numbers a narrative about ``unit`` may contain, worked out from the results:
    scores, the peers' median, changes since 2023, contributions and gaps (one decimal,
    signs written in words), ranks, the counts of targets and warnings, years and the
    sample count."""
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
    n = s["unit"].nunique()
    mon = monitor(made.result, unit, "2024")
    with_target = mon.table[mon.table["target"].notna()]
    counts = {
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
    from qcity.report.build import Builder
    from qcity.report.make import _towns

    made = built.made["docx"]
    towns = _towns(built.url, made.result.framework, "liyang", None, None)
    assert towns is not None
    ts = towns.evaluation.scores()
    town_index = ts[(ts["node"] == "index") & (ts["period"].astype(str) == "2024")]
    danyang = Builder(made.result, "danyang", "2024", "zh", made.run, None, None, 20).build()
    for unit, report, samples in (("liyang", made.report, 50), ("danyang", danyang, 20)):
        allowed = _allowed_numbers(made, unit, samples, town_index)
        narratives = report.narratives()
        assert len(narratives) >= 9
        for text in narratives:
            for number in re.findall(r"\d+(?:\.\d+)?", text):
                assert number in allowed, f"{number} in {text!r} is not in the results"
    assert any("进入前 5 名需提高" in t for t in danyang.narratives())
    # the summary sentence: index, rank and change worked out here
    s = made.result.evaluation.scores()
    index = _score(made, "index")
    change = index - _score(made, "index", "2023")
    now = s[(s["unit"] == "liyang") & (s["node"] == "index") & (s["period"].astype(str) == "2024")]
    first = made.report.narratives()[0]
    assert f"{index:.1f} 分，在 10 个对标城市中排第 {int(now['rank'].iloc[0])} 位" in first
    assert f"{'提高' if change >= 0 else '下降'} {abs(change):.1f} 分" in first


def test_html_is_self_contained(built: Built) -> None:
    html = built.made["html"].path.read_text(encoding="utf-8")
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", html)
    assert refs and all(r.startswith(("#", "data:")) for r in refs)
    assert "<link" not in html and "<script" not in html and "@import" not in html
    assert html.count("data:image/png;base64,") >= 7  # five dimensions, peers, towns, bands
    assert "示例数据 ILLUSTRATIVE" in html


def test_pdf_renders_with_pages_and_chinese(built: Built, tmp_path: Path) -> None:
    pdf = built.made["pdf"].path
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert pages >= 5
    text = subprocess.run(
        ["pdftotext", "-l", "3", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "总体评价" in text and "溧阳市" in text
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    png = next(tmp_path.glob("p*.png"))
    assert png.stat().st_size > 5000


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
    before = len(list_runs(url))
    monkeypatch.setattr("qcity.report.pdf.CANDIDATES", ())
    monkeypatch.delenv("QCITY_CHROMIUM", raising=False)
    res = runner.invoke(
        app,
        ["report", "--unit", "liyang", "--year", "2024", "--format", "pdf", "--out",
         str(tmp_path / "r.pdf"), "--db", url],
    )  # fmt: skip
    assert res.exit_code == 1 and "Chromium" in res.output and "--format html" in res.output
    assert len(list_runs(url)) == before
    assert not (tmp_path / "r.pdf").exists()
