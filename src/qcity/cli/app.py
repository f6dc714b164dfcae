"""The Typer application that every command module adds its commands to, and the one
handler that turns whatever escapes a command into a short message and an exit code
(wording in ``qcity.service.errors``): never a Python traceback unless ``QCITY_DEBUG=1``."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from dataclasses import replace
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from qcity.service.errors import Failure, debug, explain

#: Commands that write nothing, or write in one transaction: interrupting them leaves
#: no trace (the others may leave output files half-written).
NOTHING_WRITTEN = frozenset(
    {"validate", "show", "ahp", "version", "history", "unit-history", "import",
     "import-units", "import-groups", "db"}
)  # fmt: skip


def _passes_through(exc: BaseException) -> bool:
    """Exits, aborts, usage errors and a closed pipe (``qcity ... | head``): Typer already
    handles them (never a traceback)."""
    if isinstance(exc, SystemExit | typer.Exit | typer.Abort | BrokenPipeError):
        return True
    return any(
        cls.__name__ in {"ClickException", "Exit", "Abort"}
        and cls.__module__.split(".")[0] in {"click", "typer"}
        for cls in type(exc).__mro__
    )


def print_failure(failure: Failure) -> None:
    """Print ``failure`` on stderr: ``error 错误: message`` (internal errors and
    interrupts as they are)."""
    from rich.console import Console
    from rich.text import Text

    plain = failure.internal or failure.exit_code != 1
    text = failure.message if plain else f"error 错误: {failure.message}"
    Console(stderr=True, highlight=False, soft_wrap=True).print(Text(text, style="red"))


def fail(message: str) -> NoReturn:
    """Stop a command on bad input: the shared ``error 错误: message`` on stderr, exit 1."""
    print_failure(Failure(message))
    raise typer.Exit(1)


def with_flags(exc: BaseException) -> str:
    """The command-line spelling of the choices an error names (``options`` of an
    engine error: ``group`` -> ``--group GROUP``); empty when it names none."""
    from qcity.cli.options import FLAGS

    options = getattr(exc, "options", ()) or ()
    return ", ".join(FLAGS.get(o, f"--{o.replace('_', '-')}") for o in options)


def report(exc: BaseException, command: str | None = None) -> int:
    """Print what ``exc`` means and return the exit code; re-raise exits and usage errors,
    and everything under ``QCITY_DEBUG=1``."""
    if _passes_through(exc) or (debug() and not isinstance(exc, KeyboardInterrupt)):
        raise exc
    failure = explain(exc, nothing_written=command in NOTHING_WRITTEN)
    flags = with_flags(exc)
    if flags and not failure.internal:
        failure = replace(failure, message=f"{failure.message} ({flags})")
    print_failure(failure)
    return failure.exit_code


class QcityGroup(TyperGroup):
    """The top-level command group: runs the command under the handler (so that Typer's
    test runner, which calls the group directly, sees the same messages and codes)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BaseException as exc:
            raise typer.Exit(report(exc, ctx.invoked_subcommand)) from None


class QcityTyper(typer.Typer):
    """``typer.Typer`` whose call turns every escaping exception into a short message
    and exit code; Rich's pretty tracebacks (which print local variables) are off."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", QcityGroup)
        kwargs["pretty_exceptions_enable"] = False
        kwargs["pretty_exceptions_show_locals"] = False
        super().__init__(**kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except BaseException as exc:
            command = next((a for a in sys.argv[1:] if not a.startswith("-")), None)
            sys.exit(report(exc, command))


app = QcityTyper(
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


def main() -> NoReturn:
    """The ``qcity`` script: run the command, then leave without the interpreter's
    teardown. Freeing the modules of pandas, numpy and pyarrow one by one takes about
    0.1 s at every exit (``benchmarks/bench_startup.py``); the operating system frees the
    memory at once. Exit handlers still run, open stores release their connections and
    the output is flushed first. (``app()`` itself, as tests call it, exits normally.)"""
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc.code)
    atexit._run_exitfuncs()
    store = sys.modules.get("qcity.data.store")
    if store is not None:
        store.close_open_stores()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (``| head``)
            stream.flush()
    os._exit(code)


def _exit_code(code: object) -> int:
    """The process exit code of ``SystemExit(code)``: None is 0, a message is printed and 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
