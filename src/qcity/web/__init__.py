"""The dashboard: a FastAPI application (``create_app``) with Chinese and English pages
and a JSON API under ``/api/``, served by ``qcity serve``. It reads the store through
``qcity.service`` and loads nothing from outside the machine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.web.app import create_app

__all__ = ["create_app"]

__getattr__ = lazy_exports("qcity.web", {"create_app": "qcity.web.app"})
