"""The FastAPI application: pages (Jinja2), the JSON API under ``/api/`` and the static
files (plotly.js from the ``plotly`` wheel itself). Nothing is loaded from outside the
machine: no CDN, no web font; the OpenAPI description is at ``/openapi.json`` and the
CDN-based Swagger UI is off.

    from fastapi.testclient import TestClient
    from qcity.web import create_app
    client = TestClient(create_app("sqlite:///var/qcity.sqlite"))
    client.get("/api/overview").json()["latest"]
"""

from __future__ import annotations

import re
import time
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qcity import __version__, errors
from qcity.service.errors import explain
from qcity.web.access import public
from qcity.web.i18n import COOKIE, LANGS
from qcity.web.state import Dashboard

HERE = Path(__file__).resolve().parent


def plotly_js() -> Path:
    """plotly.js as shipped inside the ``plotly`` Python wheel."""
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


#: The ``code`` of each HTTP status in an error body, and the hint given by default.
ERROR_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "correct the request as the message says / 请按提示修改后重试"),
    401: ("unauthorized", "log in first (or send a valid API token) / 请先登录"),
    403: ("forbidden", "ask an administrator for the permission / 无此权限"),
    404: ("not_found", "check the address or code / 请检查地址或代码"),
    405: ("method_not_allowed", "see /openapi.json for the methods / 请求方法不支持"),
    409: ("conflict", "reload and make your change again / 请刷新后重试"),
    413: ("too_large", "send a smaller file / 文件过大"),
    422: ("invalid", "correct the named field / 请修改所指字段"),
    429: ("too_many_requests", "wait a moment and try again / 请稍后再试"),
    500: ("internal", "the server failed; tell the administrator / 服务器错误，请联系管理员"),
}


class FieldError(errors.InputError, HTTPException):
    """An HTTP error about one request field (its name goes into the error body)."""

    def __init__(self, status_code: int, detail: str, field: str | None = None) -> None:
        HTTPException.__init__(self, status_code, detail)
        self.field = field
        self.hint = None


#: An absolute path on the server (never shown to a client: only its last part is).
_SERVER_PATH = re.compile(
    r"(?:[A-Za-z]:\\|/)(?:tmp|home|root|usr|var|opt|srv|work|etc|proc|private|Users|mnt|"
    r"[^\s/'\"]*qcity[^\s/'\"]*)(?:[/\\][^\s/\\'\"]+)+"
)


def scrub(message: str) -> str:
    """``message`` with every server path replaced by its last part (a file name)."""
    return _SERVER_PATH.sub(lambda m: re.split(r"[/\\]", m.group(0))[-1], message)


def error_body(
    status: int,
    message: str,
    *,
    hint: str | None = None,
    field: str | None = None,
    code: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The one error format of the API and every error it answers with:
    ``{"error": {"status", "code", "message", "hint", "field", ...}}`` (``field``: the
    request field at fault, or null; ``extra`` such as an upload's ``problems``)."""
    default_code, default_hint = ERROR_CODES.get(status, ("error", ""))
    return {
        "error": {
            "status": status,
            "code": code or default_code,
            "message": scrub(message),
            "hint": hint if hint is not None else default_hint,
            "field": field,
            **extra,
        }
    }


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def create_app(db_url: str | None = None, *, public_read: bool = True) -> FastAPI:
    """The dashboard on the database at ``db_url`` (default ``$QCITY_DATABASE_URL``, else
    var/qcity.sqlite). Evaluations are made on the first request and kept.
    ``public_read``: anonymous visitors may read the results (a public read-only
    dashboard); False (``qcity serve --private``) shows them only the login page."""
    from qcity.service.accounts import RateLimiter
    from qcity.web.csrf import CsrfMiddleware

    app = FastAPI(
        title="qcity dashboard API",
        version=__version__,
        description="县域品质城市自我评价 — the dashboard's JSON API. Every error: "
        '`{"error": {"status": 404, "code": "not_found", "message": "...", "hint": "...", '
        '"field": null}}`.',
        docs_url=None,
        redoc_url=None,
    )
    app.state.dashboard = Dashboard(db_url)
    app.state.page_cache = {}
    app.state.uploads = {}
    app.state.public_read = public_read
    app.state.login_limiter = RateLimiter()
    app.add_middleware(CsrfMiddleware)
    app.add_middleware(TimingAndLanguage)
    # pages and JSON compressed on the wire (plotly.js comes compressed: qcity.web.vendor)
    app.add_middleware(GZipMiddleware, minimum_size=1024)

    @app.exception_handler(errors.QcityError)
    async def qcity_error(request: Request, exc: errors.QcityError) -> Response:
        return qcity_error_response(request, exc)

    @app.exception_handler(OverflowError)
    async def overflow(request: Request, exc: OverflowError) -> Response:
        return error_response(
            request,
            400,
            "a number in the request is out of range / 数值超出范围",
            hint="use a smaller number / 请填写较小的数值",
            code="out_of_range",
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        field = getattr(exc, "field", None)
        return error_response(request, exc.status_code, str(exc.detail), field=field)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts, fields = [], []
        for e in exc.errors():
            loc = [str(x) for x in e.get("loc", ()) if x not in ("query", "body", "path")]
            where = ".".join(loc)
            fields.append(where)
            parts.append(f"{where}: {e.get('msg')}")
        return error_response(
            request, 422, "; ".join(parts) or "invalid request", field=fields[0] if fields else None
        )

    @app.exception_handler(Exception)
    async def failure(request: Request, exc: Exception) -> Response:
        f = explain(exc)  # the environment (503), or a bug: logged, shown by its id (500)
        extra = {"error_id": f.error_id} if f.error_id else {}
        return error_response(request, f.http_status, f.message, **extra)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/vendor/plotly.min.js", include_in_schema=False, dependencies=[Depends(public)])
    def plotly(request: Request) -> Response:
        from qcity.web.vendor import plotly_response

        return plotly_response(request)

    @app.get("/favicon.ico", include_in_schema=False, dependencies=[Depends(public)])
    def favicon() -> Response:
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    from qcity.web.accounts import router as account_router
    from qcity.web.api import router as api_router
    from qcity.web.downloads import router as download_router
    from qcity.web.pages import router as page_router
    from qcity.web.workflow import router as workflow_router

    app.include_router(api_router)
    app.include_router(page_router)
    app.include_router(account_router)
    app.include_router(workflow_router)
    app.include_router(download_router)
    return app


class TimingAndLanguage:
    """ASGI middleware: the app's own time in a ``Server-Timing`` header (what
    ``benchmarks/bench_web.py`` reads), and ``?lang=`` kept in a cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        lang = (query.get("lang") or [""])[0]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                ms = (time.perf_counter() - start) * 1000
                headers.append("Server-Timing", f"app;dur={ms:.2f}")
                if lang in LANGS:
                    headers.append(
                        "Set-Cookie", f"{COOKIE}={lang}; Max-Age=31536000; Path=/; SameSite=lax"
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def qcity_error_response(request: Request, exc: errors.QcityError) -> Response:
    """The answer to one of qcity's errors, by its kind (``http_status``: InputError 400,
    or 422 when it names a request field; FrameworkError and EvaluationError 422,
    PermissionDenied 403, NotFound 404, ConflictError 409, StoreError 503). An
    ``HTTPException`` that is also a kind (``FieldError``) keeps its own status."""
    field = getattr(exc, "field", None)
    if isinstance(exc, StarletteHTTPException):
        return error_response(request, exc.status_code, str(exc.detail), field=field)
    status = exc.http_status
    if isinstance(exc, errors.InputError) and field:
        status = 422
    message = str(exc).strip() or type(exc).__name__
    return error_response(request, status, message, field=field, hint=exc.hint)


def error_response(request: Request, status: int, message: str, **details: Any) -> Response:
    """JSON for the API (``error_body``, with ``details`` such as ``field``), a small page
    for people; a person not logged in is sent to the login page (and back afterwards).
    No server path is shown in either."""
    message = scrub(message)
    if _is_api(request):
        return JSONResponse(error_body(status, message, **details), status_code=status)
    if status == 401 and request.method == "GET":
        from urllib.parse import quote

        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    from qcity.web.pages import error_page

    return HTMLResponse(error_page(request, status, message), status_code=status)
