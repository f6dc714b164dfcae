"""How the workflow tests act as users: the request's actor is named by a test header
(``X-Test-User``, set in place of a login), and every state-changing request goes through
``post`` — the one place to add the CSRF token once logins exist. ``serve`` runs the app
with uvicorn on a free loopback port for real concurrent requests."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import httpx
from fastapi import FastAPI, Request

from qcity.data.roles import ANONYMOUS, Actor
from qcity.web import create_app
from qcity.web.access import current_actor
from tests.workflow_helpers import ADMIN, LI, QIAN, VIEWER, WANG, ZHANG, workflow_framework

HEADER = "X-Test-User"
ACTORS: dict[str, Actor] = {a.name: a for a in (LI, ZHANG, QIAN, WANG, VIEWER, ADMIN)}
ACTORS.update(
    {
        f"clerk{i:02d}": Actor(f"clerk{i:02d}", "clerk", LI.department, via="session")
        for i in range(40)
    }
)


def _actor(request: Request) -> Actor:
    """The actor the test header names (anonymous without it)."""
    name = request.headers.get(HEADER)
    return ACTORS[name] if name else ANONYMOUS


def workflow_app(db_url: str) -> FastAPI:
    """The app on ``db_url`` with the test framework (departments) and test users."""
    app = create_app(db_url)
    app.state.workflow_framework = workflow_framework()
    app.dependency_overrides[current_actor] = _actor
    return app


def as_user(name: str | None) -> dict[str, str]:
    """The headers of a request made by the user ``name`` (None: anonymous)."""
    return {HEADER: name} if name else {}


def post(client: Any, user: str | None, path: str, **kwargs: Any) -> httpx.Response:
    """A state-changing request (JSON with ``json=``, a form with ``data=``)."""
    return client.post(path, headers=as_user(user), **kwargs)


def get(client: Any, user: str | None, path: str, **kwargs: Any) -> httpx.Response:
    """A read request."""
    return client.get(path, headers=as_user(user), **kwargs)


def serve(app: FastAPI) -> AbstractContextManager[str]:
    """``app`` served by uvicorn in a thread on a free loopback port; its base URL."""
    from tests.web.conftest import serve_app

    return serve_app(app)
