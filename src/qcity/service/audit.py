"""Audit: the hash-chained log of changes, and the statistical audit of a framework.

The CLI's ``qcity audit``/``audit verify`` and the web's change log read the same functions.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.data.audit import read_log, verify_chain
    from qcity.robust.audit_files import write_audit_folder
    from qcity.robust.statistical_audit import AuditError, AuditResult, audit

_EXPORTS = {
    "audit": "qcity.robust.statistical_audit",
    "AuditError": "qcity.robust.statistical_audit",
    "AuditResult": "qcity.robust.statistical_audit",
    "read_log": "qcity.data.audit",
    "verify_chain": "qcity.data.audit",
    "write_audit_folder": "qcity.robust.audit_files",
}

__all__ = ["AuditError", "AuditResult", "audit", "read_log", "verify_chain", "write_audit_folder"]

__getattr__ = lazy_exports("qcity.service.audit", _EXPORTS)


# -- the audit log as the interfaces read it (``qcity audit-log``, the web's change log) --
if TYPE_CHECKING:
    from datetime import datetime

    import pandas as pd

    from qcity.data.roles import Actor
    from qcity.data.store import Store


def audit_log(
    store: Store,
    *,
    actor: Actor,
    entity: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The audit log, newest first (columns id, at (UTC), actor, user_id, via, action,
    entity, key, before, after; before and after are the changed record's fields as
    dicts, or None): all of it, or only of one ``entity`` kind (value, import_batch,
    framework, run, ...) or ``action``, since a moment, at most ``limit`` entries.

    Needs ``audit.read``; ``InputError`` for a limit below 1. The hash chain is kept and
    read by ``qcity.data.audit``."""
    from qcity import errors
    from qcity.data.audit import read_log
    from qcity.service.workflow import need

    need(actor, "audit.read")
    if limit is not None and limit < 1:
        raise errors.InputError(f"limit {limit}: at least 1 / 条数至少为 1")
    return read_log(store.engine, entity=entity, action=action, since=since, limit=limit)


def export_audit_log(store: Store, *, actor: Actor) -> pd.DataFrame:
    """The whole audit log as a flat table to write to CSV or Excel, oldest first: the
    columns of ``audit_log`` with ``at`` as ISO 8601 text and ``before``/``after`` as JSON
    text ("" for none), so that the file shows exactly what the log holds. Needs
    ``audit.export``."""
    import json

    from qcity.data.audit import read_log
    from qcity.service.workflow import need

    need(actor, "audit.export")
    frame = read_log(store.engine).iloc[::-1].reset_index(drop=True)

    def text(value: object) -> str:
        return "" if value is None else json.dumps(value, ensure_ascii=False)

    return frame.assign(
        at=frame["at"].map(lambda t: t.isoformat()),
        before=frame["before"].map(text),
        after=frame["after"].map(text),
    )
