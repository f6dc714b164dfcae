"""CSRF protection: a state-changing request (POST, PUT, PATCH, DELETE) that carries a
session cookie must also carry that session's CSRF token, in the ``X-CSRF-Token`` header
(the pages' JavaScript sends it from ``<meta name="csrf-token">``) or in the hidden form
field ``csrf_token``. Calls with an ``Authorization: Bearer`` API token are exempt: a
browser never adds that header by itself. The login form, made before any session
exists, uses a double-submit cookie instead (``qcity.web.accounts``).
"""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qcity.web.access import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, bearer, resolve

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The largest form body read to find the hidden field (larger forms use the header).
MAX_FORM = 1 << 20


def _cookie(headers: Headers, name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header: treat as no cookie
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


class CsrfMiddleware:
    """ASGI middleware refusing (403) a state-changing request of a logged-in browser
    without its session's CSRF token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if bearer(headers) is not None or not _cookie(headers, SESSION_COOKIE):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        access = await run_in_threadpool(resolve, request)
        if access.csrf is None:  # no valid session: the route refuses the anonymous actor
            await self.app(scope, receive, send)
            return
        sent = headers.get(CSRF_HEADER)
        replay: list[Message] = []
        ctype = headers.get("content-type", "")
        if not sent and ctype.startswith("application/x-www-form-urlencoded"):
            body = b""
            while True:
                message = await receive()
                replay.append(message)
                body += message.get("body", b"")
                if not message.get("more_body") or len(body) > MAX_FORM:
                    break
            field = parse_qs(body.decode("latin-1")).get(CSRF_FIELD)
            sent = field[0] if field else None
        if not sent or not secrets.compare_digest(sent.encode(), access.csrf.encode()):
            from qcity.web.app import error_response

            response = error_response(
                request, 403, "missing or wrong CSRF token; reload the page / 请刷新页面后重试"
            )
            await response(scope, receive, send)
            return

        async def replayed() -> Message:
            return replay.pop(0) if replay else await receive()

        await self.app(scope, replayed, send)


__all__ = ["CsrfMiddleware"]
