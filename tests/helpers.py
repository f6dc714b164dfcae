"""Paths shared by the tests: the repository and the read-only reference material."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
COINR = SHARED / "reference" / "coinr_asem"


def coinr_file(name: str) -> Path:
    """A COINr reference file; a clear failure (not a skip) when the folder is absent."""
    path = COINR / name
    if not path.exists():
        raise FileNotFoundError(
            f"COINr reference file {path} is missing: the tests need ../shared/reference "
            "beside the repository"
        )
    return path
