"""No input gives an HTTP 500 (issue 18): the inputs that did — a comment that is a
number, a token valid for 36,500,000 days, upload names ``..`` or of 300 characters, a
CSV cell over 128 KB, 200,000 columns, texts longer than their columns — each get a 4xx
in the one JSON error format (status, code, message, hint, field), never showing a server
path. SQLite and PostgreSQL where the store is involved."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from qcity.data.store import Store
from tests.helpers import REPO
from tests.web.auth_helpers import add_user, login
from tests.web.workflow_client import post, workflow_app
from tests.workflow_helpers import seed

KEYS = {"status", "code", "message", "hint", "field"}
#: Where this server keeps things, found at run time: none may appear in an error message.
SERVER_PATHS = (
    tempfile.gettempdir(),
    str(Path.home()),
    str(REPO),
    sys.prefix,
    "site-packages",
    "qcity-upload-",
)


def _error(res: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The error of ``res``: the status expected, every key of the one format, the field
    named, and no server path in its message."""
    assert res.status_code == status, res.text
    error: dict[str, Any] = res.json()["error"]
    assert set(error) >= KEYS and error["status"] == status
    assert error["message"] and error["hint"] and error["code"]
    if field is not None:
        assert error["field"] == field, error
    for root in SERVER_PATHS:
        assert root not in error["message"], error["message"]
    return error


@pytest.fixture
def client(store: Store, db_url: str) -> Iterator[TestClient]:
    seed(store)
    with TestClient(workflow_app(db_url)) as c:
        yield c


def test_review_bodies_are_validated(client: TestClient) -> None:
    saved = post(
        client,
        "li",
        "/api/values",
        json={"values": [{"unit": "LY", "indicator": "A1", "period": "2024", "value": 11}]},
    )
    # A1 of LY exists (revision 1): saving it as new is a conflict, not a server error
    _error(saved, 409)
    res = post(client, "wang", "/api/values/1/approve", json={"comment": 123})
    _error(res, 422, "comment")
    res = post(client, "wang", "/api/values/1/approve", json={"comment": "x" * 2001})
    _error(res, 422, "comment")
    res = post(client, "wang", "/api/values/1/reject", json={"reason": ["a"]})
    _error(res, 422, "reason")
    res = post(client, "wang", "/api/values/1/approve", content=b"{not json")
    _error(res, 422)


def test_texts_longer_than_their_columns_are_refused(client: TestClient, store: Store) -> None:
    long = {"unit": "LY", "indicator": "A" * 65, "period": "2024", "value": 1}
    _error(post(client, "li", "/api/values", json={"values": [long]}), 422, "values.0.indicator")
    source = {"unit": "LY", "indicator": "A2", "period": "2024", "value": 1, "source": "s" * 1001}
    _error(post(client, "li", "/api/values", json={"values": [source]}), 422, "values.0.source")
    before = len(store.observations(values="all"))
    assert len(store.observations(values="all")) == before


def test_a_token_for_36500000_days_is_refused(store: Store, db_url: str) -> None:
    seed(store)
    add_user(db_url, "tokenuser", "viewer")
    from qcity.web import create_app

    with TestClient(create_app(db_url)) as c:
        login(c, "tokenuser")
        res = c.post("/account/tokens", data={"scope": ["results.read"], "days": "36500000"})
        assert 400 <= res.status_code < 500, res.status_code
        assert tempfile.gettempdir() not in res.text


@pytest.mark.parametrize(
    ("name", "why"),
    [("..", "not a file name"), ("." * 3, "not a file name"), ("a" * 296 + ".csv", "at most")],
)
def test_odd_upload_file_names_are_refused(client: TestClient, name: str, why: str) -> None:
    body = b"unit,indicator,period,value\nLY,A1,2024,12\n"
    res = post(client, "li", "/api/upload", files={"file": (name, body)})
    assert why in _error(res, 422, "file")["message"]


def test_a_csv_cell_over_128_kb_and_200000_columns_are_refused(client: TestClient) -> None:
    cell = b'unit,indicator,period,value,source\nLY,A1,2024,12,"' + b"x" * 140_000 + b'"\n'
    res = post(client, "li", "/api/upload", files={"file": ("big.csv", cell)})
    problem = _error(res, 422)["problems"][0]
    assert "131072" in problem["reason"] and "row 2" in problem["reason"]
    header = b"unit,period," + b",".join(b"c%d" % i for i in range(200_000))
    wide = header + b"\nLY,2024," + b",".join(b"1" for _ in range(200_000)) + b"\n"
    res = post(client, "li", "/api/upload", files={"file": ("wide.csv", wide)})
    problem = _error(res, 422)["problems"][0]
    assert "200002 columns" in problem["reason"] and "at most 1000" in problem["reason"]


def test_user_names_longer_than_the_column_are_refused(store: Store, db_url: str) -> None:
    """The same on both databases: 150 characters (PostgreSQL's VARCHAR(100) refused it
    with a 500) and 5,000 (SQLite stored it, and a restore into PostgreSQL broke)."""
    from qcity.data.users import UserError

    seed(store)
    for n in (150, 5000):
        with pytest.raises(UserError, match=r"field name: .* at most 100"):
            add_user(db_url, "u" * n, "viewer")
    add_user(db_url, "boss", "admin")
    from qcity.web import create_app

    with TestClient(create_app(db_url)) as c:
        login(c, "boss")
        res = c.post(
            "/admin/users",
            data={"name": "n" * 150, "role": "viewer", "password": "correct horse battery"},
        )
        assert 400 <= res.status_code < 500 and "at most 100" in res.text
    from qcity.data.users import list_users

    assert all(len(u.name) <= 100 for u in list_users(store))


def test_validation_errors_use_the_one_format(client: TestClient) -> None:
    _error(client.get("/api/audit?limit=0", headers={"X-Test-User": "wang"}), 422, "limit")
    _error(client.get("/api/nope"), 404)
    _error(post(client, "li", "/api/values/submit", json={"ids": []}), 422, "ids")
