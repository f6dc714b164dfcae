"""Downloads of what the dashboard shows: every table of a page as CSV or Excel, and the
annual report of the shown run as Word.

``GET /download/{table}.{csv|xlsx}`` takes the page's own query (``scope``, ``unit``,
``period``, ``k``, ``target``, ``w``; ``code`` for a dimension or an indicator) and builds
the table from the same view functions the page renders, for the same visitor: an
anonymous visitor gets the newest published run (approved values only), as on the pages.
Text cells go through ``safe_frame`` / ``safe_xlsx`` (no formula injection); the headers
and file names are in the page's language. ``GET /download/report.docx`` streams the
annual report (``qcity report --run``) of the run the dashboard shows.

The page template includes ``_downloads.html``, which lists its tables (``links``).
"""

from __future__ import annotations

import io
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from qcity import errors
from qcity.service.files import safe_frame, safe_xlsx
from qcity.service.reweight import default_weights, parse_weights
from qcity.web import monitoring, views
from qcity.web.access import page_actor, require
from qcity.web.i18n import word
from qcity.web.pages import env, request_lang
from qcity.web.state import PEERS, TOWNS, Dashboard, NotFound, dashboard_of

router = APIRouter(include_in_schema=False)
READ = [Depends(require("results.read"))]

#: The query parameters of a page that its tables depend on (passed on to the download).
PAGE_PARAMS = ("scope", "unit", "period", "k", "target", "w", "code")


@dataclass(frozen=True)
class Table:
    """A downloadable table: its title (an interface word) and how to build it from the
    request's dashboard, the page's query and the language."""

    title: str
    build: Callable[[Dashboard, dict[str, str], str], pd.DataFrame] | None


def _r(x: Any, digits: int = 4) -> Any:
    """A fractional number rounded for a table (``digits`` decimals); whole numbers (a
    rank, a year) and anything else as they are."""
    return round(x, digits) if isinstance(x, float) and x == x else x


def _frame(rows: list[dict[str, Any]], columns: dict[str, str], lang: str) -> pd.DataFrame:
    """``rows`` as a table of ``columns`` (row key -> interface word of the header)."""
    table: dict[str, pd.Series] = {}
    for key, header in columns.items():
        cells = [_r(r.get(key)) for r in rows]
        known = [v for v in cells if v is not None]
        column = pd.Series(cells, dtype=object)
        if known and all(isinstance(v, int) and not isinstance(v, bool) for v in known):
            column = column.astype("Int64")  # whole numbers with gaps stay whole (not 3.0)
        elif known and all(isinstance(v, int | float) for v in known):
            column = pd.to_numeric(column)
        table[word(header, lang)] = column
    out = pd.DataFrame(table)
    return out


def _scope(d: Dashboard, q: dict[str, str]) -> Any:
    return d.scope(q.get("scope") or PEERS)


def _int(q: dict[str, str], key: str, default: int | None) -> int | None:
    try:
        return int(q[key]) if q.get(key) else default
    except ValueError:
        return default


def _series(d: Dashboard, q: dict[str, str], lang: str) -> pd.DataFrame:
    data = views.overview(_scope(d, q), q.get("unit"), lang)
    return _frame(data["series"], {"period": "period", "score": "score", "rank": "rank"}, lang)


def _movers(d: Dashboard, q: dict[str, str], lang: str) -> pd.DataFrame:
    data = views.overview(_scope(d, q), q.get("unit"), lang)
    rows = [
        {**m, "side": word(f"movers_{side}", lang)}
        for side in ("up", "down")
        for m in data["movers"].get(side, [])
    ]
    cols = {"side": "movers", "code": "code", "name": "indicator", "dimension": "dimension"}
    cols.update({"before": "mover_before", "after": "mover_after", "change": "change"})
    return _frame(rows, cols, lang)


def _dimension(d: Dashboard, q: dict[str, str], lang: str) -> pd.DataFrame:
    s = _scope(d, q)
    data = monitoring.dimension(s, views.dimension(s, q.get("code", ""), q.get("unit"), lang), lang)
    rows = []
    for r in data["rows"]:
        m = r.get("monitor") or {}
        rows.append(
            {
                **r,
                "target": m.get("target"),
                "target_year": m.get("target_year"),
                "attainment": m.get("attainment"),
                "gap_closed": m.get("gap_closed"),
                "progress": (m.get("progress") or {}).get("text"),
                "light": m.get("warning_text"),
            }
        )
    cols = {"code": "code", "name": "name", "value": "value", "measure": "measure"}
    cols.update({"score": "normalised", "rank": "rank", "target": "target"})
    cols.update({"target_year": "target_year", "attainment": "attainment"})
    cols.update({"gap_closed": "gap_closed", "progress": "progress", "light": "light"})
    cols.update({"direction": "direction"})
    return _frame(rows, cols, lang)


def _revisions(d: Dashboard, q: dict[str, str], lang: str, request: Request) -> pd.DataFrame:
    from qcity.web.api import indicator
    from qcity.web.params import UnitView

    view = UnitView(q.get("scope") or PEERS, q.get("unit"), lang)
    data = indicator(request, q.get("code", ""), view)
    cols = {"period": "period", "revision": "revision", "value": "value", "status": "status"}
    cols.update({"review": "review_state", "source": "source", "recorded_at": "recorded_at"})
    if not data.get("public"):
        cols["entered_by"] = "entered_by"
    cols["file"] = "file"
    return _frame(data["revisions"], cols, lang)


def _ranking(d: Dashboard, q: dict[str, str], lang: str) -> pd.DataFrame:
    data = views.ranking(_scope(d, q), lang, q.get("period"))
    out = _frame(
        data["rows"],
        {"rank": "rank", "unit": "code", "name": "unit", "score": "index", "moved": "rank_change"},
        lang,
    )
    for j, dim in enumerate(data["dimensions"]):
        out[dim["name"]] = [_r(r["dims"][j]) for r in data["rows"]]
    return out


def _gaps_of(d: Dashboard, q: dict[str, str], lang: str) -> dict[str, Any]:
    s = _scope(d, q)
    period = views.ranking(s, lang, q.get("period"))["period"]
    k = min(max(_int(q, "k", 5) or 5, 1), len(s.units))
    return monitoring.gaps(s, q.get("unit"), period, k, lang)


def _gaps(d: Dashboard, q: dict[str, str], lang: str) -> pd.DataFrame:
    cols = {"name": "name", "rank": "rank", "n": "units_n", "score": "score"}
    cols.update({"leader": "leader", "leader_name": "leader_name", "median": "median"})
    cols.update({"threshold": "tier_threshold", "gap": "gap"})
    return _frame(_gaps_of(d, q, lang)["rows"], cols, lang)


def _path(d: Dashboard, q: dict[str, str], lang: str) -> pd.DataFrame:
    s = _scope(d, q)
    gaps = _gaps_of(d, q, lang)
    target = _int(q, "target", None)
    if target is not None:
        target = min(max(target, 1), len(s.units))
    plan = monitoring.plan(s, gaps["unit"], gaps["period"], target, lang)
    cols = {"indicator": "code", "name": "indicator", "measure": "measure"}
    cols.update({"value_from": "value_from", "value_to": "value_to", "change": "change"})
    cols.update({"share_of_gap": "share_of_gap", "years": "years"})
    return _frame(plan.get("rows") or [], cols, lang)


def _warnings(d: Dashboard, q: dict[str, str], lang: str) -> pd.DataFrame:
    data = monitoring.department_warnings(_scope(d, q), q.get("unit"), lang)
    rows = [
        {**r, "department": dept["department"], "light": r.get("warning_text")}
        for dept in data["departments"]
        for r in dept["rows"]
    ]
    cols = {"department": "department", "light": "light", "code": "code", "name": "indicator"}
    cols.update({"value": "value", "measure": "measure", "target": "target"})
    cols.update({"target_year": "target_year", "message": "message"})
    return _frame(rows, cols, lang)


def _reweight(d: Dashboard, q: dict[str, str], lang: str) -> pd.DataFrame:
    s = _scope(d, q)
    try:
        weights = parse_weights(s.framework, q.get("w"))
    except ValueError:
        weights = default_weights(s.framework)
    data = views.reweight(s, weights, lang)
    cols = {"rank": "new_rank", "unit": "code", "name": "unit", "score": "new_score"}
    cols.update({"base_rank": "base_rank", "base_score": "base_score"})
    return _frame(data["rows"], cols, lang)


def _robustness(d: Dashboard, q: dict[str, str], lang: str) -> pd.DataFrame:
    from qcity.web.robustness import robustness

    data = robustness(d, lang)
    cols = {"unit": "code", "name": "unit", "nominal": "nominal_rank", "median": "median_rank"}
    cols.update({"q05": "q05", "q95": "q95", "shift": "rank_shift"})
    return _frame(data["rows"], cols, lang)


def _methodology(d: Dashboard, q: dict[str, str], lang: str) -> pd.DataFrame:
    from qcity.service.steps import method_steps

    shown = d.scope(PEERS).result.evaluation.log if PEERS in d.scopes() else None
    data = views.methodology(d.framework, method_steps(d.framework, shown=shown), lang)
    rows = [
        {**i, "dimension": dim["name"], "sub": sub["name"]}
        for dim in data["dimensions"]
        for sub in dim["subs"]
        for i in sub["indicators"]
    ]
    cols = {"dimension": "dimension", "sub": "sub_dimension", "code": "code"}
    cols.update({"name": "indicator", "measure": "measure", "direction": "direction"})
    cols.update({"weight": "weight", "goal": "goal", "source": "source"})
    cols.update({"department": "department", "normalise": "method"})
    return _frame(rows, cols, lang)


#: Every downloadable table by name.
TABLES: dict[str, Table] = {
    "index": Table("index_over_time", _series),
    "movers": Table("movers", _movers),
    "dimension": Table("dimension", _dimension),
    "revisions": Table("provenance", None),  # built from the request (``_revisions``)
    "ranking": Table("ranking", _ranking),
    "gaps": Table("gap_to_tier", _gaps),
    "path": Table("path_to_tier", _path),
    "warnings": Table("warnings", _warnings),
    "reweight": Table("reweight", _reweight),
    "robustness": Table("rank_table", _robustness),
    "methodology": Table("methodology", _methodology),
}

#: The tables of each page (by its path; a dimension's and an indicator's by prefix).
PAGES: dict[str, tuple[str, ...]] = {
    "/": ("index", "movers"),
    "/dimension/": ("dimension",),
    "/indicator/": ("revisions",),
    "/peers": ("ranking", "gaps", "path"),
    "/towns": ("ranking", "gaps", "path"),
    "/warnings": ("warnings",),
    "/reweight": ("reweight",),
    "/robustness": ("robustness",),
    "/methodology": ("methodology",),
}


def _page_query(path: str, params: Any) -> dict[str, str]:
    """The query a page's tables are built from: its own parameters, the scope a ranking
    page stands for, the code in a dimension's or an indicator's path."""
    q = {k: str(params[k]) for k in PAGE_PARAMS if params.get(k)}
    if path in ("/peers", "/towns"):
        q["scope"] = PEERS if path == "/peers" else TOWNS
    for prefix in ("/dimension/", "/indicator/"):
        if path.startswith(prefix):
            q["code"] = path.removeprefix(prefix)
    return q


def _tables_of(path: str) -> tuple[str, ...]:
    if path in PAGES:
        return PAGES[path]
    for prefix in ("/dimension/", "/indicator/"):
        if path.startswith(prefix) and len(path) > len(prefix):
            return PAGES[prefix]
    return ()


def links(request: Request, lang: str) -> dict[str, Any]:
    """What ``_downloads.html`` lists for the page of ``request``: each table's title and
    its CSV and XLSX addresses, and the annual report's address and label (None when no
    run can be reported on)."""
    path = request.url.path
    q = {**_page_query(path, request.query_params), "lang": lang}
    tables = []
    for key in _tables_of(path):
        query = urlencode(q)
        tables.append(
            {
                "key": key,
                "title": word(TABLES[key].title, lang),
                "csv": f"/download/{key}.csv?{query}",
                "xlsx": f"/download/{key}.xlsx?{query}",
            }
        )
    report = None
    if path == "/":
        run = _report_run(request)
        if run is not None:
            report = {
                "href": f"/download/report.docx?{urlencode({'lang': lang})}",
                "label": word("report_of_run", lang).format(id=run),
            }
    return {"tables": tables, "report": report}


env.globals["download_links"] = links


def _file_name(stem: str, suffix: str, fallback: str) -> dict[str, str]:
    """The ``Content-Disposition`` of a download named ``stem`` (Chinese allowed: RFC 5987),
    ``fallback`` (ASCII) for old clients."""
    ascii_name = "".join(
        c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in fallback
    )
    return {
        "Content-Disposition": f'attachment; filename="{ascii_name}.{suffix}"; '
        f"filename*=UTF-8''{quote(stem)}.{suffix}"
    }


@router.get("/download/report.docx", dependencies=READ)
async def report_docx(request: Request, lang: str = Query("zh", pattern="^(zh|en)$")) -> Response:
    """The annual report (docx) of the run the dashboard shows: the newest published run
    (anonymous visitors: only that); for a logged-in user without a published run, the
    newest stored run. Built once per run and language (``qcity report --run``)."""
    run = _report_run(request)
    if run is None:
        raise NotFound(
            word("nothing_published", lang)
            if page_actor(request).is_anonymous
            else "no stored evaluation run: an analyst keeps one (qcity evaluate --keep) "
            "/ 尚无保存的评价运行"
        )
    try:
        body, stem = await run_in_threadpool(_report_bytes, request, run, lang)
    except errors.InputError as exc:  # e.g. the data changed since the run: say so
        raise HTTPException(409, f"{exc} / 无法生成该评价的报告") from None
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers=_file_name(stem, "docx", f"qcity-report-run{run}-{lang}"),
    )


def _report_run(request: Request) -> int | None:
    """The run whose report the dashboard offers: the newest published one; for a
    logged-in user, else the newest stored one."""
    from qcity.service.runs import list_runs
    from qcity.web.state import newest_published

    d: Dashboard = request.app.state.dashboard
    try:
        published = newest_published(d.url)
        if published is not None:
            return int(published["id"])
        if page_actor(request).is_anonymous:
            return None
        runs = list_runs(db=d.url)
    except Exception:  # no run table yet: nothing to report on
        return None
    return None if runs.empty else int(runs.iloc[0]["id"])


_report_lock = threading.Lock()


def _report_bytes(request: Request, run_id: int, lang: str) -> tuple[bytes, str]:
    """The report of ``run_id`` in ``lang`` as docx bytes and its file name, made with
    the report builder (``qcity.report.make``) for the run's focus unit and latest year
    (``app.state.report_samples`` Monte Carlo samples for the rank bands, default the
    dashboard's), and kept per app (a run never changes)."""
    from qcity.report.make import make_report
    from qcity.service.frameworks import stored_framework
    from qcity.service.robustness import SAMPLES
    from qcity.service.runs import get_run

    cache: dict[tuple[int, str], tuple[bytes, str]] = request.app.state.__dict__.setdefault(
        "report_cache", {}
    )
    with _report_lock:  # one report at a time: each evaluates again
        if (run_id, lang) in cache:
            return cache[(run_id, lang)]
        d: Dashboard = request.app.state.dashboard
        facts = get_run(db=d.url, run_id=run_id).facts
        stored = stored_framework(
            db=d.url, code=str(facts["framework_code"]), version=str(facts["framework_version"])
        )
        fw, text = stored.framework, stored.text
        shown = dashboard_of(request).scope(PEERS)
        unit, year = shown.focus, shown.periods[-1]
        with tempfile.TemporaryDirectory(prefix="qcity-report-") as tmp:
            out = Path(tmp) / "report.docx"
            samples = getattr(request.app.state, "report_samples", SAMPLES)
            make_report(
                d.url, fw, text, unit, year, "docx", out,
                lang=lang, run_id=run_id, samples=samples,
            )  # fmt: skip
            body = out.read_bytes()
        stem = f"{shown.name(unit, lang)}-{word('annual_report', lang)}-{year}"
        cache[(run_id, lang)] = (body, stem)
        return body, stem


@router.get("/download/{table}.{fmt}", dependencies=READ)
async def table_file(request: Request, table: str, fmt: str) -> Response:
    """One table of a page as CSV (UTF-8 with BOM, for Excel) or XLSX, built for this
    visitor from the page's query (see ``PAGE_PARAMS``)."""
    if table not in TABLES or fmt not in ("csv", "xlsx"):
        raise NotFound(f"no table {table}.{fmt} / 没有该表格: {', '.join(TABLES)} (csv, xlsx)")
    lang = request_lang(request)
    q = {k: str(request.query_params[k]) for k in PAGE_PARAMS if request.query_params.get(k)}

    def build() -> pd.DataFrame:
        d = dashboard_of(request)
        d.refresh()
        build = TABLES[table].build
        return _revisions(d, q, lang, request) if build is None else build(d, q, lang)

    frame = await run_in_threadpool(build)
    title = word(TABLES[table].title, lang)
    stem = "-".join(p for p in (title, q.get("code", ""), q.get("period", "")) if p)
    if fmt == "csv":
        buf = io.StringIO()
        safe_frame(frame).to_csv(buf, index=False)
        body = ("\ufeff" + buf.getvalue()).encode("utf-8")
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers=_file_name(stem, "csv", f"qcity-{table}"),
        )
    with tempfile.TemporaryDirectory(prefix="qcity-xlsx-") as tmp:
        out = Path(tmp) / "table.xlsx"
        cells = frame.astype(object).where(frame.notna(), None)  # a gap: an empty cell
        safe_xlsx(cells, out, title[:31])
        body = out.read_bytes()
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=media, headers=_file_name(stem, "xlsx", f"qcity-{table}"))


__all__ = ["PAGES", "TABLES", "links", "router"]
