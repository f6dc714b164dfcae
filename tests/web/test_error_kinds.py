"""One exception handler maps qcity's errors by kind to an HTTP status (InputError 400,
FrameworkError and EvaluationError 422, PermissionDenied 403, NotFound 404, ConflictError
409, StoreError 503); anything else is a bug: logged with its traceback and answered 500
with the id of the log entry, never the exception's text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from qcity import errors
from qcity.service.errors import LOG_ENV
from qcity.web import create_app

KIND_STATUS = {
    "InputError": 400,
    "FrameworkError": 422,
    "StoreError": 503,
    "ConflictError": 409,
    "PermissionDenied": 403,
    "NotFound": 404,
    "EvaluationError": 422,
}


def _app(tmp_path: Path) -> FastAPI:
    app = create_app(f"sqlite:///{tmp_path / 'none.sqlite'}")

    @app.get("/api/raise/{kind}")
    def raise_kind(kind: str) -> None:
        if kind == "bug":
            raise ZeroDivisionError("secret detail of the bug")
        if kind == "lookup":
            raise errors.Unknown("no unit 'XX'; units: LY, JY")
        raise getattr(errors, kind)(f"{kind} happened", "do this instead")

    return app


def test_every_kind_is_named_in_the_table() -> None:
    assert set(KIND_STATUS) == {k.__name__ for k in errors.KINDS}
    assert all(getattr(errors, k).http_status == s for k, s in KIND_STATUS.items())


@pytest.mark.parametrize(("kind", "status"), KIND_STATUS.items())
def test_each_kind_gets_its_status_message_and_hint(tmp_path: Path, kind: str, status: int) -> None:
    with TestClient(_app(tmp_path)) as client:
        res = client.get(f"/api/raise/{kind}")
    assert res.status_code == status, res.text
    error = res.json()["error"]
    assert error["status"] == status
    assert error["message"] == f"{kind} happened"
    assert error["hint"] == "do this instead"


def test_a_kind_that_is_still_a_key_error_reads_without_quotes(tmp_path: Path) -> None:
    with TestClient(_app(tmp_path)) as client:
        res = client.get("/api/raise/lookup")
    assert res.status_code == 404
    assert res.json()["error"]["message"] == "no unit 'XX'; units: LY, JY"


def test_a_bug_is_logged_and_answered_500_with_its_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "errors.log"
    monkeypatch.setenv(LOG_ENV, str(log))
    with TestClient(_app(tmp_path), raise_server_exceptions=False) as client:
        res = client.get("/api/raise/bug")
        page = client.get("/api/raise/bug", headers={"accept": "text/html"})
    assert res.status_code == 500 and page.status_code == 500
    error = res.json()["error"]
    found = re.fullmatch(r"internal error ([0-9a-f]{12}) / 内部错误 \1 .*", error["message"])
    assert found, error["message"]
    assert error["error_id"] == found.group(1)
    assert "secret detail" not in res.text and "ZeroDivisionError" not in res.text
    text = log.read_text(encoding="utf-8")
    assert f"internal error {found.group(1)}: ZeroDivisionError: secret detail" in text
    assert "Traceback (most recent call last)" in text
    assert text.count("internal error ") == 2, "each request its own entry"
