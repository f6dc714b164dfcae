"""The permission matrix, generated from the app's route table: every route has a declared
rule (``require(permission)`` or ``public``), and every route answered for every role and
the anonymous visitor, on a public and on a private dashboard, is allowed or refused
exactly as ``PERMISSIONS`` says. A route added without a rule fails here."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from qcity.data.roles import ANONYMOUS, ANONYMOUS_ROLE, PERMISSIONS, ROLES, Actor
from qcity.web import create_app
from qcity.web.access import current_actor, public

#: Routes Starlette/FastAPI provide without a dependency: the OpenAPI description and the
#: static files (CSS, JS, icon), both public by design.
BUILT_IN = {"/openapi.json", "/static"}
#: Values for path parameters (any value works: the rule is checked before the route).
PATH_VALUES = {"code": "economy", "token": "no-such-token", "name": "nobody", "token_id": "999999"}
PUBLIC = "public"


def _rules(dependant: Any) -> Iterator[str]:
    """The rules declared in a dependency tree: permissions and ``public``."""
    for dep in dependant.dependencies:
        if dep.call is public:
            yield PUBLIC
        permission = getattr(dep.call, "permission", None)
        if permission is not None:
            yield permission
        yield from _rules(dep)


def routes(app: FastAPI) -> Iterator[tuple[str, str, str | None]]:
    """Every (method, path, rule) of the app, ``rule`` None when none is declared;
    included routers are walked too."""

    def walk(items: list[Any]) -> Iterator[tuple[str, str, str | None]]:
        for route in items:
            if hasattr(route, "effective_route_contexts"):
                yield from walk(list(route.effective_route_contexts()))
                continue
            path = route.path
            if isinstance(route, Mount) or (isinstance(route, Route) and path in BUILT_IN):
                yield "GET", path, PUBLIC if path in BUILT_IN else None
                continue
            found = sorted(set(_rules(route.dependant)))
            rule = found[0] if len(found) == 1 else None
            for method in sorted(route.methods - {"HEAD"}):
                yield method, path, rule

    yield from walk(list(app.routes))


def test_every_route_declares_one_rule(demo_url: str) -> None:
    table = list(routes(create_app(demo_url)))
    assert len(table) > 25
    missing = [f"{m} {p}" for m, p, rule in table if rule is None]
    assert missing == [], f"routes without a rule (require(...) or public): {missing}"
    known = set(PERMISSIONS) | {PUBLIC}
    assert {rule for _, _, rule in table} <= known


def test_a_route_without_a_rule_is_caught(demo_url: str) -> None:
    app = create_app(demo_url)

    @app.get("/api/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    assert ("GET", "/api/forgotten", None) in set(routes(app))


def _actor(role: str) -> Actor:
    if role == ANONYMOUS_ROLE:
        return ANONYMOUS
    department = "统计局" if role == "clerk" else None
    return Actor(name=f"test-{role}", role=role, department=department, via="session")


def _expected(role: str, rule: str, public_read: bool) -> bool:
    if rule == PUBLIC:
        return True
    if role == ANONYMOUS_ROLE:  # worked out here, not through qcity's own can()
        return public_read and rule == "results.read"
    return role in PERMISSIONS[rule]


def _refused(res: Any) -> bool:
    """The answer of ``require``: 401 log in / 403 not allowed, or (a page) the login form."""
    if res.status_code == 303:
        return str(res.headers.get("location", "")).startswith("/login?next=")
    if res.status_code == 401:
        return "log in first" in res.text
    if res.status_code == 403:
        return "not allowed:" in res.text
    return False


def _url(path: str) -> str:
    if "indicator" in path:
        path = path.replace("{code}", "EC01")
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: PATH_VALUES.get(m.group(1), "x"), path)


WHO = [*ROLES, ANONYMOUS_ROLE]


@pytest.fixture(scope="module", params=[True, False], ids=["public", "private"])
def app_of(request: pytest.FixtureRequest, demo_url: str) -> Iterator[Callable[[str], Any]]:
    app = create_app(demo_url, public_read=request.param)
    with TestClient(app) as client:

        def ask(role: str) -> Any:
            app.dependency_overrides[current_actor] = lambda: _actor(role)
            return client, app

        yield ask
    app.dependency_overrides.clear()


def test_the_matrix(app_of: Callable[[str], Any]) -> None:
    client, app = app_of(ANONYMOUS_ROLE)
    public_read = app.state.public_read
    wrong: list[str] = []
    checked = 0
    for method, path, rule in routes(app):
        if path == "/static":
            path = "/static/app.css"
        assert rule is not None
        for role in WHO:
            app_of(role)
            res = client.request(method, _url(path), follow_redirects=False)
            assert res.status_code < 500, f"{role} {method} {path}: {res.status_code} {res.text}"
            allowed = _expected(role, rule, public_read)
            if _refused(res) == allowed:
                wrong.append(f"{role} {method} {path} ({rule}): {res.status_code}")
            checked += 1
    assert wrong == []
    assert checked >= 25 * len(WHO)
