"""The upload refuses a file one byte over ``MAX_UPLOAD`` (413, nothing stored) and keeps
an uploaded file inside its own folder whatever its name says (``../../x.csv``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qcity.data.store import Store
from qcity.web import create_app
from qcity.web.api import MAX_UPLOAD
from tests.web.auth_helpers import add_user, demo_copy, login


@pytest.fixture(scope="module")
def db(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the demo database with an analyst, who may upload."""
    url = demo_copy(demo_url, tmp_path_factory.mktemp("upload-limits"))
    add_user(url, "analyst", "analyst")
    return url


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as c:
        login(c, "analyst")
        yield c


def test_one_byte_over_the_limit_is_refused(client: TestClient, db: str) -> None:
    with Store(db, create=False) as store:
        before = len(store.batches())
    body = b"unit,indicator,period,value\n" + b"#" * (MAX_UPLOAD + 1 - 28)
    assert len(body) == MAX_UPLOAD + 1
    res = client.post("/api/upload", files={"file": ("big.csv", body, "text/csv")})
    assert res.status_code == 413
    assert "big.csv" in res.json()["error"]["message"]
    with Store(db, create=False) as store:
        assert len(store.batches()) == before


def test_an_upload_name_cannot_climb_out_of_its_folder(client: TestClient, tmp_path: Path) -> None:
    body = b"unit,indicator,period,value\nliyang,EC01,2024,250000\n"
    res = client.post("/api/upload", files={"file": ("../../x.csv", body, "text/csv")})
    assert res.status_code == 200, res.text
    assert res.json()["file"] == "x.csv"  # the folder part is dropped
    assert not (Path.cwd().parent / "x.csv").exists()
