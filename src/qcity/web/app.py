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

import time
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qcity import __version__
from qcity.service.errors import explain
from qcity.web.access import public
from qcity.web.i18n import COOKIE, LANGS
from qcity.web.monitoring import Unavailable
from qcity.web.state import Dashboard, NotFound

HERE = Path(__file__).resolve().parent


def plotly_js() -> Path:
    """plotly.js as shipped inside the ``plotly`` Python wheel."""
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


def error_body(status: int, message: str, **extra: Any) -> dict[str, Any]:
    """The one error format of the API: ``{"error": {"status", "message", ...}}``."""
    return {"error": {"status": status, "message": message, **extra}}


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
        description="县域品质城市自我评价 — the dashboard's JSON API. Errors: "
        '`{"error": {"status": 404, "message": "..."}}`.',
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

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return error_response(request, 404, str(exc))

    @app.exception_handler(Unavailable)
    async def unavailable(request: Request, exc: Unavailable) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "body"))
            parts.append(f"{where}: {e.get('msg')}")
        return error_response(request, 422, "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def failure(request: Request, exc: Exception) -> Response:
        f = explain(exc)
        return error_response(request, 500, f.message)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/vendor/plotly.min.js", include_in_schema=False, dependencies=[Depends(public)])
    def plotly() -> FileResponse:
        return FileResponse(
            plotly_js(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/favicon.ico", include_in_schema=False, dependencies=[Depends(public)])
    def favicon() -> Response:
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    from qcity.web.accounts import router as account_router
    from qcity.web.api import router as api_router
    from qcity.web.pages import router as page_router
    from qcity.web.workflow import router as workflow_router

    app.include_router(api_router)
    app.include_router(page_router)
    app.include_router(account_router)
    app.include_router(workflow_router)
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


def error_response(request: Request, status: int, message: str) -> Response:
    """JSON for the API, a small page for people; a person not logged in is sent to the
    login page (and back here afterwards)."""
    if _is_api(request):
        return JSONResponse(error_body(status, message), status_code=status)
    if status == 401 and request.method == "GET":
        from urllib.parse import quote

        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    from qcity.web.pages import error_page

    return HTMLResponse(error_page(request, status, message), status_code=status)
