"""The JSON API under ``/api/``: what every page shows, as data. Errors are
``{"error": {"status", "message"}}`` (the upload's validation report adds ``problems``)."""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from qcity.service.access import Actor
from qcity.service.reweight import parse_weights
from qcity.service.store import FILE_NAME_LIMIT
from qcity.web import monitoring, views
from qcity.web.access import require
from qcity.web.app import FieldError, error_body
from qcity.web.headline import overview_with_headline
from qcity.web.params import Lang, ScopeQ, UnitViewDep
from qcity.web.state import PEERS, Dashboard, NotFound, dashboard_of, run_as_of

router = APIRouter(prefix="/api", tags=["api"])

#: The rule of every route that reads results (anonymous too on a public dashboard).
READ = [Depends(require("results.read"))]
#: Who may upload values (a clerk only for their own department's indicators).
ENTER = Depends(require("values.enter"))
#: Who may check a file without storing it (also the admin: ``values.check``).
CHECK = Depends(require("values.check"))

MAX_UPLOAD = 50 * 1024 * 1024
"""The largest file the upload accepts (bytes)."""

PENDING_UPLOADS = 50
"""How many checked, not yet stored files are kept (in a temporary folder each)."""


def dashboard(request: Request) -> Dashboard:
    """The dashboard this request sees: an anonymous visitor the public one (the newest
    published run only), a logged-in user the store's approved values."""
    return dashboard_of(request)


@router.get("/meta", dependencies=READ)
def meta(request: Request, lang: str = Lang) -> dict[str, Any]:
    """The framework in force, the evaluations that have data, and the dimensions."""
    d = dashboard(request)
    fw = d.framework
    scopes = {}
    for key in d.scopes():
        s = d.scope(key)
        scopes[key] = {
            "focus": s.focus,
            "group": s.group_name.get(lang, ""),
            "units": [{"code": u, "name": s.name(u, lang)} for u in s.units],
            "periods": s.periods,
            "notice": views.notice(s, lang),
        }
    return {
        "framework": {"code": fw.code, "version": fw.version, "name": getattr(fw, f"name_{lang}")},
        "dimensions": views.dimensions(fw, lang),
        "scopes": scopes,
    }


@router.get("/runs", dependencies=READ)
def runs(request: Request) -> list[dict[str, Any]]:
    """The stored evaluation runs, newest first."""
    from qcity.service.runs import list_runs

    d = dashboard(request)
    frame = list_runs(db=d.url, published_only=d.published)  # the public: published ones
    names = ["id", "status", "created_at", "created_by", "framework_code"]
    names += ["framework_version", "data_vintage"]
    if d.published:  # and no login names
        names = [c for c in names if c != "created_by"] + ["published_at"]
    keep = [c for c in names if c in frame.columns]
    out = frame[keep].astype(object).where(frame[keep].notna(), None)
    return [
        {str(k): (str(v) if v is not None else None) for k, v in r.items()}
        for r in out.to_dict("records")
    ]


@router.get("/overview", dependencies=READ)
def overview(request: Request, view: UnitViewDep) -> dict[str, Any]:
    """驾驶舱: index and rank over time, radar of the dimensions against the peer median
    and the first tier, coupling coordination, biggest movers, the warning lights' counts,
    the headline sentence and the rank card's notes (what the page shows)."""
    return overview_with_headline(dashboard(request).scope(view.scope), view.unit, view.lang)


@router.get("/dimensions/{code}", dependencies=READ)
def dimension(request: Request, code: str, view: UnitViewDep) -> dict[str, Any]:
    """A dimension's sub-dimensions and indicators: value, unit, normalised score, rank,
    and from monitoring each row's target, completion, progress class and warning light."""
    scope, unit, lang = view.scope, view.unit, view.lang
    s = dashboard(request).scope(scope)
    return monitoring.dimension(s, views.dimension(s, code, unit, lang), lang)


@router.get("/indicators/{code}", dependencies=READ)
def indicator(request: Request, code: str, view: UnitViewDep) -> dict[str, Any]:
    """An indicator's series against the peers, its provenance (every stored revision of
    the unit's values), the method that normalised it, and (``monitor``) its target
    path, trend forecast with prediction interval, target and feasibility."""
    scope, unit, lang = view.scope, view.unit, view.lang
    from qcity.service.review import value_history
    from qcity.service.store import Store

    d = dashboard(request)
    s = d.scope(scope)
    views.node_of(s.framework, code, views.Indicator)
    unit = views.check_unit(s, unit)
    run = d.published_run()
    with Store(d.url, create=False) as store:
        history = value_history(
            store,
            unit=unit,
            indicator=code,
            periods=s.periods,
            public=run is not None,
            as_of=run_as_of(run) if run is not None else None,
        )
    data = views.indicator(s, code, unit, lang, history, public=d.published)
    return {**data, "monitor": monitoring.indicator(s, code, unit, lang)}


@router.get("/warnings", dependencies=READ)
def warnings(request: Request, view: UnitViewDep) -> dict[str, Any]:
    """预警: every indicator's warning light (green, yellow, red) and sentence in the
    latest period, grouped by responsible department, with the counts per colour."""
    scope, unit, lang = view.scope, view.unit, view.lang
    return monitoring.department_warnings(dashboard(request).scope(scope), unit, lang)


PeriodQ = Query(None, description="year (default the latest)")
KQ = Query(5, description="the first tier: the top k (default 5)")


@router.get("/gaps", dependencies=READ)
def gaps(
    request: Request,
    view: UnitViewDep,
    period: str | None = PeriodQ,
    k: int = KQ,
) -> dict[str, Any]:
    """Gap to the first tier: rank and score of the index, dimensions and
    sub-dimensions against the leader, the median and the k-th unit (qcity compare)."""
    return monitoring.gaps(dashboard(request).scope(view.scope), view.unit, period, k, view.lang)


@router.get("/path", dependencies=READ)
def path(
    request: Request,
    view: UnitViewDep,
    period: str | None = PeriodQ,
    k: int | None = Query(None, description="the target rank (default one rank up)"),
) -> dict[str, Any]:
    """The least-cost path to rank k (qcity path; default one rank up): each indicator
    change in raw units with its share of the gap; ``state`` is already, path or
    unreachable; ``total_years`` and the other ``choices`` of target rank."""
    return monitoring.plan(dashboard(request).scope(view.scope), view.unit, period, k, view.lang)


@router.get("/ranking", dependencies=READ)
def ranking(
    request: Request,
    scope: str = ScopeQ,
    period: str | None = Query(None, description="year (default the latest)"),
    lang: str = Lang,
) -> dict[str, Any]:
    """The ranking table and the heatmap of dimension scores."""
    return views.ranking(dashboard(request).scope(scope), lang, period)


@router.get("/reweight", dependencies=READ)
def reweight(
    request: Request,
    w: str | None = Query(
        None, description="dimension weights, e.g. economy:2,culture:1 (others unchanged)"
    ),
    scope: str = ScopeQ,
    lang: str = Lang,
) -> dict[str, Any]:
    """Scores and ranks of the latest year recomputed with these dimension weights."""
    s = dashboard(request).scope(scope)
    try:
        weights = parse_weights(s.framework, w)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return views.reweight(s, weights, lang)


@router.get("/methodology", dependencies=READ)
def methodology(request: Request, lang: str = Lang) -> dict[str, Any]:
    """Every indicator with goal, source, department and direction; every method with
    its formula."""
    from qcity.service.steps import method_steps

    d = dashboard(request)
    shown = d.scope(PEERS).result.evaluation.log if PEERS in d.scopes() else None
    return views.methodology(d.framework, method_steps(d.framework, shown=shown), lang)


# -- upload -------------------------------------------------------------------------------

_uploads_lock = threading.Lock()


@dataclass(frozen=True)
class Pending:
    """A checked, not yet stored upload: its file, who checked it, and the revision of
    each of its values stored when it was checked (the revisions the confirmation expects:
    a value saved by someone else in between is a conflict, not overwritten)."""

    path: Path
    owner: str
    expected: pd.DataFrame


def _uploads(request: Request) -> dict[str, Pending]:
    """This app's checked, not yet stored files by token."""
    pending: dict[str, Pending] = request.app.state.uploads
    return pending


def _owner(actor: Actor) -> str:
    """Who checked an upload: only they may store it."""
    return f"{actor.user_id}:{actor.name}"


def _problem(p: Any) -> dict[str, Any]:
    return {
        "severity": p.severity,
        "sheet": p.sheet,
        "row": p.row,
        "column": p.column,
        "value": p.value,
        "reason": p.reason,
    }


def _reason(text: str | None) -> str | None:
    """The reason field of an upload: None when left blank."""
    return text.strip() if text and text.strip() else None


def _safe_name(name: str | None) -> str:
    """The uploaded file's name without any folder part or odd characters; 422 naming the
    field ``file`` for a name that is only dots or longer than ``FILE_NAME_LIMIT``."""
    base = Path((name or "upload.csv").replace("\\", "/")).name
    clean = re.sub(r"[^\w.\-]+", "_", base)
    if not clean.strip("._"):
        raise FieldError(
            422, f"file name {base[:40]!r}: not a file name / 文件名无效; rename the file", "file"
        )
    if len(clean) > FILE_NAME_LIMIT or len(clean.encode("utf-8")) > 255:
        raise FieldError(
            422,
            f"file name of {len(clean)} characters: at most {FILE_NAME_LIMIT} "
            "/ 文件名过长; rename the file",
            "file",
        )
    return clean


@router.post("/upload")
def upload(
    request: Request,
    file: UploadFile = File(...),
    accept_implausible: str | None = Form(None),
    actor: Actor = CHECK,
) -> JSONResponse:
    """Check a CSV/Excel file against the framework and the store's units, exactly as
    ``qcity import --dry-run`` does; nothing is stored. ``accept_implausible``: the
    reason for values outside their plausible range (else they are errors). Returns the
    validation report and, when there is no error, a token to store it with
    ``POST /api/upload/{token}`` (for the same user only). A clerk may upload only their
    own department's indicators."""
    from qcity.service.files import ImportErrorReport
    from qcity.service.imports import check_upload

    d = dashboard(request)
    name = _safe_name(file.filename)
    folder = Path(tempfile.mkdtemp(prefix="qcity-upload-"))
    path = folder / name
    size = 0
    with path.open("wb") as out:
        while chunk := file.file.read(1 << 20):
            size += len(chunk)
            if size > MAX_UPLOAD:
                shutil.rmtree(folder, ignore_errors=True)
                raise HTTPException(413, f"{path.name}: larger than {MAX_UPLOAD >> 20} MB")
            out.write(chunk)
    try:
        checked = check_upload(
            path, db=d.url, framework=d.framework, accept_implausible=_reason(accept_implausible)
        )
    except ImportErrorReport as exc:
        shutil.rmtree(folder, ignore_errors=True)
        errors = [p for p in exc.problems if p.severity == "error"]
        body = error_body(
            422,
            f"{path.name}: {len(errors)} error(s); nothing stored / 有错误，未写入",
            problems=[_problem(p) for p in exc.problems],
            file=path.name,
        )
        return JSONResponse(body, status_code=422)
    from qcity.service.workflow import foreign_rows

    refused = foreign_rows(checked.observations, d.framework, actor)
    if refused:
        shutil.rmtree(folder, ignore_errors=True)
        shown = "; ".join(refused[:20]) + (f"; … ({len(refused)})" if len(refused) > 20 else "")
        raise HTTPException(
            403,
            f"{path.name}: {len(refused)} row(s) of indicators outside your department "
            f"{actor.department or '-'}: {shown}; nothing stored / 含非本部门指标，未写入",
        )
    from qcity.service.review import current_revisions
    from qcity.service.store import Store

    with Store(d.url, create=False) as store:
        expected = current_revisions(store, keys=checked.observations)
    token = secrets.token_urlsafe(16)
    with _uploads_lock:
        pending = _uploads(request)
        while len(pending) >= PENDING_UPLOADS:  # the oldest checked file is forgotten
            old = pending.pop(next(iter(pending)))
            shutil.rmtree(old.path.parent, ignore_errors=True)
        pending[token] = Pending(path, _owner(actor), expected)
    return JSONResponse(
        {
            "file": path.name,
            "rows": checked.rows,
            "layouts": checked.layouts,
            "problems": [_problem(p) for p in checked.warnings],
            "token": token,
            "stored": False,
        }
    )


@router.post("/upload/{token}")
def confirm(
    request: Request,
    token: str,
    accept_implausible: str | None = Form(None),
    actor: Actor = ENTER,
) -> JSONResponse:
    """Store a checked upload for review, in one transaction: its values become new
    revisions submitted for review (``state: submitted``), exactly as if entered on the
    entry page and submitted; the dashboard uses them once a reviewer approves them. A
    value saved by someone else since the check is a conflict (409) and nothing is
    stored; values equal to the approved (or already submitted) ones are left alone. The
    batch records the file and the user (``web:<name>``, the user's id);
    ``accept_implausible`` as for the check (the reason goes to the audit log)."""
    from qcity.service import workflow as service
    from qcity.service.files import ImportErrorReport, file_format, file_sha256
    from qcity.service.imports import check_upload
    from qcity.service.review import UploadFile
    from qcity.service.store import KEY, Store, StoreError
    from qcity.web.workflow import _http

    d = dashboard(request)
    with _uploads_lock:
        pending = _uploads(request)
        found = pending.get(token)
        if found is not None and found.owner == _owner(actor):
            del pending[token]
        else:
            found = None
    if found is None:
        raise NotFound("no checked upload with this token; upload the file again")
    path = found.path
    try:
        checked = check_upload(
            path, db=d.url, framework=d.framework, accept_implausible=_reason(accept_implausible)
        )
        with Store(d.url, create=False) as store:
            rows = checked.observations.merge(found.expected, how="left", on=KEY)
            rows["expected_revision"] = rows["expected_revision"].astype(object)
            upload = UploadFile(path.name, file_sha256(path), file_format(path))
            saved = service.save_draft(
                store,
                actor=actor,
                rows=rows,
                framework=d.framework,
                submit=True,
                upload=upload,
                accept_implausible=_reason(accept_implausible),
            )
    except ImportErrorReport as exc:
        errors = [p for p in exc.problems if p.severity == "error"]
        return JSONResponse(
            error_body(
                422,
                f"{path.name}: {len(errors)} error(s); nothing stored / 有错误，未写入",
                problems=[_problem(p) for p in exc.problems],
            ),
            status_code=422,
        )
    except StoreError as exc:
        raise _http(exc) from None
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    if saved:
        d.invalidate()
    revised = sum(1 for v in saved if v.revision > 1)
    return JSONResponse(
        {
            "file": path.name,
            "stored": bool(saved),
            "state": "submitted",
            "submitted": [v.id for v in saved],
            "added": len(saved) - revised,
            "revised": revised,
            "unchanged": len(checked.observations) - len(saved),
        }
    )


@router.get("/robustness", dependencies=READ)
def robustness(request: Request, lang: str = Lang) -> dict[str, Any]:
    """稳健性: each unit's nominal rank with its 5-95 % rank band and mean absolute rank
    shift over N Monte Carlo samples of the framework's robustness spec (fixed seed), and
    the total Sobol indices of the choices, for the peer group's latest year."""
    from qcity.web.robustness import robustness as view

    return view(dashboard(request), lang)
