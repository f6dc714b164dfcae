"""The Typer application that every command module adds its commands to."""

import typer

app = typer.Typer(
    name="qcity",
    help="qcity — 县域品质城市自我评价指标体系 / "
    "self-evaluation indicator system of a county-level city.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command("version")
def version() -> None:
    """Print the qcity version. 显示版本。"""
    from qcity import __version__

    typer.echo(__version__)
