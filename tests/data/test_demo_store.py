"""``build_demo`` into a Store, ``demo_summary``, ``reset_database`` and ``qcity demo``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.store import Store
from qcity.demo.build import (
    DEFAULT_SEED,
    DEMO_USER,
    DemoError,
    DemoSummary,
    build_demo,
    default_framework_path,
    demo_observations,
    demo_summary,
    reset_database,
)
from qcity.framework.io import load_framework


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, DemoSummary]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    store = Store(url)
    summary = build_demo(store, default_framework_path(), DEFAULT_SEED)
    yield store, summary
    store.close()


def test_build_demo_loads_everything(built: tuple[Store, DemoSummary]) -> None:
    store, summary = built
    fw = load_framework(default_framework_path())
    expected = demo_observations(fw, DEFAULT_SEED)
    stored = store.observations()
    assert len(stored) == len(expected) == summary.observations
    key = ["unit", "indicator", "period"]
    cols = [*key, "value", "status", "source"]
    a = stored[cols].sort_values(key).reset_index(drop=True)
    b = expected[cols].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert (stored["entered_by"] == DEMO_USER).all()
    units = store.units()
    assert len(units) == 22 and units.set_index("code").loc["kunshan", "prefecture_zh"] == "苏州市"
    groups = store.groups()
    assert set(groups.loc[groups["group"] == "sunan", "unit_code"]) == set(
        units.loc[units["type"] == "city", "code"]
    )
    assert store.framework_text("liyang") == default_framework_path().read_text(encoding="utf-8")


def test_demo_summary_counts(built: tuple[Store, DemoSummary]) -> None:
    store, _ = built
    s = demo_summary(store)
    obs = store.observations()
    assert s["units_by_type"] == {"city": 10, "town": 9, "street": 3}
    assert s["indicators"] == 57 and s["years"] == ("2015", "2024")
    assert s["observations"] == len(obs)
    assert s["illustrative"] == int((obs["status"] == "illustrative").sum())
    assert s["public"] == int(obs["status"].isin(["final", "preliminary"]).sum())
    assert s["public"] + s["illustrative"] == s["observations"]
    assert 0.9 < s["illustrative_share"] < 1.0


def test_rebuilding_with_the_same_seed_changes_nothing(built: tuple[Store, DemoSummary]) -> None:
    store, _ = built
    batches = store.batches()
    again = build_demo(store, default_framework_path(), DEFAULT_SEED)
    assert again.batch_id is None  # every value equal: nothing written, no empty batch
    pd.testing.assert_frame_equal(store.batches(), batches)
    assert (store.observations()["revision"] == 1).all()
    assert (store.unit_history("liyang")["revision"] == 1).all()


def _real_database(url: str) -> None:
    """A database with one value entered by a clerk (not by the demo)."""
    with Store(url) as store:
        store.upgrade()
        units = pd.DataFrame(
            {"code": ["x"], "name_zh": ["某市"], "name_en": ["X"], "type": ["city"]}
        )
        store.add_units(units)
        row = pd.DataFrame({"unit": ["x"], "indicator": ["EC01"], "period": ["2024"], "value": [1]})
        store.add_observations(row, entered_by="统计局 clerk")


def test_reset_refuses_a_database_with_real_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'real.sqlite'}"
    _real_database(url)
    with pytest.raises(DemoError, match="--db"):
        reset_database(url)
    assert (tmp_path / "real.sqlite").exists()


def test_reset_deletes_a_demo_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    url = f"sqlite:///{path}"
    with Store(url) as store:
        store.upgrade()
    assert path.exists()
    reset_database(url)
    assert not path.exists()


def test_cli_demo_end_to_end(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    runner = CliRunner()
    result = runner.invoke(app, ["demo", "--db", url, "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "示例数据" in result.output and "ILLUSTRATIVE" in result.output
    with Store(url) as store:
        obs = store.observations()
        assert len(obs) == 6900
        ill = obs[obs["status"] == "illustrative"]
        assert ill["source"].str.contains("seed 7").all()
    # --keep adds to the existing database: the same seed gives the same values, so
    # nothing is written and no (empty) second batch is logged
    result = runner.invoke(app, ["demo", "--db", url, "--seed", "7", "--keep"])
    assert result.exit_code == 0, result.output
    with Store(url) as store:
        batches = store.batches()
        assert len(batches) == 1 and batches["added"].iloc[0] == 6900
        assert (store.observations(all_revisions=True)["revision"] == 1).all()


@pytest.mark.parametrize("mode", [[], ["--fresh"], ["--keep"]])
def test_cli_demo_refuses_a_database_with_real_data(tmp_path: Path, mode: list[str]) -> None:
    url = f"sqlite:///{tmp_path / 'real.sqlite'}"
    _real_database(url)
    before = _everything(url)
    result = CliRunner().invoke(app, ["demo", "--db", url, *mode])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "not made by the demo" in output and "--db" in output
    assert _everything(url) == before  # untouched: no demo values mixed in, nothing wiped


def _everything(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in primary-key order."""
    from sqlalchemy import select

    from qcity.data.backup import tables

    with Store(url) as store, store.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in tables()
        }


def test_demo_run_again_keeps_published_runs_audit_log_accounts_groups_and_values(
    tmp_path: Path,
) -> None:
    """`make run` twice, or after the README tour: nothing certified is replaced; the
    second demo adds run 2 and the report's run id is written for `make run`."""
    from qcity.data import runs as run_table
    from qcity.data import users
    from qcity.data.audit import verify_chain

    url = f"sqlite:///{tmp_path / 'q.sqlite'}"
    runner = CliRunner()
    run_file = tmp_path / "var" / "demo-run.txt"
    first = runner.invoke(app, ["demo", "--db", url, "-o", str(tmp_path / "r1"),
                                "--run-file", str(run_file)])  # fmt: skip
    assert first.exit_code == 0, first.output
    assert run_file.read_text(encoding="utf-8").strip() == "1"
    with Store(url) as store:
        assert run_table.publish_run(store, 1, "cli:director")
        users.add_user(store, "wang", "reviewer", "argon2-hash", actor="cli:admin")
        store.add_group("sunan", "苏南", "Sunan", ["liyang", "kunshan"], kind="peer")  # edited
        scores = run_table.read_scores(store, 1)
    before = _everything(url)

    again = runner.invoke(app, ["demo", "--db", url, "-o", str(tmp_path / "r2"),
                                "--run-file", str(run_file)])  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "kept what was there" in " ".join(again.output.split())
    after = _everything(url)
    for table in ("users", "groups", "group_members", "units", "observations", "import_batches"):
        assert after[table] == before[table], table
    # the audit log only grew, and its chain still verifies
    assert after["audit_log"][: len(before["audit_log"])] == before["audit_log"]
    assert len(after["audit_log"]) == len(before["audit_log"]) + 1  # run 2 stored
    assert run_file.read_text(encoding="utf-8").strip() == "2"
    with Store(url) as store:
        assert run_table.read_run(store, 1)["status"] == "published"
        pd.testing.assert_frame_equal(run_table.read_scores(store, 1), scores)
        assert run_table.list_runs(store)["id"].tolist() == [2, 1]
        with store.engine.connect() as conn:
            assert verify_chain(conn).ok

    fresh = runner.invoke(app, ["demo", "--db", url, "--fresh"])
    assert fresh.exit_code == 1
    output = " ".join(fresh.output.split())
    assert "never deletes" in output and "without --fresh" in output
    assert _everything(url) == after
