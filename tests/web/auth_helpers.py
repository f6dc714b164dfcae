"""Helpers for tests of the web app with accounts: create a user in the store, log a
``TestClient`` in (it then sends the session's CSRF token with every request), and a
private copy of the session's demo database that a test may write users into."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import make_url

from qcity.data.roles import operator
from qcity.data.store import Store
from qcity.service.accounts import create_user

#: The password of every test user (long enough for the minimum length).
PASSWORD = "correct horse battery"
#: The department a test clerk belongs to (one of the Liyang framework's).
CLERK_DEPARTMENT = "统计局"

OPERATOR = operator("test")
#: The users of the browser tests' server (``account_server``): name, role, department.
BROWSER_USERS = (
    ("analyst", "analyst", None),
    ("clerk", "clerk", CLERK_DEPARTMENT),
    ("reviewer", "reviewer", None),
)


def add_user(
    url: str,
    name: str,
    role: str,
    *,
    department: str | None = None,
    password: str = PASSWORD,
) -> int:
    """Create the user ``name`` with ``role`` in the store at ``url``; its id."""
    with Store(url) as store:
        return create_user(
            store, OPERATOR, name=name, role=role, password=password, department=department
        )


def csrf_of(html: str) -> str | None:
    """The CSRF token in a page's ``<meta name="csrf-token">``."""
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    return found.group(1) if found else None


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log ``client`` in as ``name`` through the login form (double-submit cookie first);
    from then on it sends the page's ``Origin``, as a browser does, and the session's
    CSRF token in ``X-CSRF-Token``. The token."""
    client.headers["Origin"] = origin_of(client)
    form = client.get("/login")
    assert form.status_code == 200, form.text
    token = client.cookies.get("qcity_csrf")
    assert token, "the login page sets its double-submit cookie"
    res = client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": token, "next": "/account"},
        follow_redirects=False,
    )
    assert res.status_code == 303, res.text
    csrf = csrf_of(client.get("/account").text)
    assert csrf, "a logged-in page carries the CSRF token"
    client.headers["X-CSRF-Token"] = csrf
    return csrf


def origin_of(client: TestClient) -> str:
    """The origin of the pages ``client`` talks to (what a browser sends as ``Origin``)."""
    url = client.base_url
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


def demo_copy(demo_url: str, folder: Path) -> str:
    """A copy of the (SQLite) demo database in ``folder`` that a test may write to."""
    source = make_url(demo_url).database
    assert source, demo_url
    target = folder / "demo-copy.sqlite"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def browser_login(page: Any, base: str, name: str, password: str = PASSWORD) -> None:
    """Log a Playwright ``page`` in through the login form at ``base``."""
    page.goto(f"{base}/login")
    page.fill("#name", name)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("#login-submit")
    assert page.locator("#logout").count() == 1, "logged in: the header offers to log out"
