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
