"""The permission table: every role's rights, the operator and the anonymous visitor."""

from __future__ import annotations

import pytest

from qcity.data.roles import ANONYMOUS, PERMISSIONS, ROLES, Actor, can, operator


def test_every_permission_is_held_by_known_roles_only() -> None:
    for permission, holders in PERMISSIONS.items():
        assert holders <= set(ROLES), permission


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_operator_holds_everything_and_anonymous_nothing_but_public_reading(
    permission: str,
) -> None:
    assert can(operator("alice"), permission)
    assert not can(ANONYMOUS, permission)
    assert can(ANONYMOUS, permission, public_read=True) == (permission == "results.read")


def test_roles_follow_the_division_of_work() -> None:
    clerk = Actor("c", "clerk", department="统计局", user_id=1, via="session")
    reviewer = Actor("r", "reviewer", user_id=2, via="session")
    viewer = Actor("v", "viewer", user_id=3, via="session")
    assert can(clerk, "values.enter") and not can(clerk, "values.review")
    assert can(reviewer, "values.review") and not can(reviewer, "values.enter")
    assert can(viewer, "results.read") and not can(viewer, "runs.publish")
    assert not can(Actor("a", "analyst"), "users.manage")


def test_a_token_holds_only_its_scopes_within_its_role() -> None:
    scoped = Actor("c", "clerk", user_id=1, via="token", scopes=frozenset({"values.enter"}))
    assert can(scoped, "values.enter")
    assert not can(scoped, "values.submit")  # the role has it, the token does not
    beyond = Actor("v", "viewer", user_id=3, via="token", scopes=frozenset({"values.enter"}))
    assert not can(beyond, "values.enter")  # a scope cannot exceed the role


def test_operator_is_recorded_as_cli() -> None:
    assert operator("alice").name == "cli:alice"


def test_unknown_permission_is_an_error() -> None:
    with pytest.raises(KeyError):
        can(operator("x"), "no.such.permission")
