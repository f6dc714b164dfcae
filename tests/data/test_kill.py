"""A process killed (SIGKILL) in the middle of an import leaves the database as it was.

The importer is paused inside its open transaction by the documented test hook
``QCITY_IMPORT_PAUSE_AFTER_ROWS`` (it prints a line to stderr and sleeps), so that the
kill happens at a known point: after the first chunk of rows has been written.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
from sqlalchemy import text

from qcity.data.importer import import_file
from qcity.data.store import Store
from qcity.data.tables import INSERT_CHUNK, PAUSE_ENV, PAUSE_SECONDS_ENV
from qcity.framework.io import framework_to_yaml
from qcity.framework.model import Framework
from tests.data.conftest import write_csv

EXTRA_UNITS = pd.DataFrame(
    {
        "code": [f"T{i:02d}" for i in range(20)],
        "name_zh": [f"镇{i}" for i in range(20)],
        "name_en": [f"Town {i}" for i in range(20)],
        "type": "town",
        "parent_code": "LY",
    }
)


def _big_file(path: Path, units: list[str]) -> int:
    """A long CSV with one row per unit, indicator and quarter 1950Q1..2025Q4."""
    quarters = [f"{y}Q{q}" for y in range(1950, 2026) for q in range(1, 5)]
    idx = pd.MultiIndex.from_product(
        [units, ["EC04", "EC05", "POP"], quarters], names=["unit", "indicator", "period"]
    )
    df = idx.to_frame(index=False)
    df["value"] = (pd.RangeIndex(len(df)) % 90 - 45) / 3
    df.to_csv(path, index=False)
    return len(df)


def test_kill_during_import_changes_nothing(ustore: Store, fw: Framework, tmp_path: Path) -> None:
    ustore.add_units(EXTRA_UNITS)
    fw_path = tmp_path / "fw.yaml"
    fw_path.write_text(framework_to_yaml(fw), encoding="utf-8")
    first = write_csv(tmp_path / "first.csv", "unit,indicator,period,value\nLY,EC01,2024,5000\n")
    import_file(ustore, first, fw, "baseline")
    before_obs = ustore.observations(all_revisions=True)
    before_batches = ustore.batches()
    big = tmp_path / "big.csv"
    n = _big_file(big, ustore.units()["code"].tolist())
    assert n > 4 * INSERT_CHUNK

    env = {**os.environ, PAUSE_ENV: str(INSERT_CHUNK), PAUSE_SECONDS_ENV: "300"}
    cmd = [
        sys.executable,
        "-c",
        "from qcity.cli import app; app()",
        "import",
        str(big),
        "--framework",
        str(fw_path),
        "--db",
        ustore.url,
        "--by",
        "killed",
    ]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        seen = []
        assert proc.stderr is not None
        for line in proc.stderr:  # blocks until the importer reports its pause (or exits)
            seen.append(line)
            if "import paused" in line:
                break
        assert any("import paused" in s for s in seen), "".join(seen)
        assert proc.poll() is None  # still inside the open transaction
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    fresh = Store(ustore.url)  # a new process would open the database like this
    try:
        pd.testing.assert_frame_equal(fresh.observations(all_revisions=True), before_obs)
        pd.testing.assert_frame_equal(fresh.batches(), before_batches)
        if fresh.engine.dialect.name == "sqlite":
            with fresh.engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        # and the database still works: the same file imports completely
        again = import_file(fresh, big, fw, "retry")
        assert again.summary is not None and again.summary.added == n
    finally:
        fresh.close()
