"""Backup and restore of the whole database (one new file; the audit chain verified).

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.data.backup import backup, check_target, read_manifest, restore

_EXPORTS = {
    "backup": "qcity.data.backup",
    "check_target": "qcity.data.backup",
    "read_manifest": "qcity.data.backup",
    "restore": "qcity.data.backup",
}

__all__ = ["backup", "check_target", "read_manifest", "restore"]

__getattr__ = lazy_exports("qcity.service.backup", _EXPORTS)
