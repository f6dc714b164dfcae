"""Command line: ``qcity COMMAND``. Each module of this package adds its commands to ``app``."""

# importing a command module registers its commands
from qcity.cli import ahp, audit, data, demo, evaluate, framework, robust, runs  # noqa: F401
from qcity.cli.app import app

__all__ = ["app"]
