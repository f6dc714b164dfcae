"""The ``qcity`` script (``qcity.__main__``) loads pandas without pyarrow: the command's
results are the same bytes as with pyarrow, and Parquet files still read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from qcity.cli import app
from tests.helpers import ASEM

#: Run the script's ``main`` and report, after the command, whether pyarrow got loaded.
RUN_SCRIPT = (
    "import atexit, sys; "
    "atexit.register(lambda: print('pyarrow loaded:', 'pyarrow' in sys.modules, flush=True)); "
    "sys.argv = ['qcity', *sys.argv[1:]]; from qcity.__main__ import main; main()"
)


def _script(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN_SCRIPT, *args], cwd=cwd, capture_output=True, text=True
    )


def _evaluate_in_process(data: Path, out: Path) -> None:
    """The same command run in this process, where pandas was loaded with pyarrow."""
    done = CliRunner().invoke(
        app, ["evaluate", "-f", str(ASEM / "framework.yaml"), "-d", str(data), "-o", str(out)]
    )
    assert done.exit_code == 0, done.output


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_script_does_without_pyarrow_and_writes_the_same_bytes(tmp_path: Path) -> None:
    import pyarrow  # noqa: F401  (the dev install has it: this process uses Arrow strings)

    assert pd.Series(["a"]).dtype.storage == "pyarrow"  # type: ignore[union-attr]
    done = _script(
        "evaluate", "-f", str(ASEM / "framework.yaml"), "-d", str(ASEM / "data.csv"),
        "-o", str(tmp_path / "script"), cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "pyarrow loaded: False" in done.stdout
    _evaluate_in_process(ASEM / "data.csv", tmp_path / "in_process")
    script, in_process = _files(tmp_path / "script"), _files(tmp_path / "in_process")
    assert "scores.csv" in script and len(script) > 5
    assert script == in_process


def test_the_script_still_reads_parquet(tmp_path: Path) -> None:
    data = tmp_path / "data.parquet"
    pd.read_csv(ASEM / "data.csv", dtype=str).to_parquet(data, index=False)
    done = _script(
        "evaluate", "-f", str(ASEM / "framework.yaml"), "-d", str(data),
        "-o", str(tmp_path / "script"), cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "pyarrow loaded: True" in done.stdout  # loaded on demand, for the Parquet file
    _evaluate_in_process(ASEM / "data.csv", tmp_path / "from_csv")
    for name in ("scores.csv", "contributions.csv", "normalised.csv"):
        assert (tmp_path / "script" / name).read_bytes() == (
            tmp_path / "from_csv" / name
        ).read_bytes(), name


def test_python_m_qcity_runs_the_command_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "qcity", "version"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    from qcity import __version__

    assert done.stdout.strip() == __version__
