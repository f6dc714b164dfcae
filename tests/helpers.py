"""Paths shared by the tests: the repository and the read-only reference material."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
COINR = SHARED / "reference" / "coinr_asem"


def shared_file(relative: str) -> Path:
    """A file of the read-only reference material in ../shared; a clear failure (never a
    skip) when it is absent."""
    path = SHARED / relative
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: the tests need the reference folder ../shared beside the "
            "repository"
        )
    return path


def coinr_file(name: str) -> Path:
    """A COINr reference file (../shared/reference/coinr_asem)."""
    return shared_file(f"reference/coinr_asem/{name}")
