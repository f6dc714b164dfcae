"""``qcity export --results RUN`` beside the observations export: the options that only
make sense for observations are refused with --results, the workbook must be an .xlsx,
and a missing run or database is a one-line error (exit 1, no traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--as-of", "2025-01-01"], "--as-of cannot be used with --results"),
        (["--all-revisions"], "--all-revisions cannot be used with --results"),
        (["--indicator", "EC01"], "--indicator cannot be used with --results"),
        (["--unit", "a", "--unit", "b"], "give one unit to monitor"),
    ],
)
def test_observation_options_are_refused_with_results(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    out = tmp_path / "r.xlsx"
    code, text = _run("export", "--results", "1", "--out", str(out), *extra)
    assert code == 1 and message in text
    assert not out.exists()


def test_the_results_workbook_is_an_xlsx(tmp_path: Path) -> None:
    code, text = _run("export", "--results", "1", "--out", str(tmp_path / "r.csv"))
    assert code == 1 and "ending in .xlsx" in text


def test_missing_run_and_missing_database(store: Store, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    code, text = _run("export", "--results", "7", "--out", str(out), "--db", db_url)
    assert code == 1 and "no evaluation run 7" in text and "qcity runs list" in text
    missing = f"sqlite:///{tmp_path / 'none.sqlite'}"
    code, text = _run("export", "--results", "7", "--out", str(out), "--db", missing)
    assert code == 1 and "error" in text
    assert not (tmp_path / "none.sqlite").exists() and not out.exists()


def test_observations_export_is_unchanged(store: Store, db_url: str, tmp_path: Path) -> None:
    # without --results the command still exports observations (header only when empty)
    out = tmp_path / "obs.csv"
    code, text = _run("export", "--out", str(out), "--db", db_url)
    assert code == 0 and "0 row(s)" in text
    assert out.read_text(encoding="utf-8-sig").startswith("unit")
