"""The department data workflow for the interfaces: a clerk saves drafts and submits the
values of their own department's indicators (the framework's ``department`` field), a
reviewer approves or rejects them with a comment. Each function checks the actor's
permission (``qcity.data.roles.can``) and, for a clerk, the department, then makes its
change in ONE transaction (``qcity.data.workflow``), audit record included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from qcity import errors
from qcity.data import workflow as wf
from qcity.data.roles import Actor
from qcity.data.store import Store
from qcity.framework.departments import department_of, held_by
from qcity.framework.model import Framework
from qcity.service import access

ConflictError = wf.ConflictError
WorkflowError = wf.WorkflowError


class NotAllowedError(errors.PermissionDenied, wf.WorkflowError):
    """The actor lacks the permission, or a clerk touched another department's indicator."""


def need(actor: Actor, permission: str) -> None:
    """``NotAllowedError`` unless ``actor`` holds ``permission`` (``access.need``)."""
    access.need(actor, permission, NotAllowedError)


def department_check(actor: Actor, fw: Framework | None) -> Callable[[pd.DataFrame], None]:
    """A check of the rows (column ``indicator``) an actor touches: a clerk only the
    indicators of their own department (``qcity.framework.departments``); other roles any."""

    def check(rows: pd.DataFrame) -> None:
        if actor.role != "clerk":
            return
        if fw is None:
            raise NotAllowedError("a clerk's entries need the framework that names departments")
        bad = foreign_indicators(rows["indicator"], fw, actor)
        if bad:
            owner = department_of(fw)
            shown = ", ".join(f"{b} ({owner.get(b) or 'unknown indicator'})" for b in bad[:10])
            raise NotAllowedError(
                f"not allowed / 无此权限: {actor.name} is a clerk of "
                f"{actor.department or 'no department'} and may enter only that department's "
                f"indicators, not {shown} / 只能填报本部门的指标"
            )

    return check


def foreign_indicators(indicators: Iterable[object], fw: Framework, actor: Actor) -> list[str]:
    """The indicator codes among ``indicators`` that ``actor`` may not enter, sorted: for a
    clerk those of other departments; nobody else is limited here."""
    if actor.role != "clerk":
        return []
    own = held_by(fw, actor.department)
    return sorted({str(i) for i in indicators} - own)


def foreign_rows(observations: pd.DataFrame, fw: Framework, actor: Actor) -> list[str]:
    """The rows (``unit indicator period (department)``) of an upload that ``actor`` may
    not enter (see ``foreign_indicators``)."""
    if actor.role != "clerk" or observations.empty:
        return []
    owner = department_of(fw)
    bad = observations[~observations["indicator"].astype(str).isin(held_by(fw, actor.department))]
    return [
        f"{u} {i} {p} ({owner.get(i) or '-'})"
        for u, i, p in zip(bad["unit"], bad["indicator"], bad["period"], strict=True)
    ]


def save_draft(
    store: Store,
    *,
    actor: Actor,
    rows: pd.DataFrame,
    framework: Framework | None = None,
    submit: bool = False,
    upload: wf.UploadFile | None = None,
    accept_implausible: str | None = None,
) -> list[wf.SavedValue]:
    """Save values (unit, indicator, period, value, expected_revision; optional source,
    flag) as drafts: ``values.enter`` and, for a clerk, their department. A value saved by
    someone else since ``expected_revision`` is refused (``ConflictError``); one outside
    its plausible range unless ``accept_implausible`` says why. ``submit`` (needs
    ``values.submit`` too) submits them for review in the same transaction; ``upload``
    names the file they came from (a web upload)."""
    need(actor, "values.enter")
    if submit:
        need(actor, "values.submit")
    return wf.save_drafts(
        store,
        actor,
        rows,
        allow=department_check(actor, framework),
        submit=submit,
        upload=upload,
        framework=framework,
        accept_implausible=accept_implausible,
    )


def submit(
    store: Store, *, actor: Actor, ids: Iterable[int], framework: Framework | None = None
) -> pd.DataFrame:
    """Submit draft revisions for review: ``values.submit`` and, for a clerk, their
    department. Returns the revisions as they were (``VALUE_COLUMNS``)."""
    need(actor, "values.submit")
    return wf.change_state(store, actor, ids, "submitted", allow=department_check(actor, framework))


def approve(
    store: Store, *, actor: Actor, ids: Iterable[int], comment: str | None = None
) -> pd.DataFrame:
    """Approve submitted revisions (``values.review``); from now on evaluations use them.
    Returns the revisions as they were (``VALUE_COLUMNS``)."""
    need(actor, "values.review")
    return wf.change_state(store, actor, ids, "approved", comment=_text(comment))


def reject(store: Store, *, actor: Actor, ids: Iterable[int], reason: str) -> pd.DataFrame:
    """Reject submitted revisions with a reason (required): ``values.review``. The clerk
    corrects the value with a new revision, which goes through the same steps. Returns the
    revisions as they were (``VALUE_COLUMNS``)."""
    need(actor, "values.review")
    why = _text(reason)
    if why is None:
        raise WorkflowError("a rejection needs a reason / 退回须说明理由")
    return wf.change_state(store, actor, ids, "rejected", comment=why)


def _text(value: str | None) -> str | None:
    """Stripped text, None when empty."""
    text = (value or "").strip()
    return text or None


__all__ = [
    "ConflictError",
    "NotAllowedError",
    "WorkflowError",
    "approve",
    "department_check",
    "foreign_indicators",
    "foreign_rows",
    "need",
    "reject",
    "save_draft",
    "submit",
]
