"""The database as the interfaces see it: the store session, its URL, schema and limits.

The CLI and the web open a ``Store`` (and show its URL with the password hidden) through
this module only; the rules of what is stored live in ``qcity.data``.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.data import migrate
    from qcity.data.engine import URL_ENV, display_url, parse_url, resolve_url, sqlite_file
    from qcity.data.limits import FILE_NAME_LIMIT, LIMITS, TooLongError
    from qcity.data.store import SchemaNotReadyError, Store
    from qcity.data.tables import KEY, StoreError

_EXPORTS = {
    "display_url": "qcity.data.engine",
    "FILE_NAME_LIMIT": "qcity.data.limits",
    "KEY": "qcity.data.tables",
    "LIMITS": "qcity.data.limits",
    "migrate": "qcity.data",
    "parse_url": "qcity.data.engine",
    "resolve_url": "qcity.data.engine",
    "SchemaNotReadyError": "qcity.data.store",
    "sqlite_file": "qcity.data.engine",
    "Store": "qcity.data.store",
    "StoreError": "qcity.data.tables",
    "TooLongError": "qcity.data.limits",
    "URL_ENV": "qcity.data.engine",
}

__all__ = [
    "FILE_NAME_LIMIT",
    "KEY",
    "LIMITS",
    "URL_ENV",
    "SchemaNotReadyError",
    "Store",
    "StoreError",
    "TooLongError",
    "display_url",
    "migrate",
    "parse_url",
    "resolve_url",
    "sqlite_file",
]

__getattr__ = lazy_exports("qcity.service.store", _EXPORTS)
