"""Guessing passwords through a real server (SQLite and PostgreSQL): parallel guesses are
counted one by one (no more password checks than the limit, the lock holds against the
right password afterwards), a locked name answers exactly as an unknown one, and
``qcity serve`` believes ``X-Forwarded-For`` only from the ``--proxy`` addresses."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from qcity.cli import app as cli
from qcity.data.store import Store
from qcity.data.users import get_user
from qcity.service import accounts
from qcity.web import create_app
from tests.web.auth_helpers import OPERATOR, PASSWORD, add_user, demo_copy
from tests.web.conftest import free_port, serve_app

GUESSES = 15


def _login(c: httpx.Client, name: str, password: str, **headers: str) -> httpx.Response:
    """One attempt through the login form, as a browser on the dashboard's page makes it."""
    c.get("/login")
    return c.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": c.cookies.get("qcity_csrf")},
        headers={"Origin": str(c.base_url).rstrip("/"), **headers},
    )


def test_parallel_guesses_are_counted_one_by_one(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts.create_user(store, OPERATOR, name="target", role="analyst", password=PASSWORD)
    stored = get_user(store, "target").password_hash
    checks: list[str] = []
    real_verify = accounts._verify

    def counting(hashed: str, password: str) -> bool:  # the real check, counted
        if hashed == stored:
            checks.append(password)
        return real_verify(hashed, password)

    monkeypatch.setattr(accounts, "_verify", counting)
    start = threading.Barrier(GUESSES)
    codes: list[int] = []
    failures: list[str] = []

    def guess(i: int, base: str) -> None:
        try:
            with httpx.Client(base_url=base, timeout=120) as c:
                c.get("/login")
                start.wait()
                codes.append(_login(c, "target", f"wrong guess {i:02d}").status_code)
        except Exception as exc:  # reported below with the guess's number
            failures.append(f"guess {i}: {exc!r}")

    with serve_app(create_app(store.url)) as base:
        threads = [threading.Thread(target=guess, args=(i, base)) for i in range(GUESSES)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == []
        assert codes == [401] * GUESSES
        assert len(checks) == accounts.MAX_FAILURES  # the others never reached the hash
        with httpx.Client(base_url=base, timeout=60) as c:
            right = _login(c, "target", PASSWORD)
            nobody = _login(c, "no-such-user", PASSWORD)
    assert right.status_code == 401 and "qcity_session" not in right.cookies
    assert right.text == nobody.text  # locked looks exactly like unknown
    assert len(checks) == accounts.MAX_FAILURES


def test_a_locked_name_answers_as_an_unknown_one(store: Store) -> None:
    accounts.create_user(store, OPERATOR, name="someone", role="viewer", password=PASSWORD)
    with serve_app(create_app(store.url)) as base, httpx.Client(base_url=base) as c:
        for _ in range(accounts.MAX_FAILURES):
            assert _login(c, "someone", "not the password").status_code == 401
        locked = _login(c, "someone", "not the password")
        unknown = _login(c, "no-one-of-that-name", "not the password")
    assert (locked.status_code, locked.text) == (unknown.status_code, unknown.text)
    assert "wrong name or password" in locked.text


@contextmanager
def qcity_serve(url: str, *options: str) -> Iterator[str]:
    """``qcity serve`` on ``url`` as the operator starts it; its base URL."""
    port = free_port()
    qcity = Path(sys.executable).parent / "qcity"
    proc = subprocess.Popen(
        [str(qcity), "serve", "--port", str(port), "--db", url, *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{base}/login", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _guess_from(c: httpx.Client, address: str, password: str) -> int:
    return _login(c, "proxied", password, **{"X-Forwarded-For": address}).status_code


@pytest.fixture(scope="module")
def served_url(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = demo_copy(demo_url, tmp_path_factory.mktemp("proxy"))
    add_user(url, "proxied", "viewer")
    return url


def test_forwarded_for_is_ignored_without_proxy(served_url: str) -> None:
    """Without --proxy a guesser cannot pose as many clients with a made-up header: the
    limit of attempts a minute from one address (20) counts them all as 127.0.0.1."""
    with qcity_serve(served_url) as base, httpx.Client(base_url=base, timeout=60) as c:
        codes = [_guess_from(c, f"198.51.100.{i}", "not the password") for i in range(20)]
        assert codes == [401] * 20
        assert _guess_from(c, "203.0.113.7", PASSWORD) == 429


def test_forwarded_for_is_believed_from_the_named_proxy(served_url: str) -> None:
    with (
        qcity_serve(served_url, "--proxy", "127.0.0.1,10.1.2.0/24") as base,
        httpx.Client(base_url=base, timeout=60) as c,
    ):
        for _ in range(accounts.MAX_FAILURES):
            assert _guess_from(c, "198.51.100.9", "not the password") == 401
        assert _guess_from(c, "198.51.100.9", PASSWORD) == 401  # that client is locked
        assert _guess_from(c, "203.0.113.7", PASSWORD) == 303  # the user elsewhere is not


def test_proxy_addresses_are_checked() -> None:
    res = CliRunner().invoke(cli, ["serve", "--proxy", "127.0.0.1,my-proxy"])
    assert res.exit_code == 1
    assert "'my-proxy' is not an IP address" in res.output and "Traceback" not in res.output
