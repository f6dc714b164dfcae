"""Audit: the hash-chained log of changes, and the statistical audit of a framework.

The CLI's ``qcity audit`` (``audit_framework``), ``qcity audit-log verify``
(``verify_audit_chain``) and the web's change log read the same functions.

The lower-layer names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from datetime import datetime

    import pandas as pd

    from qcity.data.roles import Actor
    from qcity.data.store import Store
    from qcity.robust.statistical_audit import AuditResult, AuditRules
    from qcity.service.evaluation import EvaluationResult


# -- the statistical audit ------------------------------------------------------------------


@dataclass(frozen=True)
class AuditReport:
    """A statistical audit made: its tables (``audit``: flags, correlations, Cronbach's
    alpha, PCA, influence, in the period ``audit.period``), and the folder written with
    the files in it (``out`` None and ``written`` empty when none was asked for)."""

    audit: AuditResult
    out: Path | None
    written: tuple[Path, ...]

    @property
    def period(self) -> str:
        """The period audited."""
        return self.audit.period


def audit_framework(
    *,
    result: EvaluationResult,
    period: str | int | None = None,
    out: Path | None = None,
    rules: AuditRules | None = None,
) -> AuditReport:
    """Check whether the data of an evaluation support its framework's groups and weights
    in one ``period`` (default: the latest period with scores): correlations by the
    framework's structure, Cronbach's alpha and PCA per group, influence against weight.
    With ``out``, the tables are written to that folder (UTF-8 with BOM, names beside
    codes, README.txt, and NOTICE.txt for illustrative data) all or nothing, and only
    after the audit succeeded. An audit that cannot be made (an unknown period, too few
    units) raises ``AuditError`` (an ``EvaluationError``); nothing is written then."""
    from qcity.robust.audit_files import write_audit_folder
    from qcity.robust.statistical_audit import audit

    found = audit(result.evaluation, period=period, rules=rules)
    if out is None:
        return AuditReport(found, None, ())
    written = write_audit_folder(found, out, notice=result.notice)
    return AuditReport(found, out, tuple(written))


# -- the audit log's hash chain -------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    """The audit log's hash chain checked: the database (URL without password), the
    entries read and the last hash; when it does not verify, the first entry changed or
    removed outside qcity (``broken_id``) and why (``reason``)."""

    database: str
    ok: bool
    entries: int
    head: str
    broken_id: int | None
    reason: str | None


def verify_audit_chain(*, db: str | None) -> ChainReport:
    """Check the whole audit log of the database ``db`` (a URL; None: the default one),
    which must exist at the newest schema; a chain that does not verify is reported
    (``ok`` False), not raised, so that the caller names the entry."""
    from qcity.data.audit import verify_chain
    from qcity.data.engine import display_url
    from qcity.data.store import Store

    with Store(db, create=False) as store:
        store.check_schema()
        with store.engine.connect() as conn:
            check = verify_chain(conn)
        return ChainReport(
            database=display_url(store.url),
            ok=check.ok,
            entries=check.entries,
            head=check.head,
            broken_id=check.broken_id,
            reason=check.reason,
        )


_EXPORTS = {
    "AuditResult": "qcity.robust.statistical_audit",
    "AuditRules": "qcity.robust.statistical_audit",
}

__all__ = [
    "AuditReport",
    "AuditResult",
    "AuditRules",
    "ChainReport",
    "audit_framework",
    "audit_log",
    "export_audit_log",
    "verify_audit_chain",
]

__getattr__ = lazy_exports("qcity.service.audit", _EXPORTS)


# -- the audit log as the interfaces read it (``qcity audit-log``, the web's change log) --


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
    from qcity.service.access import need

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
    from qcity.service.access import need

    need(actor, "audit.export")
    frame = read_log(store.engine).iloc[::-1].reset_index(drop=True)

    def text(value: object) -> str:
        return "" if value is None else json.dumps(value, ensure_ascii=False)

    return frame.assign(
        at=frame["at"].map(lambda t: t.isoformat()),
        before=frame["before"].map(text),
        after=frame["after"].map(text),
    )
