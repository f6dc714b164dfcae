"""``qcity report`` stores its run only when the report was written: the run is committed
as the last step, after the report (which names the run) is written under a temporary
name, and the file takes its name only then. A failure while writing (a full disk,
simulated as in ``tests.fs_faults``) leaves neither a run nor a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner, Result

from qcity.cli import app
from qcity.service.runs import list_runs
from tests.fs_faults import full_disk

__all__ = ["full_disk"]  # the fixture, used here


def _report(url: str, out: Path) -> Result:
    return CliRunner().invoke(
        app,
        ["report", "--unit", "liyang", "--year", "2024", "--out", str(out), "-N", "10",
         "--db", url],
        env={"COLUMNS": "250", "QCITY_DATABASE_URL": None},
    )  # fmt: skip


def test_a_report_that_cannot_be_written_stores_no_run(
    demo_sqlite: Path, tmp_path: Path, full_disk: Callable[[str], None]
) -> None:
    copy = tmp_path / "demo.sqlite"
    copy.write_bytes(demo_sqlite.read_bytes())
    url = f"sqlite:///{copy}"
    before = len(list_runs(db=url))
    full_disk("report.html")
    out = tmp_path / "reports" / "report.html"
    result = _report(url, out)
    assert result.exit_code == 1, result.output
    assert f"disk full while writing {out}" in result.output
    assert len(list_runs(db=url)) == before
    assert not out.exists() and list(out.parent.iterdir()) == []


def test_a_written_report_names_the_run_it_stored(demo_sqlite: Path, tmp_path: Path) -> None:
    copy = tmp_path / "demo.sqlite"
    copy.write_bytes(demo_sqlite.read_bytes())
    url = f"sqlite:///{copy}"
    before = set(list_runs(db=url)["id"])
    out = tmp_path / "report.html"
    result = _report(url, out)
    assert result.exit_code == 0, result.output
    (new,) = set(list_runs(db=url)["id"]) - before
    assert f"运行 {new}" in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.sqlite", "report.html"]
