"""The account use cases called directly (SQLite and PostgreSQL), as ``qcity user``,
``qcity token`` and the web's account pages call them: keyword-only options, view-ready
records that never hold a password hash, the permission to list users and tokens, the
role and department rules checked before a password is asked for, and nothing written
when a change is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qcity import errors
from qcity.data import users as db
from qcity.data.roles import Actor, operator
from qcity.data.store import Store
from qcity.data.tables import utcnow
from qcity.service import accounts as acc

OP = operator("tester")
PW = "a long enough password"


def _asked(answer: str = PW) -> tuple[list[int], acc.NewPassword]:
    """A password prompt that counts how often it was called."""
    calls: list[int] = []

    def ask() -> str:
        calls.append(1)
        return answer

    return calls, ask


def test_options_are_keyword_only(store: Store) -> None:
    with pytest.raises(TypeError):
        acc.create_user(store, OP, "ann", "viewer", PW)  # type: ignore[misc]
    with pytest.raises(TypeError):
        acc.user_list(store, OP)  # type: ignore[misc]
    with pytest.raises(TypeError):
        acc.token_list(store, OP, True)  # type: ignore[misc]
    assert acc.user_list(store, actor=OP) == []


def test_user_list_is_view_ready_with_failed_logins(store: Store) -> None:
    uid = acc.create_user(store, OP, name="ann", role="viewer", password=PW, display_name="安")
    acc.create_user(store, OP, name="cal", role="clerk", password=PW, department="统计局")
    with pytest.raises(acc.LoginFailed):
        acc.authenticate(store, "ann", "not the password", "10.0.0.9")
    ann, cal = acc.user_list(store, actor=OP)
    assert isinstance(ann, acc.UserView)
    assert (ann.id, ann.name, ann.display_name, ann.role, ann.department, ann.active) == (
        uid, "ann", "安", "viewer", None, True,
    )  # fmt: skip
    assert ann.failed_logins == 1 and ann.locked_until is None
    assert (cal.role, cal.department, cal.failed_logins) == ("clerk", "统计局", 0)
    assert abs(ann.created_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)) < timedelta(
        minutes=5
    )
    assert not hasattr(ann, "password_hash")
    with pytest.raises(AttributeError):
        ann.role = "admin"  # type: ignore[misc]  # frozen


def test_only_who_manages_users_lists_them(store: Store) -> None:
    uid = acc.create_user(store, OP, name="vic", role="viewer", password=PW)
    viewer = Actor("vic", "viewer", user_id=uid, via="session")
    with pytest.raises(errors.PermissionDenied, match=r"users\.manage"):
        acc.user_list(store, actor=viewer)
    admin = Actor("root", "admin", user_id=uid + 1, via="session")
    assert [u.name for u in acc.user_list(store, actor=admin)] == ["vic"]
    # an admin's API token without the users.manage scope may not list them either
    scoped = Actor(
        "root", "admin", user_id=uid + 1, via="token", scopes=frozenset({"results.read"})
    )
    with pytest.raises(errors.PermissionDenied):
        acc.user_list(store, actor=scoped)


def test_a_clerk_needs_a_department_before_any_password_is_asked(store: Store) -> None:
    calls, ask = _asked()
    with pytest.raises(errors.InputError, match="clerk needs a department") as refused:
        acc.create_user(store, OP, name="cy", role="clerk", password=ask)
    assert refused.value.options == ("department",)  # type: ignore[attr-defined]
    with pytest.raises(errors.InputError, match="unknown role"):
        acc.create_user(store, OP, name="cy", role="boss", password=ask)
    with pytest.raises(errors.PermissionDenied):
        acc.create_user(
            store, Actor("al", "analyst", user_id=9), name="cy", role="viewer", password=ask
        )
    assert calls == [] and db.find_user(store, "cy") is None  # nothing asked, nothing written
    assert acc.create_user(store, OP, name="cy", role="clerk", password=ask, department="统计局")
    assert calls == [1]


def test_set_role_checks_the_role_and_the_department(store: Store) -> None:
    acc.create_user(store, OP, name="vi", role="viewer", password=PW)
    with pytest.raises(errors.InputError, match="clerk needs a department"):
        acc.set_role(store, OP, name="vi", role="clerk")
    with pytest.raises(errors.InputError, match="unknown role"):
        acc.set_role(store, OP, name="vi", role="god")
    assert db.get_user(store, "vi").role == "viewer"  # nothing changed
    acc.set_role(store, OP, name="vi", role="reviewer")
    assert db.get_user(store, "vi").role == "reviewer"


def test_set_password_names_an_unknown_user_before_asking(store: Store) -> None:
    calls, ask = _asked("a brand new password")
    with pytest.raises(errors.InputError, match="no user 'nobody'"):
        acc.set_password(store, OP, name="nobody", password=ask)
    assert calls == []
    acc.create_user(store, OP, name="gil", role="viewer", password=PW)
    acc.set_password(store, OP, name="gil", password=ask)
    assert calls == [1]
    assert acc.authenticate(store, "gil", "a brand new password", "10.0.0.1").name == "gil"


def test_tokens_made_and_listed(store: Store) -> None:
    uid = acc.create_user(store, OP, name="hal", role="clerk", password=PW, department="统计局")
    other = acc.create_user(store, OP, name="ida", role="analyst", password=PW)
    made = acc.create_token(
        store, OP, name="hal", scopes=["values.enter", "results.read", "values.enter"], days=7
    )
    assert isinstance(made, acc.NewToken)
    assert made.token.startswith(acc.TOKEN_PREFIX) and made.user == "hal" and made.days == 7
    assert made.scopes == ("results.read", "values.enter")  # sorted, once each
    assert made.expires_at is not None
    assert timedelta(days=6) < made.expires_at - utcnow() <= timedelta(days=7)
    acc.create_token(store, OP, name="ida", scopes=["runs.evaluate"], days=None)
    hal = Actor("hal", "clerk", department="统计局", user_id=uid, via="session")
    (own,) = acc.token_list(store, actor=hal)
    assert isinstance(own, acc.TokenView) and not hasattr(own, "token")
    assert (own.id, own.user, own.scopes, own.revoked_at) == (made.id, "hal", made.scopes, None)
    assert [t.user for t in acc.token_list(store, actor=OP, everyone=True)] == ["hal", "ida"]
    assert acc.token_list(store, actor=OP) == []  # the operator has no account of its own
    with pytest.raises(errors.PermissionDenied):
        acc.token_list(store, actor=hal, everyone=True)
    ida = Actor("ida", "analyst", user_id=other, via="session")
    assert [t.user for t in acc.token_list(store, actor=ida)] == ["ida"]


def test_token_scopes_are_the_role_s_permissions_and_nothing_else_is_made(store: Store) -> None:
    uid = acc.create_user(store, OP, name="cat", role="clerk", password=PW, department="统计局")
    cat = Actor("cat", "clerk", department="统计局", user_id=uid, via="session")
    scopes = acc.token_scopes(actor=cat)
    assert "values.enter" in scopes and "users.manage" not in scopes
    with pytest.raises(errors.InputError, match=r"does not hold users\.manage"):
        acc.create_token(store, cat, name="cat", scopes=["users.manage"])
    with pytest.raises(errors.InputError, match="at least one scope") as none:
        acc.create_token(store, cat, name="cat", scopes=[])
    assert none.value.options == ("scope",)  # type: ignore[attr-defined]
    with pytest.raises(errors.InputError, match="at least 1 day"):
        acc.create_token(store, cat, name="cat", scopes=list(scopes), days=0)
    assert acc.token_list(store, actor=cat) == []  # nothing written
    made = acc.create_token(store, cat, name="cat", scopes=list(scopes))
    assert made.scopes == tuple(sorted(scopes))
    acc.revoke_token(store, cat, token_id=made.id)
    (revoked,) = acc.token_list(store, actor=cat)
    assert revoked.revoked_at is not None
