"""Who may do what: actors, roles and permissions.

The permission rule (``can``) is the one the service enforces; interfaces ask it, they do
not re-implement it. The users and API tokens themselves are kept by the use cases of
``qcity.service.accounts`` (``user_list``, ``token_list`` ...), which check who asks.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.data.roles import ANONYMOUS, PERMISSIONS, ROLES, Actor, can, operator

_EXPORTS = {
    "Actor": "qcity.data.roles",
    "ANONYMOUS": "qcity.data.roles",
    "can": "qcity.data.roles",
    "operator": "qcity.data.roles",
    "PERMISSIONS": "qcity.data.roles",
    "ROLES": "qcity.data.roles",
}

__all__ = ["ANONYMOUS", "PERMISSIONS", "ROLES", "Actor", "can", "operator"]

__getattr__ = lazy_exports("qcity.service.access", _EXPORTS)
