"""Access control of the web app: who the request's actor is, and the one dependency every
route declares to say which permission it needs (``require``).

The permission matrix test walks the route table: a route without a ``require`` dependency
(or an explicit ``public`` one for pages anyone may open, such as the login page) fails it.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, HTTPException, Request

from qcity.data.roles import ANONYMOUS, Actor, can


def current_actor(request: Request) -> Actor:
    """The actor of this request: the logged-in user (session cookie), the owner of a
    bearer API token, or the anonymous visitor."""
    return ANONYMOUS


def require(permission: str) -> Callable[..., Actor]:
    """A FastAPI dependency refusing the request unless its actor holds ``permission``:
    401 for an anonymous visitor (log in first), 403 for a user without the right."""

    def dependency(request: Request, actor: Actor = Depends(current_actor)) -> Actor:
        public_read = bool(getattr(request.app.state, "public_read", True))
        if can(actor, permission, public_read=public_read):
            return actor
        if actor.is_anonymous:
            raise HTTPException(401, "log in first / 请先登录")
        raise HTTPException(403, f"not allowed: {permission} / 无此权限")

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


def public() -> None:
    """The dependency of routes anyone may open (the login page, static assets)."""


__all__ = ["current_actor", "public", "require"]
