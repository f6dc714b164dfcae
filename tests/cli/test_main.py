"""The ``qcity`` script's entry point (``qcity.cli.main``) leaves without the interpreter's
teardown: its exit codes, output and exit handlers must be those of a normal exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from qcity import __version__

CALL_MAIN = (
    "import atexit, sys; from qcity.cli import main; "
    "atexit.register(lambda: print('exit handler ran', flush=True)); "
    "sys.argv = ['qcity', *sys.argv[1:]]; main()"
)


def _main(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CALL_MAIN, *args], cwd=cwd, capture_output=True, text=True
    )


def test_success_prints_everything_and_runs_exit_handlers(tmp_path: Path) -> None:
    done = _main("version", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert __version__ in done.stdout
    assert done.stdout.rstrip().endswith("exit handler ran")


def test_failure_keeps_its_exit_code_and_message(tmp_path: Path) -> None:
    done = _main("show", str(tmp_path / "missing.yaml"), cwd=tmp_path)
    assert done.returncode == 1
    printed = done.stdout + done.stderr
    assert "file not found" in printed and "Traceback" not in printed
    assert "exit handler ran" in done.stdout


def test_usage_error_exits_2(tmp_path: Path) -> None:
    done = _main("no-such-command", cwd=tmp_path)
    assert done.returncode == 2
    assert "No such command" in done.stderr


def test_stores_are_released_before_leaving(tmp_path: Path) -> None:
    """A command that opened the store leaves the SQLite file usable and complete."""
    db = f"sqlite:///{tmp_path / 'q.sqlite'}"
    done = _main("db", "upgrade", "--db", db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = _main("db", "batches", "--db", db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "q.sqlite-journal").exists()
