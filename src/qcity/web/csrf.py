"""CSRF protection of state-changing requests (POST, PUT, PATCH, DELETE), in two checks.

1. Where the request comes from. ``Sec-Fetch-Site: same-origin`` or ``none`` (typed by
   the user) passes, any other value (``same-site``: a page on another port of the same
   host; ``cross-site``) is refused. Without that header (older browsers; plain http on
   an intranet address) the ``Origin`` header must be this server's own origin. With
   neither header, only a request without a qcity cookie passes: a script's call with an
   ``Authorization: Bearer`` API token (a browser would have sent one of the headers).
2. The session's token. A request that carries a session cookie must also carry that
   session's CSRF token, in the ``X-CSRF-Token`` header (the pages' JavaScript sends it
   from ``<meta name="csrf-token">``) or in the hidden form field ``csrf_token``. Calls
   with an API token are exempt: a browser never adds that header by itself. The login
   form, made before any session exists, uses a double-submit cookie instead
   (``qcity.web.accounts``).

Cookies are read by Starlette's parser (``request.cookies``), the same one the routes use:
a malformed cookie planted by another page of the host (``a="b``) cannot hide the session
from this check while the route still finds it.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlsplit

from fastapi.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qcity.web.access import (
    CSRF_FIELD,
    CSRF_HEADER,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    bearer,
    resolve,
)

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The largest form body read to find the hidden field (larger forms use the header).
MAX_FORM = 1 << 20
#: ``Sec-Fetch-Site`` values of a request the user made on this site itself.
SAME_SITE_FETCH = frozenset({"same-origin", "none"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, netloc: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of an origin, the default port of the scheme made explicit."""
    parts = urlsplit(f"{scheme}://{netloc}")
    try:
        port = parts.port
    except ValueError:
        port = -1  # a malformed port never equals a real one
    return scheme.lower(), (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def own_origin(request: Request) -> tuple[str, str, int | None]:
    """This server's origin as the browser sees it: the scheme of the request (https
    behind a trusted proxy, see ``qcity serve --proxy``) and its ``Host`` header."""
    return _origin(request.url.scheme, request.headers.get("host", ""))


def refusal(request: Request) -> str | None:
    """Why a state-changing request must be refused as coming from another site (None if
    it may go on): ``Sec-Fetch-Site`` first, else ``Origin``, else only without cookies."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return None if site.lower() in SAME_SITE_FETCH else f"Sec-Fetch-Site: {site}"
    origin = request.headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        if parts.scheme and _origin(parts.scheme, parts.netloc) == own_origin(request):
            return None
        return f"Origin: {origin}"
    cookies = request.cookies
    if SESSION_COOKIE in cookies or LOGIN_CSRF_COOKIE in cookies:
        return "no Origin or Sec-Fetch-Site header"
    return None


class CsrfMiddleware:
    """ASGI middleware refusing (403) a state-changing request from another site, and one
    of a logged-in browser without its session's CSRF token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        why = refusal(request)
        if why is not None:
            await _refuse(
                request,
                f"cross-site request refused ({why}); use the dashboard's own pages / "
                "拒绝来自其他网站的请求，请在本系统页面中操作",
                scope,
                receive,
                send,
            )
            return
        if bearer(request.headers) is not None or not request.cookies.get(SESSION_COOKIE):
            await self.app(scope, receive, send)
            return
        access = await run_in_threadpool(resolve, request)
        if access.csrf is None:  # no valid session: the route refuses the anonymous actor
            await self.app(scope, receive, send)
            return
        sent = request.headers.get(CSRF_HEADER)
        replay: list[Message] = []
        ctype = request.headers.get("content-type", "")
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
            await _refuse(
                request,
                "missing or wrong CSRF token; reload the page / 请刷新页面后重试",
                scope,
                receive,
                send,
            )
            return

        async def replayed() -> Message:
            return replay.pop(0) if replay else await receive()

        await self.app(scope, replayed, send)


async def _refuse(
    request: Request, message: str, scope: Scope, receive: Receive, send: Send
) -> None:
    from qcity.web.app import error_response

    response = error_response(request, 403, message)
    await response(scope, receive, send)


__all__ = ["CsrfMiddleware", "own_origin", "refusal"]
