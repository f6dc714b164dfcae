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


def test_cli_demo_is_fresh_by_default_and_refuses_to_wipe_real_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'real.sqlite'}"
    _real_database(url)
    result = CliRunner().invoke(app, ["demo", "--db", url])
    assert result.exit_code == 1
    assert "refusing" in result.output
    with Store(url) as store:
        assert len(store.observations()) == 1  # untouched
