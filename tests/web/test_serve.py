"""``qcity serve``: serves the dashboard on the database and prints its address; refuses
a database without data (so that ``make run`` never serves an empty dashboard silently)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from tests.web.conftest import free_port

runner = CliRunner()


def test_serve_refuses_a_database_without_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'blank.sqlite'}"
    Store(url).upgrade()
    res = runner.invoke(app, ["serve", "--db", url])
    assert res.exit_code == 1
    assert "no data" in res.output and "qcity demo" in res.output


def test_serve_answers_on_the_address_it_prints(demo_url: str) -> None:
    port = free_port()
    qcity = Path(sys.executable).parent / "qcity"
    proc = subprocess.Popen(
        [str(qcity), "serve", "--port", str(port), "--db", demo_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert f"http://127.0.0.1:{port}/" in line
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/meta", timeout=5) as r:
                    body = r.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        assert '"code":"liyang"' in body
    finally:
        proc.terminate()
        proc.wait(timeout=10)
