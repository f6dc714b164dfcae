"""File-system faults for tests. A full disk: the built-in ``open`` returns, for one
output file, a file whose ``write`` stores half of the data and then raises
``OSError(ENOSPC)`` without a file name, as the kernel does (a small tmpfs needs
privileges). A read-only file or an unwritable folder for real: ``chattr +i``, which stops
root too (the tests run as root, for whom permission bits do not count); where chattr
cannot be used the test is skipped."""

from __future__ import annotations

import builtins
import errno
import io
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


class _FullDisk:
    """A file object whose writes stop half-way with ENOSPC."""

    def __init__(self, fh: Any) -> None:
        self._fh = fh

    def write(self, data: Any) -> int:
        self._fh.write(data[: len(data) // 2])
        self._fh.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """``full_disk("name.csv")``: the disk fills up while a file of that name is written
    (under that name, or a hidden temporary one such as ``.name.<token>.part.csv``)."""

    def arm(name: str) -> None:
        real = builtins.open

        def opener(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            fh = real(file, mode, *args, **kwargs)
            if any(c in mode for c in "wax") and _is(Path(str(file)).name, Path(name)):
                return _FullDisk(fh)
            return fh

        monkeypatch.setattr(builtins, "open", opener)
        monkeypatch.setattr(io, "open", opener)

    return arm


def _is(written: str, name: Path) -> bool:
    """``written`` is ``name`` or a hidden temporary name made from it."""
    return written == name.name or (
        written.startswith(f".{name.stem}.") and written.endswith(name.suffix)
    )
