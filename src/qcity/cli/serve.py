"""``qcity serve``: the dashboard (FastAPI + Jinja2 under uvicorn) on the database."""

from __future__ import annotations

import ipaddress
from typing import Any

import typer
from rich.console import Console

from qcity.cli.app import app, fail
from qcity.cli.options import DbOption


@app.command("serve")
def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="address to listen on (0.0.0.0: the whole intranet) 监听地址"
    ),
    port: int = typer.Option(8000, "--port", help="port 端口", min=1, max=65535),
    db: DbOption = None,
    private: bool = typer.Option(
        False,
        "--private",
        help="anonymous visitors see only the login page (default: a public read-only "
        "dashboard) 仅登录用户可访问",
    ),
    proxy: str | None = typer.Option(
        None,
        "--proxy",
        metavar="ADDR[,ADDR]",
        help="the reverse proxies (addresses or networks such as 10.0.0.0/24) whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed; without it both headers are "
        "ignored 受信任的反向代理地址",
    ),
) -> None:
    """Serve the dashboard in Chinese and English. 启动网页驾驶舱。

    Reads the database at --db (default $QCITY_DATABASE_URL, else var/qcity.sqlite); it
    must hold data (`qcity demo` or `qcity import`). Nothing is loaded from the internet.
    Users log in with the accounts of `qcity user add`. Behind a reverse proxy, name it
    with --proxy (e.g. --proxy 127.0.0.1): only then are its X-Forwarded-For (the client
    address that login throttling counts) and X-Forwarded-Proto (https: the session
    cookie is then Secure) believed. Stop with Ctrl+C.
    """
    from qcity.service.store import Store, display_url
    from qcity.web.app import create_app

    trusted = proxy_addresses(proxy)
    with Store(db, create=False) as store:
        store.check_schema()
        url = store.url
        if store.vintage() is None:
            fail(
                f"{display_url(url)} holds no data yet; import data first (qcity import) or "
                "build the demo (qcity demo) / 数据库中尚无数据"
            )
    import uvicorn

    application = create_app(url, public_read=not private)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    Console().print(
        f"qcity dashboard 驾驶舱: http://{shown}:{port}/  ({display_url(url)}; "
        f"{'private: log in first 需登录' if private else 'public read-only 公开只读'}; "
        "Ctrl+C to stop)"
    )
    uvicorn.run(application, **server_options(host, port, trusted))


def proxy_addresses(value: str | None) -> list[str]:
    """The addresses and networks of ``--proxy ADDR[,ADDR]``, each checked (an unclear
    one is refused with the reason rather than silently trusted or ignored)."""
    found: list[str] = []
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            found.append(
                str(
                    ipaddress.ip_network(part, strict=False)
                    if "/" in part
                    else ipaddress.ip_address(part)
                )
            )
        except ValueError:
            fail(
                f"--proxy {value}: {part!r} is not an IP address or network (e.g. 127.0.0.1, "
                "10.0.0.0/24) / --proxy 须为 IP 地址或网段"
            )
    if value is not None and not found:
        fail("--proxy needs at least one address, e.g. --proxy 127.0.0.1 / --proxy 须给出地址")
    return found


def server_options(host: str, port: int, proxies: list[str]) -> dict[str, Any]:
    """uvicorn's settings for ``qcity serve``: the forwarded headers of a proxy are read
    only when ``proxies`` names it (and then only from those addresses)."""
    return {
        "host": host,
        "port": port,
        "log_level": "warning",
        "access_log": False,
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": list(proxies),
    }
