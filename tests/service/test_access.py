"""``service.access.need``, the service's one permission check: the workflow, the review
queue, the audit log and the accounts all refuse through it, each with its own kind of
``PermissionDenied`` and the same message."""

from __future__ import annotations

import pytest

from qcity import errors
from qcity.data.roles import PERMISSIONS, ROLES, Actor
from qcity.service import access, accounts, workflow


def _actor(role: str) -> Actor:
    return Actor(name=f"ann-{role}", role=role, department=None, via="session")


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
@pytest.mark.parametrize("role", ROLES)
def test_need_follows_the_permission_table(role: str, permission: str) -> None:
    actor = _actor(role)
    if role in PERMISSIONS[permission]:
        access.need(actor, permission)
        return
    with pytest.raises(errors.PermissionDenied) as refused:
        access.need(actor, permission)
    assert str(refused.value).startswith("not allowed / 无此权限:")
    assert f"ann-{role} ({role}) may not {permission}" in str(refused.value)
    # what would allow it: the roles that hold the permission, and how to give one
    hint = refused.value.hint or ""
    assert ", ".join(sorted(PERMISSIONS[permission])) in hint
    assert "qcity user role NAME ROLE" in hint


def test_a_token_without_the_scope_is_told_to_make_one_with_it() -> None:
    permission = "values.enter"
    role = sorted(PERMISSIONS[permission])[0]
    actor = Actor(
        name="bot", role=role, department=None, via="token", scopes=frozenset({"results.read"})
    )
    with pytest.raises(errors.PermissionDenied) as refused:
        access.need(actor, permission)
    assert f"qcity token create --scope {permission}" in (refused.value.hint or "")


def test_each_use_case_refuses_with_its_own_kind_and_the_same_words() -> None:
    viewer = next(r for r in ROLES if r not in PERMISSIONS["users.manage"])
    actor = _actor(viewer)
    with pytest.raises(workflow.NotAllowedError) as wf_refusal:
        workflow.need(actor, "users.manage")
    with pytest.raises(accounts.NotAllowed) as acc_refusal:
        accounts._need(actor, "users.manage")
    assert str(wf_refusal.value) == str(acc_refusal.value)
    assert wf_refusal.value.hint == acc_refusal.value.hint is not None
    assert isinstance(wf_refusal.value, errors.PermissionDenied)
    assert isinstance(acc_refusal.value, errors.PermissionDenied)
