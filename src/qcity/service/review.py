"""The data-entry review: stored values with their workflow state, uploads.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.data.workflow import UploadFile, latest_revisions, list_values

_EXPORTS = {
    "latest_revisions": "qcity.data.workflow",
    "list_values": "qcity.data.workflow",
    "UploadFile": "qcity.data.workflow",
}

__all__ = ["UploadFile", "latest_revisions", "list_values"]

__getattr__ = lazy_exports("qcity.service.review", _EXPORTS)
