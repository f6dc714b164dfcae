"""A command that fails leaves nothing behind, and says why in plain words.

A full disk is simulated at the lowest level a test can reach without privileges: the
built-in ``open`` returns, for one output file, a file whose ``write`` stores half of the
data and then raises ``OSError(ENOSPC)`` without a file name, as the kernel does. A
read-only database and a file that cannot be replaced are made for real with
``chattr +i`` (root, which the tests run as, ignores permission bits but not the
immutable flag); where chattr is unavailable those tests are skipped, and the read-only
database is also tested through SQLite's own read-only mode (``?mode=ro``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from qcity.cli import app
from qcity.demo.build import default_framework_path
from qcity.service.runs import list_runs
from tests.fs_faults import full_disk, immutable, make_immutable
from tests.helpers import REPO

__all__ = ["full_disk", "immutable"]  # the fixtures, used here

ASEM = REPO / "examples" / "asem"
ENV = {"COLUMNS": "250", "QCITY_DATABASE_URL": None}


def _evaluate_file(out: Path, *extra: str) -> Result:
    return CliRunner().invoke(
        app,
        ["evaluate", "-f", str(ASEM / "framework.yaml"), "-d", str(ASEM / "data.csv"),
         "-o", str(out), *extra],
        env=ENV,
    )  # fmt: skip


def _hidden(folder: Path) -> list[str]:
    """Temporary files or folders left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_full_disk_is_named_and_leaves_no_results_folder(
    tmp_path: Path, full_disk: Callable[[str], None]
) -> None:
    full_disk("contributions.csv")  # written after half the files
    out = tmp_path / "out"
    result = _evaluate_file(out)
    assert result.exit_code == 1, result.output
    assert f"disk full while writing {out}" in result.output
    assert "free some space" in result.output and "Traceback" not in result.output
    assert not out.exists()
    assert _hidden(tmp_path) == []


def test_a_full_disk_keeps_the_earlier_results_as_they_were(
    tmp_path: Path, full_disk: Callable[[str], None]
) -> None:
    out = tmp_path / "out"
    assert _evaluate_file(out).exit_code == 0
    before = _contents(out)
    full_disk("README.txt")  # the last file written
    result = _evaluate_file(out, "--workbook")
    assert result.exit_code == 1 and "disk full" in result.output, result.output
    assert _contents(out) == before  # no results.xlsx, no file of the failed run
    assert _hidden(out) == [] and _hidden(tmp_path) == []


def test_a_file_that_cannot_be_replaced_leaves_the_folder_as_it_was(
    tmp_path: Path, immutable: list[Path]
) -> None:
    out = tmp_path / "out"
    assert _evaluate_file(out).exit_code == 0
    before = _contents(out)
    make_immutable(out / "log.json", immutable)
    result = _evaluate_file(out)
    assert result.exit_code == 1, result.output
    assert f"permission denied: {out / 'log.json'}" in result.output
    assert ".part" not in result.output
    assert _contents(out) == before  # not this run's scores beside the last run's log
    assert _hidden(out) == [] and _hidden(tmp_path) == []


def test_an_unwritable_folder_is_named(tmp_path: Path, immutable: list[Path]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    make_immutable(locked, immutable)
    result = _evaluate_file(locked / "out")
    assert result.exit_code == 1, result.output
    assert f"permission denied: {locked / 'out'}" in result.output
    assert "cannot connect" not in result.output and ".part" not in result.output


@pytest.fixture
def demo_copy(demo_sqlite: Path, tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "db" / "demo.sqlite"
    copy.parent.mkdir()
    copy.write_bytes(demo_sqlite.read_bytes())
    yield copy


def _evaluate_db(url: str, out: Path) -> Result:
    return CliRunner().invoke(
        app,
        ["evaluate", "-f", str(default_framework_path()), "--db", url, "--group", "sunan",
         "-o", str(out)],
        env=ENV,
    )  # fmt: skip


def test_a_read_only_database_file_is_named_and_nothing_is_left(
    demo_copy: Path, tmp_path: Path, immutable: list[Path]
) -> None:
    url = f"sqlite:///{demo_copy}"
    runs = len(list_runs(db=url))
    make_immutable(demo_copy, immutable)
    out = tmp_path / "out"
    result = _evaluate_db(url, out)
    assert result.exit_code == 1, result.output
    assert "is read-only" in result.output and "cannot connect" not in result.output
    assert not out.exists() and _hidden(tmp_path) == []  # the run failed: no results folder
    assert len(list_runs(db=url)) == runs


def test_a_database_opened_read_only_is_named_and_nothing_is_left(
    demo_copy: Path, tmp_path: Path
) -> None:
    """SQLite's read-only mode: the same refusal as a read-only file, on any machine."""
    runs = len(list_runs(db=f"sqlite:///{demo_copy}"))
    url = f"sqlite:///file:{demo_copy}?mode=ro&uri=true"
    out = tmp_path / "out"
    result = _evaluate_db(url, out)
    assert result.exit_code == 1, result.output
    assert "is read-only" in result.output and "cannot connect" not in result.output
    assert not out.exists() and _hidden(tmp_path) == []
    assert len(list_runs(db=f"sqlite:///{demo_copy}")) == runs


def test_a_full_disk_stores_no_run(
    demo_copy: Path, tmp_path: Path, full_disk: Callable[[str], None]
) -> None:
    url = f"sqlite:///{demo_copy}"
    runs = len(list_runs(db=url))
    full_disk("obstacles.csv")
    out = tmp_path / "out"
    result = _evaluate_db(url, out)
    assert result.exit_code == 1 and "disk full" in result.output, result.output
    assert len(list_runs(db=url)) == runs
    assert not out.exists() and _hidden(tmp_path) == []
