"""Files and folders made immutable with ``chattr +i``, which stops root too (the tests
run as root, for whom permission bits do not count): a read-only file or an unwritable
folder for real. Where chattr cannot be used the test is skipped."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def immutable() -> Iterator[list[Path]]:
    """Paths made immutable with ``chattr +i`` (which stops root too), undone after."""
    paths: list[Path] = []
    yield paths
    for path in paths:
        subprocess.run(["chattr", "-i", str(path)], check=False, capture_output=True)


def make_immutable(path: Path, paths: list[Path]) -> None:
    """``chattr +i path`` or skip (no chattr, not root, or a file system without it)."""
    try:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    except FileNotFoundError:
        pytest.skip("chattr is not installed")
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {done.stderr.decode().strip()}")
    paths.append(path)
