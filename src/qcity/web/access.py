"""Access control of the web app: who the request's actor is, and the one dependency every
route declares to say which permission it needs (``require``).

The actor comes from the ``qcity_session`` cookie (a server-side session) or from an
``Authorization: Bearer qct_...`` API token; without either it is the anonymous visitor,
who may read results only on a public dashboard (``app.state.public_read``).

The permission matrix test walks the route table: a route without a ``require`` dependency
(or an explicit ``public`` one for pages anyone may open, such as the login page) fails it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, HTTPException, Request

from qcity.service.access import ANONYMOUS, Actor, can

#: The session cookie (HttpOnly, SameSite=Lax, Secure over https).
SESSION_COOKIE = "qcity_session"
#: The pre-session cookie of the login form's double-submit CSRF token.
LOGIN_CSRF_COOKIE = "qcity_csrf"
#: Where a state-changing request carries its CSRF token: a header (the page's JS) or a
#: hidden form field.
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"

_STATE_KEY = "qcity_access"
_ACTOR_KEY = "qcity_actor"


class Access:
    """What a request's credentials resolve to: its actor and (for a session) the
    session's CSRF token."""

    __slots__ = ("actor", "csrf")

    def __init__(self, actor: Actor, csrf: str | None = None) -> None:
        self.actor, self.csrf = actor, csrf


def accounts_store(app: Any) -> Any:
    """The app's store for accounts (one engine per app, opened on first use)."""
    store = getattr(app.state, "accounts_store", None)
    if store is None:
        from qcity.service.store import Store

        store = Store(app.state.dashboard.url, create=False)
        app.state.accounts_store = store
    return store


def bearer(headers: Any) -> str | None:
    """The API token of an ``Authorization: Bearer`` header, or None."""
    value = headers.get("authorization") or ""
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def resolve(request: Request) -> Access:
    """The request's actor (cached on the request): an API token wins over a cookie; an
    unknown, revoked or expired token is refused (401) rather than read as anonymous."""
    state = request.scope.setdefault("state", {})
    found = state.get(_STATE_KEY)
    if isinstance(found, Access):
        return found
    from qcity.service import accounts

    access = Access(ANONYMOUS)
    token = bearer(request.headers)
    if token is not None:
        actor = accounts.token_actor(accounts_store(request.app), token)
        if actor is None:
            raise HTTPException(401, "invalid, expired or revoked API token / 接口令牌无效")
        access = Access(actor)
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            session = accounts.session_actor(accounts_store(request.app), cookie)
            if session is not None:
                access = Access(*session)
    state[_STATE_KEY] = access
    return access


def current_actor(request: Request) -> Actor:
    """The actor of this request: the logged-in user (session cookie), the owner of a
    bearer API token, or the anonymous visitor."""
    return resolve(request).actor


def page_actor(request: Request) -> Actor:
    """The actor a page is rendered for: the one its ``require`` dependency let in (so a
    test's ``dependency_overrides`` of ``current_actor`` shows too), else the request's."""
    found = request.scope.get("state", {}).get(_ACTOR_KEY)
    if isinstance(found, Actor):
        return found
    try:
        return current_actor(request)
    except HTTPException:
        return ANONYMOUS


def csrf_token(request: Request) -> str | None:
    """The CSRF token of the request's session (None without one)."""
    return resolve(request).csrf


def require(permission: str) -> Callable[..., Actor]:
    """A FastAPI dependency refusing the request unless its actor holds ``permission``:
    401 for an anonymous visitor (log in first), 403 for a user without the right."""

    def dependency(request: Request, actor: Actor = Depends(current_actor)) -> Actor:
        public_read = bool(getattr(request.app.state, "public_read", True))
        if can(actor, permission, public_read=public_read):
            request.scope.setdefault("state", {})[_ACTOR_KEY] = actor  # for the page header
            return actor
        if actor.is_anonymous:
            raise HTTPException(401, "log in first / 请先登录")
        raise HTTPException(403, f"not allowed: {permission} / 无此权限")

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


def may_read(request: Request, actor: Actor) -> bool:
    """Whether ``actor`` may read results here: anyone on a public dashboard, only
    logged-in users on a private one (``qcity serve --private``), where an anonymous
    visitor sees the login form and nothing else: no menu, no framework, no run."""
    return can(
        actor, "results.read", public_read=bool(getattr(request.app.state, "public_read", True))
    )


def public() -> None:
    """The dependency of routes anyone may open (the login page, static assets)."""


__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "LOGIN_CSRF_COOKIE",
    "SESSION_COOKIE",
    "Access",
    "accounts_store",
    "bearer",
    "csrf_token",
    "current_actor",
    "may_read",
    "page_actor",
    "public",
    "require",
    "resolve",
]
