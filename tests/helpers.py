"""Paths used by the tests: the repository and its reference data (tests/reference)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "reference"
COINR = REFERENCE / "coinr_asem"


def reference_file(relative: str) -> Path:
    """A file of the tests' reference data (tests/reference, see its README); a clear
    failure (never a skip) when it is absent."""
    path = REFERENCE / relative
    if not path.is_file():
        raise FileNotFoundError(
            f"tests/reference/{relative} is missing: restore it from the repository, or copy "
            "it from the shared reference folder with `python tools/refresh_test_data.py`"
        )
    return path


def coinr_file(name: str) -> Path:
    """A COINr 1.1.14 reference output of the ASEM example (tests/reference/coinr_asem)."""
    return reference_file(f"coinr_asem/{name}")
