"""``qcity report``: the annual self-evaluation report (年度自我评价报告) of one unit and
year, as Word, one self-contained HTML file, or PDF — from the database, stored as a run
(or from a stored run with ``--run``) so it can be regenerated identically."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from qcity.cli.app import app, fail
from qcity.cli.common import open_framework
from qcity.cli.options import DbOption
from qcity.service.notice import count_line

console = Console()


@app.command("report")
def report(
    unit: str = typer.Option(..., "--unit", help="the unit reported on, e.g. liyang 评价单元"),
    year: str = typer.Option(..., "--year", help="the year reported on, e.g. 2024 评价年度"),
    out: Path = typer.Option(..., "--out", "-o", help="the report file to write 输出文件"),
    fmt: str | None = typer.Option(
        None,
        "--format",
        help="docx, html or pdf (default: the --out suffix, else docx) 格式",
    ),
    group: str | None = typer.Option(
        None, "--group", help="peer group (default: the framework's, e.g. sunan) 对标组"
    ),
    lang: str = typer.Option("zh", "--lang", help="zh (default) or en 语言"),
    run: int | None = typer.Option(
        None, "--run", help="report on this stored run (qcity runs list) 使用已保存的运行"
    ),
    samples: int = typer.Option(
        1000,
        "-N",
        "--samples",
        min=10,
        help="Monte Carlo samples for the rank bands 抽样次数 (the dashboard's: 1000)",
    ),
    office: str | None = typer.Option(
        None,
        "--office",
        help="issuing office on the cover, e.g. '溧阳市统计局 / Liyang Bureau of Statistics' "
        "(default: the framework's report.office) 发布机关",
    ),
    issued: str | None = typer.Option(
        None,
        "--date",
        help="issuing date YYYY-MM-DD (default: the framework's report.date, else today) 发布日期",
    ),
    framework: str = typer.Option(
        "liyang", "--framework", "-f", help="framework YAML, or a shipped one 指标体系"
    ),
    db: DbOption = None,
) -> None:
    """Write the annual self-evaluation report. 生成年度自我评价报告。

    Sections: summary, one per dimension (chart and narrative), targets (attainment and gap
    closed), early warnings by department, peers and the path into the first tier, towns and
    streets, rank stability, methods, data sources, the illustrative values and the run record.
    Sections without data are left out. Without --run the evaluation is stored as a run.
    """
    from qcity.report.make import FORMATS, make_report

    chosen = (fmt or out.suffix.lstrip(".") or "docx").lower()
    if chosen not in FORMATS:
        fail(f"--format {chosen!r}: choose one of {', '.join(FORMATS)} (or name --out FILE.docx)")
    if lang not in {"zh", "en"}:
        fail(f"--lang {lang!r}: choose zh or en")
    if out.exists() and out.is_dir():
        fail(f"--out {out} is a folder; give a file name such as {out / ('report.' + chosen)}")
    when = None
    if issued is not None:
        from datetime import date

        try:
            when = date.fromisoformat(issued)
        except ValueError:
            fail(f"--date {issued!r}: write the date as YYYY-MM-DD, e.g. 2025-03-31")
    path, fw = open_framework(framework)
    with console.status("报告 building the report ..."):
        made = make_report(
            db, fw, path.read_text(encoding="utf-8"), unit, year, chosen, out,
            group=group, lang=lang, run_id=run, samples=samples, office=office, issued=when,
        )  # fmt: skip
    how = "stored as run 已保存为运行" if made.run.kept else "from run 取自运行"
    sections = [s.title for s in made.report.sections if s.level == 1]
    console.print(
        f"wrote 已生成 {out} ({chosen}, {len(sections)} sections 章节; {how} {made.run.run_id})"
    )
    if made.result.notice:
        console.print(
            "[bold yellow]" + count_line(made.result.illustrative, made.result.values_used)
        )
