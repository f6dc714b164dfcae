"""qcity: a county-level city's self-evaluation indicator system.

Framework (YAML) + data store (every revision kept) -> evaluation pipeline
(impute -> treat -> normalise -> weight -> aggregate -> rank) -> monitoring,
benchmarking, robustness, reports.
"""

__version__ = "0.1.0"  # the one place: pyproject.toml reads it (dynamic = ["version"])
