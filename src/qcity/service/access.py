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
    was asked, and the hint what would allow it (a role that holds it, or a token made with
    that scope), in both languages."""
    from qcity.data.roles import PERMISSIONS, can

    if can(actor, permission):
        return
    holders = PERMISSIONS[permission]
    if actor.role in holders:  # the role may; the API token it came with was not made to
        hint = (
            f"this API token lacks the scope {permission}: make one with "
            f"`qcity token create --scope {permission}` / 该接口令牌不含此权限，请新建令牌"
        )
    else:
        hint = (
            f"roles that may: {', '.join(sorted(holders))}; an administrator gives one with "
            f"`qcity user role NAME ROLE` / 可请管理员授予上述角色之一"
        )
    refused = refusal(f"not allowed / 无此权限: {actor.name} ({actor.role}) may not {permission}")
    refused.hint = hint  # set, not passed: the use cases' own kinds keep their constructors
    raise refused
