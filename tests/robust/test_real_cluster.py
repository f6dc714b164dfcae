"""``qcity robust --scheduler`` against a real Dask cluster: a ``dask scheduler`` and a
``dask worker`` started here as separate processes on 127.0.0.1 (no client of the test
process is the default one, as on a user's machine), killed at the end. The files equal
those of the run in this process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import qcity
from qcity.cli import app
from tests.helpers import REPO

distributed = pytest.importorskip("distributed")

ASEM = REPO / "examples" / "asem"
DASK = Path(sys.executable).with_name("dask")
START_TIMEOUT = 60.0
"""Seconds to wait for the scheduler's file and for the worker to join."""
runner = CliRunner()
ENV = {"COLUMNS": "200", "QCITY_DATABASE_URL": None}


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End ``proc`` (SIGTERM, then SIGKILL after a bounded wait)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def _scheduler_address(path: Path, proc: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dask scheduler exited with code {proc.returncode}")
        try:
            return str(json.loads(path.read_text("utf-8"))["address"])
        except (OSError, ValueError, KeyError):
            time.sleep(0.2)
    raise TimeoutError(f"dask scheduler wrote no {path} within {START_TIMEOUT} s")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address (tcp://127.0.0.1:PORT) of a scheduler with one worker of one thread."""
    if not DASK.exists():
        pytest.fail(f"the dask command is not installed next to {sys.executable}")
    tmp = tmp_path_factory.mktemp("dask")
    file = tmp / "scheduler.json"
    env = dict(os.environ)
    src = str(Path(qcity.__file__).resolve().parents[1])  # the worker imports this qcity
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    procs: list[subprocess.Popen[bytes]] = []
    log = (tmp / "dask.log").open("wb")
    try:
        procs.append(
            subprocess.Popen(
                [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0",
                 "--scheduler-file", str(file), "--no-dashboard",
                 # its HTTP server (health, metrics) even so: on loopback, on a free port
                 "--dashboard-address", "127.0.0.1:0"],
                env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        address = _scheduler_address(file, procs[0])
        procs.append(
            subprocess.Popen(
                [str(DASK), "worker", "--scheduler-file", str(file), "--nworkers", "1",
                 "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"],
                env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
        with distributed.Client(address, timeout=START_TIMEOUT, set_as_default=False) as c:
            c.wait_for_workers(1, timeout=START_TIMEOUT)
        yield address
    finally:
        for proc in reversed(procs):
            _stop(proc)
        log.close()


def _robust(out: Path, *extra: str) -> None:
    args = ["robust", "-f", str(ASEM / "framework.yaml"), "-d", str(ASEM / "data.csv")]
    args += ["--spec", str(ASEM / "robust.yaml"), "-N", "48", "--seed", "5", "--out", str(out)]
    res = runner.invoke(app, [*args, *extra], env=ENV)
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output


def test_robust_on_a_real_scheduler_equals_the_local_run(cluster: str, tmp_path: Path) -> None:
    assert distributed.client._get_global_client() is None  # nothing to fall back on
    _robust(tmp_path / "local")
    _robust(tmp_path / "remote", "--scheduler", cluster, "--sa")
    for name in ("rank_stats.csv", "samples.csv"):
        local = (tmp_path / "local" / name).read_bytes()
        assert (tmp_path / "remote" / name).read_bytes() == local, name
    assert (tmp_path / "remote" / "sensitivity.csv").exists()
