"""The department data workflow for the interfaces: a clerk saves drafts and submits the
values of their own department's indicators (the framework's ``department`` field), a
reviewer approves or rejects them with a comment. Each function checks the actor's
permission (``qcity.data.roles.can``) and, for a clerk, the department, then makes its
change in ONE transaction (``qcity.data.workflow``), audit record included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from qcity.data import workflow as wf
from qcity.data.roles import Actor, can
from qcity.data.store import Store
from qcity.framework.model import Framework

ConflictError = wf.ConflictError
WorkflowError = wf.WorkflowError


class NotAllowedError(wf.WorkflowError):
    """The actor lacks the permission, or a clerk touched another department's indicator."""


def _need(actor: Actor, permission: str) -> None:
    """NotAllowedError unless ``actor`` holds ``permission``."""
    if not can(actor, permission):
        raise NotAllowedError(
            f"not allowed / 无此权限: {actor.name} ({actor.role}) may not {permission}"
        )


def departments(fw: Framework) -> dict[str, str | None]:
    """Indicator code -> the department responsible for it in ``fw``."""
    return {ind.code: ind.department for ind in fw.indicators()}


def department_check(actor: Actor, fw: Framework | None) -> Callable[[pd.DataFrame], None]:
    """A check of the rows (column ``indicator``) an actor touches: a clerk only the
    indicators of their own department (``department`` of the indicator in ``fw``);
    other roles any indicator."""

    def check(rows: pd.DataFrame) -> None:
        if actor.role != "clerk":
            return
        if fw is None:
            raise NotAllowedError("a clerk's entries need the framework that names departments")
        owner = departments(fw)
        bad = sorted(
            {
                str(ind)
                for ind in rows["indicator"]
                if actor.department is None or owner.get(str(ind)) != actor.department
            }
        )
        if bad:
            shown = ", ".join(f"{b} ({owner.get(b) or 'unknown indicator'})" for b in bad[:10])
            raise NotAllowedError(
                f"not allowed / 无此权限: {actor.name} is a clerk of "
                f"{actor.department or 'no department'} and may enter only that department's "
                f"indicators, not {shown} / 只能填报本部门的指标"
            )

    return check


def save_draft(
    store: Store, actor: Actor, rows: pd.DataFrame, framework: Framework | None = None
) -> list[wf.SavedValue]:
    """Save values (unit, indicator, period, value, expected_revision; optional source,
    flag) as drafts: ``values.enter`` and, for a clerk, their department. A value saved by
    someone else since ``expected_revision`` is refused (``ConflictError``)."""
    _need(actor, "values.enter")
    return wf.save_drafts(store, actor, rows, allow=department_check(actor, framework))


def submit(
    store: Store, actor: Actor, ids: Iterable[int], framework: Framework | None = None
) -> pd.DataFrame:
    """Submit draft revisions for review: ``values.submit`` and, for a clerk, their
    department. Returns the revisions as they were."""
    _need(actor, "values.submit")
    return wf.change_state(store, actor, ids, "submitted", allow=department_check(actor, framework))


def approve(
    store: Store, actor: Actor, ids: Iterable[int], comment: str | None = None
) -> pd.DataFrame:
    """Approve submitted revisions (``values.review``); from now on evaluations use them."""
    _need(actor, "values.review")
    return wf.change_state(store, actor, ids, "approved", comment=_text(comment))


def reject(store: Store, actor: Actor, ids: Iterable[int], reason: str) -> pd.DataFrame:
    """Reject submitted revisions with a reason (required): ``values.review``. The clerk
    corrects the value with a new revision, which goes through the same steps."""
    _need(actor, "values.review")
    why = _text(reason)
    if why is None:
        raise WorkflowError("a rejection needs a reason / 退回须说明理由 (--reason TEXT)")
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
    "departments",
    "reject",
    "save_draft",
    "submit",
]
