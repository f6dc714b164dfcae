"""Command line: ``qcity COMMAND``. Each module of this package adds its commands to ``app``."""

from qcity.cli import ahp, data, demo, evaluate, framework, runs, serve  # noqa: F401  (registers commands)
from qcity.cli.app import app, main

__all__ = ["app", "main"]
