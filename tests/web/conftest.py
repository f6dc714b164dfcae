"""Fixtures of the dashboard's tests: a demo database built once per session, the app on
it served by uvicorn on a free loopback port (one server per session), and Debian's
Chromium driven by Playwright (one browser per session)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
"""Where the browser tests save a screenshot of each page (gitignored: var/)."""


def build_demo_db(path: Path, demo: Path) -> str:
    """A SQLite demo database at ``path`` (Liyang, its peers, its towns and streets: a copy
    of ``demo``, the session's ``demo_sqlite``) with its evaluation published (what
    anonymous visitors see)."""
    shutil.copyfile(demo, path)
    url = f"sqlite:///{path}"
    publish_evaluation(url)
    return url


def publish_evaluation(url: str, by: str = "cli:test") -> int:
    """Evaluate the peer group's approved values with the framework in force, keep the run and
    publish it, as an analyst does (``qcity evaluate --keep``, ``qcity runs publish``);
    the run's id."""
    from qcity.service.runs import keep_run, publish_run
    from qcity.web.state import PEERS, Dashboard

    result = Dashboard(url).scope(PEERS).result  # the peer group, as the dashboard shows
    run_id = keep_run(result, url, by, [])
    publish_run(db=url, run_id=run_id, by=by)
    return run_id


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory, demo_sqlite: Path) -> str:
    """The demo database with its evaluation published, made once per session; tests must
    not write to it."""
    return build_demo_db(tmp_path_factory.mktemp("web-demo") / "demo.sqlite", demo_sqlite)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free loopback port; its base URL."""
    import uvicorn

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "the dashboard's server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@contextmanager
def serve(url: str) -> Iterator[str]:
    """The dashboard on ``url``, served by uvicorn in a thread; its base URL."""
    from qcity.web import create_app

    with serve_app(create_app(url)) as base:
        yield base


@pytest.fixture(scope="session")
def server(demo_url: str) -> Iterator[str]:
    """The dashboard on the demo database (anonymous visitors read it); its base URL."""
    with serve(demo_url) as base:
        yield base


@pytest.fixture(scope="session")
def account_url(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the demo database with the users of ``auth_helpers.BROWSER_USERS``
    (tests may write to it)."""
    from tests.web.auth_helpers import BROWSER_USERS, add_user, demo_copy

    url = demo_copy(demo_url, tmp_path_factory.mktemp("accounts"))
    for name, role, department in BROWSER_USERS:
        add_user(url, name, role, department=department)
    return url


@pytest.fixture(scope="session")
def account_server(account_url: str) -> Iterator[str]:
    """The dashboard on ``account_url``, where the browser tests log in; its base URL."""
    with serve(account_url) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium (``make test`` installs it: scripts/ensure-system-deps.sh)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/ensure-system-deps.sh"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()
