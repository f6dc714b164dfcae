"""The dashboard notices data written by another process (``qcity import`` on the command
line while it serves): its pages and API show the new values without a restart."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from qcity.data.roles import Actor
from qcity.data.store import Store
from qcity.demo.build import default_framework_path
from qcity.framework.io import load_framework
from qcity.service.evaluation import evaluate
from qcity.service.inputs import from_store
from qcity.web import create_app
from qcity.web.access import current_actor


def _liyang_2024(url: str) -> float:
    """Liyang's 2024 index score evaluated directly through the service."""
    fw = load_framework(default_framework_path())
    scores = evaluate(fw, from_store(url).restrict(group="sunan")).evaluation.scores()
    row = scores.query("unit == 'liyang' and period == '2024' and node == @fw.root.code")
    return float(row["score"].iloc[0])


def _staff_app(url: str) -> FastAPI:
    """The app as a logged-in analyst sees it (the store's approved values evaluated now;
    an anonymous visitor sees the published run, which an import does not change)."""
    app = create_app(url)
    app.dependency_overrides[current_actor] = lambda: Actor("analyst", "analyst", via="test")
    return app


def test_an_import_from_elsewhere_shows_without_a_restart(demo_url: str, tmp_path: Path) -> None:
    path = tmp_path / "copy.sqlite"
    shutil.copyfile(demo_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    with TestClient(_staff_app(url)) as client:
        client.app.state.dashboard.refresh_seconds = 0  # type: ignore[attr-defined]
        before = client.get("/api/overview").json()["latest"]["score"]
        page_before = client.get("/").text
        with Store(url) as store:  # another process: the command line
            old = store.observations().query(
                "unit == 'liyang' and indicator == 'EC01' and period == '2024'"
            )["value"]
            new = pd.DataFrame(
                {"unit": ["liyang"], "indicator": ["EC01"], "period": ["2024"],
                 "value": [float(old.iloc[0]) * 1.5]}
            )  # fmt: skip
            store.add_observations(new, entered_by="统计局")
        after = client.get("/api/overview").json()["latest"]["score"]
        assert after != before
        assert after == pytest.approx(_liyang_2024(url))
        assert client.get("/").text != page_before  # the cached page was rebuilt too


def test_nothing_written_keeps_the_evaluations(demo_url: str) -> None:
    with TestClient(_staff_app(demo_url)) as client:
        dashboard = client.app.state.dashboard  # type: ignore[attr-defined]
        dashboard.refresh_seconds = 0
        client.get("/api/overview")
        generation = dashboard.generation
        client.get("/api/overview")
        client.get("/")
        assert dashboard.generation == generation
