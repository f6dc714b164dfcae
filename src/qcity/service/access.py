"""Who may do what: actors, roles, permissions and the user list.

The permission rule (``can``) is the one the service enforces; interfaces ask it, they do
not re-implement it.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.data.roles import ANONYMOUS, PERMISSIONS, ROLES, Actor, can, operator
    from qcity.data.users import check_role, get_user, list_tokens, list_users, login_failures

_EXPORTS = {
    "Actor": "qcity.data.roles",
    "ANONYMOUS": "qcity.data.roles",
    "can": "qcity.data.roles",
    "check_role": "qcity.data.users",
    "get_user": "qcity.data.users",
    "list_tokens": "qcity.data.users",
    "list_users": "qcity.data.users",
    "login_failures": "qcity.data.users",
    "operator": "qcity.data.roles",
    "PERMISSIONS": "qcity.data.roles",
    "ROLES": "qcity.data.roles",
}

__all__ = [
    "ANONYMOUS",
    "PERMISSIONS",
    "ROLES",
    "Actor",
    "can",
    "check_role",
    "get_user",
    "list_tokens",
    "list_users",
    "login_failures",
    "operator",
]

__getattr__ = lazy_exports("qcity.service.access", _EXPORTS)
