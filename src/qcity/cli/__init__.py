"""Command line: ``qcity COMMAND``. Each module of this package adds its commands to ``app``."""

from qcity.cli import (  # noqa: F401  (registers commands)
    ahp,
    audit,
    bulletin,
    compare,
    data,
    demo,
    evaluate,
    framework,
    monitor,
    ops,
    path,
    report,
    robust,
    runs,
    serve,
    users,
    workflow,
)
from qcity.cli.app import app, main

__all__ = ["app", "main"]
