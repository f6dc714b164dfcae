"""``qcity serve``: the dashboard (FastAPI + Jinja2 under uvicorn) on the database."""

from __future__ import annotations

import typer
from rich.console import Console

from qcity.cli.app import app, fail
from qcity.cli.data import DbOption


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
) -> None:
    """Serve the dashboard in Chinese and English. 启动网页驾驶舱。

    Reads the database at --db (default $QCITY_DATABASE_URL, else var/qcity.sqlite); it
    must hold data (`qcity demo` or `qcity import`). Nothing is loaded from the internet.
    Users log in with the accounts of `qcity user add`. Behind an https proxy on this
    machine, X-Forwarded-Proto is honoured (the session cookie is then Secure). Stop with
    Ctrl+C.
    """
    from qcity.data.engine import display_url
    from qcity.data.store import Store
    from qcity.web.app import create_app

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
    uvicorn.run(
        application,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=True,  # X-Forwarded-Proto from 127.0.0.1 only (uvicorn's default)
        forwarded_allow_ips="127.0.0.1",
    )
