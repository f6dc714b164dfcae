"""Who may do what: actors, roles and permissions.

The permission rule (``can``) is the one the service enforces; interfaces ask it, they do
not re-implement it. The users and API tokens themselves are kept by the use cases of
``qcity.service.accounts`` (``user_list``, ``token_list`` ...), which check who asks.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity import errors
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

__all__ = ["ANONYMOUS", "PERMISSIONS", "ROLES", "Actor", "can", "need", "operator"]

__getattr__ = lazy_exports("qcity.service.access", _EXPORTS)


def need(
    actor: Actor,
    permission: str,
    refusal: type[errors.PermissionDenied] = errors.PermissionDenied,
) -> None:
    """The service's one permission check: ``refusal`` (a kind of
    ``qcity.errors.PermissionDenied``: the use case's own, e.g. the workflow's) unless
    ``actor`` holds ``permission`` by ``can``; the message names who, their role and what
    was asked, in both languages."""
    from qcity.data.roles import can

    if not can(actor, permission):
        raise refusal(f"not allowed / 无此权限: {actor.name} ({actor.role}) may not {permission}")
