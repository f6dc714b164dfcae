"""Logging in and out on the real login form: the session cookie's flags, CSRF refusals,
the rate limit and the temporary lock-out, logout revoking the session on the server,
password change, API tokens (scoped, revoked, expired), and the upload recording the user
(a clerk only for their own department)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from qcity.data.store import Store
from qcity.data.tables import utcnow
from qcity.data.users import TOKENS
from qcity.service.accounts import MAX_FAILURES, RateLimiter, create_token
from qcity.web import create_app
from tests.web.auth_helpers import (
    CLERK_DEPARTMENT,
    OPERATOR,
    PASSWORD,
    add_user,
    csrf_of,
    demo_copy,
    login,
    origin_of,
)


@pytest.fixture(scope="module")
def url(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the demo database with one user of each role."""
    url = demo_copy(demo_url, tmp_path_factory.mktemp("login"))
    for role in ("admin", "analyst", "reviewer", "viewer"):
        add_user(url, role, role)
    add_user(url, "clerk", "clerk", department=CLERK_DEPARTMENT)
    return url


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with TestClient(create_app(url)) as c:
        yield c


def _set_cookies(res: object) -> list[str]:
    return [v for k, v in res.headers.multi_items() if k.lower() == "set-cookie"]  # type: ignore[attr-defined]


def _login_response(client: TestClient, name: str, password: str) -> object:
    client.get("/login")
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": client.cookies.get("qcity_csrf")},
        headers={"Origin": origin_of(client)},
        follow_redirects=False,
    )


def test_session_cookie_flags(url: str) -> None:
    with TestClient(create_app(url)) as c:
        res = _login_response(c, "viewer", PASSWORD)
        assert res.status_code == 303  # type: ignore[attr-defined]
        (cookie,) = [v for v in _set_cookies(res) if v.startswith("qcity_session=")]
        flags = {f.strip().lower() for f in cookie.split(";")[1:]}
        assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
        assert "secure" not in flags  # plain http
    with TestClient(create_app(url), base_url="https://testserver") as c:
        res = _login_response(c, "viewer", PASSWORD)
        (cookie,) = [v for v in _set_cookies(res) if v.startswith("qcity_session=")]
        assert "secure" in {f.strip().lower() for f in cookie.split(";")[1:]}


def test_login_needs_the_double_submit_token(client: TestClient) -> None:
    client.get("/login")
    res = client.post(
        "/login",
        data={"name": "viewer", "password": PASSWORD, "csrf_token": "forged"},
        headers={"Origin": origin_of(client)},
    )
    assert res.status_code == 403
    assert "qcity_session" not in client.cookies


def test_wrong_password_and_unknown_name_say_the_same(client: TestClient) -> None:
    wrong = _login_response(client, "analyst", "not the password")
    nobody = _login_response(client, "nobody-here", "not the password")
    assert wrong.status_code == nobody.status_code == 401  # type: ignore[attr-defined]
    assert "wrong name or password" in wrong.text and "wrong name or password" in nobody.text  # type: ignore[attr-defined]


def test_state_changes_need_the_csrf_token(client: TestClient, url: str) -> None:
    csrf = login(client, "admin")
    del client.headers["X-CSRF-Token"]
    form = {"name": "mallory", "role": "admin", "password": "x" * 12}
    refused = client.post("/admin/users", data=form)
    assert refused.status_code == 403 and "CSRF" in refused.text
    refused = client.post("/admin/users", data=form, headers={"X-CSRF-Token": "wrong"})
    assert refused.status_code == 403
    with Store(url) as store:
        from qcity.data.users import find_user

        assert find_user(store, "mallory") is None
        # the hidden form field works, as the page's form sends it
        ok = client.post("/admin/users", data={**form, "name": "trent", "csrf_token": csrf})
        assert ok.status_code == 200 and "trent" in ok.text
        assert find_user(store, "trent") is not None


def test_bearer_calls_need_no_csrf_token(client: TestClient, url: str) -> None:
    with Store(url) as store:
        token = create_token(
            store, OPERATOR, name="analyst", scopes=["values.enter", "results.read"]
        ).token
    res = client.post(
        "/api/upload",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": ("a.csv", b"unit,indicator,period,value\nliyang,EC01,2024,150000\n")},
    )
    assert res.status_code == 200 and res.json()["rows"] == 1


def test_lock_out_after_repeated_failures(url: str) -> None:
    add_user(url, "locked", "viewer")
    with TestClient(create_app(url)) as c:
        for _ in range(MAX_FAILURES):
            assert _login_response(c, "locked", "bad password!").status_code == 401  # type: ignore[attr-defined]
        res = _login_response(c, "locked", PASSWORD)  # the right password, too late
        nobody = _login_response(c, "nobody-at-all", PASSWORD)
        assert res.status_code == nobody.status_code == 401  # type: ignore[attr-defined]
        assert res.text == nobody.text  # type: ignore[attr-defined]  # nothing tells them apart
        assert "qcity_session" not in c.cookies


def test_login_rate_limit_per_address(url: str) -> None:
    app = create_app(url)
    app.state.login_limiter = RateLimiter(limit=3, window=3600)
    with TestClient(app) as c:
        codes = [_login_response(c, "viewer", "bad password!").status_code for _ in range(4)]  # type: ignore[attr-defined]
        assert codes == [401, 401, 401, 429]
        assert _login_response(c, "viewer", PASSWORD).status_code == 429  # type: ignore[attr-defined]


def test_logout_revokes_the_session(client: TestClient) -> None:
    csrf = login(client, "reviewer")
    cookie = client.cookies.get("qcity_session")
    assert client.get("/account").status_code == 200
    res = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert res.status_code == 303
    # the old cookie, replayed, is a stranger now
    client.cookies.set("qcity_session", cookie)
    again = client.get("/account", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_password_change(url: str) -> None:
    add_user(url, "changer", "viewer")
    with TestClient(create_app(url)) as c:
        login(c, "changer")
        short = c.post(
            "/account/password", data={"old": PASSWORD, "new": "short", "again": "short"}
        )
        assert short.status_code == 400 and "12" in short.text
        bad_old = c.post(
            "/account/password", data={"old": "nope", "new": "x" * 12, "again": "x" * 12}
        )
        assert bad_old.status_code == 400
        new = "a brand new password"
        ok = c.post(
            "/account/password",
            data={"old": PASSWORD, "new": new, "again": new},
            follow_redirects=False,
        )
        assert ok.status_code == 303
        assert c.get("/account", follow_redirects=False).status_code == 303  # logged out
    with TestClient(create_app(url)) as c:
        assert _login_response(c, "changer", PASSWORD).status_code == 401  # type: ignore[attr-defined]
        assert _login_response(c, "changer", new).status_code == 303  # type: ignore[attr-defined]


def test_tokens_are_scoped_revoked_and_expire(client: TestClient, url: str) -> None:
    login(client, "analyst")
    page = client.post("/account/tokens", data={"scope": ["results.read"], "days": "5"})
    assert page.status_code == 200
    token = page.text.split('id="new-token">')[1].split("<")[0]
    assert token.startswith("qct_")
    with TestClient(create_app(url)) as api:
        auth = {"Authorization": f"Bearer {token}"}
        assert api.get("/api/runs", headers=auth).status_code == 200
        upload = api.post("/api/upload", headers=auth, files={"file": ("a.csv", b"x")})
        assert upload.status_code == 403  # the analyst may, this token's scope may not
        with Store(url) as store:
            from qcity.data.users import get_user, list_tokens

            (row,) = [
                t
                for t in list_tokens(store, get_user(store, "analyst").id)
                if t.scopes == ("results.read",)
            ]
            assert row.last_used_at is not None
            with store.engine.begin() as conn:
                conn.execute(
                    update(TOKENS)
                    .where(TOKENS.c.id == row.id)
                    .values(expires_at=utcnow() - timedelta(seconds=1))
                )
        assert api.get("/api/runs", headers=auth).status_code == 401  # expired
        assert (
            api.get("/api/runs", headers={"Authorization": "Bearer qct_made_up"}).status_code == 401
        )
    # revoke another one through the account page
    page = client.post("/account/tokens", data={"scope": ["results.read"], "days": "5"})
    token = page.text.split('id="new-token">')[1].split("<")[0]
    with Store(url) as store:
        from qcity.data.users import find_token
        from qcity.service.accounts import sha256

        found = find_token(store, sha256(token))
        assert found is not None
    res = client.post(f"/account/tokens/{found.id}/revoke", follow_redirects=False)
    assert res.status_code == 303
    with TestClient(create_app(url)) as api:
        assert api.get("/api/runs", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_upload_records_the_user_and_keeps_a_clerk_in_their_department(url: str) -> None:
    app = create_app(url)
    client, c2 = TestClient(app), TestClient(app)
    login(client, "clerk")
    other = client.post(
        "/api/upload",
        files={
            "file": (
                "mixed.csv",
                b"unit,indicator,period,value\nliyang,EC01,2024,150001\nliyang,EC03,2024,15000\n",
            )
        },
    )
    assert other.status_code == 403
    message = other.json()["error"]["message"]
    assert "liyang EC03 2024" in message and "EC01" not in message
    own = client.post(
        "/api/upload",
        files={"file": ("own.csv", b"unit,indicator,period,value\nliyang,EC01,2024,150001\n")},
    )
    assert own.status_code == 200, own.text
    # another user of the same app cannot store the clerk's checked file
    login(c2, "analyst")
    assert c2.post(f"/api/upload/{own.json()['token']}").status_code == 404
    done = client.post(f"/api/upload/{own.json()['token']}")
    assert done.status_code == 200 and done.json()["stored"], done.text
    with Store(url) as store:
        from qcity.data.users import get_user

        clerk_id = get_user(store, "clerk").id
        batches = store.batches()
        assert batches["entered_by"].iloc[-1] == "clerk"
        from sqlalchemy import select

        from qcity.data.tables import BATCHES, OBS

        with store.engine.connect() as conn:
            ids = conn.execute(
                select(BATCHES.c.entered_by_user_id).order_by(BATCHES.c.id.desc()).limit(1)
            ).scalar_one()
            obs = (
                conn.execute(
                    select(OBS.c.entered_by_user_id).where(
                        OBS.c.batch_id == int(batches["id"].iloc[-1])
                    )
                )
                .scalars()
                .all()
            )
    assert ids == clerk_id and obs == [clerk_id]
    with Store(url) as store:  # the audit log names the user and how they came in
        from qcity.data.audit import read_log

        log = read_log(store.engine)
    for action in ("value.save", "value.submit"):  # entered and submitted for review
        upload = log[log["action"] == action].iloc[0]
        assert (upload["actor"], upload["user_id"], upload["via"]) == ("clerk", clerk_id, "session")


def test_header_shows_the_login_state(client: TestClient) -> None:
    anonymous = client.get("/methodology").text
    assert 'id="login-link"' in anonymous and csrf_of(anonymous) is None
    login(client, "viewer")
    page = client.get("/methodology").text
    assert "viewer · 查看者" in page and 'id="logout"' in page and csrf_of(page)
    assert 'href="/upload' not in page  # a viewer does not enter values


def test_the_web_applies_the_password_rules(url: str) -> None:
    add_user(url, "ruler", "viewer")
    with TestClient(create_app(url)) as admin, TestClient(create_app(url)) as me:
        login(admin, "admin")
        page = admin.get("/admin/users").text
        assert 'minlength="12"' in page
        for name, password, reason in (
            ("weak1", "1q2w3e4r5t6y", "most common"),
            ("weak2", "weak2 is my password", "login name"),
            ("weak3", "elevenchars", "at least 12"),
        ):
            res = admin.post(
                "/admin/users", data={"name": name, "role": "viewer", "password": password}
            )
            assert res.status_code == 400 and reason in res.text, name
        with Store(url) as store:
            from qcity.data.users import find_user

            assert [find_user(store, n) for n in ("weak1", "weak2", "weak3")] == [None] * 3
        login(me, "ruler")
        bad = "RULER, change me now"
        res = me.post("/account/password", data={"old": PASSWORD, "new": bad, "again": bad})
        assert res.status_code == 400 and "login name" in res.text
        assert me.get("/account").status_code == 200  # still logged in: nothing changed


def test_a_password_change_on_the_web_revokes_the_users_tokens(url: str) -> None:
    add_user(url, "tokened", "analyst")
    with TestClient(create_app(url)) as c, TestClient(create_app(url)) as api:
        login(c, "tokened")
        page = c.post("/account/tokens", data={"scope": ["results.read"], "days": "5"})
        token = page.text.split('id="new-token">')[1].split("<")[0]
        auth = {"Authorization": f"Bearer {token}"}
        assert api.get("/api/runs", headers=auth).status_code == 200
        new = "tokens made before this go"
        res = c.post(
            "/account/password",
            data={"old": PASSWORD, "new": new, "again": new},
            follow_redirects=False,
        )
        assert res.status_code == 303
        assert api.get("/api/runs", headers=auth).status_code == 401
