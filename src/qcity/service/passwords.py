"""The rules a new password must meet: at least ``MIN_PASSWORD`` characters, not one of
the common passwords shipped in ``common_passwords/`` (see its README for the origin and
licence), and not containing the login name. Applied wherever a password is set (``qcity
user add`` / ``passwd``, the admin's user page, one's own password change); never at
login, so that users made under older rules keep logging in.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from qcity import errors

#: The shortest password accepted.
MIN_PASSWORD = 12


class WeakPassword(errors.InputError, ValueError):
    """A password that breaks one of the rules (the message says which, and what to do)."""


@cache
def common_passwords() -> frozenset[str]:
    """The shipped common passwords, lowercased (read once per process)."""
    data = resources.files("qcity.service") / "common_passwords" / "common-passwords.txt.gz"
    text = gzip.decompress(data.read_bytes()).decode("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def check_password(password: str, name: str | None = None) -> None:
    """Refuse (``WeakPassword``) a password shorter than ``MIN_PASSWORD`` characters, one
    of the common passwords (compared without case), or one containing the login ``name``
    (without case; when a name is given)."""
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(
            f"the password needs at least {MIN_PASSWORD} characters; a few words make a "
            f"long one that is easy to remember / 密码至少 {MIN_PASSWORD} 位，可用几个词组成"
        )
    if password.lower() in common_passwords():
        raise WeakPassword(
            "this password is one of the most common ones; choose another / "
            "该密码过于常见，请换一个"
        )
    login = (name or "").strip().lower()
    if login and login in password.lower():
        raise WeakPassword(
            f"the password must not contain the login name {name!r}; choose another / "
            "密码不能包含登录名"
        )


__all__ = ["MIN_PASSWORD", "WeakPassword", "check_password", "common_passwords"]
