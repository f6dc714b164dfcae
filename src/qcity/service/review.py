"""The data-entry review for the interfaces: the stored values an actor sees with their
workflow state, the queue a reviewer decides on, an indicator's revisions as the staff or
the public see them, and the revisions an upload's confirmation expects.

``qcity values list``, the web's entry and review pages, ``/api/values``, ``/api/review``,
an indicator's provenance and the upload all read these use cases, so each rule holds
once: a clerk sees only their own department's indicators (the framework's
``department`` field); "latest" is the newest revision of each key (unit, indicator,
period); a submitted value is shown beside the approved value it would replace; the
public sees only the revisions approved by the published run's moment, without who
entered them. The storage and the state of each revision stay in ``qcity.data.workflow``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import pandas as pd

from qcity import errors
from qcity.data import workflow as wf
from qcity.data.roles import Actor
from qcity.data.store import Store
from qcity.data.tables import KEY, OBSERVATION_COLUMNS
from qcity.framework.departments import same_department
from qcity.framework.model import Framework, Indicator
from qcity.service.workflow import NotAllowedError, need

#: The workflow states of a value revision, in the order a value passes them.
STATES: tuple[str, ...] = ("draft", "submitted", "approved", "rejected")

#: Columns of ``value_list`` (and of ``review_queue`` before its ``previous``): the
#: revision's id, key, value and revision number, its state, who entered it and when
#: (``recorded_at``, UTC), who set the state and when (``state_by``, ``state_at``; empty
#: for a value never reviewed), the reviewer's comment, and whether it is the newest
#: revision of its key (``latest``).
VALUE_COLUMNS: tuple[str, ...] = tuple(wf.VALUE_COLUMNS)

#: Columns of ``value_history``: every stored field of a revision, the file and import
#: batch it came with, and its review state (``review``: draft, submitted, approved,
#: rejected).
HISTORY_COLUMNS: tuple[str, ...] = (*OBSERVATION_COLUMNS, "file_name", "batch_id", "review")

#: The file a save came from (a web upload): name, SHA-256 and format.
UploadFile = wf.UploadFile


def own_indicators(actor: Actor, framework: Framework) -> list[Indicator]:
    """The indicators of ``framework`` that ``actor`` enters and sees, in document order:
    a clerk those of their own department (``department`` equal to the clerk's, or to one
    half of a bilingual ``统计局 / Statistics Bureau``); every other role all of them."""
    if actor.role == "clerk":
        return [
            i for i in framework.indicators() if same_department(i.department, actor.department)
        ]
    return list(framework.indicators())


def value_list(
    store: Store,
    *,
    actor: Actor,
    framework: Framework | None = None,
    state: str | None = None,
    unit: str | None = None,
    period: str | None = None,
    latest: bool = False,
    entered_only: bool = False,
) -> pd.DataFrame:
    """The value revisions ``actor`` may see (``VALUE_COLUMNS``), oldest first: those in
    ``state`` (one of ``STATES``), of ``unit`` and ``period`` when given; ``latest`` keeps
    the newest revision of each key; ``entered_only`` leaves out the values the operator
    imported (approved at once), keeping those entered through the workflow.

    Needs ``values.enter``. A clerk sees only their own department's indicators, which
    ``framework`` names (``own_indicators``): a clerk without one is refused rather than
    shown everything. ``InputError`` for an unknown state."""
    need(actor, "values.enter")
    _check_state(state)
    indicators = None
    if actor.role == "clerk":
        if framework is None:
            raise NotAllowedError(
                "not allowed / 无此权限: a clerk's values need the framework that names "
                "departments / 须有注明部门的指标体系"
            )
        indicators = [i.code for i in own_indicators(actor, framework)]
    return wf.list_values(
        store,
        state=state,
        units=None if unit is None else [unit],
        periods=None if period is None else [period],
        indicators=indicators,
        latest_only=latest,
        entered_only=entered_only,
    )


def review_queue(store: Store, *, actor: Actor) -> pd.DataFrame:
    """The submitted values waiting for a decision, oldest first: ``VALUE_COLUMNS`` and
    ``previous``, the value each would replace (the newest approved revision of its key
    older than the submitted one; missing when there is none), so that the reviewer sees
    the change. Needs ``values.review``."""
    need(actor, "values.review")
    submitted = wf.list_values(store, state="submitted")
    if submitted.empty:
        return submitted.assign(previous=pd.Series(dtype="float64"))
    approved = wf.list_values(
        store,
        state="approved",
        units=submitted["unit"].unique().tolist(),
        indicators=submitted["indicator"].unique().tolist(),
        periods=submitted["period"].unique().tolist(),
    )
    previous = approved[[*KEY, "revision", "value"]].rename(columns={"value": "previous"})
    merged = pd.merge_asof(
        submitted.sort_values("revision"),
        previous.sort_values("revision"),
        on="revision",
        by=KEY,
        allow_exact_matches=False,  # an earlier revision than the submitted one
    )
    return merged.sort_values("id").reset_index(drop=True)


def value_history(
    store: Store,
    *,
    unit: str,
    indicator: str,
    periods: Iterable[str],
    public: bool = False,
    as_of: datetime | None = None,
) -> pd.DataFrame:
    """Every stored revision of ``indicator`` for ``unit`` in ``periods`` (the provenance
    of a value, ``HISTORY_COLUMNS``), oldest first within each period.

    For the staff (``public`` false) each revision carries its review state, so that a
    draft is never taken for a reviewed value. The public sees only the revisions
    approved by ``as_of`` (the moment whose values the published run evaluated; every
    approved one when None), without who entered them."""
    parts = [store.history(unit, indicator, p) for p in periods]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=list(HISTORY_COLUMNS))
    history = pd.concat(parts, ignore_index=True).astype({"period": str, "revision": "int64"})
    if public:
        approved = wf.list_values(store, state="approved", units=[unit], indicators=[indicator])
        if as_of is not None:
            when = pd.Timestamp(as_of)
            seen = approved["recorded_at"] <= when
            seen &= approved["state_at"].isna() | (approved["state_at"] <= when)
            approved = approved[seen]
        keys = approved[["period", "revision"]].astype({"period": str, "revision": "int64"})
        return history.merge(keys, on=["period", "revision"]).assign(
            entered_by="", review="approved"
        )
    states = wf.list_values(store, units=[unit], indicators=[indicator])
    states = states[["period", "revision", "state"]].astype({"period": str, "revision": "int64"})
    states = states.rename(columns={"state": "review"})
    return history.merge(states, on=["period", "revision"], how="left")


def current_revisions(store: Store, *, keys: pd.DataFrame) -> pd.DataFrame:
    """The newest stored revision of each key (columns unit, indicator, period) of
    ``keys``: columns unit, indicator, period and ``expected_revision`` (missing for a
    key not stored yet). What an editor reads now and names when saving later, so that a
    value saved by someone else in between is a conflict, not overwritten."""
    return wf.latest_revisions(store, keys)


def _check_state(state: str | None) -> None:
    """InputError unless ``state`` is None or one of ``STATES``."""
    if state is not None and state not in STATES:
        raise errors.InputError(
            f"state {state!r}: write one of {', '.join(STATES)} "
            "/ 状态须为草稿、已提交、已通过或已退回"
        )


__all__ = [
    "HISTORY_COLUMNS",
    "STATES",
    "VALUE_COLUMNS",
    "UploadFile",
    "current_revisions",
    "own_indicators",
    "review_queue",
    "value_history",
    "value_list",
]
