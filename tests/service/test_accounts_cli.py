"""``qcity user`` and ``qcity token`` as the operator types them (SQLite and PostgreSQL):
the first admin from the command line with no default password, listing without hashes,
password, role and disable, and tokens shown once, listed and revoked."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from qcity.cli import app
from qcity.data.roles import operator
from qcity.data.store import Store
from qcity.service import accounts

runner = CliRunner()
OPERATOR = operator("tester")
PW = "operator typed this"


def _run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args), input=input, env={"COLUMNS": "200"})
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    return res.exit_code, res.stdout, res.stderr


def test_first_admin_and_the_user_commands(store: Store) -> None:
    url = store.url
    code, out, _ = _run("user", "list", "--db", url)
    assert code == 0 and "qcity user add NAME --role admin" in out
    # no password given and no terminal: refused, nothing stored
    code, _, err = _run("user", "add", "boss", "--role", "admin", "--db", url, input="")
    assert code == 1 and "--password-stdin" in err
    code, _, err = _run(
        "user", "add", "boss", "--role", "admin", "--password-stdin", "--db", url, input="short\n"
    )
    assert code == 1 and "at least 12" in err
    code, out, _ = _run(
        "user", "add", "boss", "--role", "admin", "--password-stdin", "--db", url, input=PW + "\n"
    )
    assert code == 0 and "boss (admin) added" in out
    code, _, err = _run(
        "user", "add", "boss", "--role", "viewer", "--password-stdin", "--db", url, input=PW + "\n"
    )
    assert code == 1 and "exists already" in err
    code, _, err = _run("user", "add", "c1", "--role", "clerk", "--password-stdin", "--db", url)
    assert code == 1 and "--department" in err
    code, _, _ = _run(
        "user", "add", "c1", "--role", "clerk", "--department", "统计局",
        "--password-stdin", "--db", url, input=PW + "\n",
    )  # fmt: skip
    assert code == 0
    assert accounts.authenticate(store, "boss", PW, "cli-test").role == "admin"
    code, out, _ = _run("user", "list", "--json", "--db", url)
    listed = json.loads(out)
    assert [(u["name"], u["role"], u["department"]) for u in listed] == [
        ("boss", "admin", None),
        ("c1", "clerk", "统计局"),
    ]
    assert "argon2" not in out and "password" not in out
    code, _, _ = _run("user", "role", "c1", "viewer", "--db", url)
    assert code == 0
    code, _, _ = _run(
        "user", "passwd", "c1", "--password-stdin", "--db", url, input="new password 22\n"
    )
    assert (
        code == 0
        and accounts.authenticate(store, "c1", "new password 22", "cli-test").role == "viewer"
    )
    for weak, reason in (("1q2w3e4r5t6y", "most common"), ("c1 and the rest", "login name")):
        code, _, err = _run(
            "user", "passwd", "c1", "--password-stdin", "--db", url, input=weak + "\n"
        )
        assert code == 1 and reason in err and "Traceback" not in err
    token = accounts.create_token(store, OPERATOR, name="c1", scopes=["results.read"]).token
    code, _, _ = _run(
        "user", "passwd", "c1", "--password-stdin", "--db", url, input="third password 333\n"
    )
    assert code == 0 and accounts.token_actor(store, token) is None  # revoked with it
    code, _, _ = _run("user", "disable", "c1", "--db", url)
    assert code == 0
    code, _, err = _run("user", "disable", "nobody", "--db", url)
    assert code == 1 and "no user" in err


def test_token_commands(store: Store) -> None:
    url = store.url
    _run(
        "user", "add", "bot", "--role", "analyst", "--password-stdin", "--db", url, input=PW + "\n"
    )
    code, out, err = _run(
        "token", "create", "bot", "--scope", "results.read", "--scope", "runs.evaluate",
        "--days", "7", "--db", url,
    )  # fmt: skip
    token = out.strip()
    assert code == 0 and token.startswith("qct_") and "shown only now" in err
    actor = accounts.token_actor(store, token)
    assert actor is not None and actor.scopes == frozenset({"results.read", "runs.evaluate"})
    code, out, _ = _run("token", "list", "--json", "--db", url)
    (row,) = json.loads(out)
    assert row["user"] == "bot" and row["revoked_at"] is None and token not in out
    code, _, err = _run("token", "create", "bot", "--scope", "users.manage", "--db", url)
    assert code == 1 and "does not hold users.manage" in err
    code, _, _ = _run("token", "revoke", str(row["id"]), "--db", url)
    assert code == 0 and accounts.token_actor(store, token) is None
    code, _, err = _run("token", "revoke", "999", "--db", url)
    assert code == 1 and "no API token 999" in err
