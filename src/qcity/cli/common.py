"""What the commands that evaluate share: the operator's name, the progress display and
the framework of ``--framework``. Their data options are defined once in
``qcity.cli.options``; which inputs they select, and the checks of those options, are the
service's (``qcity.service.selection.choose_inputs``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:  # the engine is imported when a command runs, not when the CLI starts
    from qcity.service.access import Actor
    from qcity.service.frameworks import Framework

__all__ = ["cli_operator", "open_framework", "spinner", "stages"]


def cli_operator() -> Actor:
    """The operator running this command on the database directly, as the audit log names
    them: ``cli:<login>`` (``cli:unknown`` where the system has no login name)."""
    import getpass

    from qcity.service.access import operator

    try:
        return operator(getpass.getuser())
    except (KeyError, OSError):
        return operator("unknown")


def spinner() -> Progress:
    """The transient progress display (on stderr) of a command that reads and evaluates."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def open_framework(framework: str) -> tuple[Path, Framework]:
    """The file of ``--framework`` (a path, or the name of a shipped framework) and the
    framework read from it."""
    from qcity.service.frameworks import framework_path, load_framework

    path = framework_path(framework)
    return path, load_framework(path)


def stages(progress: Progress) -> Callable[[str], object]:
    """A new line of ``progress`` that shows the stage it is told."""
    task = progress.add_task("", total=None)
    return lambda text: progress.update(task, description=text)
