"""Publishing freezes a run: on SQLite and PostgreSQL the demo is evaluated into a stored
run, published, then values are revised (``qcity import``) and the city evaluated again;
the published run's stored record, scores, weights and files and its ``qcity runs export``
folder stay byte-identical, an evaluation as of its recorded data vintage reproduces its
scores, and publishing it again changes nothing."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data import runs as run_table
from qcity.data.store import Store
from qcity.demo.build import default_framework_path
from qcity.framework.io import load_framework
from qcity.service.evaluation import evaluate
from qcity.service.inputs import from_store

RUN_ID = re.compile(r"stored as run (\d+)")


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def _evaluate(db_url: str, out: Path) -> int:
    output = " ".join(_cli(
        "evaluate", "-f", str(default_framework_path()), "--db", db_url, "--group", "sunan",
        "--by", "tester", "--out", str(out),
    ).split())  # fmt: skip
    match = RUN_ID.search(output)
    assert match, output
    return int(match.group(1))


def _snapshot(store: Store, run_id: int) -> dict[str, Any]:
    return {
        "facts": run_table.read_run(store, run_id),
        "scores": run_table.read_scores(store, run_id),
        "weights": run_table.read_weights(store, run_id),
        "files": run_table.read_files(store, run_id),
    }


def _folder(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


@pytest.mark.usefixtures("demo_db")
def test_a_published_run_stays_bit_identical_after_revisions(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    run_id = _evaluate(db_url, tmp_path / "first")
    assert "published" in _cli("runs", "publish", str(run_id), "--db", db_url, "--by", "评估办")
    before = _snapshot(store, run_id)
    assert before["facts"]["status"] == "published" and before["facts"]["data_vintage"]
    _cli("runs", "export", str(run_id), "--db", db_url, "--out", str(tmp_path / "export1"))
    exported = _folder(tmp_path / "export1")
    assert exported == _folder(tmp_path / "first")  # the files as the evaluation wrote them

    # revisions of several values of the focus city and a peer, through the import
    latest = store.observations(units=["liyang", "kunshan"], periods=["2024"])
    revised = latest[["unit", "indicator", "period"]].assign(value=latest["value"] * 1.5 + 1)
    revised.iloc[:12].to_csv(tmp_path / "revise.csv", index=False)
    printed = _cli("import", str(tmp_path / "revise.csv"), "-f", str(default_framework_path()),
                   "--db", db_url, "--by", "统计局", "--source", "修订")  # fmt: skip
    assert "12 revised" in printed
    again = _evaluate(db_url, tmp_path / "second")
    assert again != run_id
    changed = run_table.read_scores(store, again)
    assert not changed["score"].equals(before["scores"]["score"])  # the revisions matter

    after = _snapshot(store, run_id)
    assert after["facts"] == before["facts"]
    pd.testing.assert_frame_equal(after["scores"], before["scores"], check_exact=True)
    pd.testing.assert_frame_equal(after["weights"], before["weights"], check_exact=True)
    assert after["files"] == before["files"]
    _cli("runs", "export", str(run_id), "--db", db_url, "--out", str(tmp_path / "export2"))
    assert _folder(tmp_path / "export2") == exported

    # the recorded vintage reproduces the published scores exactly
    vintage = datetime.fromisoformat(before["facts"]["data_vintage"])
    fw = load_framework(default_framework_path())
    inp = from_store(db_url, vintage).restrict(group="sunan")
    assert inp.vintage == before["facts"]["data_vintage"]
    redo = evaluate(fw, inp).evaluation.scores()
    stored = before["scores"]
    key = ["unit", "period", "node"]
    merged = stored.merge(redo, on=key, suffixes=("", "_redo"), validate="one_to_one")
    assert len(merged) == len(stored) == len(redo)
    same = (merged["score"] == merged["score_redo"]) | (
        merged["score"].isna() & merged["score_redo"].isna()
    )
    assert same.all(), merged[~same].head()
    assert (
        json.loads((tmp_path / "first" / "log.json").read_text("utf-8"))["stamp"]["data_sha256"]
        == before["facts"]["data_sha256"]
    )

    # publishing again is refused as a change: nothing moves, not even who published it
    assert "already published" in _cli("runs", "publish", str(run_id), "--db", db_url, "--by", "x")
    assert run_table.read_run(store, run_id) == before["facts"]
