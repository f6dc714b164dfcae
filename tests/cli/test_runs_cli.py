"""Stored evaluation runs through the CLI, on SQLite and PostgreSQL: ``qcity evaluate`` on
the store saves its run and prints its id; ``qcity runs list/show/publish/export``; a
published run reads back bit-identical after a later revision of the data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data import runs as run_table
from qcity.data.store import Store
from qcity.demo.build import default_framework_path

RUN_ID = re.compile(r"stored as run (\d+)")


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def _evaluate(db_url: str, out: Path | None = None) -> int:
    extra = ["--out", str(out)] if out is not None else []
    output = " ".join(_cli(
        "evaluate", "-f", str(default_framework_path()), "--db", db_url, "--group", "sunan",
        "--by", "tester", *extra,
    ).split())  # fmt: skip
    if out is not None:  # the printout and NOTICE.txt give the same counts
        printed = re.search(r"ILLUSTRATIVE: (\d+) of the (\d+) values used", output)
        notice = (out / "NOTICE.txt").read_text("utf-8")
        assert printed and f"{printed[1]} of the {printed[2]} values used" in notice
    match = RUN_ID.search(output)
    assert match, output
    return int(match.group(1))


@pytest.mark.usefixtures("demo_db")
def test_a_stored_run_lists_shows_publishes_and_exports_unchanged(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    first = _evaluate(db_url, tmp_path / "first")
    second = _evaluate(db_url)  # no --out: stored only
    assert second == first + 1

    runs = json.loads(_cli("runs", "list", "--db", db_url, "--json"))
    assert [r["id"] for r in runs] == [second, first]  # newest first
    assert {r["status"] for r in runs} == {"draft"}
    assert all(r["created_at"] and r["created_by"] == "tester" for r in runs)

    shown = json.loads(_cli("runs", "show", str(first), "--db", db_url, "--json"))
    assert shown["framework_code"] == "liyang"
    assert shown["selection"]["group"] == "sunan"
    assert len(shown["selection"]["units"]) == 10
    assert shown["value_counts"]["illustrative"] > 0
    assert shown["libraries"]["numpy"] == np.__version__
    assert [s["step"] for s in shown["steps"]][-1] == "aggregate"
    printed = _cli("runs", "show", str(first), "--db", db_url)
    assert "ILLUSTRATIVE" in printed and "sunan" in printed

    assert "published" in _cli("runs", "publish", str(first), "--db", db_url)
    assert "already published" in _cli("runs", "publish", str(first), "--db", db_url)
    listed = {r["id"]: r for r in json.loads(_cli("runs", "list", "--db", db_url, "--json"))}
    assert listed[first]["status"] == "published" and listed[second]["status"] == "draft"

    before = run_table.read_scores(store, first)
    # a later revision of the data must not change what was published
    latest = store.observations(units=["liyang"], indicators=["EC01"], periods=["2024"])
    store.add_observations(
        latest[["unit", "indicator", "period"]].assign(value=latest["value"] * 2),
        entered_by="统计局",
    )
    third = _evaluate(db_url)
    after = run_table.read_scores(store, first)
    pd.testing.assert_frame_equal(after, before)  # bit-identical: exact float equality
    assert not run_table.read_scores(store, third)["score"].equals(before["score"])

    _cli("runs", "export", str(first), "--db", db_url, "--out", str(tmp_path / "exported"))
    written = sorted(p.name for p in (tmp_path / "first").iterdir())
    assert sorted(p.name for p in (tmp_path / "exported").iterdir()) == written
    for name in written:
        assert (tmp_path / "exported" / name).read_bytes() == (
            tmp_path / "first" / name
        ).read_bytes(), name
    scores = pd.read_csv(tmp_path / "exported" / "scores.csv", dtype={"period": str})
    assert list(scores.columns) == ["unit", "period", "node", "score", "rank"]


def test_runs_commands_explain_what_is_missing(store: Store, db_url: str) -> None:
    empty = CliRunner().invoke(app, ["runs", "list", "--db", db_url])
    assert empty.exit_code == 0 and "no stored runs" in empty.output
    missing = CliRunner().invoke(app, ["runs", "show", "42", "--db", db_url])
    assert missing.exit_code != 0
    assert "no evaluation run 42" in missing.output and "Traceback" not in missing.output
