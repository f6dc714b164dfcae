"""The department data workflow on the web: a clerk's entry page (their department's
indicators for a unit and year: current value, revision, state; save drafts; submit), the
reviewer's page (approve, reject with a reason) and the audit log (view; CSV export), with
the JSON API under ``/api/values`` and ``/api/audit``.

Every route declares its permission (``require``). Saving names the revision the editor
read (``expected_revision``): a value saved by someone else since is refused with HTTP 409
and a message saying who saved what when; nothing is lost (``qcity.data.workflow``).
"""

from __future__ import annotations

import io
import json
import math
import re
import unicodedata
from typing import Annotated, Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Body, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from qcity.service import workflow as service
from qcity.service.access import Actor
from qcity.service.files import safe_frame
from qcity.service.frameworks import Framework
from qcity.service.review import own_indicators
from qcity.service.store import LIMITS, Store, StoreError, TooLongError
from qcity.web.access import require
from qcity.web.app import FieldError
from qcity.web.i18n import local_first, name, word
from qcity.web.pages import render, request_lang

router = APIRouter()


# -- shared ------------------------------------------------------------------------------
def workflow_store(request: Request) -> Store:
    """The app's store for workflow writes (one per app, opened on first use)."""
    store = getattr(request.app.state, "workflow_store", None)
    if store is None:
        store = Store(request.app.state.dashboard.url, create=False)
        request.app.state.workflow_store = store
    return store


def workflow_framework(request: Request) -> Framework:
    """The framework whose ``department`` fields say who enters which indicator: the one
    set on the app (``app.state.workflow_framework``), else the framework in force."""
    fw = getattr(request.app.state, "workflow_framework", None)
    if fw is None:
        from qcity.web.state import framework_in_force

        fw = framework_in_force(request.app.state.dashboard.url)[0]
        request.app.state.workflow_framework = fw
    return fw


def _http(exc: Exception) -> HTTPException:
    """The HTTP error of a workflow failure: 409 conflict, 403 not allowed, 422 a text
    too long (naming the field), 400 otherwise."""
    if isinstance(exc, service.ConflictError):
        return HTTPException(409, str(exc))
    if isinstance(exc, service.NotAllowedError):
        return HTTPException(403, str(exc))
    if isinstance(exc, TooLongError):
        return FieldError(422, str(exc), exc.field)
    return HTTPException(400, str(exc))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (timestamps as ISO text, missing as null)."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [
        {str(k): (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
        for r in rows
    ]


# -- JSON API ----------------------------------------------------------------------------
@router.get("/api/values", tags=["workflow"])
def api_values(
    request: Request,
    unit: str | None = None,
    period: str | None = None,
    state: str | None = None,
    latest: bool = True,
    actor: Actor = Depends(require("values.enter")),
) -> JSONResponse:
    """Values with their revision and review state (the newest revision of each key unless
    ``latest=false``), of one unit and period if given; a clerk sees their department's."""
    from qcity.service.review import value_list

    try:
        frame = value_list(
            workflow_store(request),
            actor=actor,
            framework=workflow_framework(request),
            state=state,
            unit=unit or None,
            period=period or None,
            latest=latest,
        )
    except StoreError as exc:
        raise _http(exc) from None
    return JSONResponse({"values": _records(frame)})


#: A database id or revision: a positive 64-bit integer (larger ones are refused with 422).
DbInt = Annotated[int, Field(ge=1, le=2**63 - 1)]


class ValueIn(BaseModel):
    """One value to save as a draft; ``expected_revision`` is the revision it was based on
    (null for a value not stored yet)."""

    unit: str = Field(max_length=LIMITS["observations.unit_code"])
    indicator: str = Field(max_length=LIMITS["observations.indicator_code"])
    period: str = Field(max_length=LIMITS["observations.period"])
    value: float
    expected_revision: DbInt | None = None
    source: str | None = Field(None, max_length=LIMITS["observations.source"])
    flag: str | None = Field(None, max_length=LIMITS["observations.flag"])


class SaveIn(BaseModel):
    """The values of one save (one transaction)."""

    values: list[ValueIn] = Field(min_length=1)
    #: The reason for values outside their plausible range (else they are refused).
    accept_implausible: str | None = None


class SubmitIn(BaseModel):
    """The ids of the draft revisions to submit for review."""

    ids: list[DbInt] = Field(min_length=1)


@router.post("/api/values", tags=["workflow"])
def api_save(
    request: Request, body: SaveIn, actor: Actor = Depends(require("values.enter"))
) -> Response:
    """Save values as drafts: ``{"values": [{unit, indicator, period, value,
    expected_revision}]}``. 409 when a value was saved by someone else since
    ``expected_revision`` (null for a new value): nothing of the request is written."""
    return _save(request, actor, [v.model_dump() for v in body.values], body.accept_implausible)


def _save(
    request: Request, actor: Actor, items: list[dict[str, Any]], reason: str | None = None
) -> JSONResponse:
    rows = pd.DataFrame(items)
    try:
        saved = service.save_draft(
            workflow_store(request),
            actor=actor,
            rows=rows,
            framework=workflow_framework(request),
            accept_implausible=reason,
        )
    except StoreError as exc:
        raise _http(exc) from None
    return JSONResponse({"saved": [s.__dict__ for s in saved]})


@router.post("/api/values/submit", tags=["workflow"])
def api_submit(
    request: Request, body: SubmitIn, actor: Actor = Depends(require("values.submit"))
) -> Response:
    """Submit draft revisions for review: ``{"ids": [...]}``."""
    try:
        service.submit(
            workflow_store(request),
            actor=actor,
            ids=body.ids,
            framework=workflow_framework(request),
        )
    except StoreError as exc:
        raise _http(exc) from None
    return JSONResponse({"submitted": body.ids})


#: A reviewer's comment or reason: text of at most the comment column's length.
Comment = Annotated[str, Field(max_length=LIMITS["value_reviews.comment"])]


class ApproveIn(BaseModel):
    """An approval: an optional comment."""

    comment: Comment | None = None


class RejectIn(BaseModel):
    """A rejection: its reason (required)."""

    reason: Comment


@router.post("/api/values/{value_id}/approve", tags=["workflow"])
async def api_approve(
    value_id: DbInt,
    request: Request,
    body: Annotated[ApproveIn | None, Body()] = None,
    actor: Actor = Depends(require("values.review")),
) -> Response:
    """Approve a submitted revision (``{"comment": ...}`` optional; no body is fine)."""
    comment = body.comment if body is not None else None
    from fastapi.concurrency import run_in_threadpool

    def go() -> JSONResponse:
        try:
            service.approve(workflow_store(request), actor=actor, ids=[value_id], comment=comment)
        except StoreError as exc:
            raise _http(exc) from None
        request.app.state.dashboard.invalidate()  # the evaluation now uses this value
        return JSONResponse({"approved": value_id})

    return await run_in_threadpool(go)


@router.post("/api/values/{value_id}/reject", tags=["workflow"])
async def api_reject(
    value_id: DbInt,
    request: Request,
    body: RejectIn,
    actor: Actor = Depends(require("values.review")),
) -> Response:
    """Reject a submitted revision: ``{"reason": ...}`` (required)."""
    reason = body.reason
    from fastapi.concurrency import run_in_threadpool

    def go() -> JSONResponse:
        try:
            service.reject(workflow_store(request), actor=actor, ids=[value_id], reason=reason)
        except StoreError as exc:
            raise _http(exc) from None
        return JSONResponse({"rejected": value_id})

    return await run_in_threadpool(go)


@router.get("/api/review", tags=["workflow"])
def api_review(request: Request, actor: Actor = Depends(require("values.review"))) -> JSONResponse:
    """The submitted values waiting for review, each with ``previous``: the approved value
    it would replace (null when there is none), as the review page shows it."""
    from qcity.service.review import VALUE_COLUMNS, review_queue

    frame = review_queue(workflow_store(request), actor=actor)
    return JSONResponse({"values": _records(frame[[*VALUE_COLUMNS, "previous"]])})


@router.get("/api/audit", tags=["workflow"])
def api_audit(
    request: Request,
    entity: str | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 200,
    actor: Actor = Depends(require("audit.read")),
) -> JSONResponse:
    """The audit log, newest first."""
    from qcity.service.audit import audit_log

    frame = audit_log(workflow_store(request), actor=actor, entity=entity, limit=limit)
    return JSONResponse({"entries": _records(frame)})


# -- pages -------------------------------------------------------------------------------
def _entry_rows(request: Request, actor: Actor, unit: str, year: str) -> list[dict[str, Any]]:
    """The entry table: each of the actor's indicators with the newest revision of its
    value for ``unit`` and ``year`` (value, revision, state, id)."""
    from qcity.service.review import value_list

    fw = workflow_framework(request)
    lang = request_lang(request)
    inds = own_indicators(actor, fw)
    stored = value_list(
        workflow_store(request), actor=actor, framework=fw, unit=unit, period=year, latest=True
    )
    by_code = {r["indicator"]: r for r in _records(stored)}
    rows = []
    for i in inds:
        row = {"code": i.code, "name": name(i, lang), **by_code.get(i.code, {})}
        row["measure"] = i.unit  # the unit of measure (the record's "unit" is the place)
        row["value_text"] = _number_text(row.get("value"))
        rows.append(row)
    return rows


def _entry_page(
    request: Request,
    actor: Actor,
    unit: str,
    year: str,
    message: str | None = None,
    status: int = 200,
    *,
    detail: str | None = None,
    good: bool = False,
    typed: dict[str, str] | None = None,
    bad: set[str] | frozenset[str] = frozenset(),
    reason: str = "",
) -> HTMLResponse:
    """The entry page; after a refused save, ``typed`` (indicator code -> what the clerk
    typed) fills the inputs again, ``bad`` marks the fields at fault, ``message`` says
    what to do in the page's language and ``detail`` gives the store's own words."""
    rows = _entry_rows(request, actor, unit, year) if unit else []
    for r in rows:
        r["typed"] = (typed or {}).get(r["code"], r["value_text"])
        r["bad"] = r["code"] in bad
    units = workflow_store(request).units()
    page = render(
        request,
        "entry.html",
        title=word("entry", request_lang(request)),
        rows=rows,
        unit=unit,
        year=year,
        units=units[["code", "name_zh"]].to_dict("records"),
        actor=actor,
        message=message,
        detail=detail,
        good=good,
        reason=reason,
    )
    page.status_code = status
    return page


@router.get("/entry", response_class=HTMLResponse, include_in_schema=False)
def entry_page(
    request: Request,
    unit: str = "",
    year: str = "",
    saved: Annotated[int | None, Query(ge=0, le=10_000)] = None,
    submitted: Annotated[int | None, Query(ge=0, le=10_000)] = None,
    actor: Actor = Depends(require("values.enter")),
) -> HTMLResponse:
    """A clerk's entry page for one unit and year; after a save or a submission (the
    redirect's ``saved=N`` / ``submitted=N``) it says so: 已保存 / 已提交."""
    lang = request_lang(request)
    message = None
    if saved is not None:
        message = word("saved_n", lang).format(n=saved)
    elif submitted is not None:
        message = word("submitted_n", lang).format(n=submitted)
    return _entry_page(request, actor, unit, year, message, good=message is not None)


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def typed_number(raw: str) -> float | None:
    """What a clerk typed as a number: full-width digits and signs read as ASCII
    (NFKC), thousands separators allowed (``211,031``); None when it is not a number."""
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _refusal(exc: Exception, lang: str) -> str:
    """What a refused save means, in the page's language (the store's own words follow
    as the detail)."""
    if isinstance(exc, service.ConflictError):
        return word("entry_conflict", lang)
    if isinstance(exc, service.NotAllowedError):
        return word("entry_not_allowed", lang)
    if "accept_implausible" in str(exc):
        return word("entry_implausible", lang)
    return word("entry_failed", lang)


@router.post("/entry", response_class=HTMLResponse, include_in_schema=False)
async def entry_save(request: Request, actor: Actor = Depends(require("values.enter"))) -> Response:
    """Save the entry form: a value field ``value_<code>`` and ``expected_<code>`` per
    indicator; empty or unchanged fields are left alone. A field that is not a number, or
    a save the store refuses, shows the form again with what was typed, the fields at
    fault marked and a message in the page's language; nothing is saved then."""
    form = await request.form()
    lang = request_lang(request)
    unit, year = str(form.get("unit") or ""), str(form.get("year") or "")
    reason_text = str(form.get("reason") or "").strip()
    reason = reason_text or None  # for implausible values
    own = own_indicators(actor, workflow_framework(request))
    names = {i.code: name(i, lang) for i in own}
    line = {i.code: n for n, i in enumerate(own, start=1)}  # the row of the entry table
    typed: dict[str, str] = {}
    problems: list[str] = []
    bad: set[str] = set()
    items = []
    for key, raw in form.multi_items():
        if not key.startswith("value_") or not str(raw).strip():
            continue
        code = key.removeprefix("value_")
        text = str(raw).strip()
        typed[code] = text
        old = str(form.get(f"current_{code}") or "")
        if old and old == text:
            continue
        number = typed_number(text)
        if number is None:
            what = f"{code} {names.get(code, '')}".strip()
            row = line.get(code, len(typed))
            problems.append(word("not_a_number", lang).format(row=row, what=what, raw=text))
            bad.add(code)
            continue
        expected = str(form.get(f"expected_{code}") or "").strip()
        items.append(
            {
                "unit": unit,
                "indicator": code,
                "period": year,
                "value": number,
                "expected_revision": int(expected) if expected.isdigit() else None,
            }
        )
    from fastapi.concurrency import run_in_threadpool

    def again(message: str, status: int, detail: str | None = None, at: set[str] = bad) -> Response:
        return _entry_page(
            request, actor, unit, year, message, status,
            detail=detail, typed=typed, bad=at, reason=reason_text,
        )  # fmt: skip

    def go() -> Response:
        if problems:
            sep, end = ("；", "。") if lang == "zh" else ("; ", ". ")
            return again(sep.join(problems) + end + word("nothing_saved", lang), 422)
        if not items:
            return _entry_page(request, actor, unit, year, word("nothing_changed", lang))
        try:
            service.save_draft(
                workflow_store(request),
                actor=actor,
                rows=pd.DataFrame(items),
                framework=workflow_framework(request),
                accept_implausible=reason,
            )
        except StoreError as exc:
            err = _http(exc)
            detail = local_first(str(exc), lang)
            at = {str(i["indicator"]) for i in items}
            return again(_refusal(exc, lang), err.status_code, detail, at)
        done = urlencode({"unit": unit, "year": year, "saved": len(items)})
        return RedirectResponse(f"/entry?{done}", 303)

    return await run_in_threadpool(go)


@router.post("/entry/submit", response_class=HTMLResponse, include_in_schema=False)
def entry_submit(
    request: Request,
    unit: str = Form(""),
    year: str = Form(""),
    ids: list[DbInt] = Form(default_factory=list),
    actor: Actor = Depends(require("values.submit")),
) -> Response:
    """Submit the ticked drafts for review."""
    lang = request_lang(request)
    try:
        service.submit(
            workflow_store(request), actor=actor, ids=ids, framework=workflow_framework(request)
        )
    except StoreError as exc:
        err = _http(exc)
        message = _refusal(exc, lang)
        return _entry_page(
            request, actor, unit, year, message, err.status_code, detail=local_first(str(exc), lang)
        )
    done = urlencode({"unit": unit, "year": year, "submitted": len(ids)})
    return RedirectResponse(f"/entry?{done}", 303)


def _number_text(value: Any) -> str:
    """A stored value as a person types it (``211031``, ``6.1``); "" for none."""
    if value is None or pd.isna(value):
        return ""
    return format(float(value), ".12g")


def change_text(previous: Any, value: Any) -> str:
    """The change from the approved value to the submitted one in per cent, signed, one
    decimal (``+3.2%``): ``(new - old) / |old| × 100``; "—" without a previous value or
    when it is zero (no percentage of nothing)."""
    if previous is None or value is None or pd.isna(previous) or pd.isna(value):
        return "—"
    old, new = float(previous), float(value)
    if old == 0:
        return "—"
    pct = (new - old) / abs(old) * 100
    return "±0.0%" if round(pct, 1) == 0 else f"{pct:+.1f}%"


def _place_names(store: Store, lang: str) -> dict[str, str]:
    """Each unit's name in ``lang`` (the Chinese one when the English is missing)."""
    units = store.units()
    column = "name_en" if lang == "en" and "name_en" in units.columns else "name_zh"
    names = units[column].where(units[column].notna(), units["name_zh"])
    return dict(zip(units["code"].astype(str), names.astype(str), strict=True))


def _review_page(
    request: Request,
    actor: Actor,
    message: str | None = None,
    status: int = 200,
    good: bool = False,
) -> HTMLResponse:
    from qcity.service.review import review_queue

    store = workflow_store(request)
    lang = request_lang(request)
    rows = _records(review_queue(store, actor=actor))
    indicators = {i.code: i for i in workflow_framework(request).indicators()}
    places = _place_names(store, lang)
    for r in rows:
        r["previous_text"] = _number_text(r.get("previous")) or "—"
        r["value_text"] = _number_text(r["value"])
        r["change_text"] = change_text(r.get("previous"), r["value"])
        ind = indicators.get(r["indicator"])
        r["name"] = name(ind, lang) if ind is not None else ""
        r["measure"] = ind.unit if ind is not None else ""
        r["unit_name"] = places.get(str(r["unit"]), "")
    page = render(
        request,
        "review.html",
        title=word("review", request_lang(request)),
        rows=rows,
        message=message,
        good=good,
    )
    page.status_code = status
    return page


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_page(
    request: Request,
    done: str | None = Query(None, pattern="^(approve|reject)$"),
    actor: Actor = Depends(require("values.review")),
) -> HTMLResponse:
    """The submitted values, each with approve and reject (with a reason); after a
    decision (the redirect's ``done``) it says so: 已通过 / 已退回."""
    message = word(f"review_done_{done}", request_lang(request)) if done else None
    return _review_page(request, actor, message, good=message is not None)


@router.post("/review/{value_id}", response_class=HTMLResponse, include_in_schema=False)
def review_decide(
    value_id: DbInt,
    request: Request,
    decision: str = Form(...),
    comment: str = Form(""),
    actor: Actor = Depends(require("values.review")),
) -> Response:
    """Approve (``decision=approve``) or reject (``decision=reject``, comment required)."""
    try:
        if decision == "approve":
            service.approve(workflow_store(request), actor=actor, ids=[value_id], comment=comment)
            request.app.state.dashboard.invalidate()  # the evaluation now uses this value
        elif decision == "reject":
            service.reject(workflow_store(request), actor=actor, ids=[value_id], reason=comment)
        else:
            raise HTTPException(400, "decision: approve or reject")
    except StoreError as exc:
        err = _http(exc)
        lang = request_lang(request)
        lead = word("review_failed", lang)
        return _review_page(
            request, actor, f"{lead} {local_first(str(exc), lang)}", err.status_code
        )
    return RedirectResponse(f"/review?done={decision}", 303)


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(
    request: Request, entity: str | None = None, actor: Actor = Depends(require("audit.read"))
) -> HTMLResponse:
    """The newest 500 entries of the audit log."""
    from qcity.service.audit import audit_log

    frame = audit_log(workflow_store(request), actor=actor, entity=entity or None, limit=500)
    rows = _records(frame)
    for r in rows:
        for side in ("before", "after"):
            r[side] = "" if r[side] is None else json.dumps(r[side], ensure_ascii=False)
    return render(
        request,
        "audit.html",
        title=word("audit_log", request_lang(request)),
        rows=rows,
        entity=entity or "",
    )


@router.get("/audit/export.csv", include_in_schema=False)
def audit_export(request: Request, actor: Actor = Depends(require("audit.export"))) -> Response:
    """The whole audit log as CSV (UTF-8 with BOM, for Excel), oldest first."""
    from qcity.service.audit import export_audit_log

    frame = export_audit_log(workflow_store(request), actor=actor)
    buf = io.StringIO()
    safe_frame(frame).to_csv(buf, index=False)
    return Response(
        ("\ufeff" + buf.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit_log.csv"'},
    )
