"""``qcity user`` and ``qcity token``: accounts of the web app, kept by the operator.

The first admin is made here (``qcity user add NAME --role admin``): there is no default
password anywhere. The CLI acts on the database directly and is recorded as the operator
(``cli:<login>``).
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from qcity.cli.app import app, fail
from qcity.cli.common import cli_operator
from qcity.cli.data import open_store
from qcity.cli.options import DbOption
from qcity.service.access import ROLES

if TYPE_CHECKING:
    from qcity.service.accounts import UserView

user_app = typer.Typer(
    help="user accounts 用户账号: add, list, passwd, disable, role", no_args_is_help=True
)
token_app = typer.Typer(
    help="API tokens for scripts 接口令牌: create, list, revoke", no_args_is_help=True
)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")

console = Console()

STDIN_HELP = "read the password from the first line of standard input 从标准输入读取密码"


def _password(from_stdin: bool) -> str:
    """A new password: the first line of stdin, or typed twice at a terminal (the use case
    checks it against the password rules, ``qcity.service.passwords``)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if sys.stdin.isatty():
        password = getpass.getpass("password 密码: ")
        if getpass.getpass("again 再次输入: ") != password:
            fail("the two passwords differ / 两次输入的密码不一致")
        return password
    fail(
        "no password: type it at a terminal or pass --password-stdin / "
        "未提供密码：请在终端输入或使用 --password-stdin"
    )


@user_app.command("add")
def add(
    name: str = typer.Argument(..., help="login name 登录名"),
    role: str = typer.Option(..., "--role", help=f"one of {', '.join(ROLES)} 角色"),
    department: str | None = typer.Option(
        None, "--department", help="the framework department a clerk enters values for 部门"
    ),
    display_name: str | None = typer.Option(None, "--display-name", help="full name 姓名"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=STDIN_HELP),
    db: DbOption = None,
) -> None:
    """Add a user (asks for the password twice). 添加用户。"""
    from qcity.service.accounts import create_user

    with open_store(db) as store:
        user_id = create_user(
            store,
            cli_operator(),
            name=name,
            role=role,
            password=lambda: _password(password_stdin),
            department=department,
            display_name=display_name,
        )
    typer.echo(f"user {name} ({role}) added, id {user_id} / 已添加用户")


def _user_record(u: UserView) -> dict[str, Any]:
    return {
        "id": u.id,
        "name": u.name,
        "display_name": u.display_name,
        "role": u.role,
        "department": u.department,
        "active": u.active,
        "created_at": u.created_at.isoformat(),
        "failed_logins": u.failed_logins,
        "locked_until": u.locked_until.isoformat() if u.locked_until else None,
    }


@user_app.command("list")
def list_cmd(
    db: DbOption = None,
    as_json: bool = typer.Option(False, "--json", help="print JSON (a list of users)"),
) -> None:
    """List the users (never their password hashes); --json adds each one's failed logins
    (counted over every address) and the latest lock still in force. 列出用户。"""
    from qcity.service.accounts import user_list

    with open_store(db, create=False) as store:
        records = [_user_record(u) for u in user_list(store, actor=cli_operator())]
    if as_json:
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if not records:
        typer.echo("no users yet; add the first admin: qcity user add NAME --role admin / 尚无用户")
        return
    table = Table("id", "name 登录名", "role 角色", "department 部门", "active 启用")
    for r in records:
        table.add_row(
            str(r["id"]),
            r["name"],
            r["role"],
            r["department"] or "",
            "yes" if r["active"] else "no",
        )
    console.print(table)


@user_app.command("passwd")
def passwd(
    name: str = typer.Argument(..., help="login name 登录名"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=STDIN_HELP),
    db: DbOption = None,
) -> None:
    """Set a user's password: forgets their failed logins, ends their sessions and revokes
    their API tokens. 重设密码（同时结束会话、撤销接口令牌）。"""
    from qcity.service.accounts import set_password

    with open_store(db) as store:
        set_password(store, cli_operator(), name=name, password=lambda: _password(password_stdin))
    typer.echo(f"password of {name} changed / 密码已更改")


@user_app.command("disable")
def disable(name: str = typer.Argument(..., help="login name 登录名"), db: DbOption = None) -> None:
    """Disable a user: no login, sessions and tokens stop working. 停用用户。"""
    from qcity.service.accounts import disable_user

    with open_store(db) as store:
        disable_user(store, cli_operator(), name=name)
    typer.echo(f"user {name} disabled / 已停用")


@user_app.command("role")
def role_cmd(
    name: str = typer.Argument(..., help="login name 登录名"),
    role: str = typer.Argument(..., help=f"one of {', '.join(ROLES)} 角色"),
    db: DbOption = None,
) -> None:
    """Give a user another role (ends their sessions). 更改角色。"""
    from qcity.service.accounts import set_role

    with open_store(db) as store:
        set_role(store, cli_operator(), name=name, role=role)
    typer.echo(f"user {name} is now {role} / 角色已更改")


@token_app.command("create")
def token_create(
    name: str = typer.Argument(..., help="the user the token acts as 用户"),
    scope: list[str] = typer.Option(..., "--scope", help="a permission, e.g. results.read 权限"),
    days: int = typer.Option(90, "--days", help="valid for N days 有效天数", min=1),
    db: DbOption = None,
) -> None:
    """Create an API token (shown once: keep it). 创建接口令牌（仅显示一次）。"""
    from qcity.service.accounts import create_token

    with open_store(db) as store:
        made = create_token(store, cli_operator(), name=name, scopes=list(scope), days=days)
    typer.echo(made.token)
    typer.echo(
        f"token {made.id} for {name}: {', '.join(made.scopes)}, {made.days} days; "
        "shown only now / 令牌仅显示这一次",
        err=True,
    )


@token_app.command("list")
def token_list(
    db: DbOption = None,
    as_json: bool = typer.Option(False, "--json", help="print JSON (a list of tokens)"),
) -> None:
    """List the API tokens (never the tokens themselves). 列出接口令牌。"""
    from qcity.service.accounts import token_list

    def when(v: Any) -> str | None:
        return v.isoformat() if v is not None else None

    with open_store(db, create=False) as store:
        rows: list[dict[str, Any]] = [
            {
                "id": t.id,
                "user": t.user,
                "scopes": list(t.scopes),
                "created_at": when(t.created_at),
                "expires_at": when(t.expires_at),
                "revoked_at": when(t.revoked_at),
                "last_used_at": when(t.last_used_at),
            }
            for t in token_list(store, actor=cli_operator(), everyone=True)
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no API tokens / 尚无接口令牌")
        return
    table = Table("id", "user 用户", "scopes 权限", "expires 到期", "revoked 已撤销")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["user"],
            " ".join(r["scopes"]),
            (r["expires_at"] or "")[:16],
            (r["revoked_at"] or "")[:16],
        )
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: int = typer.Argument(..., metavar="ID", help="the token's id (qcity token list)"),
    db: DbOption = None,
) -> None:
    """Revoke an API token: it stops working at once. 撤销接口令牌。"""
    from qcity.service.accounts import revoke_token

    with open_store(db) as store:
        revoke_token(store, cli_operator(), token_id=token_id)
    typer.echo(f"token {token_id} revoked / 令牌已撤销")
