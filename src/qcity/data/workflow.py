"""The department data workflow in the store: a clerk's value is saved as a draft revision
(optimistic locking: the save names the revision it was based on), then submitted, then
approved or rejected by a reviewer. Observations stay append-only: a save adds a revision
(``review="draft"``), and each later state is an event in ``value_reviews``. Every save and
every state change is recorded in the audit log in the same transaction.

Permissions (who may do what, a clerk's department) are checked by the service
(``qcity.service.workflow``), which passes its check in as ``allow``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, and_, func, insert, or_, select, tuple_
from sqlalchemy.exc import IntegrityError

from qcity import errors
from qcity.data import audit
from qcity.data.checks import IMPLAUSIBLE, accept_reason, implausible
from qcity.data.limits import LIMITS, check_length, length_problems
from qcity.data.observations import (
    REVIEWS,
    check_units_known,
    insert_observations,
    next_stamp,
    same_number,
)
from qcity.data.periods import parse_periods
from qcity.data.roles import Actor
from qcity.data.store import Store
from qcity.data.tables import BATCHES, KEY, OBS, StoreError, frame_from_rows, text_or_none

if TYPE_CHECKING:
    from qcity.framework.model import Framework

#: The transitions of a value: state reached -> the state it must be in.
TRANSITIONS: dict[str, str] = {
    "submitted": "draft",
    "approved": "submitted",
    "rejected": "submitted",
}

#: The audit action of each state reached.
ACTIONS: dict[str, str] = {
    "submitted": "value.submit",
    "approved": "value.approve",
    "rejected": "value.reject",
}

#: Columns of ``list_values``.
VALUE_COLUMNS = [
    "id",
    "unit",
    "indicator",
    "period",
    "value",
    "revision",
    "state",
    "entered_by",
    "recorded_at",
    "state_by",
    "state_at",
    "comment",
    "latest",
]


class WorkflowError(StoreError):
    """A step the workflow does not allow: an unknown value, an illegal transition."""


class ConflictError(errors.ConflictError, WorkflowError):
    """Optimistic locking: a value was saved by someone else since the editor read it."""


@dataclass(frozen=True)
class UploadFile:
    """The file a save came from (a web upload): its name, SHA-256 and format, recorded
    with the save's import batch."""

    name: str
    sha256: str
    format: str


@dataclass(frozen=True)
class SavedValue:
    """A draft revision as saved: its id, key, revision and value."""

    id: int
    unit: str
    indicator: str
    period: str
    revision: int
    value: float


def _tuples(frame: pd.DataFrame) -> list[Any]:
    """The rows of ``frame`` as named tuples (typed loosely: cells are of many types)."""
    return list(frame.itertuples())


def key_text(unit: str, indicator: str, period: str) -> str:
    """The audit key of a value: ``unit/indicator/period``."""
    return f"{unit}/{indicator}/{period}"


def _state_frame(conn: Connection, where: Any) -> pd.DataFrame:
    """Revisions matching ``where`` with their current review state (the last event, else
    the state stored), who set it, when, the comment, and whether it is the key's latest."""
    last = (
        select(REVIEWS.c.observation_id, func.max(REVIEWS.c.id).label("event"))
        .group_by(REVIEWS.c.observation_id)
        .subquery("last")
    )
    ev = REVIEWS.alias("ev")
    newest = (
        select(
            OBS.c.unit_code,
            OBS.c.indicator_code,
            OBS.c.period,
            func.max(OBS.c.revision).label("top"),
        )
        .group_by(OBS.c.unit_code, OBS.c.indicator_code, OBS.c.period)
        .subquery("newest")
    )
    stmt = (
        select(
            OBS.c.id,
            OBS.c.unit_code,
            OBS.c.indicator_code,
            OBS.c.period,
            OBS.c.value,
            OBS.c.revision,
            func.coalesce(ev.c.state, OBS.c.review),
            OBS.c.entered_by,
            OBS.c.recorded_at,
            ev.c.by,
            ev.c.at,
            ev.c.comment,
            OBS.c.revision == newest.c.top,
        )
        .outerjoin(last, last.c.observation_id == OBS.c.id)
        .outerjoin(ev, ev.c.id == last.c.event)
        .join(
            newest,
            and_(
                newest.c.unit_code == OBS.c.unit_code,
                newest.c.indicator_code == OBS.c.indicator_code,
                newest.c.period == OBS.c.period,
            ),
        )
        .where(where)
        .order_by(OBS.c.id)
    )
    out = frame_from_rows(conn.execute(stmt).all(), VALUE_COLUMNS)
    for col in ("recorded_at", "state_at"):
        out[col] = pd.to_datetime(out[col], utc=True)
    out["latest"] = out["latest"].astype(bool)
    out["id"] = out["id"].astype("int64")
    return out


def list_values(
    store: Store,
    *,
    state: str | None = None,
    units: Iterable[str] | None = None,
    indicators: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    ids: Iterable[int] | None = None,
    latest_only: bool = False,
    entered_only: bool = False,
) -> pd.DataFrame:
    """Value revisions with their review state (``VALUE_COLUMNS``), oldest first: all, or
    those in ``state``, of some units, indicators, periods or ids; ``latest_only`` keeps
    the newest revision of each key. Values imported by the operator are ``approved``;
    ``entered_only`` leaves them out (only the values entered through the workflow)."""
    terms: list[Any] = []
    if units is not None:
        terms.append(OBS.c.unit_code.in_(list(units)))
    if indicators is not None:
        terms.append(OBS.c.indicator_code.in_(list(indicators)))
    if periods is not None:
        labels = parse_periods(pd.Series(list(periods), dtype=object))["period"].tolist()
        terms.append(OBS.c.period.in_(labels))
    if ids is not None:
        terms.append(OBS.c.id.in_([int(i) for i in ids]))
    if entered_only:
        terms.append(
            or_(OBS.c.review != "approved", OBS.c.id.in_(select(REVIEWS.c.observation_id)))
        )
    if state in ("draft", "approved"):  # the stored state counts unless an event follows
        terms.append(or_(OBS.c.review == state, OBS.c.id.in_(select(REVIEWS.c.observation_id))))
    elif state in ("submitted", "rejected"):
        terms.append(OBS.c.id.in_(select(REVIEWS.c.observation_id).where(REVIEWS.c.state == state)))
    with store.engine.connect() as conn:
        out = _state_frame(conn, and_(True, *terms))
    if state is not None:
        out = out[out["state"] == state]
    if latest_only:
        out = out[out["latest"]]
    return out.reset_index(drop=True)


#: The text fields of a saved value and the column whose length limit they obey.
FIELD_COLUMNS: dict[str, str] = {
    "unit": "observations.unit_code",
    "indicator": "observations.indicator_code",
    "status": "observations.status",
    "source": "observations.source",
    "flag": "observations.flag",
}


def _prepare(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of a save: unit, indicator, period (parsed), value (finite), optional
    source and flag, and ``expected_revision`` (empty for a new key). StoreError naming
    the row (1 = the first) and field of every problem."""
    missing = [c for c in ("unit", "indicator", "period", "value") if c not in rows.columns]
    if missing:
        raise StoreError(f"values to save lack field(s) {missing}")
    df = rows.reset_index(drop=True)
    out = pd.DataFrame(index=df.index)
    out["unit"] = text_or_none(df["unit"])
    out["indicator"] = text_or_none(df["indicator"])
    periods = parse_periods(df["period"])
    out["period"] = periods["period"].astype(object)
    out["year"] = periods["year"]
    out["quarter"] = periods["quarter"]
    out["value"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
    for col in ("source", "flag"):
        out[col] = text_or_none(df[col]) if col in df else None
    out["status"] = text_or_none(df["status"]).fillna("final") if "status" in df else "final"
    exp = df["expected_revision"] if "expected_revision" in df else pd.Series(None, index=df.index)
    out["expected_revision"] = pd.to_numeric(exp, errors="coerce")
    problems = []
    for i in range(len(out)):
        r = out.iloc[i]
        for field in ("unit", "indicator"):
            if r[field] is None:
                problems.append(f"row {i + 1}, field {field}: empty")
        if not bool(periods["in_range"].iloc[i]):
            problems.append(f"row {i + 1}, field period: {df['period'].iloc[i]!r} is not a period")
        if not np.isfinite(r["value"]):
            problems.append(f"row {i + 1}, field value: {df['value'].iloc[i]!r} is not a number")
        raw = exp.iloc[i]
        if raw is not None and not pd.isna(raw) and pd.isna(r["expected_revision"]):
            problems.append(f"row {i + 1}, field expected_revision: {raw!r} is not a number")
    for i, field, n in length_problems(out, FIELD_COLUMNS):
        limit = LIMITS[FIELD_COLUMNS[field]]
        problems.append(f"row {i + 1}, field {field}: {n} characters, at most {limit}")
    if out.duplicated(KEY).any():
        dup = [int(i) + 1 for i in np.flatnonzero(out.duplicated(KEY, keep=False))]
        problems.append(f"rows {dup}: the same unit, indicator and period twice")
    if problems:
        raise StoreError("values not saved / 未保存: " + "; ".join(problems[:10]))
    return out


def _latest_of(conn: Connection, rows: pd.DataFrame) -> pd.DataFrame:
    """The latest revision of the keys of ``rows``: revision, value, entered_by,
    recorded_at (empty when a key is new)."""
    keys = list(zip(rows["unit"], rows["indicator"], rows["period"], strict=True))
    found = _state_frame(
        conn, tuple_(OBS.c.unit_code, OBS.c.indicator_code, OBS.c.period).in_(keys)
    )
    return found[found["latest"]]


def latest_revisions(store: Store, rows: pd.DataFrame) -> pd.DataFrame:
    """The latest stored revision of each key (unit, indicator, period) of ``rows``, as
    columns unit, indicator, period and ``expected_revision`` (null for a key not stored
    yet): what an editor reads now and names when saving later (optimistic locking)."""
    keys = rows[KEY].drop_duplicates().reset_index(drop=True)
    if keys.empty:
        return keys.assign(expected_revision=pd.Series(dtype="Int64"))
    with store.engine.connect() as conn:
        latest = _latest_of(conn, keys)
    found = keys.merge(latest[[*KEY, "revision"]], how="left", on=KEY)
    return found.rename(columns={"revision": "expected_revision"}).astype(
        {"expected_revision": "Int64"}
    )


def check_plausible(
    prepared: pd.DataFrame, framework: Framework | None, accept_implausible: str | None
) -> pd.Series:
    """The values of a save outside their plausible range (``qcity.data.checks.
    implausible``, the check every import uses): StoreError naming row and field of each
    unless ``accept_implausible`` gives a reason; then they are flagged ``implausible``
    (in ``prepared``) and the mask is returned for the audit log."""
    none = pd.Series(False, index=prepared.index)
    if framework is None or prepared.empty:
        return none
    mask, reasons = implausible(prepared["indicator"], prepared["value"].to_numpy(), framework)
    if not mask.any():
        return none
    blank = accept_implausible is None or not accept_implausible.strip()
    reason = None if blank else accept_reason(accept_implausible)
    if reason is None:
        listed = [
            f"row {i + 1}, field value: {v:g} is {why}"
            for i, v, why in zip(
                np.flatnonzero(mask), prepared["value"][mask], reasons[mask], strict=True
            )
        ]
        raise StoreError(
            "values not saved / 未保存: "
            + "; ".join(listed[:10])
            + "; if a value is right, save it again with a reason (accept_implausible; web: "
            "the reason field) / 如确属实，请填写原因后再保存"
        )
    flags = prepared["flag"].where(prepared["flag"].notna(), "")
    prepared.loc[mask, "flag"] = [  # once, also where the file's check flagged it already
        f if IMPLAUSIBLE in str(f).split("; ") else f"{f}; {IMPLAUSIBLE}" if f else IMPLAUSIBLE
        for f in flags[mask]
    ]
    return pd.Series(mask, index=prepared.index)


def save_drafts(
    store: Store,
    actor: Actor,
    rows: pd.DataFrame,
    *,
    allow: Callable[[pd.DataFrame], None] | None = None,
    submit: bool = False,
    upload: UploadFile | None = None,
    framework: Framework | None = None,
    accept_implausible: str | None = None,
) -> list[SavedValue]:
    """Save ``rows`` as draft revisions in ONE transaction, each only if its key's latest
    revision is still ``expected_revision`` (None/empty: the key must be new); otherwise
    ``ConflictError`` naming who saved which revision when, and nothing is written. The
    unique (unit, indicator, period, revision) constraint is the backstop: a race the
    check missed is the same ConflictError, never a duplicate revision.

    ``submit``: the new revisions are submitted for review in the same transaction (a web
    upload waits for a reviewer like any entry). ``upload``: the file they came from,
    recorded with the batch; a row whose value equals its key's latest revision when that
    one is approved or awaiting review is left alone (the same file twice submits nothing
    twice). With ``framework``, a value outside its plausible range is refused unless
    ``accept_implausible`` gives the reason (kept in the audit log; ``check_plausible``)."""
    prepared = _prepare(rows)
    if allow is not None:
        allow(prepared)
    prepared["_accepted"] = check_plausible(prepared, framework, accept_implausible).to_numpy()
    try:
        with store._write() as conn:
            check_units_known(conn, prepared["unit"])
            latest = _latest_of(conn, prepared)
            merged = prepared.merge(
                latest[[*KEY, "id", "revision", "value", "state", "entered_by", "recorded_at"]],
                how="left",
                on=KEY,
                suffixes=("", "_old"),
            )
            _refuse_conflicts(merged)
            if upload is not None:
                same = same_number(merged["value"].to_numpy(), merged["value_old"].to_numpy())
                waiting = merged["state"].isin(["approved", "submitted"]).to_numpy()
                merged = merged[~(same & waiting)].reset_index(drop=True)
                if merged.empty:
                    return []
            accepted = merged["_accepted"].to_numpy(dtype=bool)
            merged = merged.drop(columns="_accepted")
            write = merged.copy()
            write["revision"] = write["revision"].fillna(0).astype("int64") + 1
            now = next_stamp(conn)
            batch_id = int(
                conn.execute(
                    insert(BATCHES).returning(BATCHES.c.id),
                    {
                        "file_name": upload.name if upload else None,
                        "sha256": upload.sha256 if upload else None,
                        "format": upload.format if upload else "entry",
                        "rows": len(write),
                        "added": int(merged["id"].isna().sum()),
                        "revised": int(merged["id"].notna().sum()),
                        "unchanged": 0,
                        "framework_code": None,
                        "framework_version": None,
                        "entered_by": actor.name,
                        "entered_by_user_id": actor.user_id,
                        "created_at": now,
                    },
                ).scalar_one()
            )
            insert_observations(
                conn, write, now, actor.name, batch_id, None, actor.user_id, review="draft"
            )
            ids = dict(
                ((u, i, p), int(x))
                for x, u, i, p in conn.execute(
                    select(OBS.c.id, OBS.c.unit_code, OBS.c.indicator_code, OBS.c.period).where(
                        OBS.c.batch_id == batch_id
                    )
                )
            )
            saved = [
                SavedValue(
                    ids[(r.unit, r.indicator, r.period)],
                    r.unit,
                    r.indicator,
                    r.period,
                    int(r.revision),
                    float(r.value),
                )
                for r in _tuples(write)
            ]
            audit.record_many(
                conn,
                [
                    audit.entry(
                        actor,
                        "value.save",
                        "value",
                        key_text(s.unit, s.indicator, s.period),
                        None
                        if pd.isna(old.id)
                        else {
                            "id": int(old.id),
                            "revision": int(old.revision),
                            "value": float(old.value_old),
                            "state": old.state,
                        },
                        {
                            "id": s.id,
                            "revision": s.revision,
                            "value": s.value,
                            "state": "draft",
                            **({"implausible": str(accept_implausible).strip()} if ok else {}),
                        },
                        now,
                    )
                    for s, old, ok in zip(saved, _tuples(merged), accepted, strict=True)
                ],
            )
            if submit:
                saved_ids = [s.id for s in saved]
                _insert_events(
                    conn, actor, write.assign(id=saved_ids, state="draft"), "submitted", None, now
                )
    except IntegrityError:
        raise ConflictError(
            "conflict / 冲突: another save of the same value was stored at the same moment; "
            "nothing of yours was written — reload and save again / 他人同时保存了该数值，"
            "您的修改未写入，请刷新后重新保存"
        ) from None
    return saved


def _refuse_conflicts(merged: pd.DataFrame) -> None:
    """ConflictError listing every key whose latest revision is not the one expected."""
    stored = merged["revision"]
    expected = merged["expected_revision"]
    bad = ~((stored.isna() & expected.isna()) | (stored == expected))
    if not bad.any():
        return
    lines = []
    for r in _tuples(merged[bad.to_numpy()]):
        key = key_text(r.unit, r.indicator, r.period)
        exp = (
            "none (a new value)" if pd.isna(r.expected_revision) else f"{int(r.expected_revision)}"
        )
        if pd.isna(r.id):
            lines.append(f"{key}: you edited revision {exp} but there is no stored value")
            continue
        at = pd.Timestamp(r.recorded_at).strftime("%Y-%m-%d %H:%M:%S UTC")
        lines.append(
            f"{key}: you edited revision {exp}, but {r.entered_by} saved revision "
            f"{int(r.revision)} (value {r.value_old:g}, {r.state}) at {at}"
        )
    raise ConflictError(
        "conflict / 冲突: " + "; ".join(lines[:10]) + " — nothing of yours was written; "
        "reload the value and enter your change again / 该数值已被他人修改，您的修改未写入，"
        "请刷新后重新填写"
    )


def change_state(
    store: Store,
    actor: Actor,
    ids: Iterable[int],
    to: str,
    *,
    comment: str | None = None,
    allow: Callable[[pd.DataFrame], None] | None = None,
) -> pd.DataFrame:
    """Move the value revisions ``ids`` to state ``to`` (submitted, approved, rejected) in
    ONE transaction: every one must be in the state before it (``TRANSITIONS``), and a
    submitted one must be its key's latest revision; otherwise ``WorkflowError`` naming
    each and nothing changes. ``allow`` sees the revisions first (permission checks).
    Returns the revisions as they were before."""
    if to not in TRANSITIONS:
        raise WorkflowError(f"state {to!r}: write one of {', '.join(TRANSITIONS)}")
    check_length("value_reviews.comment", comment, field="comment")
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        raise WorkflowError("no value id given / 未指定数值编号")
    try:
        with store._write() as conn:
            found = _state_frame(conn, OBS.c.id.in_(wanted))
            unknown = sorted(set(wanted) - set(found["id"].tolist()))
            problems = [f"value {i}: no such value id / 无此数值" for i in unknown]
            need = TRANSITIONS[to]
            for r in _tuples(found):
                if r.state != need:
                    problems.append(
                        f"value {r.id} ({key_text(r.unit, r.indicator, r.period)} revision "
                        f"{r.revision}) is {r.state}; only a {need} value can become {to} "
                        f"/ 当前状态不允许此操作"
                    )
                elif to == "submitted" and not r.latest:
                    problems.append(
                        f"value {r.id} ({key_text(r.unit, r.indicator, r.period)} revision "
                        f"{r.revision}) has a newer revision; submit the newest one "
                        "/ 请提交最新修订"
                    )
            if problems:
                raise WorkflowError("; ".join(problems[:20]))
            if allow is not None:
                allow(found)
            _insert_events(conn, actor, found, to, comment, next_stamp(conn))
    except IntegrityError:
        raise ConflictError(
            "conflict / 冲突: these values were reviewed by someone else at the same moment; "
            "reload / 他人同时审核了这些数值，请刷新"
        ) from None
    return found


def _insert_events(
    conn: Connection,
    actor: Actor,
    found: pd.DataFrame,
    to: str,
    comment: str | None,
    now: datetime,
) -> None:
    """Record that the revisions of ``found`` (id, unit, indicator, period, revision,
    value, state) reached state ``to``: one review event and one audit entry each."""
    conn.execute(
        insert(REVIEWS),
        [
            {"observation_id": int(i), "state": to, "at": now, "by": actor.name, "comment": comment}
            for i in found["id"]
        ],
    )
    audit.record_many(
        conn,
        [
            audit.entry(
                actor,
                ACTIONS[to],
                "value",
                key_text(r.unit, r.indicator, r.period),
                {
                    "id": int(r.id),
                    "revision": int(r.revision),
                    "value": float(r.value),
                    "state": r.state,
                },
                {
                    "id": int(r.id),
                    "revision": int(r.revision),
                    "value": float(r.value),
                    "state": to,
                    "comment": comment,
                },
                now,
            )
            for r in _tuples(found)
        ],
    )


__all__ = [
    "TRANSITIONS",
    "VALUE_COLUMNS",
    "ConflictError",
    "SavedValue",
    "UploadFile",
    "WorkflowError",
    "change_state",
    "key_text",
    "latest_revisions",
    "list_values",
    "save_drafts",
]
