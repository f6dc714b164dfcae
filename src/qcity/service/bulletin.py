"""Reading statistical bulletins (公报) into proposed values to review and import.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.data.bulletin import (
        BulletinReadError,
        BulletinResult,
        BulletinRuleError,
        read_bulletin,
    )

_EXPORTS = {
    "BulletinReadError": "qcity.data.bulletin",
    "BulletinResult": "qcity.data.bulletin",
    "BulletinRuleError": "qcity.data.bulletin",
    "read_bulletin": "qcity.data.bulletin",
}

__all__ = ["BulletinReadError", "BulletinResult", "BulletinRuleError", "read_bulletin"]

__getattr__ = lazy_exports("qcity.service.bulletin", _EXPORTS)
