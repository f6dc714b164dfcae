"""The pages: Jinja2 templates rendered on the server (tables print without JavaScript),
with charts drawn by plotly.js from the JSON API. Chinese by default; ``?lang=en`` (kept
in a cookie) switches to English on the same page. A page whose data do not exist is not
shown (nor linked)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from qcity.service.access import Actor, can
from qcity.service.errors import explain
from qcity.service.reweight import default_weights, parse_weights
from qcity.web import audit_words, fmt, method_words, monitoring, views
from qcity.web.access import csrf_token, may_read, page_actor, require
from qcity.web.app import HERE
from qcity.web.headline import overview_with_headline
from qcity.web.i18n import COOKIE, direction, lang_of, name, word
from qcity.web.state import PEERS, TOWNS, Dashboard, NotFound, dashboard_of

router = APIRouter(include_in_schema=False)

#: The rule of every page that shows results (anonymous too on a public dashboard).
READ = [Depends(require("results.read"))]

env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
env.filters["score"] = fmt.score
env.globals.update(
    kind_name=method_words.kind_name,
    method_name=method_words.method_name,
    method_text=method_words.method_text,
    params_text=method_words.params_text,
    local_time=audit_words.local_time,
    action_name=audit_words.action_name,
    audit_summary=audit_words.summary,
    entity_name=audit_words.entity_name,
)
env.filters["tojson_attr"] = lambda v: json.dumps(v, ensure_ascii=False)


def request_lang(request: Request) -> str:
    """``?lang=``, else the cookie, else Chinese."""
    return lang_of(request.query_params.get("lang") or request.cookies.get(COOKIE))


def _with(request: Request, **changes: str | None) -> str:
    """The current URL with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = v
    q = urlencode(params)
    return request.url.path + (f"?{q}" if q else "")


def _nav(d: Dashboard, lang: str, scopes: list[str], actor: Actor) -> list[dict[str, Any]]:
    """The pages that have data and that ``actor`` may open, in menu order."""
    has = PEERS in scopes
    items = [
        ("/", "overview", has),
        ("/warnings", "warnings", has),
        ("/peers", "peers", has),
        ("/towns", "towns", TOWNS in scopes),
        ("/reweight", "reweight", has),
        ("/robustness", "robustness", has and _robust_available(d, scopes)),
        ("/methodology", "methodology", True),
        ("/upload", "upload", can(actor, "values.check")),
        ("/entry", "entry", can(actor, "values.enter")),
        ("/review", "review", can(actor, "values.review")),
        ("/audit", "audit_log", can(actor, "audit.read")),
        ("/admin/users", "users", can(actor, "users.manage")),
    ]
    return [{"href": h, "key": k, "label": word(k, lang)} for h, k, ok in items if ok]


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    """Render ``template`` with what every page needs (language, menu, notice)."""
    d: Dashboard = dashboard_of(request)
    lang = request_lang(request)
    try:
        scopes = d.scopes()
        fw = d.framework
        problem = "\n".join(d.problems()) or None
        published = _published_note(d.published_run(), lang) if d.published else None
    except Exception as exc:  # the database cannot be read: say why (a bug: its id), keep the menu
        scopes, fw, problem, published = [], None, explain(exc).message, None
    other = "en" if lang == "zh" else "zh"
    actor = page_actor(request)
    if not may_read(request, actor):  # a private dashboard: the visitor sees the login only
        scopes, fw, problem, published = [], None, None, None
    base = {
        "request": request,
        "lang": lang,
        "t": lambda key: word(key, lang),
        "name": lambda obj: name(obj, lang),
        "fmt": fmt,
        "direction": lambda d_: direction(d_, lang),
        "nav": _nav(d, lang, scopes, actor) if may_read(request, actor) else [],
        "actor": actor,
        "csrf": csrf_token(request) if actor.via == "session" else None,
        "login_url": "/login?next=" + quote(_with(request), safe=""),
        "path": request.url.path,
        "switch_url": _with(request, lang=other),
        "url_with": lambda **kw: _with(request, **kw),
        "dimensions": views.dimensions(fw, lang) if fw is not None else [],
        "framework": fw,
        "problem": problem,
        "public": d.published,
        "published": published,
        "has_data": bool(scopes),
        "scope_key": context.get("scope_key", PEERS),
        "qs_lang": f"lang={lang}",
    }
    base.update(context)
    html = env.get_template(template).render(**base)
    return HTMLResponse(html)


def _published_note(run: dict[str, Any] | None, lang: str) -> str:
    """The line saying which published run a public page shows (or that none is)."""
    if run is None:
        return word("nothing_published", lang)
    at = str(run.get("published_at") or "")[:10]
    vintage = str(run.get("data_vintage") or "")[:10]
    return word("published_run", lang).format(id=int(run["id"]), at=at, vintage=vintage)


def render_unit_page(
    request: Request, template: str, title: str, data: dict[str, Any], scope: str, **extra: Any
) -> HTMLResponse:
    """A page about one unit of a scope: ``title · unit name``, with its data, the unit and
    the illustrative notice the data carry."""
    return render(
        request,
        template,
        title=f"{title} · {data['unit_name']}",
        data=data,
        scope_key=scope,
        unit=data["unit"],
        notice=data["notice"],
        **extra,
    )


def _scope(request: Request, key: str) -> Any:
    d: Dashboard = dashboard_of(request)
    return d.scope(key)


PAGE_CACHE_SIZE = 512
"""How many rendered pages are kept (per app; emptied when full)."""


async def cached(request: Request, build: Callable[[], HTMLResponse]) -> HTMLResponse:
    """The page for this URL and language as rendered before (until new data are
    stored), else ``build()`` run in a worker thread and kept."""
    d: Dashboard = dashboard_of(request)
    await run_in_threadpool(d.refresh)
    cache: dict[Any, bytes] = request.app.state.page_cache
    actor = page_actor(request)
    key = (
        request.url.path,
        tuple(sorted(request.query_params.multi_items())),
        request_lang(request),
        d.generation,
        actor.name,
        actor.role,
        csrf_token(request) if actor.via == "session" else None,  # in the page's <meta>
    )
    body = cache.get(key)
    if body is None:
        response = await run_in_threadpool(build)
        body = bytes(response.body)
        if len(cache) >= PAGE_CACHE_SIZE:
            cache.clear()
        cache[key] = body
    return HTMLResponse(body)


def _safe_scopes(d: Dashboard) -> list[str]:
    try:
        return d.scopes()
    except Exception as exc:  # the page says why on load; a bug is logged with its id
        explain(exc)
        return []


@router.get("/", response_class=HTMLResponse, dependencies=READ)
async def overview_page(
    request: Request, scope: str = Query(PEERS), unit: str | None = Query(None)
) -> HTMLResponse:
    def build() -> HTMLResponse:
        d: Dashboard = dashboard_of(request)
        lang = request_lang(request)
        if PEERS not in _safe_scopes(d):
            return render(request, "empty.html", title=word("overview", lang))
        data = overview_with_headline(d.scope(scope), unit, lang)
        return render_unit_page(request, "overview.html", word("overview", lang), data, scope)

    return await cached(request, build)


@router.get("/dimension/{code}", response_class=HTMLResponse, dependencies=READ)
async def dimension_page(
    request: Request, code: str, scope: str = Query(PEERS), unit: str | None = Query(None)
) -> HTMLResponse:
    def build() -> HTMLResponse:
        lang = request_lang(request)
        s = _scope(request, scope)
        data = monitoring.dimension(s, views.dimension(s, code, unit, lang), lang)
        return render_unit_page(request, "dimension.html", data["name"], data, scope)

    return await cached(request, build)


@router.get("/indicator/{code}", response_class=HTMLResponse, dependencies=READ)
async def indicator_page(
    request: Request, code: str, scope: str = Query(PEERS), unit: str | None = Query(None)
) -> HTMLResponse:
    from qcity.web.api import indicator
    from qcity.web.params import UnitView

    def build() -> HTMLResponse:
        lang = request_lang(request)
        data = indicator(request, code, UnitView(scope, unit, lang))
        return render_unit_page(request, "indicator.html", data["name"], data, scope)

    return await cached(request, build)


def _ranking_page(
    request: Request,
    key: str,
    period: str | None,
    unit: str | None,
    k: int,
    target: int | None = None,
) -> HTMLResponse:
    lang = request_lang(request)
    s = _scope(request, key)
    data = views.ranking(s, lang, period)
    k = min(max(k, 1), len(s.units))
    gaps = monitoring.gaps(s, unit, data["period"], k, lang)
    if target is not None:
        target = min(max(target, 1), len(s.units))
    plan = monitoring.plan(s, gaps["unit"], data["period"], target, lang)
    return render(
        request,
        "ranking.html",
        title=word("peers" if key == PEERS else "towns", lang),
        data=data,
        gaps=gaps,
        plan=plan,
        units=[{"code": u, "name": s.name(u, lang)} for u in s.units],
        scope_key=key,
        notice=data["notice"],
    )


@router.get("/peers", response_class=HTMLResponse, dependencies=READ)
async def peers_page(
    request: Request,
    period: str | None = Query(None),
    unit: str | None = Query(None),
    k: int = Query(5),
    target: int | None = Query(None),
) -> HTMLResponse:
    return await cached(request, lambda: _ranking_page(request, PEERS, period, unit, k, target))


@router.get("/towns", response_class=HTMLResponse, dependencies=READ)
async def towns_page(
    request: Request,
    period: str | None = Query(None),
    unit: str | None = Query(None),
    k: int = Query(5),
    target: int | None = Query(None),
) -> HTMLResponse:
    return await cached(request, lambda: _ranking_page(request, TOWNS, period, unit, k, target))


@router.get("/warnings", response_class=HTMLResponse, dependencies=READ)
async def warnings_page(
    request: Request, scope: str = Query(PEERS), unit: str | None = Query(None)
) -> HTMLResponse:
    def build() -> HTMLResponse:
        d: Dashboard = dashboard_of(request)
        lang = request_lang(request)
        if PEERS not in _safe_scopes(d):
            return render(request, "empty.html", title=word("warnings", lang))
        s = d.scope(scope)
        data = monitoring.department_warnings(s, unit, lang)
        units = [{"code": u, "name": s.name(u, lang)} for u in s.units]
        return render_unit_page(
            request, "warnings.html", word("warnings", lang), data, scope, units=units
        )

    return await cached(request, build)


@router.get("/reweight", response_class=HTMLResponse, dependencies=READ)
async def reweight_page(
    request: Request, w: str | None = Query(None), scope: str = Query(PEERS)
) -> HTMLResponse:
    def build() -> HTMLResponse:
        lang = request_lang(request)
        s = _scope(request, scope)
        try:
            weights = parse_weights(s.framework, w)
        except ValueError:
            weights = default_weights(s.framework)
        data = views.reweight(s, weights, lang)
        return render(
            request,
            "reweight.html",
            title=word("reweight", lang),
            data=data,
            scope_key=scope,
            notice=data["notice"],
        )

    return await cached(request, build)


@router.get("/methodology", response_class=HTMLResponse, dependencies=READ)
async def methodology_page(request: Request) -> HTMLResponse:
    from qcity.web.api import methodology

    def build() -> HTMLResponse:
        lang = request_lang(request)
        data = methodology(request, lang)
        return render(request, "methodology.html", title=word("methodology", lang), data=data)

    return await cached(request, build)


@router.get("/upload", response_class=HTMLResponse, dependencies=[Depends(require("values.check"))])
async def upload_page(request: Request) -> HTMLResponse:
    """Check a file (everyone with ``values.check``) and store it (``values.enter`` too)."""

    def build() -> HTMLResponse:
        lang = request_lang(request)
        store = can(page_actor(request), "values.enter")
        return render(request, "upload.html", title=word("upload", lang), can_store=store)

    return await cached(request, build)


def _robust_available(d: Dashboard, scopes: list[str]) -> bool:
    from qcity.web.robustness import available

    try:
        return available(d, scopes)
    except Exception as exc:  # the menu must not fail; a bug is logged with its id
        explain(exc)
        return False


@router.get("/robustness", response_class=HTMLResponse, dependencies=READ)
async def robustness_page(request: Request) -> HTMLResponse:
    from qcity.web.robustness import robustness

    def build() -> HTMLResponse:
        d: Dashboard = dashboard_of(request)
        lang = request_lang(request)
        if PEERS not in _safe_scopes(d):
            return render(request, "empty.html", title=word("robustness", lang))
        data = robustness(d, lang)
        return render(
            request,
            "robustness.html",
            title=word("robustness", lang),
            data=data,
            notice=data["notice"],
        )

    return await cached(request, build)


def error_page(request: Request, status: int, message: str) -> str:
    """A small page for an error (the menu stays)."""
    lang = request_lang(request)
    try:
        page = render(request, "error.html", title=str(status), status=status, message=message)
        return bytes(page.body).decode("utf-8")
    except Exception as exc:  # the error page itself must not fail; a bug is logged
        import html

        explain(exc)
        return f"<!doctype html><title>{status}</title><p>{html.escape(message)}</p>" + (
            f"<p>{word('not_found', lang)}</p>" if status == 404 else ""
        )


__all__ = ["NotFound", "router"]
