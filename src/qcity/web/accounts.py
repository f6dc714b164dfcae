"""The account pages: log in and out (``/login``, ``/logout``), one's own account
(``/account``: password change, API tokens) and the admin's user list (``/admin/users``).

The session cookie ``qcity_session`` is HttpOnly, SameSite=Lax and Secure when the request
came over https (behind a proxy, uvicorn's proxy-headers setting sets the scheme from
``X-Forwarded-Proto`` of trusted addresses only). The login form, sent before any session
exists, is protected by a double-submit cookie (``qcity_csrf`` equal to the form's field);
every later form carries the session's CSRF token (``qcity.web.csrf``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qcity.service import accounts
from qcity.service.access import ROLES, Actor
from qcity.web.access import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    accounts_store,
    public,
    require,
)
from qcity.web.i18n import local_first
from qcity.web.pages import render, request_lang

router = APIRouter(include_in_schema=False)

SELF = Depends(require("account.self"))
ADMIN = Depends(require("users.manage"))


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(
    request: Request, status: int = 200, error: str | None = None, next_: str = "/"
) -> HTMLResponse:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    lang = request_lang(request)
    private = not bool(getattr(request.app.state, "public_read", True))
    page = render(
        request,
        "login.html",
        title=_word("login", lang),
        login_csrf=token,
        error=local_first(error, lang) if error else None,
        next=safe_next(next_),
        private=private,
    )
    page.status_code = status
    page.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/login",
    )
    return page


def _word(key: str, lang: str) -> str:
    from qcity.web.i18n import word

    return word(key, lang)


@router.get("/login", response_class=HTMLResponse, dependencies=[Depends(public)])
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    """The login form."""
    return _login_page(request, next_=next)


@router.post("/login", dependencies=[Depends(public)])
def login(
    request: Request,
    name: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/"),
) -> Response:
    """Check the name and password (at most 20 attempts a minute from one address; a name
    refused from an address for a while after repeated failures from there: see
    ``accounts.authenticate``); on success open a session and go on to ``next``. The
    client address is the proxy's ``X-Forwarded-For`` only from ``qcity serve --proxy``
    addresses (uvicorn sets it), else the connection's own."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not cookie or not secrets.compare_digest(cookie.encode(), csrf_token.encode()):
        return _login_page(
            request, 403, "the form expired; try again / 表单已过期，请重试", next_=next
        )
    client = request.client.host if request.client else "unknown"
    if not request.app.state.login_limiter.allow(client):
        return _login_page(
            request, 429, "too many login attempts; wait a minute / 尝试次数过多，请稍后再试", next
        )
    store = accounts_store(request.app)
    try:
        user = accounts.authenticate(store, name, password, client)
    except accounts.LoginFailed as exc:
        return _login_page(request, 401, str(exc), next_=next)
    session = accounts.start_session(store, user)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session.cookie,
        max_age=accounts.SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, actor: Actor = SELF) -> Response:
    """End the session (revoked on the server: the cookie never works again)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        accounts.end_session(accounts_store(request.app), cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _account_page(
    request: Request,
    actor: Actor,
    *,
    status: int = 200,
    message: str | None = None,
    good: bool = False,
    new_token: str | None = None,
) -> HTMLResponse:
    lang = request_lang(request)
    page = render(
        request,
        "account.html",
        title=_word("account", lang),
        tokens=accounts.token_list(accounts_store(request.app), actor=actor),
        scopes=accounts.token_scopes(actor=actor),
        good=good,
        new_token=new_token,
        min_password=accounts.MIN_PASSWORD,
        message=local_first(message, lang) if message else None,
    )
    page.status_code = status
    return page


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, actor: Actor = SELF) -> HTMLResponse:
    """One's own account: change the password, create and revoke API tokens."""
    return _account_page(request, actor)


@router.post("/account/password")
async def change_password(
    request: Request,
    old: str = Form(""),
    new: str = Form(""),
    again: str = Form(""),
    actor: Actor = SELF,
) -> Response:
    """Change one's own password (every session of the user ends: log in again)."""
    if new != again:
        return _account_page(
            request, actor, status=400, message="the new passwords differ / 两次输入的新密码不一致"
        )
    store = accounts_store(request.app)
    try:
        await run_in_threadpool(lambda: accounts.change_password(store, actor, old=old, new=new))
    except accounts.AccountError as exc:
        return _account_page(request, actor, status=400, message=str(exc))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/tokens")
async def create_token(request: Request, actor: Actor = SELF) -> Response:
    """Create an API token for oneself (form fields ``scope``, repeated, and ``days``)."""
    form = await request.form()
    scopes = [str(s) for s in form.getlist("scope")]
    try:
        days = int(str(form.get("days") or "90"))
        made = accounts.create_token(
            accounts_store(request.app), actor, name=actor.name, scopes=scopes, days=days
        )
    except ValueError as exc:
        return _account_page(request, actor, status=400, message=str(exc))
    return _account_page(request, actor, new_token=made.token, good=True)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: int, actor: Actor = SELF) -> Response:
    """Revoke one of one's own API tokens."""
    try:
        accounts.revoke_token(accounts_store(request.app), actor, token_id=token_id)
    except ValueError as exc:
        return _account_page(request, actor, status=404, message=str(exc))
    return RedirectResponse("/account", status_code=303)


# -- admin: users ---------------------------------------------------------------------------


def _users_page(
    request: Request,
    actor: Actor,
    *,
    status: int = 200,
    message: str | None = None,
    good: bool = False,
) -> HTMLResponse:
    lang = request_lang(request)
    page = render(
        request,
        "admin_users.html",
        title=_word("users", lang),
        users=accounts.user_list(accounts_store(request.app), actor=actor),
        roles=ROLES,
        message=local_first(message, lang) if message else None,
        good=good,
        min_password=accounts.MIN_PASSWORD,
    )
    page.status_code = status
    return page


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, actor: Actor = ADMIN) -> HTMLResponse:
    """The users: list, add, change a role, disable."""
    return _users_page(request, actor)


def _users_change(
    request: Request, actor: Actor, change: Callable[[], object], done: str
) -> Response:
    try:
        change()
    except ValueError as exc:
        return _users_page(request, actor, status=400, message=str(exc))
    return _users_page(request, actor, message=done, good=True)


@router.post("/admin/users")
def add_user(
    request: Request,
    name: str = Form(""),
    role: str = Form(""),
    password: str = Form(""),
    department: str = Form(""),
    display_name: str = Form(""),
    actor: Actor = ADMIN,
) -> Response:
    """Add a user with a first password the admin gives them."""
    store = accounts_store(request.app)
    return _users_change(
        request,
        actor,
        lambda: accounts.create_user(
            store,
            actor,
            name=name,
            role=role,
            password=password,
            department=department or None,
            display_name=display_name or None,
        ),
        f"user {name} added / 已添加用户",
    )


@router.post("/admin/users/{name}/role")
def set_role(request: Request, name: str, role: str = Form(""), actor: Actor = ADMIN) -> Response:
    """Give a user another role."""
    store = accounts_store(request.app)
    return _users_change(
        request,
        actor,
        lambda: accounts.set_role(store, actor, name=name, role=role),
        f"{name}: {role} / 角色已更改",
    )


@router.post("/admin/users/{name}/disable")
def disable(request: Request, name: str, actor: Actor = ADMIN) -> Response:
    """Disable a user."""
    store = accounts_store(request.app)
    return _users_change(
        request,
        actor,
        lambda: accounts.disable_user(store, actor, name=name),
        f"{name} disabled / 已停用",
    )


__all__ = ["CSRF_FIELD", "router", "safe_next"]
