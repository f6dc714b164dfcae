"""Requests made from another site (SQLite and PostgreSQL): a malformed cookie planted by
a page on another port of the host no longer hides the session from the CSRF check; a
state-changing request must come from this site (``Sec-Fetch-Site``, else ``Origin``;
with neither, only a cookie-less API-token call passes); and in Chromium, a page served
on another port that auto-submits a form to the dashboard creates nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from qcity.data.store import Store
from qcity.data.users import find_user
from qcity.service.accounts import create_token, create_user
from qcity.web import create_app
from tests.web.auth_helpers import OPERATOR, PASSWORD, login, origin_of
from tests.web.conftest import serve_app

#: What a neighbour page may set for the whole host (cookies do not keep ports apart).
MALFORMED = ('a="b', "x=1 2")


@pytest.fixture
def app(store: Store) -> FastAPI:
    """The dashboard on an empty store with one admin, ``boss``."""
    create_user(store, OPERATOR, name="boss", role="admin", password=PASSWORD)
    return create_app(store.url)


def _new_user(name: str) -> dict[str, str]:
    return {"name": name, "role": "admin", "password": "mallory's long password"}


@pytest.mark.parametrize("planted", [*MALFORMED, "; ".join(MALFORMED)])
@pytest.mark.parametrize("first", [True, False], ids=["before", "after"])
def test_a_malformed_neighbour_cookie_does_not_hide_the_session(
    app: FastAPI, store: Store, planted: str, first: bool
) -> None:
    with TestClient(app) as logged_in:
        login(logged_in, "boss")
        session = logged_in.cookies.get("qcity_session")
        origin = origin_of(logged_in)
    jar = [planted, f"qcity_session={session}"]
    cookie = "; ".join(jar if first else jar[::-1])
    with TestClient(app) as c:  # a browser sending the planted cookie with the session's
        res = c.post(
            "/admin/users",
            data=_new_user("mallory"),
            headers={"Cookie": cookie, "Origin": origin},
        )
        assert res.status_code == 403 and "CSRF" in res.text
        assert find_user(store, "mallory") is None
        # the same cookies with the session's token: the session is found and works
        page = c.get("/account", headers={"Cookie": cookie})
        assert page.status_code == 200 and "boss" in page.text


#: Headers of a request from another site, and why each is refused.
CROSS_SITE: dict[str, dict[str, str]] = {
    "another port": {"Origin": "http://testserver:8081"},
    "another host": {"Origin": "http://evil.example"},
    "https origin": {"Origin": "https://testserver"},
    "opaque origin": {"Origin": "null"},
    "same-site fetch": {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
    "cross-site fetch": {"Sec-Fetch-Site": "cross-site"},
    "no header": {},
}


def test_state_changes_must_come_from_this_site(app: FastAPI, store: Store) -> None:
    with TestClient(app) as c:
        login(c, "boss")  # the right CSRF token goes with every request below
        del c.headers["Origin"]
        for i, (why, headers) in enumerate(CROSS_SITE.items()):
            res = c.post("/admin/users", data=_new_user(f"x{i}"), headers=headers)
            assert res.status_code == 403, why
            assert "cross-site request refused" in res.text, why
            assert find_user(store, f"x{i}") is None, why
        ours = {
            "same origin": {"Origin": "http://testserver"},
            "default port spelt out": {"Origin": "http://testserver:80"},
            "same-origin fetch": {"Sec-Fetch-Site": "same-origin"},
            "typed by the user": {"Sec-Fetch-Site": "none"},
        }
        for i, (why, headers) in enumerate(ours.items()):
            res = c.post("/admin/users", data=_new_user(f"ok{i}"), headers=headers)
            assert res.status_code == 200, (why, res.text)
            assert find_user(store, f"ok{i}") is not None, why


def test_without_origin_headers_only_a_cookieless_token_call_passes(
    app: FastAPI, store: Store
) -> None:
    token = create_token(store, OPERATOR, name="boss", scopes=["users.manage"]).token
    bearer = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as c:
        res = c.post("/admin/users", data=_new_user("script"), headers=bearer)
        assert res.status_code == 200 and find_user(store, "script") is not None
        login(c, "boss")
        del c.headers["Origin"]
        res = c.post("/admin/users", data=_new_user("mixed"), headers=bearer)
        assert res.status_code == 403 and find_user(store, "mixed") is None


def test_the_login_form_refuses_another_site(app: FastAPI) -> None:
    """A neighbour page can plant the login form's cookie too (login CSRF: logging the
    victim into the attacker's account); the origin check refuses it."""
    with TestClient(app) as c:
        c.cookies.set("qcity_csrf", "planted", path="/login")
        form = {"name": "boss", "password": PASSWORD, "csrf_token": "planted"}
        res = c.post(
            "/login",
            data=form,
            headers={"Origin": "http://testserver:8081", "Sec-Fetch-Site": "same-site"},
            follow_redirects=False,
        )
        assert res.status_code == 403 and "qcity_session" not in c.cookies


def _attacker(target: str) -> Starlette:
    """A page on another port of the same host: it plants malformed cookies for the host
    (with a longer path than the session's, so that the browser sends them first) and
    auto-submits a form creating an admin on ``target``."""

    def page(request: Request) -> HTMLResponse:
        return HTMLResponse(
            f"""<!doctype html><html><body>
<form id="f" method="post" action="{target}/admin/users">
<input name="name" value="mallory"><input name="role" value="admin">
<input name="password" value="mallory's long password"></form>
<script>
document.cookie = 'a="b; path=/admin';
document.cookie = 'x=1 2; path=/admin';
document.getElementById("f").submit();
</script></body></html>"""
        )

    return Starlette(routes=[Route("/", page)])


@pytest.fixture
def servers(app: FastAPI) -> Iterator[tuple[str, str]]:
    """The dashboard and the attacker's page, on two ports of 127.0.0.1."""
    with serve_app(app) as base, serve_app(_attacker(base)) as evil:
        yield base, evil


def test_a_page_on_another_port_cannot_act_for_the_logged_in_admin(
    browser: Any, servers: tuple[str, str], store: Store
) -> None:
    base, evil = servers
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{base}/login?next=/account")
        page.fill("#name", "boss")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("#login-submit")
        assert page.url == f"{base}/account"
        with page.expect_response(f"{base}/admin/users") as answer:
            page.goto(evil)
        names = {c["name"] for c in context.cookies(f"{base}/admin/users")}
        assert {"a", "x", "qcity_session"} <= names, "the planted cookies reach the dashboard"
        assert answer.value.status == 403
        assert "cross-site request refused" in page.content()
        assert find_user(store, "mallory") is None
    finally:
        context.close()
